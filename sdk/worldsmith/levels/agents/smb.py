"""SMB agent: best-first search (furthest column first; its loop in C, ``_smbcore.c``) over
Mario's standing cells and airborne stages, with the moves derived from the NES game's physics in
:mod:`worldsmith.levels.physics` (running jumps of up to 4 tiles, gaps up to 7 wide at equal
height, fewer under a ceiling; head bumps end a rise; he steers in the air). From the lowest
standing cell of column 0 to any cell of the last column. Pipes, bricks, blocks, ground and
cannons are solid; enemies and coins are not.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Callable

import numpy as np

from worldsmith.levels.agents._smbcore import Core
from worldsmith.levels.agents.graph import Cell, Path
from worldsmith.levels.physics import Moves, moves
from worldsmith.types.tiles import SMB

State = tuple[int, int, int]  # (row, col, phase of worldsmith.levels.physics.Moves; 0 standing)


def smb_search(tiles: np.ndarray) -> tuple[Path | None, int]:
    """Mario's path to the last column (or ``None``) and the furthest column he reaches (see
    :func:`smb_states`)."""
    return SmbSearch(tiles).run(cells=True)


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
    ``(h, w)`` solid mask -> the cells Mario may stand in; read on stretches of the level, so a
    column's footholds may depend on that column and the pits at its sides only) restricts where he
    stands: other solid tiles are walls and ceilings only (:mod:`worldsmith.levels.agents.smb_route`).

    The states, the heap and the retile's bookkeeping live in a C core (``_smbcore.c``, built
    with the package): a step in about 0.1 µs (the Python loop it replaced: 2 µs), the same pops
    in the same order (the furthest column first, then the earliest push), so the same paths.
    """

    def __init__(self, tiles: np.ndarray, lookback: int | None = None, m: Moves | None = None,
                 footholds: Callable[[np.ndarray], np.ndarray] | None = None):
        self.m, self.lookback, self.footholds = m or moves(), lookback, footholds
        self.phases = len(self.m.row)
        self.margin = max(self.m.steer) + 1              # columns a move reads either side of its own
        self.h, self.w = tiles.shape
        t = tables(self.m)
        self._core = Core(self.h, self.w, self.phases, -1 if lookback is None else lookback, self.margin,
                          self.m.drop, t.stage_dr, t.stage_ph, t.jump, t.steer, footholds is not None)
        self._tiles(tiles)
        self._core.start()

    @property
    def far(self) -> int:
        """The furthest column reached so far."""
        return self._core.far

    def _tiles(self, tiles: np.ndarray, start: int = 0, end: int | None = None) -> None:
        """Read the tiles (columns ``[start, end)``, to the last by default; the rest are as
        before). ``footholds`` reads those columns and the pits at their ends."""
        end = self.w if end is None else end
        a, b = (start, end) if self.footholds is None else widened(~SMB.solid_mask()[tiles[-1]], start, end)
        solid = SMB.solid_mask()[tiles[:, a:b]]                            # (h, b - a)
        clear = ~solid[:, start - a:end - a]                               # (h, end - start)
        foot = None if self.footholds is None else np.ascontiguousarray(self.footholds(solid)[:, start - a:end - a])
        self._core.set_tiles(clear, foot, start, end)

    def _moves(self, r: int, c: int, phase: int) -> list[State]:
        """The states one move leads to from ``(r, c)`` in ``phase``: standing, a walk of one
        column (onto ground), a jump, a walk off a ledge; airborne, a steer of up to the stage's
        columns along the row through clear cells, then :func:`stage_step` (looked up by the
        cell's code, as ``_smbcore.c`` gives it); without the states standing off a foothold."""
        return self._core.moves(r, c, phase)

    def run(self, until: int | None = None, path: bool = True,
            cells: bool = False) -> tuple[list[State] | Path | None, int]:
        """Search on: the states to the last column, or ``None`` (no path, or stuck past the
        lookback); and the furthest column reached (also :attr:`far`). ``until``: stop with
        ``[]`` once a state reaches that column instead (a later run goes on from there);
        ``path=False``: ``[]`` for the states too (a verdict only, nothing unwound);
        ``cells``: the cells Mario passes through instead of the states (:func:`smb_cells`)."""
        status, key = self._core.run(self.w - 1 if until is None else min(until, self.w - 1))
        if status == 0:
            return None, self.far
        if status == 1 or not path:
            return [], self.far
        return self._core.path(key, cells), self.far

    def update(self, old: np.ndarray, new: np.ndarray) -> None:
        """:meth:`retile` to ``new`` over the columns where it differs from ``old``."""
        span = changed_columns(old, new)
        if span is not None:
            self.retile(new, *span)

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
            self._core.start()
        else:
            self._core.drop(edge)


