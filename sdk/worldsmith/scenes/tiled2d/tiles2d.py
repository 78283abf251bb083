"""Original 16x16 RGBA tilesets for the composed 2D scenes, drawn with PIL shapes (no game art).

Each tile is a fill colour plus a few rectangles, ellipses and lines, shaded so the kinds read
apart at a glance; the platformer tiles take their colours from a theme.

>>> ts = platformer_tileset("day")
>>> ts.images.shape, ts.names[:2], ts.solid[0]
((11, 16, 16, 4), ['ground top', 'ground'], True)
>>> dungeon_tileset().gid("locked door") == dungeon_tileset().names.index("locked door") + 1
True
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from PIL import Image, ImageDraw

TILE = 16
Op = tuple  # ("rect" | "ellipse" | "line", (x0, y0, x1, y1), fill colour, outline colour | None)

THEMES = {  # ground, grass, brick, mortar, pipe
    "day": ("#b86b32", "#4fbf3a", "#c8552a", "#6b2a12", "#2fa84f"),
    "dusk": ("#9a5a3a", "#6fa83a", "#b44a3a", "#5a2020", "#2f8f6f"),
    "night": ("#5a4a6a", "#3a8a6a", "#6a5a8a", "#2a2040", "#2a7a8a"),
}


@dataclass(frozen=True)
class Tileset:
    """``images`` ``(K, 16, 16, 4)`` uint8 RGBA; ``names`` and ``solid`` per tile (gid = index + 1)."""

    images: np.ndarray
    names: list[str]
    solid: list[bool]

    def gid(self, name: str) -> int:
        """The Tiled gid (1-based) of tile ``name``."""
        return self.names.index(name) + 1


def draw(ops: Sequence[Op], size: tuple[int, int] = (TILE, TILE), bg: str | None = None) -> np.ndarray:
    """An RGBA ``(h, w, 4)`` image of ``ops`` on ``bg`` (transparent when ``None``).

    >>> draw([("rect", (0, 0, 3, 3), "#ff0000", None)], (4, 4))[0, 0].tolist()
    [255, 0, 0, 255]
    """
    img = Image.new("RGBA", size, bg or (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    for kind, box, fill, outline in ops:
        if kind == "rect":
            d.rectangle(box, fill=fill, outline=outline)
        elif kind == "ellipse":
            d.ellipse(box, fill=fill, outline=outline)
        elif kind == "poly":
            d.polygon(box, fill=fill, outline=outline)
        else:
            d.line(box, fill=fill)
    return np.asarray(img, np.uint8).copy()


def _build(tiles: dict[str, tuple[str, bool, Sequence[Op]]]) -> Tileset:
    names = list(tiles)
    images = np.stack([draw(ops, bg=bg) for bg, _, ops in tiles.values()])
    return Tileset(images, names, [solid for _, solid, _ in tiles.values()])


def rect(box: tuple, fill, outline=None) -> Op:
    """A filled (and/or outlined) rectangle op; ``box`` is inclusive (x0, y0, x1, y1)."""
    return ("rect", box, fill, outline)


def line(box: tuple, colour) -> Op:
    """A one-pixel line op from (x0, y0) to (x1, y1)."""
    return ("line", box, colour, None)


def ellipse(box: tuple, fill, outline=None) -> Op:
    """An ellipse op inside ``box``."""
    return ("ellipse", box, fill, outline)


@functools.lru_cache(maxsize=None)
def platformer_tileset(theme: str) -> Tileset:
    """Side-view tiles: ground (with a grass top), brick, ? block, used block, pipes, cannon."""
    ground, grass, brick, mortar, pipe = THEMES[theme]
    dark, light, ink = "#00000060", "#ffffff50", "#8a4000"
    hi, lo = "#9af0b0", "#145a32"
    speckles = [rect((3, 9, 5, 10), dark), rect((10, 12, 12, 13), dark)]
    return _build({
        "ground top": (ground, True, [rect((0, 0, 15, 4), grass), line((0, 5, 15, 5), dark), *speckles]),
        "ground": (ground, True, [rect((2, 3, 4, 4), dark), rect((9, 7, 11, 8), dark), rect((5, 12, 7, 13), dark),
                                  rect((13, 1, 14, 2), light)]),
        "brick": (brick, True, [line((0, 7, 15, 7), mortar), line((0, 15, 15, 15), mortar),
                                line((7, 0, 7, 7), mortar), line((3, 8, 3, 15), mortar),
                                line((11, 8, 11, 15), mortar), line((0, 0, 15, 0), light)]),
        "question": ("#f2c029", True, [rect((0, 0, 15, 15), None, "#8a5a00"), rect((5, 3, 10, 4), ink),
                                       rect((9, 5, 10, 7), ink), rect((7, 7, 8, 9), ink), rect((7, 11, 8, 12), ink)]),
        "used block": ("#8b6a3b", True, [rect((0, 0, 15, 15), None, "#4a3010"), rect((2, 2, 3, 3), dark),
                                         rect((12, 12, 13, 13), dark)]),
        "pipe top left": (pipe, True, [rect((0, 0, 15, 15), None, lo), rect((3, 2, 5, 13), hi)]),
        "pipe top right": (pipe, True, [rect((0, 0, 15, 15), None, lo), rect((10, 2, 12, 13), lo)]),
        "pipe left": (None, True, [rect((2, 0, 15, 15), pipe), rect((4, 0, 6, 15), hi), line((2, 0, 2, 15), lo)]),
        "pipe right": (None, True, [rect((0, 0, 13, 15), pipe), rect((9, 0, 11, 15), lo), line((13, 0, 13, 15), lo)]),
        "cannon top": ("#2a2a2a", True, [ellipse((3, 2, 12, 11), "#555555"), ellipse((6, 5, 9, 8), "#111111"),
                                         rect((0, 13, 15, 15), "#444444")]),
        "cannon": (None, True, [rect((3, 0, 12, 15), "#3a3a3a"), rect((5, 0, 6, 15), "#5a5a5a")]),
    })


FLOOR, WATER, WALL = "#d9c08c", "#2f6fd6", "#3b3f6b"


@functools.lru_cache(maxsize=None)
def dungeon_tileset() -> Tileset:
    """Top-down dungeon tiles: floor, block, water, wall, open doorway, locked door, stairs."""
    shade, teal, deep, mortar, wood, step = "#cdb37c", "#3fb0a9", "#1a4f4a", "#252844", "#2a1a08", "#4a3a2a"
    return _build({
        "floor": (FLOOR, False, [rect((0, 0, 15, 15), None, shade), rect((7, 7, 8, 8), shade)]),
        "block": ("#2a7f7a", True, [rect((2, 2, 13, 13), teal, deep), line((2, 2, 13, 2), "#7fe0d9")]),
        "water": (WATER, True, [line((2, 5, 7, 5), "#8fb8ff"), line((8, 11, 13, 11), "#8fb8ff")]),
        "water floor": (WATER, False, [rect((3, 3, 12, 12), FLOOR, shade)]),
        "water block": (WATER, True, [rect((3, 3, 12, 12), teal, deep)]),
        "wall": (WALL, True, [rect((0, 0, 15, 15), None, mortar), line((0, 8, 15, 8), mortar),
                              line((5, 0, 5, 8), mortar), line((11, 8, 11, 15), mortar)]),
        "doorway": ("#1a1208", False, [rect((1, 1, 14, 14), "#3a2a14")]),
        "locked door": ("#6b4a1f", True, [rect((0, 0, 15, 15), None, wood), line((0, 5, 15, 5), wood),
                                          line((0, 10, 15, 10), wood), rect((6, 5, 9, 10), "#e0c040", "#5a4010"),
                                          rect((7, 7, 8, 8), wood)]),
        "stairs": (FLOOR, False, [rect((1, 1, 14, 14), "#8a7a5a"), line((2, 4, 13, 4), step),
                                  line((2, 8, 13, 8), step), line((2, 12, 13, 12), step)]),
    })
