"""Mario's jump physics (NES Super Mario Bros, approximate), and the tile-level moves derived from it.

Every constant lives here (pixels, frames, 16-pixel tiles). A frame moves Mario by his speed, then
updates the speed: while the rise lasts (jump held) gravity is ``RISE_GRAVITY``; the rise ends at
``RISE_CAP`` pixels above the take-off (Mario coasts on under ``FALL_GRAVITY`` with the speed he
has), when the speed runs out, or on a head bump, which turns his speed downward; falling speed is
capped at ``FALL_MAX``. Mario steers freely in the air at up to ``RUN`` pixels a frame, and a
column ``n`` columns from the take-off column is in reach at frame ``t`` once
``RUN * t + REACH_SLACK >= 16 n`` (his 16-pixel box leaves the take-off tile with a pixel on its
edge and needs only a pixel on the landing tile).

Derived envelope (columns travelled from take-off to landing column; a gap is one less), as
:func:`envelope` and :func:`ceiling_gaps` compute it from the constants above:

======================  ===  ===  ===  ===  ===  ===  ===  ===  ===  ===  ===
landing height (tiles)   +4   +3   +2   +1    0   -1   -2   -3   -4   -6   -8
max columns travelled     6    7    7    8    8    9   10   10   11   12   13
======================  ===  ===  ===  ===  ===  ===  ===  ===  ===  ===  ===

Under a ceiling with 0, 1, 2, 3, 4+ free rows above Mario's head the widest flat gap is 1, 2, 3,
5, 7 columns.

The playability agent (:func:`worldsmith.levels.agents.smb.smb_search`) works on tiles: a jump is a
sequence of *stages*, one per tile row Mario's feet pass through, each with the columns he may
steer in it (:func:`stages`), so the agent's reach is exactly this envelope.

>>> envelope()[0], envelope()[4], ceiling_gaps()[3]
(8, 6, 5)
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import lru_cache

TILE = 16
RUN = 2.4            # px/frame: the NES maximum, 2.5, less a margin
JUMP_SPEED = 5.0     # px/frame upward at a running take-off
RISE_GRAVITY = 0.156  # px/frame^2 while the rise lasts (button held)
FALL_GRAVITY = 0.5625  # px/frame^2 once it ends
FALL_MAX = 4.0       # px/frame
RISE_CAP = 4 * TILE  # px: the rise ends 4 tiles up
REACH_SLACK = 40     # px: see the module docstring
HEIGHTS = (4, 3, 2, 1, 0, -1, -2, -3, -4, -6, -8)
FALL_FRAMES = 400    # long enough to fall out of any level
DEEPEST = -40        # rows below the take-off where the tile-level stages stop


@lru_cache(maxsize=None)
def trajectory(headroom: int | None = None, jump: bool = True) -> tuple[float, ...]:
    """Mario's height above the take-off (px) at frames 0, 1, ... of a jump (``jump=False``: a
    walk off a ledge) under a ceiling ``headroom`` free rows above his head (None: none)."""
    y, vy, rising = 0.0, (JUMP_SPEED if jump else 0.0), jump
    top = None if headroom is None else headroom * TILE
    heights = [y]
    for _ in range(FALL_FRAMES):
        y += vy
        if rising:
            vy -= RISE_GRAVITY
            if y >= RISE_CAP:
                rising = False                       # coast on with the speed left
            elif top is not None and y >= top:
                y, vy, rising = float(top), -abs(vy), False   # head bump: speed turned downward
            elif vy <= 0:
                rising = False
        else:
            vy = max(vy - FALL_GRAVITY, -FALL_MAX)
        heights.append(y)
    return tuple(heights)


def reach(frame: int) -> int:
    """Columns from the take-off column in reach by ``frame``."""
    return math.floor((RUN * frame + REACH_SLACK) / TILE)


def max_travel(height: int, headroom: int | None = None) -> int:
    """Most columns from take-off to a landing ``height`` tiles above (negative: below)."""
    ys = trajectory(headroom)
    return max((reach(t) for t, y in enumerate(ys) if y >= height * TILE), default=0)


def envelope() -> dict[int, int]:
    """:func:`max_travel` for the landing heights of the module's table."""
    return {h: max_travel(h) for h in HEIGHTS}


