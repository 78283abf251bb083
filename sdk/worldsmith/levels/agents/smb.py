"""SMB agent: breadth-first search over Mario's standing cells and airborne stages, with the moves
derived from the NES game's physics in :mod:`worldsmith.levels.physics` (running jumps of up to 4
tiles, gaps up to 7 wide at equal height, fewer under a ceiling; head bumps end a rise; he steers
in the air). From the lowest standing cell of column 0 to any cell of the last column. Pipes,
bricks, blocks, ground and cannons are solid; enemies and coins are not.
"""
from __future__ import annotations

import heapq
from functools import lru_cache
from typing import Callable

import numpy as np

from worldsmith.levels.agents.graph import Cell, Path
from worldsmith.levels.physics import Moves, moves
from worldsmith.types.tiles import SMB

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

    ``m`` replaces the NES moves (:class:`~worldsmith.levels.physics.Moves`); ``footholds`` (a
    whole level's ``(h, w)`` solid mask -> the cells Mario may stand in) restricts where he
    stands: other solid tiles are walls and ceilings only (:mod:`worldsmith.levels.agents.smb_route`).
    """

    def __init__(self, tiles: np.ndarray, lookback: int | None = None, m: Moves | None = None,
                 footholds: Callable[[np.ndarray], np.ndarray] | None = None):
        self.m, self.lookback, self.footholds = m or moves(), lookback, footholds
        self.tables = tables(self.m)
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

    def _tiles(self, tiles: np.ndarray, start: int = 0, end: int | None = None) -> None:
        """Read the tiles (columns ``[start, end)``, to the last by default; the rest are as
        before)."""
        whole = SMB.solid_mask()[tiles]                                    # (h, w)
        solid = whole[:, start:end]                                        # (h, end - start)
        code = _cell_codes(~solid).tolist()                                # a column's codes read that column only
        foot = None if self.footholds is None else self.footholds(whole)[:, start:end].tolist()
        solid = solid.tolist()
        if start == 0 and end is None:
            self.h, self.w = tiles.shape
            self.solid, self.clear, self.code = solid, [[not s for s in row] for row in solid], code
            self.foot = foot
            return
        end = self.w if end is None else end
        for r, row in enumerate(solid):
            self.solid[r][start:end] = row
            self.clear[r][start:end] = [not s for s in row]
            self.code[r][start:end] = code[r]
            if foot is not None:
                self.foot[r][start:end] = foot[r]

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
            out.append((r, c, self.tables.jump[code[c]]))
            if edge:
                out.append((r, c, self.m.drop))          # walk off the ledge
            return out if self.foot is None else self._footed(out)
        table = self.tables.stage[phase]
        for c2 in _steer(clear, c, self.m.steer[phase], w):
            move = table[code[c2]]
            if move is not None:
                out.append((r + move[0], c2, move[1]))
        return out if self.foot is None else self._footed(out)

    def _footed(self, states: list[State]) -> list[State]:
        """``states`` less those standing off a foothold (``footholds``)."""
        foot = self.foot
        return [s for s in states if s[2] or foot[s[0]][s[1]]]

    def run(self, until: int | None = None, path: bool = True) -> tuple[list[State] | None, int]:
        """Search on: the states to the last column, or ``None`` (no path, or stuck past the
        lookback); and the furthest column reached (also :attr:`far`). ``until``: stop with
        ``[]`` once a state reaches that column instead (a later run goes on from there);
        ``path=False``: ``[]`` for the states too (a verdict only, nothing unwound)."""
        w, phases, step = self.w, self.phases, self._moves
        goal = w - 1 if until is None else min(until, w - 1)
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
            if c >= goal and c < w - 1:
                self.far = max(self.far, c)
                return [], self.far
            pop(heap)
            cell, phase = divmod(key, phases)
            if c > self.far:
                self.far = c
            if c == w - 1:
                return _unwind(parent, key, phases, w) if path else [], self.far
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

    def update(self, old: np.ndarray, new: np.ndarray) -> None:
        """:meth:`retile` to ``new`` over the columns where it differs from ``old``."""
        changed = np.flatnonzero((new != old).any(0))
        if len(changed):
            self.retile(new, int(changed[0]), int(changed[-1]) + 1)

    def retile(self, tiles: np.ndarray, start: int, end: int | None = None) -> None:
        """The tiles changed in columns ``[start, end)`` (to the last by default): drop the
        states whose moves from the start read a changed tile (those whose furthest column
        reaches ``start`` less a move's reach), and search on from the states near the change
        and the parents of the dropped ones. Costs about the states dropped and the columns
        changed, not the states searched or the width."""
        start = max(0, min(start, self.w))
        self._tiles(tiles, start, None if end is None else max(start, min(end, self.w)))
        edge = start - self.margin
        if edge <= 0:                                      # the start itself changed
            self._start()
            return
        again = set()
        for bucket in self.by_top[edge:self.far + self.margin + 1]:   # no move reaches further
            for key in bucket:
                del self.top[key], self.pushed[key]
                again.add(self.parent.pop(key))
            bucket.clear()
        near = [key for bucket in self.by_top[max(0, edge - self.margin - (self.lookback or 0)):edge]
                for key in bucket]
        for key in sorted(again.intersection(self.parent).union(near)):
            self._push(key, key // self.phases % self.w)
        self.far = next((t for t in range(edge - 1, -1, -1) if self.by_top[t]), 0)


_SOLID_BELOW = 1  # the "below" part of a cell code: 0 clear, 1 solid, 2 the bottom row


def ground_columns(solid: np.ndarray) -> np.ndarray:
    """The cells of a ``(h, w)`` solid mask in a column of solid tiles rising from the bottom
    row (``.sum(0)``: each column's ground height)."""
    return np.logical_and.accumulate(solid[::-1], axis=0)[::-1]


def standing_cells(solid: np.ndarray) -> np.ndarray:
    """The clear cells of a ``(h, w)`` solid mask with a solid cell below."""
    stand = np.zeros_like(solid)
    stand[:-1] = solid[1:] & ~solid[:-1]
    return stand


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


@lru_cache(maxsize=8)
def tables(m: Moves) -> _Tables:
    """The lookup tables of one :class:`Moves` (built once per instance)."""
    return _Tables(m)


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
