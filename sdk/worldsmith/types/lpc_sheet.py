"""The standard LPC sheet layout: 832 x 1344 = 13 columns x 21 rows of 64 x 64 frames.

Rows 0-3 spellcast (7 frames), 4-7 thrust (8), 8-11 walk (9, frame 0 standing), 12-15 slash (6),
16-19 shoot (13), 20 hurt (6, facing down only); within a group the rows face up, left, down,
right. A character's 178 frames are kept in sheet order (row by row, left to right).

>>> len(FRAMES), FRAMES[0], FRAMES[-1]  # doctest: +NORMALIZE_WHITESPACE
(178, Frame(animation='spellcast', direction='up', index=0, row=0, col=0),
      Frame(animation='hurt', direction='down', index=5, row=20, col=5))
>>> frame_indices(["hurt"])
[172, 173, 174, 175, 176, 177]
>>> tag("walk", "left"), tag("hurt", "down")
('walk_left', 'hurt')
"""
from __future__ import annotations

from typing import NamedTuple, Sequence

from worldsmith.core.errors import ConfigError

FRAME = 64
COLUMNS, ROWS = 13, 21
SHEET = (ROWS * FRAME, COLUMNS * FRAME)            # (1344, 832) pixels, height x width
ANIMATIONS: dict[str, int] = {"spellcast": 7, "thrust": 8, "walk": 9, "slash": 6, "shoot": 13, "hurt": 6}
DIRECTIONS = ("up", "left", "down", "right")       # row order inside an animation's group
DURATIONS_MS: dict[str, int] = {"spellcast": 100, "thrust": 80, "walk": 100, "slash": 80, "shoot": 70,
                                "hurt": 100}        # per frame, for atlases and GIFs
ONE_SHOT = frozenset({"hurt"})                      # played once, not looped (the character ends lying down)


class Frame(NamedTuple):
    """One frame of the sheet: its animation, direction, index in the animation and sheet cell."""

    animation: str
    direction: str
    index: int
    row: int
    col: int


def _frames() -> tuple[Frame, ...]:
    out, row = [], 0
    for animation, count in ANIMATIONS.items():
        directions = ("down",) if animation == "hurt" else DIRECTIONS
        for direction in directions:
            out += [Frame(animation, direction, i, row, i) for i in range(count)]
            row += 1
    return tuple(out)


FRAMES: tuple[Frame, ...] = _frames()
N_FRAMES = len(FRAMES)                              # 178


def check_animations(animations: Sequence[str] | None, name: str = "animations") -> list[str]:
    """``animations`` as a list in sheet order (None: all six); unknown names raise ConfigError."""
    if animations is None:
        return list(ANIMATIONS)
    if isinstance(animations, str) or not all(isinstance(a, str) for a in animations) or not animations:
        raise ConfigError(name, f"a non-empty list of animation names ({', '.join(ANIMATIONS)})", animations)
    for a in animations:
        if a not in ANIMATIONS:
            raise ConfigError(name, f"animation names ({', '.join(ANIMATIONS)})", a)
    return [a for a in ANIMATIONS if a in animations]


def frame_indices(animations: Sequence[str] | None = None) -> list[int]:
    """Indices into :data:`FRAMES` of ``animations`` (None: all), in sheet order."""
    keep = set(check_animations(animations))
    return [i for i, f in enumerate(FRAMES) if f.animation in keep]


def tag(animation: str, direction: str) -> str:
    """The atlas tag of one animation row: ``walk_left``; ``hurt`` has one direction, so no suffix."""
    return animation if animation == "hurt" else f"{animation}_{direction}"
