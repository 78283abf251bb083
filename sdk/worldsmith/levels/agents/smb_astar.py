"""A second SMB agent after Robin Baumgarten's A* agent (Mario AI competition 2009), the agent
MarioGAN and MarioGPT report playability with: A* over simulated frames of the Mario AI
framework's physics, not over tiles.

**Simulation** (the framework's ``Mario``/``Enemy`` sprites, re-implemented here): small Mario, a
4-pixel half-width and 12 pixels tall, feet at ``y``. Each frame: running adds 0.6 px/frame to his
speed (1.2 with *speed* held), a jump from the ground (jump not held the frame before) sets the
rise to 7 x -1.9 px/frame and holding jump keeps it at ``jumpTime x -1.9`` for 7 more frames;
then he moves (in 8-pixel steps, colliding with solid tiles at his corners and mid-height), and
his vertical speed decays by 0.85 and gravity adds 3 in the air; his horizontal speed decays by
0.89 (ground and air), so running tops out at 10.909 px/frame. Goombas (every ``E`` tile) spawn
when their column enters the 256-pixel camera around Mario (facing him), walk at 1.75 px/frame,
turn at walls, walk off ledges and fall (vertical decay 0.85, gravity 2). Touching one kills
small Mario unless he falls onto it (moving down, feet not below its feet, not standing two
frames running), which kills it and bounces him (8 x -1.9). Falling below the level is death;
Mario wins when he passes the last column's left edge.

**Search** (Baumgarten's ``AStarTree``/``SearchNode``): a node holds one action repeated for 2
frames; the actions are the framework's ten (jump, right, left, each with or without speed;
jumps only while Mario may jump or still rise); a child's cost is first estimated from his best
forward movement and only simulated when the node is picked (picked again if the simulation
is worse than the estimate); the cost is the remaining time to a distant goal at the top speed
plus 0.9 x the frames elapsed, with a 1500 penalty for a state near one already expanded
(within 2 px and 5 frames). A search stops when the best node is 176 px ahead of its start
(or, failing that within the budget, takes the furthest node if 20 px further); Mario plays
the plan's first 2 frames, then searches again from there. A search may simulate 3,000 nodes
(:data:`BUDGET`: what the framework's own agent simulates, 1,700-3,500, in a search that runs
into its 40 ms a frame, measured in Java 17 on this project's 2-core host); a run gives
up after 8 frames a column or 120 frames without getting further.

**Omitted** (none of them is in the VGLC tiles, or they need the framework's real-time loop):
koopas and their shells, spinies, winged enemies, piranha plants, bullet bills from cannons
(``B``/``b`` are plain solid tiles), fireballs, mushrooms and flowers (Mario stays small: one
touch is death), bumping blocks (``?`` and ``S`` are plain solid tiles; coins are not
collected), enemies leaving and re-entering the screen (an enemy spawns once and is simulated
until it dies or falls out), the wall jump, ducking; the search budget is a count of simulated
nodes (deterministic) instead of Baumgarten's 40 ms a frame; nodes that die are dropped
instead of kept with a 1,000,000 penalty; floats are doubles, not Java floats.

>>> import numpy as np
>>> from worldsmith.types.tiles import SMB
>>> flat = np.full((14, 40), SMB.id("-"), np.uint8); flat[12:] = SMB.id("X")
>>> run = astar_run(flat)
>>> run.finished, run.far, run.cause
(True, 39, 'win')
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass, field

import numpy as np

from worldsmith.levels.agents.graph import Path
from worldsmith.types.tiles import SMB

TILE = 16
INERTIA = 0.89          # horizontal speed kept per frame (ground and air)
WALK, RUN = 0.6, 1.2    # px/frame^2 added while left/right is held (RUN: speed held)
JUMP_SPEED = -1.9       # px/frame per remaining jump frame
JUMP_TIME = 7           # frames a held jump keeps rising
STOMP_TIME = 8          # the bounce after a stomp
Y_DECAY = 0.85          # vertical speed kept per frame
GRAVITY = 3.0           # px/frame^2 added in the air (Mario)
MARIO_W, MARIO_H = 4, 12  # half-width and height of small Mario (px)
GOOMBA_SPEED, GOOMBA_GRAVITY = 1.75, 2.0
GOOMBA_W, GOOMBA_H = 4, 12
CAMERA = 256            # px: the framework's screen width; enemies spawn inside it (+1 tile)
MAX_SPEED = 10.9090909  # px/frame: Baumgarten's top running speed
VISITED_PENALTY = 1500
MAX_RIGHT = 176         # px ahead at which a search is done
REPETITIONS = 2         # frames per search node (and frames played per plan)
BUDGET = 3000           # simulated nodes per search (the Java agent's, measured)
STUCK = 120             # frames without a new furthest x before the agent gives up

#: (left, right, jump, speed), in the framework's order; jumps only while Mario can jump higher
ACTIONS = ((0, 0, 1, 0), (0, 0, 1, 1), (0, 1, 0, 1), (0, 1, 1, 1), (0, 1, 0, 0), (0, 1, 1, 0),
           (1, 0, 0, 0), (1, 0, 1, 0), (1, 0, 0, 1), (1, 0, 1, 1))
IDLE = (0, 0, 0, 0)

# sprite fields: Mario [x, y, xa, ya, on_ground, was_on_ground, may_jump, jump_time, invulnerable];
# goomba [x, y, xa, ya, on_ground, facing]
X, Y, XA, YA, GROUND = range(5)


class _Level:
    """The solid tiles, read as the framework does: columns clamped to the level, rows above
    or below it empty."""

    def __init__(self, tiles: np.ndarray):
        self.h, self.w = tiles.shape
        self.solid = SMB.solid_mask()[tiles].tolist()
        #: solid (column, row) cells, with the columns beyond either end as the end ones
        self.cells = {(c, r) for r, row in enumerate(self.solid) for c in range(-4, self.w + 24)
                      if row[min(max(c, 0), self.w - 1)]}
        enemy = np.argwhere(tiles == SMB.id("E"))
        self.enemies = sorted((int(c), int(r)) for r, c in enemy)   # spawn order: by column


def _move(level: _Level, s: list, xa: float, ya: float, w: int, h: int, mario: bool) -> bool:
    """The framework's ``move``: 8-pixel steps, stopping at the first collision (snapped to the
    tile edge); ``True`` if the whole move was free."""
    while xa > 8:
        if not _move(level, s, 8, 0, w, h, mario):
            return False
        xa -= 8
    while xa < -8:
        if not _move(level, s, -8, 0, w, h, mario):
            return False
        xa += 8
    while ya > 8:
        if not _move(level, s, 0, 8, w, h, mario):
            return False
        ya -= 8
    while ya < -8:
        if not _move(level, s, 0, -8, w, h, mario):
            return False
        ya += 8
    x, y = s[X], s[Y]
    own = (int(x / TILE), int(y / TILE))
    nx, ny = x + xa, y + ya
    points: tuple = ()
    if ya > 0:
        points = ((nx - w, ny), (nx + w, ny), (nx - w, ny + 1), (nx + w, ny + 1))
    elif ya < 0:
        points = ((nx, ny - h), (nx - w, ny - h), (nx + w, ny - h))
    if xa:
        side = nx + w if xa > 0 else nx - w
        points += ((side, ny - h), (side, ny - h / 2), (side, ny))
    cells, collide = level.cells, False
    for px, py in points:
        cell = (int(px / TILE), int(py / TILE))
        if cell in cells and cell != own:
            collide = True
            break
    if not collide:
        s[X], s[Y] = nx, ny
        return True
    if xa < 0:
        s[X], s[XA] = int((x - w) / TILE) * TILE + w, 0.0
    if xa > 0:
        s[X], s[XA] = int((x + w) / TILE + 1) * TILE - w - 1, 0.0
    if ya < 0:
        s[Y], s[YA] = int((y - h) / TILE) * TILE + h, 0.0
        if mario:
            s[7] = 0                                   # a head bump ends the jump
    if ya > 0:
        s[Y] = (int((y - 1) / TILE + 1) if mario else int(y / TILE + 1)) * TILE - 1
        s[GROUND] = True
    return False


@dataclass
class World:
    """One moment of the game: Mario, the live goombas, how many of the level's goombas have
    spawned, and ``status`` (``"run"``, ``"win"``, ``"fell"``, ``"hurt"``)."""

    mario: list
    goombas: list = field(default_factory=list)
    spawned: int = 0
    status: str = "run"

    def copy(self) -> World:
        return World(self.mario[:], [g[:] for g in self.goombas], self.spawned, self.status)


def start_world(level: _Level) -> World:
    """Mario standing on the lowest ground of column 0 (the first agent's start), or falling
    from the top if there is none."""
    rows = [r for r in range(level.h - 1) if level.solid[r + 1][0] and not level.solid[r][0]]
    r = rows[-1] if rows else 0
    return World([8.0, float(r * TILE + TILE - 1), 0.0, 0.0, bool(rows), bool(rows), True, 0, 0])


def _spawn(level: _Level, world: World) -> None:
    """Goombas whose column entered the camera (centred on Mario, clamped to the level)."""
    m = world.mario
    cam = min(max(m[X] - CAMERA / 2, 0), max(level.w * TILE - CAMERA, 0))
    right = int((cam + CAMERA) / TILE) + 1
    while world.spawned < len(level.enemies) and level.enemies[world.spawned][0] <= right:
        c, r = level.enemies[world.spawned]
        ex = c * TILE + 8
        facing = -1 if ex > m[X] + 16 else 1
        world.goombas.append([float(ex), float(r * TILE + 15), 0.0, 0.0, False, facing])
        world.spawned += 1


def _mario_tick(level: _Level, m: list, keys: tuple) -> None:
    left, right, jump, speed = keys
    if m[8] > 0:
        m[8] -= 1
    m[5] = m[GROUND]
    side = RUN if speed else WALK
    if jump:
        if m[GROUND] and m[6]:
            m[7] = JUMP_TIME
            m[YA] = JUMP_TIME * JUMP_SPEED
            m[GROUND] = False
        elif m[7] > 0:
            m[YA] = m[7] * JUMP_SPEED
            m[7] -= 1
    else:
        m[7] = 0
    if left:
        m[XA] -= side
    if right:
        m[XA] += side
    m[6] = m[GROUND] and not jump
    if abs(m[XA]) < 0.5:
        m[XA] = 0.0
    m[GROUND] = False
    _move(level, m, m[XA], 0, MARIO_W, MARIO_H, True)
    _move(level, m, 0, m[YA], MARIO_W, MARIO_H, True)
    if m[X] < 0:
        m[X], m[XA] = 0.0, 0.0
    m[YA] *= Y_DECAY
    m[XA] *= INERTIA
    if not m[GROUND]:
        m[YA] += GRAVITY


def _goomba_tick(level: _Level, g: list) -> None:
    if g[XA] > 2:
        g[5] = 1
    if g[XA] < -2:
        g[5] = -1
    g[XA] = g[5] * GOOMBA_SPEED
    if not _move(level, g, g[XA], 0, GOOMBA_W, GOOMBA_H, False):
        g[5] = -g[5]
    g[GROUND] = False
    _move(level, g, 0, g[YA], GOOMBA_W, GOOMBA_H, False)
    g[YA] *= Y_DECAY
    g[XA] *= INERTIA
    if not g[GROUND]:
        g[YA] += GOOMBA_GRAVITY


def _collide(level: _Level, world: World) -> None:
    """The framework's ``Enemy.collideCheck`` for each goomba: a stomp or death."""
    m, keep = world.mario, []
    for g in world.goombas:
        dx, dy = m[X] - g[X], m[Y] - g[Y]
        if -GOOMBA_W * 2 - 4 < dx < GOOMBA_W * 2 + 4 and -GOOMBA_H < dy < MARIO_H:
            if m[YA] > 0 and dy <= 0 and (not m[GROUND] or not m[5]):
                _move(level, m, 0, g[Y] - GOOMBA_H / 2 - m[Y], MARIO_W, MARIO_H, True)
                m[7], m[YA], m[GROUND], m[8] = STOMP_TIME, STOMP_TIME * JUMP_SPEED, False, 1
                continue
            if m[8] <= 0:
                world.status = "hurt"
        keep.append(g)
    world.goombas = keep


def tick(level: _Level, world: World, keys: tuple) -> None:
    """One frame of the game with ``keys`` = (left, right, jump, speed) held, in place."""
    _spawn(level, world)
    m = world.mario
    _mario_tick(level, m, keys)
    if m[X] > (level.w - 1) * TILE:
        world.status = "win"
        return
    bottom = level.h * TILE + TILE
    for g in world.goombas:
        _goomba_tick(level, g)
    world.goombas = [g for g in world.goombas if g[Y] <= bottom]
    _collide(level, world)
    if m[Y] > bottom and world.status == "run":
        world.status = "fell"


def _remaining(x: float, xa: float) -> float:
    """Baumgarten's ``calcRemainingTime``: frames to a far goal at the top speed, after the
    distance the current speed ``xa`` still carries Mario over 1000 frames."""
    t, s0 = 1000, xa
    ahead = (99.17355373 * INERTIA ** (t + 1) - 9.090909091 * s0 * INERTIA ** (t + 1)
             + 10.90909091 * t - 88.26446282 + 9.090909091 * s0)
    return (100000 - (ahead + x)) / MAX_SPEED - 1000


def _forward(xa: float, keys: tuple, frames: int) -> tuple[float, float]:
    """Baumgarten's optimistic forward movement under ``keys``: (distance, speed after)."""
    accel = (RUN if keys[3] else WALK) * (keys[1] - keys[0])
    dist = 0.0
    for _ in range(frames):
        xa += accel
        dist += xa
        xa *= INERTIA
    return dist, xa


class _Node:
    __slots__ = ("parent", "keys", "world", "time", "estimate", "real", "visited", "depth")

    def __init__(self, parent: _Node | None, keys: tuple, world: World | None = None):
        self.parent, self.keys, self.world, self.visited = parent, keys, world, False
        self.time = parent.time + REPETITIONS if parent else 0
        self.depth = parent.depth + 1 if parent else 0
        self.real = 0.0
        if parent is None:
            self.estimate = _remaining(world.mario[X], 0.0)
        else:
            dist, xa = _forward(parent.world.mario[XA], keys, REPETITIONS)
            self.estimate = _remaining(parent.world.mario[X] + dist, xa)

    def remaining(self) -> float:
        """Baumgarten's ``getRemainingTime``: the simulated cost (with the visited penalty) once
        simulated, else the estimate."""
        if self.real > 0:
            return self.real + (VISITED_PENALTY if self.visited else 0)
        return self.estimate

    def can_jump_higher(self) -> bool:
        m = self.world.mario
        return m[6] or m[7] > 0


def _children(node: _Node) -> list[_Node]:
    jump = node.can_jump_higher() or (node.parent is not None and node.parent.can_jump_higher())
    return [_Node(node, keys) for keys in ACTIONS if jump or not keys[2]]


def search(level: _Level, world: World, budget: int = BUDGET,
           horizon: float = MAX_RIGHT) -> tuple[list[tuple], int]:
    """Baumgarten's A* from ``world``: the keys for each frame of the best plan found, and the
    nodes simulated; done once the best node is ``horizon`` px ahead."""
    root = _Node(None, IDLE, world)
    start_x, order = world.mario[X], 0
    pool: list = []

    def push(node: _Node) -> None:
        nonlocal order
        order += 1
        heapq.heappush(pool, (node.remaining() + node.time * 0.9, order, node))

    for child in _children(root):
        push(child)
    best = furthest = current = root
    visited: dict[tuple[int, int], list[int]] = {}
    good, sims = False, 0
    while pool and (best.world.mario[X] - start_x < horizon or not good) and sims < budget:
        current = heapq.heappop(pool)[2]
        good = False
        if current.world is None:
            sims += 1
            current.world = current.parent.world.copy()
            for _ in range(REPETITIONS):
                tick(level, current.world, current.keys)
                if current.world.status != "run":
                    break
            current.real = _remaining(current.world.mario[X], current.world.mario[XA])
        status = current.world.status
        if status in ("fell", "hurt"):
            continue                                      # dropped (Baumgarten: a 1e6 penalty)
        if status == "win":
            best = current
            break
        real = current.real + (VISITED_PENALTY if current.visited else 0)
        x, y = int(current.world.mario[X]), int(current.world.mario[Y])
        if not current.visited and _seen(visited, x, y, current.time):
            current.visited = True                        # re-simulated, it costs real + the penalty
            current.estimate = real + VISITED_PENALTY
            push(current)
        elif real - current.estimate > 0.1:
            current.estimate = real
            push(current)
        else:
            good = True
            visited.setdefault((x, y), []).append(current.time)
            for child in _children(current):
                push(child)
        if good:
            if best.remaining() > current.remaining():
                best = current
            if current.world.mario[X] > furthest.world.mario[X]:
                furthest = current
    if (best.world.status != "win" and current.world is not None
            and current.world.mario[X] - start_x < horizon
            and furthest.world.mario[X] > best.world.mario[X] + 20):
        best = furthest
    plan: list[tuple] = []
    while best.parent is not None:
        plan[:0] = [best.keys] * REPETITIONS
        best = best.parent
    return plan, sims


def _seen(visited: dict, x: int, y: int, t: int) -> bool:
    """Baumgarten's ``isInVisited``: an expanded state within 2 px and 5 frames before ``t``."""
    for vx in (x - 1, x, x + 1):
        for vy in (y - 1, y, y + 1):
            for vt in visited.get((vx, vy), ()):
                if t >= vt and t - vt < 5:
                    return True
    return False


@dataclass
class AStarRun:
    """How a run went: ``finished``, ``cause`` (``win``, ``fell``, ``hurt``, ``stuck``,
    ``timeout``), ``far`` (furthest column), ``frames`` played, ``nodes`` simulated, and
    Mario's ``(x, y)`` (px, feet) after each frame."""

    finished: bool
    cause: str
    far: int
    frames: int
    nodes: int
    trace: list[tuple[float, float]]

    def cells(self) -> Path:
        """The ``(row, col)`` cells Mario's feet pass through, in order (the first agent's
        path format)."""
        out: Path = []
        for x, y in self.trace:
            cell = (int(max(y - 1, 0) / TILE), int(x / TILE))
            if not out or out[-1] != cell:
                out.append(cell)
        return out


def astar_run(tiles: np.ndarray, budget: int = BUDGET, max_frames: int | None = None,
              horizon: float = MAX_RIGHT) -> AStarRun:
    """Play ``tiles`` (SMB ids) with the A* agent from column 0 to the last column: search
    (``budget`` simulated nodes, ``horizon`` px ahead: Baumgarten's 176 by default), play the
    plan's first :data:`REPETITIONS` frames, repeat.
    Gives up after ``max_frames`` (default 8 per column) or :data:`STUCK` frames without
    getting further."""
    level = _Level(tiles)
    world = start_world(level)
    max_frames = max_frames or 8 * level.w
    trace, frames, best_x, since, nodes = [], 0, world.mario[X], 0, 0
    cause = "timeout"
    while frames < max_frames:
        plan, sims = search(level, world, budget, horizon)
        nodes += sims
        plan = plan[:REPETITIONS] or [IDLE]
        for keys in plan:
            tick(level, world, keys)
            frames += 1
            trace.append((world.mario[X], world.mario[Y]))
            since = 0 if world.mario[X] > best_x else since + 1
            best_x = max(best_x, world.mario[X])
            if world.status != "run":
                break
        if world.status != "run":
            cause = world.status
            break
        if since >= STUCK:
            cause = "stuck"
            break
    far = min(int(best_x / TILE), level.w - 1)
    return AStarRun(cause == "win", cause, far, frames, nodes, trace)


def astar_path(tiles: np.ndarray) -> Path | None:
    """The A* agent's cells from the start to the last column, or ``None`` if it fails.

    >>> flat = np.full((14, 20), SMB.id("-"), np.uint8); flat[12:] = SMB.id("X")
    >>> astar_path(flat)[:2], astar_path(flat)[-1]
    ([(11, 0), (11, 1)], (11, 19))
    """
    run = astar_run(tiles)
    return run.cells() if run.finished else None


def astar_fails(tiles: np.ndarray) -> int | None:
    """``None`` if the A* agent finishes ``tiles``, else the furthest column it reached (the
    generator's ``agent="both"`` check).

    >>> pit = np.full((14, 40), SMB.id("-"), np.uint8); pit[12:, :10] = SMB.id("X")
    >>> astar_fails(pit)                      # he leaps as far as he can, then falls
    21
    """
    run = astar_run(tiles)
    return None if run.finished else run.far
