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

from worldsmith.levels.agents.smb import SmbSearch
from worldsmith.levels.agents.smb_astar import GRAVITY, INERTIA, JUMP_SPEED, JUMP_TIME, MARIO_H, RUN, TILE, Y_DECAY
from worldsmith.levels.physics import FALL_FRAMES, Moves, Stages, tile_stages
from worldsmith.types.tiles import SMB

STONE, GAP = 2, 3    # stepping stones: columns wide, columns of pit left between them
MENDS = 16           # pits mended in one level at most
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
    furthest column it reaches (a generator re-samples there)."""
    search = SmbSearch(tiles, m=route_moves(), grounded=True)
    states, far = search.run()
    return None if states is not None else far


def mend(tiles: np.ndarray) -> np.ndarray:
    """``tiles`` with stepping stones (ground two tiles high and :data:`STONE` wide, with
    :data:`GAP` columns of pit between them) in each pit where the ground route stops, until it
    gets through or stops somewhere else than over a pit.

    >>> flat = np.full((14, 40), SMB.id("-"), np.uint8); flat[12:] = SMB.id("X")
    >>> flat[12:, 10:22] = SMB.id("-")                  # a pit 12 wide
    >>> mended = mend(flat)
    >>> "".join(SMB.chars[v] for v in mended[13, 8:24]), ground_route_fails(mended)
    ('XX---XX---XX--XX', None)
    """
    out = tiles.copy()
    for _ in range(MENDS):
        far = ground_route_fails(out)
        pit = None if far is None else _pit(out, far)
        if pit is None:
            break
        a, b = pit
        for c in range(a + GAP, b - 1, GAP + STONE):
            out[-2:, c:min(c + STONE, b - 1)] = _GROUND
    return out


_GROUND = SMB.id("X")


def _pit(tiles: np.ndarray, far: int) -> tuple[int, int] | None:
    """The columns ``[a, b)`` of the pit (no ground in the bottom row) that holds column ``far``
    or starts within :data:`GAP` columns after it, if it is wide enough for a stone."""
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
    return (a, b) if b - a > GAP else None
