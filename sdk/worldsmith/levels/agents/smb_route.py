"""The ground route: a walk through an SMB level that the A* agent
(:mod:`~worldsmith.levels.agents.smb_astar`) plays reliably.

Where the A* agent fails a level the tile search finishes, it has fallen into a pit from a
platform route or stands stuck before a wall (docs/levels.md, "A second SMB agent"). A level
with a *ground route* gives it a way that needs neither: the tile search
(:class:`~worldsmith.levels.agents.smb.SmbSearch`) with

- footholds only on columns of solid tiles rising from the bottom row (``grounded``: platforms
  and blocks in the air are walls and ceilings, never floors), and
- the jumps of the A* agent's own physics (the Mario AI framework's, the constants of
  :mod:`~worldsmith.levels.agents.smb_astar`) taken off from a standstill and held for the
  full rise.

So pits on the route are at most 5 columns wide and steps at most 4 tiles high (the apex is
66.5 px). The generator's ``agent="route"`` asks for one besides the tile search's verdict:
:func:`mend` first sets stepping stones in the pits the route cannot cross, then the windows
where it still fails are re-sampled.

>>> import numpy as np
>>> from worldsmith.types.tiles import SMB
>>> flat = np.full((14, 40), SMB.id("-"), np.uint8); flat[12:] = SMB.id("X")
>>> ground_route_fails(flat) is None
True
>>> flat[12:, 10:17] = SMB.id("-")                 # a pit 7 wide
>>> ground_route_fails(flat)                      # the furthest column, in the air over the pit
16
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from worldsmith.levels.agents.smb import SmbSearch, ground_columns
from worldsmith.levels.agents.smb_astar import GRAVITY, INERTIA, JUMP_SPEED, JUMP_TIME, MARIO_H, RUN, TILE, Y_DECAY
from worldsmith.levels.physics import FALL_FRAMES, Moves, Stages, tile_stages
from worldsmith.types.tiles import SMB

STONE, GAP = 2, 3    # stepping stones: columns wide, columns of pit left between them
MENDS = 16           # pits mended in one level at most
CLIMB = 4            # tiles the route climbs in one jump
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
    return Moves({"jump": _stages(), "drop": _stages(None, False), **{k: _stages(k) for k in range(4)}})


def ground_route_fails(tiles: np.ndarray) -> int | None:
    """``None`` if ``tiles`` (SMB ids) have a ground route from column 0 to the last, else the
    furthest column it reaches (a generator re-samples there). Exhaustive."""
    return RouteCheck(lookback=None)(tiles)


class RouteCheck:
    """:func:`ground_route_fails` for a level re-made part by part (the generator's re-samples):
    one search with a lookback (``None``: exhaustive) goes on across the changes, read from the
    first changed column (:meth:`~worldsmith.levels.agents.smb.SmbSearch.retile`).

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
        self.verdict: int | None = None

    def __call__(self, tiles: np.ndarray) -> int | None:
        if self.tiles is None or self.tiles.shape != tiles.shape:
            self.search = SmbSearch(tiles, lookback=self.lookback, m=route_moves(), grounded=True)
        else:
            changed = np.flatnonzero((tiles != self.tiles).any(0))
            if not len(changed):
                return self.verdict                      # a search that ended is not run again
            self.search.retile(tiles, int(changed[0]))
        self.tiles = tiles.copy()
        states, far = self.search.run()
        self.verdict = None if states is not None else far
        return self.verdict


def mend(tiles: np.ndarray, check: RouteCheck | None = None) -> np.ndarray:
    """``tiles`` mended where the ground route stops, until it gets through or stops where no
    mend applies: stepping stones (ground two tiles high and :data:`STONE` wide, :data:`GAP`
    columns of pit between them) in a pit, ground in a pit too narrow for one (a ceiling low
    over it stops the jump), a step before a wall too high to climb (:func:`_step`). ``check``:
    the route check to go on with (a new one by default).

    >>> flat = np.full((14, 40), SMB.id("-"), np.uint8); flat[12:] = SMB.id("X")
    >>> flat[12:, 10:22] = SMB.id("-")                  # a pit 12 wide
    >>> mended = mend(flat)
    >>> "".join(SMB.chars[v] for v in mended[13, 8:24]), ground_route_fails(mended)
    ('XX---XX---XX--XX', None)
    """
    out, check = tiles.copy(), check or RouteCheck()
    for _ in range(MENDS):
        far = check(out)
        if far is None:
            break
        pit = _pit(out, far)
        if pit is None:
            if not _step(out, far):
                break
            continue
        a, b = pit
        if b - a <= GAP:                                 # too narrow for a stone: a low ceiling stops the jump
            out[-2:, a:b] = _GROUND
        for c in range(a + GAP, b - 1, GAP + STONE):
            out[-2:, c:min(c + STONE, b - 1)] = _GROUND
    return out


_GROUND = SMB.id("X")


def _step(tiles: np.ndarray, far: int) -> bool:
    """Raise the ground before a wall too high to climb (5 tiles or more above it, within a few
    columns of ``far``) to 4 below its top, in place, where those cells are empty; whether it
    did."""
    solid = SMB.solid_mask()[tiles]
    height = ground_columns(solid).sum(0)                              # (w,) ground column heights
    h, w = tiles.shape
    for c in range(max(0, far - 1), min(w - 1, far + GAP)):
        lo, hi = int(height[c]), int(height[c + 1])
        if lo and hi - lo > CLIMB and not solid[h - (hi - CLIMB):h - lo, c].any():
            tiles[h - (hi - CLIMB):h - lo, c] = _GROUND
            return True
    return False


def _pit(tiles: np.ndarray, far: int) -> tuple[int, int] | None:
    """The columns ``[a, b)`` of the pit (no ground in the bottom row) that holds column ``far``
    or starts within :data:`GAP` columns after it."""
    open_ = ~SMB.solid_mask()[tiles[-1]]
    w = len(open_)
    c = next((c for c in range(far, min(w, far + GAP + 1)) if open_[c]), None)
    if c is None:
        return None
    a, b = c, c
    while a > 0 and open_[a - 1]:
        a -= 1
    while b < w and open_[b]:
        b += 1
    return a, b
