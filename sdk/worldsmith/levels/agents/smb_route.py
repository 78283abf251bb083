"""The A* route: a way through an SMB level that the A* agent
(:mod:`~worldsmith.levels.agents.smb_astar`) plays reliably; the default SMB generator asks
every level for one besides the tile search's verdict (``agent="route"``).

Where the A* agent fails a level the tile search finishes, it has jumped from a platform high
over a long pit, or stands stuck before a wall it cannot climb (docs/levels.md, "A second SMB
agent"). The route is the tile search (:class:`~worldsmith.levels.agents.smb.SmbSearch`) with

- the jumps of the A* agent's own physics (the Mario AI framework's, the constants of
  :mod:`~worldsmith.levels.agents.smb_astar`) taken off from a standstill and held for the
  full rise: gaps of at most 5 columns, climbs of at most 4 rows (the apex is 66.5 px), and
- no footholds on platforms over a pit :data:`WIDE` columns wide or wider: such a pit is
  crossed along the ground;
- every wall more than 4 tiles above the ground before it, and every climb in the ground that
  bricks or blocks over it keep the route from (:func:`blocked_climbs`), stops it: the A* agent
  gets stuck there, even where platforms lead on.

:func:`mend` clears those bricks (:func:`clear_climbs`), puts a step before every high wall
(:func:`steps`) and sets stepping stones in the pits the route cannot cross (ground under a
platform low over them); where the route still stops, the generator re-samples.

>>> import numpy as np
>>> from worldsmith.types.tiles import SMB
>>> flat = np.full((14, 40), SMB.id("-"), np.uint8); flat[12:] = SMB.id("X")
>>> route_fails(flat) is None
True
>>> flat[12:, 10:17] = SMB.id("-")                 # a pit 7 wide
>>> route_fails(flat)                             # the furthest column, in the air over the pit
16
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from worldsmith.levels import _smbkernels
from worldsmith.levels.agents.smb import SmbSearch, changed_columns, ground_columns, standing_cells, widened
from worldsmith.levels.agents.smb_astar import GRAVITY, INERTIA, JUMP_SPEED, JUMP_TIME, MARIO_H, RUN, TILE, Y_DECAY
from worldsmith.levels.physics import FALL_FRAMES, Moves, Stages, profiles, tile_stages
from worldsmith.types.tiles import SMB

STONE, GAP = 2, 3    # stepping stones: columns wide, columns of pit left between them
MENDS = 16           # pits mended in one level at most
CLIMB = 4            # tiles the route climbs in one jump
TAKE_OFF = 3         # columns before a wall whose ground Mario may climb it from
GAP_MAX = 5          # the widest pit the route jumps (the A* agent's standstill jump)
WIDE = 7             # pits this wide are crossed on the ground (the A* agent falls from platforms over 7-10)
LOOKBACK = 16        # columns behind the furthest one a re-made level's route search keeps
SLACK = 20         # px: his centre leaves the take-off column 3 px past its edge, lands 4 px in, less a margin


def _height(headroom: int | None, jump: bool) -> tuple[float, ...]:
    """Mario's feet above the take-off (px) per frame under the framework's physics, the jump
    held (``jump=False``: a walk off a ledge), under a ceiling ``headroom`` free rows above
    his head (None: none)."""
    top = None if headroom is None else headroom * TILE + TILE - MARIO_H
    y, ya, left, out = 0.0, 0.0, 0, [0.0]
    for t in range(FALL_FRAMES):
        if jump and t == 0:
            left, ya = JUMP_TIME, JUMP_TIME * JUMP_SPEED
        elif jump and left > 0:
            ya, left = left * JUMP_SPEED, left - 1
        y -= ya
        if top is not None and y > top:              # head bump: the jump ends
            y, ya, left, jump = float(top), 0.0, 0, False
        ya = ya * Y_DECAY + GRAVITY
        out.append(y)
    return tuple(out)


@lru_cache(maxsize=1)
def _reach() -> tuple[int, ...]:
    """Columns from the take-off column in reach by each frame, running from a standstill."""
    x, xa, out = 0.0, 0.0, [SLACK // TILE]
    for _ in range(FALL_FRAMES):
        xa += RUN
        x += xa
        xa *= INERTIA
        out.append(math.floor((x + SLACK) / TILE))
    return tuple(out)


def _stages(headroom: int | None = None, jump: bool = True) -> Stages:
    return tile_stages(_height(headroom, jump), _reach().__getitem__)


@lru_cache(maxsize=1)
def route_moves() -> Moves:
    """The route's :class:`~worldsmith.levels.physics.Moves`.

    >>> m = route_moves(); max(m.row)                  # climbs of 4 rows at most
    4
    """
    return Moves(profiles(_stages))


def route_fails(tiles: np.ndarray) -> int | None:
    """``None`` if ``tiles`` (SMB ids) have a route from column 0 to the last, else the furthest
    column it reaches (a generator re-samples there). Exhaustive."""
    return RouteCheck(lookback=None)(tiles)


def footholds(solid: np.ndarray) -> np.ndarray:
    """The cells of a ``(h, w)`` solid mask the route stands in: on solid ground, but over a pit
    :data:`WIDE` columns wide or wider (and its edge columns) only on a column of solid tiles
    rising from the bottom row.

    >>> solid = np.zeros((6, 14), bool); solid[5, :2] = solid[5, 13:] = True   # a pit 11 wide
    >>> solid[3, 5:8] = True                                                  # a platform over it
    >>> footholds(solid)[2].nonzero()[0].tolist(), footholds(solid)[4].nonzero()[0].tolist()
    ([], [0, 1, 13])
    """
    solid = np.ascontiguousarray(solid, bool)
    out = np.empty(solid.shape, bool)
    _smbkernels.footholds(solid, out, WIDE)                  # C: the numpy masks it replaced, cell for cell
    return out


class RouteCheck:
    """:func:`route_fails` for a level re-made part by part (the generator's re-samples): one
    search with a lookback (``None``: exhaustive) goes on across the changes, read from the
    changed columns, widened to the pits at their ends
    (:meth:`~worldsmith.levels.agents.smb.SmbSearch.retile`). A :func:`high_wall` stops the
    route too (there, if the search got further); the walls (:func:`wall_columns`) are kept
    across the changes too, found again only where a change reaches (:func:`_wall_zone`).

    >>> check = RouteCheck()
    >>> flat = np.full((14, 40), SMB.id("-"), np.uint8); flat[12:] = SMB.id("X")
    >>> flat[12:, 10:17] = SMB.id("-")
    >>> check(flat)
    16
    >>> flat[12:, 13] = SMB.id("X")                      # a stone: it goes on from column 13
    >>> check(flat) is None
    True
    """

    def __init__(self, lookback: int | None = LOOKBACK):
        self.lookback = lookback
        self.tiles: np.ndarray | None = None               # the tiles the search last read
        self.opened: np.ndarray | None = None              # and their pit columns (:func:`_open`)
        self.verdict: int | None = None

    def __call__(self, tiles: np.ndarray) -> int | None:
        if self.tiles is None or self.tiles.shape != tiles.shape:
            self.search = SmbSearch(tiles, lookback=self.lookback, m=route_moves(), footholds=footholds)
            self.walls = wall_columns(tiles)
            opened = _open(tiles)
        else:
            span = changed_columns(self.tiles, tiles)
            if span is None:
                return self.verdict                      # a search that ended is not run again
            a, b = span
            opened = _open(tiles)
            self.search.retile(tiles, *_pit_span(self.opened, opened, a, b))
            self._rewall(tiles, opened, a, b)
        self.tiles, self.opened = tiles.copy(), opened
        states, far = self.search.run(path=False)
        self.verdict = None if states is not None else far
        if len(self.walls) and (self.verdict is None or self.walls[0] < self.verdict):
            self.verdict = int(self.walls[0])
        return self.verdict

    def _rewall(self, tiles: np.ndarray, opened: np.ndarray, a: int, b: int) -> None:
        """:attr:`walls` for ``tiles`` (its pit columns ``opened``), changed from :attr:`tiles` in
        columns ``[a, b)``: found again in the columns the change reaches, on the stretch those
        read (from the last ground before it)."""
        lo, hi = _wall_zone(self.opened, opened, a, b)
        ground = np.flatnonzero(~opened[:max(0, lo - TAKE_OFF + 2)])
        start, end = (int(ground[-1]) if len(ground) else 0), min(tiles.shape[1], hi + REACH)
        found = wall_columns(tiles[:, start:end]) + start
        kept = self.walls                                # sorted; the found ones fall in [lo, hi)
        self.walls = np.concatenate([kept[kept < lo], found[(found >= lo) & (found < hi)], kept[kept >= hi]])


REACH = GAP_MAX + 2  # columns after its own a wall's verdict reads (a climb across a pit, one past it)


def _open(tiles: np.ndarray) -> np.ndarray:
    """The columns of ``tiles`` with no ground in the bottom row (pits)."""
    return ~SMB.solid_mask()[tiles[-1]]


def _wall_zone(old: np.ndarray, new: np.ndarray, a: int, b: int) -> tuple[int, int]:
    """The columns ``[lo, hi)`` whose :func:`wall_columns` verdict a change of columns ``[a, b)``
    may change (``old``, ``new``: the pit columns before and after it): a wall's verdict at
    ``c`` reads columns ``c - TAKE_OFF + 1`` (back to the ground before a pit there) to
    ``c + REACH``."""
    ends = [b + int(np.argmin(row)) if not row.all() else len(old) for row in (old[b:], new[b:])]
    return max(0, a - REACH), min(len(old), max(ends) + TAKE_OFF - 1)


def _pit_span(old: np.ndarray, new: np.ndarray, a: int, b: int) -> tuple[int, int]:
    """Columns ``[a, b)`` widened to the edge columns of the pits at their ends in ``old`` or
    ``new`` (the pit columns before and after the change; a pit's width decides the footholds
    over all of it)."""
    for opened in (old, new):
        a, b = widened(opened, a, b)
    return max(0, a - 1), min(len(old), b + 1)


def mend(tiles: np.ndarray, check: RouteCheck | None = None) -> np.ndarray:
    """``tiles`` with :func:`steps` before its high walls, then mended where the route stops,
    until it gets through or stops where no pit is: stepping stones (ground two tiles high and
    :data:`STONE` wide, :data:`GAP` columns of pit between them) in a pit, ground in a pit too
    narrow for one (a ceiling low over it stops the jump) and under a ceiling 2 rows or less
    over a stone's top (the A* agent, jumping there, hits it and falls). First the bricks over
    blocked climbs go (:func:`clear_climbs`). ``check``: the route check to go on with (a new
    one by default).

    >>> flat = np.full((14, 40), SMB.id("-"), np.uint8); flat[12:] = SMB.id("X")
    >>> flat[12:, 10:22] = SMB.id("-")                  # a pit 12 wide
    >>> mended = mend(flat)
    >>> "".join(SMB.chars[v] for v in mended[13, 8:24]), route_fails(mended)
    ('XX---XX---XX--XX', None)
    """
    out, check = steps(clear_climbs(tiles)), check or RouteCheck()
    for _ in range(MENDS):
        far = check(out)
        pit = None if far is None else _pit(out, far)
        if pit is None:
            break
        a, b = pit
        fill = SMB.solid_mask()[out[-5:-3, a:b]].any(0)  # (b - a,): ground under a low ceiling
        if b - a <= GAP:                                 # too narrow for a stone: a low ceiling stops the jump
            fill[:] = True
        for c in range(GAP, b - a - 1, GAP + STONE):
            fill[c:min(c + STONE, b - a - 1)] = True
        out[-2:, a:b][:, fill] = _GROUND
    return out


class Mender:
    """:func:`mend` for a level re-made part by part (the generator's re-samples): the columns a
    new decode left as the last one had them keep their mends, so only the changed stretch is
    searched and mended again, not every pit since the first.

    >>> flat = np.full((14, 60), SMB.id("-"), np.uint8); flat[12:] = SMB.id("X")
    >>> flat[12:, 10:22] = SMB.id("-")                  # a wide pit
    >>> mender = Mender(RouteCheck())
    >>> first = mender(flat)
    >>> flat[5, 40] = SMB.id("S")                       # a re-sample changes column 40
    >>> again = mender(flat)
    >>> (again[:, :40] == first[:, :40]).all(), route_fails(again)
    (np.True_, None)
    """

    def __init__(self, check: RouteCheck):
        self.check = check
        self.last: tuple[np.ndarray, np.ndarray] | None = None     # the last decode, and it mended

    def __call__(self, tiles: np.ndarray) -> np.ndarray:
        base = tiles
        if self.last is not None and self.last[0].shape == tiles.shape:
            base = np.where((tiles == self.last[0]).all(0), self.last[1], tiles)
        out = mend(base, self.check)
        self.last = (tiles.copy(), out)
        return out


_GROUND = SMB.id("X")
_SOLID_BYTES = SMB.solid_bytes()


def steps(tiles: np.ndarray) -> np.ndarray:
    """``tiles`` with a step before every wall more than :data:`CLIMB` tiles above the ground
    before it (the highest of the :data:`TAKE_OFF` columns before it; a pit counts at the
    ground's height before the pit): the column before
    the wall raised to :data:`CLIMB` below its top, where that column is clear from the step's
    top to :data:`CLIMB` rows above it; a step too high itself gets one before it. The A* agent
    stands stuck before such walls, even where platforms lead over them (:func:`high_wall`).

    >>> flat = np.full((14, 20), SMB.id("-"), np.uint8); flat[12:] = SMB.id("X")
    >>> flat[5:12, 10:] = SMB.id("X")                                  # a wall 7 tiles high
    >>> (ground_columns(SMB.solid_mask()[steps(flat)]).sum(0)[7:12]).tolist()
    [2, 2, 5, 9, 9]
    """
    out = tiles.copy()
    walls = _smbkernels.walls(np.ascontiguousarray(tiles, np.uint8), _SOLID_BYTES, CLIMB, TAKE_OFF)
    if not walls:                                                   # C: the columns before each wall
        return out
    solid = SMB.solid_mask()[tiles]
    height = ground_columns(solid).sum(0)                             # (w,)
    ref = _take_off(height)
    h = tiles.shape[0]
    for c in walls[::-1]:                                           # right to left: a step may need one
        while c >= 0 and ref[c] and (top := int(height[c + 1]) - CLIMB) > max(ref[c], height[c]):
            if solid[max(0, h - top - CLIMB):h - height[c], c].any():
                break
            out[h - top:h - height[c], c] = _GROUND
            height[c], c = top, c - 1
    return out


def high_wall(tiles: np.ndarray) -> int | None:
    """The column before the first wall more than :data:`CLIMB` tiles above the ground before it
    (where :func:`steps` could not put a step) or the first of :func:`blocked_climbs` (where
    :func:`clear_climbs` could not clear it), or ``None``.

    >>> flat = np.full((14, 20), SMB.id("-"), np.uint8); flat[12:] = SMB.id("X")
    >>> flat[5:12, 10:] = SMB.id("X"); flat[6, 9] = SMB.id("S")        # a wall, a brick before it
    >>> high_wall(steps(flat)), high_wall(steps(flat[:, :9]))
    (9, None)
    """
    walls = wall_columns(tiles)
    return int(walls[0]) if len(walls) else None


def wall_columns(tiles: np.ndarray) -> np.ndarray:
    """The columns of every wall :func:`high_wall` finds, in order (each column once).

    >>> flat = np.full((14, 20), SMB.id("-"), np.uint8); flat[12:] = SMB.id("X")
    >>> flat[5:12, 10:] = SMB.id("X"); flat[6, 9] = SMB.id("S")
    >>> wall_columns(flat).tolist()
    [9]
    """
    tiles = np.ascontiguousarray(tiles, np.uint8)
    walls = set(_smbkernels.walls(tiles, _SOLID_BYTES, CLIMB, TAKE_OFF))   # C: over :func:`_take_off`'s ground
    walls.update(c for c, _ in _blocked(tiles))
    return np.array(sorted(walls), np.int64)


def blocked_climbs(tiles: np.ndarray) -> list[int]:
    """The columns ``c`` before a rise of 2 to :data:`CLIMB` tiles in the ground (right after
    ``c``, or across a pit at most :data:`GAP_MAX` wide) that the route's jump cannot climb from
    the ground of the :data:`TAKE_OFF` columns up to ``c`` for loose tiles (bricks, blocks, not
    ground) over the climb: the A* agent stands stuck there (``?`` blocks over the take-off, a
    pocket under a wall of bricks), even where platforms lead on. :func:`clear_climbs` clears
    those tiles.

    >>> flat = np.full((14, 12), SMB.id("-"), np.uint8); flat[12:] = SMB.id("X")
    >>> flat[9:12, 6:] = SMB.id("X")                                   # a rise of 3 tiles
    >>> capped = flat.copy(); capped[8, 5] = SMB.id("?")                # a block over the take-off
    >>> blocked_climbs(flat), blocked_climbs(capped)
    ([], [5])
    """
    return [c for c, _ in _blocked(tiles)]


def clear_climbs(tiles: np.ndarray) -> np.ndarray:
    """``tiles`` with the loose tiles over each of its :func:`blocked_climbs` cleared (to sky).

    >>> flat = np.full((14, 12), SMB.id("-"), np.uint8); flat[12:] = SMB.id("X")
    >>> flat[9:12, 6:] = SMB.id("X"); flat[8, 5] = SMB.id("?")
    >>> cleared = clear_climbs(flat)
    >>> SMB.chars[cleared[8, 5]], blocked_climbs(cleared)
    ('-', [])
    """
    out, blocked = tiles.copy(), _blocked(tiles)
    if blocked:
        loose = _loose(tiles)
        for _, box in blocked:
            out[box] = np.where(loose[box], SMB.id("-"), out[box])
    return out


def _loose(tiles: np.ndarray) -> np.ndarray:
    """The solid cells of ``tiles`` that are not ground (not in a column rising from the bottom
    row): bricks, blocks."""
    solid = SMB.solid_mask()[tiles]
    return solid & ~ground_columns(solid)


def _blocked(tiles: np.ndarray) -> list[tuple[int, tuple[slice, slice]]]:
    """:func:`_climbs` that the route, standing on the ground only, does not make: the column
    before each and the cells its climb passes through."""
    return [(c, box) for c, window, box in _climbs(tiles)
            if not _window_climbs(window.tobytes(), window.shape)]


def _climbs(tiles: np.ndarray) -> list[tuple[int, np.ndarray, tuple[slice, slice]]]:
    """Per rise of 2 to :data:`CLIMB` tiles from a ground column ``c`` to the next (right after
    it or across a pit at most :data:`GAP_MAX` wide) with loose tiles over it: ``c``, the tiles
    the route climbs it in (from the first ground of the :data:`TAKE_OFF` columns up to ``c`` to
    one column past the rise) and the cells a climb passes through (from the take-off ground to
    2 rows over the top of the rise). Found in C (``levels/_smbkernels.c``)."""
    tiles = np.ascontiguousarray(tiles, np.uint8)
    return [(c, np.ascontiguousarray(tiles[:, a:nxt + 2]), (slice(top, bottom), slice(a, nxt + 1)))
            for c, a, nxt, top, bottom in _smbkernels.climbs(tiles, _SOLID_BYTES, GAP_MAX, CLIMB, TAKE_OFF)]


@lru_cache(maxsize=4096)
def _window_climbs(window: bytes, shape: tuple[int, int]) -> bool:
    """Whether the route, standing on the ground only, gets from column 0 of a window of tiles
    (given by its bytes: a level re-made part by part asks again for the same windows) to its
    last."""
    tiles = np.frombuffer(window, np.uint8).reshape(shape)
    return SmbSearch(tiles, m=route_moves(), footholds=_on_ground).run(path=False)[0] is not None


def _on_ground(solid: np.ndarray) -> np.ndarray:
    """The standing cells of a ``(h, w)`` solid mask on ground rising from the bottom row."""
    return standing_cells(ground_columns(solid))


def _take_off(height: np.ndarray) -> np.ndarray:
    """Per column, from the ground heights ``(w,)`` (solid tiles rising from the bottom row): the
    ground Mario may take off from there, the highest of the last ground at or before each of the
    :data:`TAKE_OFF` columns up to it (0: none yet)."""
    last = np.maximum.accumulate(np.where(height > 0, np.arange(len(height)), -1))
    ground = np.where(last >= 0, height[last], 0)
    ref = ground.copy()
    for k in range(1, TAKE_OFF):
        ref[k:] = np.maximum(ref[k:], ground[:-k])
    return ref


def _pit(tiles: np.ndarray, far: int) -> tuple[int, int] | None:
    """The columns ``[a, b)`` of the pit (no ground in the bottom row) that holds column ``far``
    or starts within :data:`GAP` columns after it."""
    open_ = ~SMB.solid_mask()[tiles[-1]]
    c = next((c for c in range(far, min(len(open_), far + GAP + 1)) if open_[c]), None)
    return None if c is None else widened(open_, c, c)
