"""Playability agents: each searches a level and returns the path it found, or ``None``.

- SMB: breadth-first search over Mario's standing cells and airborne stages, with the moves
  derived from the NES game's physics in :mod:`worldsmith.levels.physics` (running jumps of up to
  4 tiles, gaps up to 7 wide at equal height, fewer under a ceiling; head bumps end a rise; he
  steers in the air). From the lowest standing cell of column 0 to any cell of the last column.
  Pipes, bricks, blocks, ground and cannons are solid; enemies and coins are not.
- Lode Runner: from the single player start ``M``, every gold ``G`` in turn (the nearest from
  which the rest stay in reach) by
  walking, ladders, ropes, falls and digging a brick ``b`` below-beside to drop through it
  (holes refill, so digging only leads down). In a hole, a brick beside it with open space above
  counts as dug too (dug from the row above before dropping in), so the player can dig the brick
  below that one: the two-wide hole by which players go down two layers. Hole timing and enemies
  are not modelled.
- Zelda: every door, and every walkable tile (floor, monster, stair, water floor) reachable
  from the doors with 4-connected steps; with ``ladder`` (the default, NES Zelda's stepladder)
  the hero also crosses one tile of water ``P`` in a straight line between walkable tiles.

Paths are lists of ``(row, col)``. ``solve(level)`` dispatches on the level's game.

>>> import numpy as np
>>> from worldsmith.types.tiles import parse_text, vocab
>>> flat = parse_text("------\\n------\\n--X---\\nXX-XXX\\n", vocab("smb"))
>>> smb_path(flat)[-1][1]
5
"""
from __future__ import annotations

import heapq
from collections import deque
from typing import Callable, Iterable

import numpy as np

from worldsmith.levels.physics import Moves, moves
from worldsmith.types.tiles import LODERUNNER, SMB, ZELDA

Cell = tuple[int, int]
Path = list[Cell]


State = tuple[int, int, int]  # (row, col, phase of worldsmith.levels.physics.Moves; 0 standing)


def smb_search(tiles: np.ndarray) -> tuple[Path | None, int]:
    """Mario's path to the last column (or ``None``) and the furthest column he reaches (see
    :func:`smb_states`)."""
    states, far = smb_states(tiles)
    return (None if states is None else smb_cells(states)), far


def smb_cells(states: list[State]) -> Path:
    """The cells Mario passes through, in order, from his states."""
    path: Path = []
    for r, c, _ in states:
        if not path or path[-1] != (r, c):
            path.append((r, c))
    return path


def smb_states(tiles: np.ndarray) -> tuple[list[State] | None, int]:
    """Mario's states from the start to the last column, one per move (a walk or steer of one
    column, a take-off, a stage of a jump or fall), or ``None``; and the furthest column reached.
    Exhaustive (:class:`SmbSearch` without a lookback): ``None`` means no path exists."""
    return SmbSearch(tiles).run()