def ground_columns(solid: np.ndarray) -> np.ndarray:
    """The cells of a ``(h, w)`` solid mask in a column of solid tiles rising from the bottom
    row (``.sum(0)``: each column's ground height)."""
    return np.logical_and.accumulate(solid[::-1], axis=0)[::-1]


def standing_cells(solid: np.ndarray) -> np.ndarray:
    """The clear cells of a ``(h, w)`` solid mask with a solid cell below."""
    stand = np.zeros_like(solid)
    stand[:-1] = solid[1:] & ~solid[:-1]
    return stand


def changed_columns(old: np.ndarray, new: np.ndarray) -> tuple[int, int] | None:
    """The columns ``[a, b)`` from the first to the last where ``new`` differs from ``old`` (the same
    shape), or ``None`` where none does.

    >>> changed_columns(np.zeros((2, 6)), np.eye(2, 6))
    (0, 2)
    """
    changed = np.flatnonzero((new != old).any(0))
    return (int(changed[0]), int(changed[-1]) + 1) if len(changed) else None


def widened(open_: np.ndarray, a: int, b: int) -> tuple[int, int]:
    """Columns ``[a, b)`` widened over the open bottom-row columns ``open_`` (pits) at their ends.

    >>> widened(np.array([0, 1, 1, 0, 0, 1, 0], bool), 3, 5)
    (1, 6)
    """
    while a > 0 and open_[a - 1]:
        a -= 1
    while b < len(open_) and open_[b]:
        b += 1
    return a, b


class _Tables:
    """:func:`stage_step` and :func:`entered` tabulated by cell code (``above + 2 * two_above +
    4 * below``; above, two above: clear and inside the level; below: 0 clear, 1 solid, 2 the
    bottom row; ``set_tiles`` in ``_smbcore.c`` gives each cell its code), as the search's C core
    reads them: ``stage_dr[phase, code]`` the rows moved and ``stage_ph[phase, code]`` the next
    phase (-1: out of the level) when a stage ends in a cell of that code; ``jump[code]`` the
    phase a jump starts in; ``steer[phase]`` the columns Mario may steer."""

    def __init__(self, m: Moves):
        columns = [self._column(code) for code in range(12)]             # clear cells, Mario at row 2
        steps = [[self._step(columns[code], p, m) if p else None for code in range(12)]
                 for p in range(len(m.row))]
        self.stage_dr = np.array([[s[0] if s else 0 for s in row] for row in steps], np.int8)   # (phases, 12)
        self.stage_ph = np.array([[s[1] if s else -1 for s in row] for row in steps], np.int32)  # (phases, 12)
        self.jump = np.array([entered(columns[code], 2, 0, m.jump, m)[0] for code in range(12)], np.int32)
        self.steer = np.array(m.steer, np.int32)

    @staticmethod
    def _column(code: int) -> list[list[bool]]:
        above, two_above, below = code & 1, code >> 1 & 1, code >> 2
        rows = [two_above, above, True] + ([] if below == 2 else [below == 0])
        return [[bool(v)] for v in rows]

    @staticmethod
    def _step(column: list[list[bool]], phase: int, m: Moves) -> tuple[int, int] | None:
        r2, _, phase2, _ = stage_step(column, 2, 0, phase, m)
        return None if r2 >= len(column) else (r2 - 2, phase2)


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


def smb_path(tiles: np.ndarray) -> Path | None:
    """Mario's path from the start column to the last column, or ``None``."""
    return smb_search(tiles)[0]
