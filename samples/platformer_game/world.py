"""The platformer's game logic, independent of pygame: a hero, enemies, coins and quest
checkpoints on a ``levels/smb-v1`` TileLevel.

Movement happens on the tile grid, one move every ``STEP`` seconds (the renderer glides between
cells). The moves are the ones the level's playability agent searched, from the NES physics of
:mod:`worldsmith.levels.physics`: walk; jump (a full jump while the hero rises, a head bump
ending it); steer a column at a time while the jump's current row allows; walk off a ledge. So
every level the agent solved is playable, and the ``--autoplay`` bot can replay the agent's
moves with ordinary inputs.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from _common import ending_distances

from worldsmith.levels.agents import entered, stage_step
from worldsmith.levels.physics import moves
from worldsmith.plots import PlotRunner

STEP = 0.1  # seconds per grid move
ENEMY_EVERY = 3  # enemies move once every this many hero steps
HURT_STEPS = 15  # invulnerable steps after a hit
SLASH_STEPS = 5  # steps a slash lasts (the sprite's 6 slash frames of 80 ms)


@dataclass(frozen=True)
class Input:
    """What the player holds this step: direction (-1, 0, 1), jump, and down (drop)."""

    dx: int = 0
    jump: bool = False
    down: bool = False


@dataclass
class Body:
    """A grid position, the jump stage (``phase``, 0 on the ground; see
    :class:`worldsmith.levels.physics.Moves`) with the columns still to steer in it, and the
    previous cell."""

    r: int
    c: int
    phase: int = 0
    steer: int = 0
    prev: tuple[int, int] = (0, 0)
    face: int = 1


@dataclass
class Dialog:
    """A quest box: the beat shown and its options; the game pauses while it is open."""

    beat: str
    text: str
    options: list[str]
    final: bool = False


@dataclass
class Stats:
    coins: int = 0
    stomps: int = 0
    hurts: int = 0
    slashes: int = 0
    falls: int = 0
    blocks: int = 0
    steps: int = 0
    events: list[str] = field(default_factory=list)


Move = tuple[int, int, int, int, "tuple[int, int] | None"]


def move(clear: list[list[bool]], r: int, c: int, phase: int, steer: int, inp: Input) -> Move:
    """One grid move: ``(row, col, phase, steer left, cell bumped by the head or None)``; a row
    past the bottom means a fall.

    On the ground: jump takes off (the hero stays in his cell), down at a ledge or a walk over it
    steps off, left/right walk. In the air: left/right steer one column while the stage allows,
    otherwise the feet move on to the next stage's row (up, unless a ceiling bumps the head;
    down, unless ground is there: then he stands).
    """
    m = moves()
    h, w = len(clear), len(clear[0])

    def free(rr: int, cc: int) -> bool:
        return 0 <= cc < w and 0 <= rr < h and clear[rr][cc]

    if phase == 0 and r + 1 < h and clear[r + 1][c]:
        phase, steer = m.drop, 0                                    # nothing underfoot: he falls
    if phase == 0:
        edge = inp.dx and free(r, c + inp.dx) and r + 1 < h and clear[r + 1][c + inp.dx]
        if inp.jump:
            phase, bump = entered(clear, r, c, m.jump, m)
            return r, c, phase, m.steer[phase], bump
        if edge or (inp.down and any(free(r, c + d) and r + 1 < h and clear[r + 1][c + d] for d in (-1, 1))):
            if not edge:
                return r, c, m.drop, m.steer[m.drop], None
            return r, c + inp.dx, m.drop, m.steer[m.drop] - 1, None
        return (r, c + inp.dx, 0, 0, None) if inp.dx and free(r, c + inp.dx) else (r, c, 0, 0, None)
    if inp.dx and steer > 0 and free(r, c + inp.dx):
        return r, c + inp.dx, phase, steer - 1, None
    r, c, phase, bump = stage_step(clear, r, c, phase, m)
    return r, c, phase, m.steer[phase] if phase else 0, bump


class World:
    """One level in play. ``update(dt, inp)`` advances real time; ``tick(inp)`` one grid move."""

    def __init__(self, level, quest=None, checkpoints: int | None = None):
        v = level.vocab
        tiles = np.array(level.tiles, copy=True)
        self.coins = {(int(r), int(c)) for r, c in zip(*np.nonzero(tiles == v.id("o")))}
        self.enemies = [Body(int(r), int(c), face=-1) for r, c in zip(*np.nonzero(tiles == v.id("E")))]
        tiles[np.isin(tiles, v.ids("oE"))] = v.id(v.empty)
        self.level, self.vocab, self.tiles = level, v, tiles
        self.clear = (~v.solid_mask()[tiles]).tolist()
        self.h, self.w = tiles.shape
        path = list(level.path or [])
        self.spawn = path[0] if path else self._first_stand(0)
        self.hero = Body(*self.spawn, prev=self.spawn)
        self.story = PlotRunner(quest) if quest is not None else None
        count = checkpoints if checkpoints is not None else self._default_checkpoints()
        self.checkpoints = self._place_checkpoints(path, count)
        self.dialog: Dialog | None = None
        self.stats = Stats()
        self.hurt = 0
        self.slash = 0
        self.won = False
        self.clock = 0.0

    # -- setup --------------------------------------------------------------------------------
    def _first_stand(self, c: int) -> tuple[int, int]:
        rows = [r for r in range(self.h - 2, -1, -1) if self.clear[r][c] and not self.clear[r + 1][c]]
        return (rows[0] if rows else 0), c

    def _default_checkpoints(self) -> int:
        if self.story is None:
            return 0
        return int(np.clip(ending_distances(self.story.graph).get(self.story.beat, 0), 2, 5))

    def _place_checkpoints(self, path: list[tuple[int, int]], count: int) -> list[tuple[int, int]]:
        """``count`` standing cells spread along the path, by column."""
        standing = [(r, c) for r, c in path if r + 1 < self.h and not self.clear[r + 1][c]]
        if not standing or not count:
            return []
        picks = []
        for i in range(1, count + 1):
            col = self.w * i / (count + 1)
            picks.append(min(standing, key=lambda rc: abs(rc[1] - col)))
        return sorted(set(picks), key=lambda rc: rc[1])

    # -- play ---------------------------------------------------------------------------------
    @property
    def paused(self) -> bool:
        return self.dialog is not None or self.won

    def update(self, dt: float, inp: Input) -> float:
        """Advance ``dt`` seconds; the fraction of the current step elapsed (for gliding)."""
        if self.paused:
            return 1.0
        self.clock += dt
        while self.clock >= STEP and not self.paused:
            self.clock -= STEP
            self.tick(inp)
        return min(1.0, self.clock / STEP)

    def tick(self, inp: Input) -> None:
        """One grid move of the hero (and, every few, of the enemies), then the rules."""
        if self.paused:
            return
        hero = self.hero
        hero.prev = (hero.r, hero.c)
        r, c, hero.phase, hero.steer, bumped = move(self.clear, hero.r, hero.c, hero.phase, hero.steer, inp)
        hero.face = inp.dx or hero.face
        if bumped is not None and bumped[0] >= 0:
            self._bump(*bumped)
        hero.r, hero.c = r, c
        self.stats.steps += 1
        self.hurt = max(0, self.hurt - 1)
        self.slash = max(0, self.slash - 1)
        if r >= self.h:
            return self._fall()
        if self.stats.steps % ENEMY_EVERY == 0:
            for enemy in self.enemies:
                self._walk(enemy)
        self._collide(fell=r > hero.prev[0])
        if (r, c) in self.coins:
            self.coins.discard((r, c))
            self.stats.coins += 1
        self._checkpoint()
        if c == self.w - 1:
            self.won = True
            self.stats.events.append("goal")

    def attack(self) -> bool:
        """A slash (X): an enemy in the hero's cell or the next one he faces is defeated.
        False while a slash is under way or the game is paused."""
        if self.paused or self.slash:
            return False
        self.slash = SLASH_STEPS
        hero = self.hero
        for enemy in [e for e in self.enemies if e.r == hero.r and e.c in (hero.c, hero.c + hero.face)]:
            self.enemies.remove(enemy)
            self.stats.slashes += 1
        return True

    def _bump(self, r: int, c: int) -> None:
        if self.tiles[r, c] == self.vocab.id("?"):
            self.tiles[r, c] = self.vocab.id("Q")
            self.stats.coins += 1
            self.stats.blocks += 1

    def _fall(self) -> None:
        self.stats.falls += 1
        passed = [cp for cp in self.checkpoints if cp[1] <= self.hero.prev[1]]
        r, c = passed[-1] if passed else self.spawn
        self.hero = Body(r, c, prev=(r, c))

    def _walk(self, enemy: Body) -> None:
        enemy.prev = (enemy.r, enemy.c)
        if enemy.r + 1 >= self.h:
            return
        if self.clear[enemy.r + 1][enemy.c]:
            enemy.r += 1
            return
        nc = enemy.c + enemy.face
        if 0 <= nc < self.w and self.clear[enemy.r][nc] and not self.clear[enemy.r + 1][nc]:
            enemy.c = nc
        else:
            enemy.face = -enemy.face

    def _collide(self, fell: bool) -> None:
        for enemy in [e for e in self.enemies if (e.r, e.c) == (self.hero.r, self.hero.c)]:
            if fell:
                self.enemies.remove(enemy)
                self.stats.stomps += 1
            elif not self.hurt:
                self.hurt = HURT_STEPS
                self.stats.hurts += 1
                self.stats.coins = max(0, self.stats.coins - 3)

    def _checkpoint(self) -> None:
        while self.checkpoints and self.hero.c >= self.checkpoints[0][1]:
            cp = self.checkpoints.pop(0)
            self.spawn = cp
            if self.story is not None and not self.story.ended:
                self.dialog = self._dialog()

    def _dialog(self) -> Dialog:
        return Dialog(self.story.beat, self.story.text, self.story.choices)

    def choose(self, index: int) -> bool:
        """Answer the open quest box with option ``index``; False if there is no such option."""
        if self.dialog is None or self.story is None or not 0 <= index < len(self.story.available()):
            return False
        self.story.choose(index)
        self.stats.events.append(f"chose {index} -> {self.story.beat}")
        self.dialog = None
        return True