class SmbSearch:
    """Best-first search over Mario's standing cells and airborne stages
    (:class:`worldsmith.levels.physics.Moves`), the furthest column first: standing, Mario walks,
    walks off a ledge or jumps; airborne, he steers up to the stage's columns along his row
    (through clear cells), then his feet move to the stage's next row; a ceiling ends a rise (head
    bump), ground below ends a fall (he stands). From the lowest standing cell of column 0 to any
    cell of the last column.

    Exhaustive by default (the verdict and the furthest column are those of any complete search).
    With ``lookback`` L it gives up once every state within L columns behind the furthest one is
    spent: a generator then changes the tiles from some column on and :meth:`retile` keeps the
    states reached without reading them, so a level costs about linear in its width, however
    often it is re-sampled.

    >>> ground, air = SMB.id("X"), SMB.id("-")
    >>> gap = np.full((4, 30), air, np.uint8)
    >>> gap[3, :12] = gap[3, 21:] = ground            # a pit 9 wide: too wide
    >>> search = SmbSearch(gap, lookback=8)
    >>> search.run()[0] is None, search.far
    (True, 15)
    >>> gap[3, 12:21] = ground                         # re-made from column 12 on
    >>> search.retile(gap, 12)
    >>> search.run()[0][-1][:2]
    (2, 29)
    """

    def __init__(self, tiles: np.ndarray, lookback: int | None = None):
        self.m, self.lookback = moves(), lookback
        self.phases = len(self.m.row)
        self.margin = max(self.m.steer) + 1              # columns a move reads either side of its own
        self._order = 0
        self._tiles(tiles)
        self._start()

    def _start(self) -> None:
        """An empty search from the lowest standing cell of column 0 (if any)."""
        self.parent: dict[int, int] = {}
        self.top: dict[int, int] = {}                    # state -> furthest column of its moves
        self.by_top: list[list[int]] = [[] for _ in range(self.w)]
        self.pushed: dict[int, int] = {}                 # state -> its live heap entry
        self.heap: list[tuple[int, int, int]] = []
        self.far = 0
        starts = [r for r in range(self.h - 2, -1, -1) if self.clear[r][0] and self._stands(r, 0)]
        if starts:
            self._visit(starts[0], 0, 0, -1)

    def _tiles(self, tiles: np.ndarray, start: int = 0) -> None:
        """Read the tiles (from column ``start`` on; the rest are as before)."""
        solid = SMB.solid_mask()[tiles[:, start:]]                         # (h, w - start)
        code = _cell_codes(~solid).tolist()                                # a column's codes read that column only
        solid = solid.tolist()
        if start == 0:
            self.h, self.w = tiles.shape
            self.solid, self.clear, self.code = solid, [[not s for s in row] for row in solid], code
            return
        for r, row in enumerate(solid):
            self.solid[r][start:] = row
            self.clear[r][start:] = [not s for s in row]
            self.code[r][start:] = code[r]

    def _stands(self, r: int, c: int) -> bool:
        return r + 1 < self.h and self.solid[r + 1][c]

    def _visit(self, r: int, c: int, phase: int, key: int) -> None:
        nxt = (r * self.w + c) * self.phases + phase
        if nxt not in self.parent:
            self.parent[nxt] = key
            top = max(c, self.top[key]) if key >= 0 else c
            self.top[nxt] = top
            self.by_top[top].append(nxt)
            self._push(nxt, c)

    def _push(self, key: int, c: int) -> None:
        self._order += 1
        self.pushed[key] = self._order
        heapq.heappush(self.heap, (-c, self._order, key))

    def _moves(self, r: int, c: int, phase: int) -> list[State]:
        """The states one move leads to from ``(r, c)`` in ``phase`` (what :func:`entered` and
        :func:`stage_step` give, looked up by the cell's :func:`_cell_codes`)."""
        clear, code, w = self.clear[r], self.code[r], self.w
        out: list[State] = []
        if phase == 0:                                   # standing
            edge = False
            for c2 in (c - 1, c + 1):
                if 0 <= c2 < w and clear[c2]:
                    if code[c2] >> 2 == _SOLID_BELOW:
                        out.append((r, c2, 0))
                    else:
                        edge = True
            out.append((r, c, _TABLES.jump[code[c]]))
            if edge:
                out.append((r, c, self.m.drop))          # walk off the ledge
            return out
        table = _TABLES.stage[phase]
        for c2 in _steer(clear, c, self.m.steer[phase], w):
            move = table[code[c2]]
            if move is not None:
                out.append((r + move[0], c2, move[1]))
        return out

    def run(self) -> tuple[list[State] | None, int]:
        """Search on: the states to the last column, or ``None`` (no path, or stuck past the
        lookback); and the furthest column reached (also :attr:`far`)."""
        w, phases, step = self.w, self.phases, self._moves
        heap, pushed, parent, top, by_top = self.heap, self.pushed, self.parent, self.top, self.by_top
        push, pop = heapq.heappush, heapq.heappop  # hot loop: locals, and _visit inlined (a call a state: +25%)
        limit = -1 if self.lookback is None else self.lookback
        while heap:
            negc, order, key = heap[0]
            if pushed.get(key) != order:                 # dropped by a retile, or pushed again
                pop(heap)
                continue
            c = -negc
            if limit >= 0 and c < self.far - limit:
                return None, self.far
            pop(heap)
            cell, phase = divmod(key, phases)
            if c > self.far:
                self.far = c
            if c == w - 1:
                return _unwind(parent, key, phases, w), self.far
            reach = top[key]
            for r2, c2, phase2 in step(cell // w, c, phase):
                nxt = (r2 * w + c2) * phases + phase2
                if nxt not in parent:
                    parent[nxt] = key
                    t = c2 if c2 > reach else reach
                    top[nxt] = t
                    by_top[t].append(nxt)
                    self._order += 1
                    pushed[nxt] = self._order
                    push(heap, (-c2, self._order, nxt))
        return None, self.far

    def retile(self, tiles: np.ndarray, start: int) -> None:
        """The tiles changed from column ``start`` on: drop the states whose moves from the start
        read a changed tile (those whose furthest column reaches ``start`` less a move's reach),
        and search on from the states near the change and the parents of the dropped ones. Costs
        about the states dropped, not the states searched."""
        self._tiles(tiles, max(0, min(start, self.w)))
        edge = start - self.margin
        if edge <= 0:                                      # the start itself changed
            self._start()
            return
        again = set()
        for bucket in self.by_top[edge:]:
            for key in bucket:
                del self.top[key], self.pushed[key]
                again.add(self.parent.pop(key))
            bucket.clear()
        near = [key for bucket in self.by_top[max(0, edge - self.margin - (self.lookback or 0)):edge]
                for key in bucket]
        for key in sorted(again.intersection(self.parent).union(near)):
            self._push(key, key // self.phases % self.w)
        self.far = max((t for t in range(edge) if self.by_top[t]), default=0)


_SOLID_BELOW = 1  # the "below" part of a cell code: 0 clear, 1 solid, 2 the bottom row


def _cell_codes(clear: np.ndarray) -> np.ndarray:
    """Per cell of a ``(h, w)`` clear mask, all that a move through it reads besides its own row:
    ``above + 2 * two_above + 4 * below`` (above, two above: clear and inside the level; below:
    0 clear, 1 solid, 2 the bottom row)."""
    code = np.zeros(clear.shape, np.int8)
    code[1:] += clear[:-1]
    code[2:] += 2 * clear[:-2]
    code[:-1] += 4 * ~clear[1:]
    code[-1] += 8
    return code


class _Tables:
    """:func:`stage_step` and :func:`entered` tabulated by cell code (:func:`_cell_codes`):
    ``stage[phase][code]`` is ``(rows moved, next phase)`` or ``None`` (out of the level);
    ``jump[code]`` the phase a jump starts in."""

    def __init__(self, m: Moves):
        columns = {code: self._column(code) for code in range(12)}        # clear cells, Mario at row 2
        self.stage = [[self._step(columns[code], p, m) for code in range(12)] if p else None
                      for p in range(len(m.row))]
        self.jump = [entered(columns[code], 2, 0, m.jump, m)[0] for code in range(12)]

    @staticmethod
    def _column(code: int) -> list[list[bool]]:
        above, two_above, below = code & 1, code >> 1 & 1, code >> 2
        rows = [two_above, above, True] + ([] if below == 2 else [below == 0])
        return [[bool(v)] for v in rows]

    @staticmethod
    def _step(column: list[list[bool]], phase: int, m: Moves) -> tuple[int, int] | None:
        r2, _, phase2, _ = stage_step(column, 2, 0, phase, m)
        return None if r2 >= len(column) else (r2 - 2, phase2)


def _steer(row: list[bool], c: int, steer: int, w: int) -> list[int]:
    """Columns reachable along one row from ``c`` with up to ``steer`` moves through clear cells."""
    out = [c]
    for dc in (-1, 1):
        c2 = c + dc
        while abs(c2 - c) <= steer and 0 <= c2 < w and row[c2]:
            out.append(c2)
            c2 += dc
    return out


def entered(clear: list[list[bool]], r: int, c: int, phase: int, m: Moves | None = None) -> tuple[int, Cell | None]:
    """The phase Mario is in on entering ``(r, c)`` in ``phase``, and the cell his head bumps: a
    ceiling right above a rising stage ends the rise there."""
    m = m or moves()
    if m.bump[phase] >= 0 and (r == 0 or not clear[r - 1][c]):
        return m.bump[phase], (r - 1, c)
    return phase, None


def stage_step(clear: list[list[bool]], r: int, c: int, phase: int,
               m: Moves | None = None) -> tuple[int, int, int, Cell | None]:
    """Where Mario's feet go when the stage ``phase`` ends at ``(r, c)``: ``(row, col, phase, cell
    his head bumped)``; up a row (or a head bump, then down), down a row, or standing (phase 0)
    when ground is below; row ``len(clear)`` when he falls out of the level. The agent and the
    platformer sample both move by it."""
    m, h = m or moves(), len(clear)
    nxt, bump = m.next[phase], None
    if nxt < 0:
        return h, c, 0, None
    if m.row[nxt] > m.row[phase]:                        # rising
        if r > 0 and clear[r - 1][c]:
            return (r - 1, c, *entered(clear, r - 1, c, nxt, m))
        nxt, bump = m.next[m.bump[phase]], (r - 1, c)    # steered under a ceiling: he falls from here
    if r + 1 >= h:
        return h, c, 0, bump                             # out of the level
    if not clear[r + 1][c]:
        return r, c, 0, bump                             # lands
    return r + 1, c, nxt, bump


_TABLES = _Tables(moves())


def _unwind(parent: dict[int, int], key: int, phases: int, w: int) -> list[State]:
    """The states from the start to ``key``, with the columns steered through filled in."""
    states: list[State] = []
    while key != -1:
        cell, phase = divmod(key, phases)
        states.append((*divmod(cell, w), phase))
        key = parent[key]
    states.reverse()
    out = states[:1]
    for r, c, phase in states[1:]:
        pr, pc, pphase = out[-1]
        if pphase and c != pc:                              # steered along the row, then moved on
            step = 1 if c > pc else -1
            last = c if r != pr else c - step
            out.extend((pr, cc, pphase) for cc in range(pc + step, last + step, step))
        out.append((r, c, phase))
    return out


def smb_path(tiles: np.ndarray) -> Path | None:
    """Mario's path from the start column to the last column, or ``None``."""
    return smb_search(tiles)[0]


def _bfs(start: tuple[int, int], moves: Callable[[int, int], Iterable[tuple[int, int]]],
         goals: set[tuple[int, int]] | None = None) -> tuple[dict, tuple[int, int] | None]:
    """Breadth-first search; stops at the first cell in ``goals`` (parents, goal reached)."""
    parent = {start: None}
    queue = deque([start])
    while queue:
        cell = queue.popleft()
        if goals and cell in goals:
            return parent, cell
        for nxt in moves(*cell):
            if nxt not in parent:
                parent[nxt] = cell
                queue.append(nxt)
    return parent, None


def _trace(parent: dict, cell: tuple[int, int]) -> Path:
    path = []
    while cell is not None:
        path.append(cell)
        cell = parent[cell]
    return path[::-1]


def _tour(start: tuple[int, int], targets: set[tuple[int, int]],
          moves: Callable[[int, int], Iterable[tuple[int, int]]]) -> Path | None:
    """Visit every target: next the nearest one from which every target left stays in reach
    (moves can be one-way: falls, digs); ``None`` if no such order is found greedily."""
    path, here, left = [start], start, set(targets) - {start}
    while left:
        parent, _ = _bfs(here, moves)
        goal = next((cell for cell in parent if cell in left and
                     left - {cell} <= set(_bfs(cell, moves)[0])), None)  # BFS order: nearest first
        if goal is None:
            return None
        path += _trace(parent, goal)[1:]
        here = goal
        left.discard(goal)
    return path


def _lr_moves(tiles: np.ndarray) -> Callable[[int, int], Iterable[tuple[int, int]]]:
    h, w = tiles.shape
    solid = LODERUNNER.solid_mask()[tiles].tolist()
    ladder, rope, brick = LODERUNNER.id("#"), LODERUNNER.id("-"), LODERUNNER.id("b")
    t = tiles.tolist()

    def moves(r: int, c: int) -> Iterable[tuple[int, int]]:
        held = t[r][c] in (ladder, rope)
        below = r + 1 < h and (solid[r + 1][c] or t[r + 1][c] == ladder)
        if not (held or below or r == h - 1):
            yield r + 1, c  # falling
            return
        in_hole = t[r][c] == brick
        for dc in (-1, 1):
            if not 0 <= c + dc < w:
                continue
            side = t[r][c + dc]
            if not solid[r][c + dc]:
                yield r, c + dc
            dug = in_hole and r > 0 and side == brick and not solid[r - 1][c + dc] \
                and t[r - 1][c + dc] not in (ladder, rope)  # the brick beside was dug from above
            if (not solid[r][c + dc] or dug) and side not in (ladder, rope) and r + 1 < h and \
                    t[r + 1][c + dc] == brick:
                yield r + 1, c + dc  # dig the brick below-beside and drop into the hole
        if t[r][c] == ladder and r > 0 and not solid[r - 1][c]:
            yield r - 1, c
        if r + 1 < h and not solid[r + 1][c]:
            yield r + 1, c

    return moves


def loderunner_path(tiles: np.ndarray) -> Path | None:
    """The player's route through every gold (one start ``M``, at least one ``G``), or ``None``."""
    starts = list(zip(*np.nonzero(tiles == LODERUNNER.id("M"))))
    gold = {(int(r), int(c)) for r, c in zip(*np.nonzero(tiles == LODERUNNER.id("G")))}
    if len(starts) != 1 or not gold:
        return None
    start = (int(starts[0][0]), int(starts[0][1]))
    return _tour(start, gold, _lr_moves(tiles))


WALKABLE = "FMDSO"
STEPS = ((-1, 0), (1, 0), (0, -1), (0, 1))


def _zelda_moves(tiles: np.ndarray, ladder: bool = True) -> Callable[[int, int], Iterable[tuple[int, int]]]:
    h, w = tiles.shape
    walk = np.isin(tiles, ZELDA.ids(WALKABLE)).tolist()
    water = (tiles == ZELDA.id("P")).tolist()

    def inside(r: int, c: int) -> bool:
        return 0 <= r < h and 0 <= c < w

    def moves(r: int, c: int) -> Iterable[tuple[int, int]]:
        for dr, dc in STEPS:
            r2, c2 = r + dr, c + dc
            if not inside(r2, c2):
                continue
            if walk[r2][c2]:
                yield r2, c2
            elif ladder and water[r2][c2] and inside(r2 + dr, c2 + dc) and walk[r2 + dr][c2 + dc]:
                yield r2 + dr, c2 + dc  # the stepladder spans the water tile

    return moves


def _through_ladders(path: Path) -> Path:
    """The path with the water tile of every stepladder crossing put back in (4-connected)."""
    out = path[:1]
    for r, c in path[1:]:
        pr, pc = out[-1]
        if abs(r - pr) + abs(c - pc) == 2:
            out.append(((r + pr) // 2, (c + pc) // 2))
        out.append((r, c))
    return out


def zelda_path(tiles: np.ndarray, ladder: bool = True) -> Path | None:
    """A route from the first door through the others (and stairs), or ``None`` if any door or
    walkable tile cannot be reached from the doors (walking, and with ``ladder`` crossing one
    tile of water).

    >>> from worldsmith.types.tiles import parse_text
    >>> moat = parse_text("DFPFD\\nWWWWW", ZELDA)
    >>> zelda_path(moat), zelda_path(moat, ladder=False)
    ([(0, 0), (0, 1), (0, 2), (0, 3), (0, 4)], None)
    """
    doors = [(int(r), int(c)) for r, c in zip(*np.nonzero(tiles == ZELDA.id("D")))]
    if not doors:
        return None
    moves = _zelda_moves(tiles, ladder)
    reached, _ = _bfs(doors[0], moves)
    walkable = int(np.isin(tiles, ZELDA.ids(WALKABLE)).sum())
    if len(reached) != walkable:
        return None
    stairs = {(int(r), int(c)) for r, c in zip(*np.nonzero(tiles == ZELDA.id("S")))}
    targets = {d for d in doors if d[1] != doors[0][1] or abs(d[0] - doors[0][0]) > 2} | stairs
    path = _tour(doors[0], targets, moves)
    return None if path is None else _through_ladders(path)


def reachable(tiles: np.ndarray, game: str, start: tuple[int, int],
              ladder: bool = True) -> set[tuple[int, int]]:
    """Every cell a Lode Runner player or a Zelda hero (``ladder``: with the stepladder) reaches
    from ``start``."""
    moves = _lr_moves(tiles) if game == "loderunner" else _zelda_moves(tiles, ladder)
    return set(_bfs(start, moves)[0])


AGENTS = {"smb": smb_path, "loderunner": loderunner_path, "zelda": zelda_path}


def solve_tiles(tiles: np.ndarray, game: str) -> Path | None:
    """The agent path through ``tiles`` of ``game``, or ``None`` if it is not playable."""
    return AGENTS[game](tiles)


def solve(level) -> Path | None:
    """The agent path through a :class:`~worldsmith.types.level.TileLevel`, or ``None``, under
    the rules it was made with (Zelda: ``ladder`` from its config, default on)."""
    if level.game == "zelda":
        return zelda_path(level.tiles, bool(level.meta.config.get("ladder", True)))
    return solve_tiles(level.tiles, level.game)
