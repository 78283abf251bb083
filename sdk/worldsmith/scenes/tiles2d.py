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


@functools.lru_cache(maxsize=None)
def platformer_tileset(theme: str) -> Tileset:
    """Side-view tiles: ground (with a grass top), brick, ? block, used block, pipes, cannon."""
    ground, grass, brick, mortar, pipe = THEMES[theme]
    dark, light = "#00000060", "#ffffff50"
    hi_pipe, lo_pipe = "#9af0b0", "#145a32"
    return _build({
        "ground top": (ground, True, [("rect", (0, 0, 15, 4), grass, None), ("line", (0, 5, 15, 5), dark, None),
                                      ("rect", (3, 9, 5, 10), dark, None), ("rect", (10, 12, 12, 13), dark, None)]),
        "ground": (ground, True, [("rect", (2, 3, 4, 4), dark, None), ("rect", (9, 7, 11, 8), dark, None),
                                  ("rect", (5, 12, 7, 13), dark, None), ("rect", (13, 1, 14, 2), light, None)]),
        "brick": (brick, True, [("line", (0, 7, 15, 7), mortar, None), ("line", (0, 15, 15, 15), mortar, None),
                                ("line", (7, 0, 7, 7), mortar, None), ("line", (3, 8, 3, 15), mortar, None),
                                ("line", (11, 8, 11, 15), mortar, None), ("line", (0, 0, 15, 0), light, None)]),
        "question": ("#f2c029", True, [("rect", (0, 0, 15, 15), None, "#8a5a00"),
                                       ("rect", (5, 3, 10, 4), "#8a4000", None), ("rect", (9, 5, 10, 7), "#8a4000", None),
                                       ("rect", (7, 7, 8, 9), "#8a4000", None), ("rect", (7, 11, 8, 12), "#8a4000", None)]),
        "used block": ("#8b6a3b", True, [("rect", (0, 0, 15, 15), None, "#4a3010"), ("rect", (2, 2, 3, 3), dark, None),
                                         ("rect", (12, 12, 13, 13), dark, None)]),
        "pipe top left": (pipe, True, [("rect", (0, 0, 15, 15), None, lo_pipe), ("rect", (3, 2, 5, 13), hi_pipe, None)]),
        "pipe top right": (pipe, True, [("rect", (0, 0, 15, 15), None, lo_pipe), ("rect", (10, 2, 12, 13), lo_pipe, None)]),
        "pipe left": (None, True, [("rect", (2, 0, 15, 15), pipe, None), ("rect", (4, 0, 6, 15), hi_pipe, None),
                                   ("line", (2, 0, 2, 15), lo_pipe, None)]),
        "pipe right": (None, True, [("rect", (0, 0, 13, 15), pipe, None), ("rect", (9, 0, 11, 15), lo_pipe, None),
                                    ("line", (13, 0, 13, 15), lo_pipe, None)]),
        "cannon top": ("#2a2a2a", True, [("ellipse", (3, 2, 12, 11), "#555555", None), ("ellipse", (6, 5, 9, 8), "#111111", None),
                                         ("rect", (0, 13, 15, 15), "#444444", None)]),
        "cannon": (None, True, [("rect", (3, 0, 12, 15), "#3a3a3a", None), ("rect", (5, 0, 6, 15), "#5a5a5a", None)]),
    })


FLOOR, WATER, WALL = "#d9c08c", "#2f6fd6", "#3b3f6b"


@functools.lru_cache(maxsize=None)
def dungeon_tileset() -> Tileset:
    """Top-down dungeon tiles: floor, block, water, wall, open doorway, locked door, stairs."""
    shade = "#cdb37c"
    return _build({
        "floor": (FLOOR, False, [("rect", (0, 0, 15, 15), None, shade), ("rect", (7, 7, 8, 8), shade, None)]),
        "block": ("#2a7f7a", True, [("rect", (2, 2, 13, 13), "#3fb0a9", "#1a4f4a"), ("line", (2, 2, 13, 2), "#7fe0d9", None)]),
        "water": (WATER, True, [("line", (2, 5, 7, 5), "#8fb8ff", None), ("line", (8, 11, 13, 11), "#8fb8ff", None)]),
        "water floor": (WATER, False, [("rect", (3, 3, 12, 12), FLOOR, shade)]),
        "water block": (WATER, True, [("rect", (3, 3, 12, 12), "#3fb0a9", "#1a4f4a")]),
        "wall": (WALL, True, [("rect", (0, 0, 15, 15), None, "#252844"), ("line", (0, 8, 15, 8), "#252844", None),
                              ("line", (5, 0, 5, 8), "#252844", None), ("line", (11, 8, 11, 15), "#252844", None)]),
        "doorway": ("#1a1208", False, [("rect", (1, 1, 14, 14), "#3a2a14", None)]),
        "locked door": ("#6b4a1f", True, [("rect", (0, 0, 15, 15), None, "#2a1a08"), ("line", (0, 5, 15, 5), "#2a1a08", None),
                                          ("line", (0, 10, 15, 10), "#2a1a08", None),
                                          ("rect", (6, 5, 9, 10), "#e0c040", "#5a4010"), ("rect", (7, 7, 8, 8), "#2a1a08", None)]),
        "stairs": (FLOOR, False, [("rect", (1, 1, 14, 14), "#8a7a5a", None), ("line", (2, 4, 13, 4), "#4a3a2a", None),
                                  ("line", (2, 8, 13, 8), "#4a3a2a", None), ("line", (2, 12, 13, 12), "#4a3a2a", None)]),
    })