def ceiling_gaps() -> dict[int, int]:
    """Widest flat gap (columns) under a ceiling with 0..6 free rows above Mario's head."""
    return {k: max_travel(0, k) - 1 for k in range(7)}


def _row(y: float) -> int:
    """Tile rows above the take-off row that Mario's feet are in at height ``y``."""
    return math.floor(y / TILE)


@lru_cache(maxsize=None)
def stages(headroom: int | None = None, jump: bool = True) -> tuple[tuple[int, int], ...]:
    """The tile-level form of :func:`trajectory`: per row Mario's feet pass through, in order,
    ``(rows above the take-off row, columns he may steer while in it)``. The columns add up to
    :func:`reach` at the last frame in each row, so a path that steers fully reaches exactly the
    envelope.

    >>> stages()[:3]
    ((0, 2), (1, 1), (2, 1))
    """
    return tile_stages(trajectory(headroom, jump), reach)


Stages = tuple[tuple[int, int], ...]


def tile_stages(ys: Sequence[float], reach_at: Callable[[int], int]) -> Stages:
    """Any jump's tile-level stages: ``ys`` its height above the take-off (px) per frame,
    ``reach_at(t)`` the columns in reach by frame ``t`` (see :func:`stages`)."""
    out: list[tuple[int, int]] = []
    used = 0
    for t, y in enumerate(ys):
        if _row(y) < DEEPEST:
            break
        last = t + 1 == len(ys) or _row(ys[t + 1]) != _row(y)
        if last:
            out.append((_row(y), reach_at(t) - used))
            used = reach_at(t)
    return tuple(out)


def profiles(stages_of: Callable[..., Stages] = stages) -> dict[str | int, Stages]:
    """A jump's profiles for :class:`Moves` from ``stages_of(headroom=None, jump=True)`` (the NES
    jump's :func:`stages` by default): a full jump, a walk off a ledge, and jumps that bump
    their head 0-3 free rows up."""
    return {"jump": stages_of(), "drop": stages_of(None, False), **{k: stages_of(k) for k in range(4)}}


class Moves:
    """The agent's airborne phases, numbered: 0 is standing; every other phase is one stage of
    one profile (a full jump, a jump that bumped its head after 0-3 rows, a walk off a ledge).

    ``row[p]`` rows above the take-off row, ``steer[p]`` columns Mario may steer in it, ``next[p]``
    the following stage (-1: none), ``bump[p]`` for a stage that rises on (of the full jump, or of
    a bumped jump still below its bump): the stage Mario is in instead when a ceiling stops him
    in that row (a jump that bumped its head there; -1 otherwise). ``jump`` and ``drop`` are the
    first stages of a jump and of a walk off a ledge.

    ``jumps`` (default the NES jump's :func:`profiles`) names each profile's stages: ``"jump"``,
    ``"drop"`` and the bumped jumps ``0``-``3``.

    >>> m = Moves()
    >>> m.row[m.jump], m.steer[m.jump], m.row[m.next[m.jump]]
    (0, 2, 1)
    """

    def __init__(self, jumps: dict[str | int, Stages] | None = None) -> None:
        jumps = jumps or profiles()
        self.row, self.steer, self.next, self.bump = [0], [0], [-1], [-1]
        first: dict = {}
        for name, st in jumps.items():
            first[name] = len(self.row)
            for i, (row, steer) in enumerate(st):
                self.row.append(row)
                self.steer.append(steer)
                self.next.append(len(self.row) if i + 1 < len(st) else -1)
                self.bump.append(-1)
        for name in ("jump", *range(4)):                # every stage that rises on: a ceiling
            st = jumps[name]                             # makes it the profile that bumps there
            for i, (row, _) in enumerate(st[:-1]):
                if st[i + 1][0] > row and row < 4:
                    self.bump[first[name] + i] = first[row] + row   # that profile's stage in this row
        self.jump, self.drop = first["jump"], first["drop"]


@lru_cache(maxsize=1)
def moves() -> Moves:
    """The shared :class:`Moves` table."""
    return Moves()
