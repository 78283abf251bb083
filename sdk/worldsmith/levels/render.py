"""An original tileset drawn with PIL shapes (no game art), and level images made from it.

Each tile kind is a background colour plus a few rectangles, ellipses and lines on a 16x16
cell, chosen so the kinds read apart at a glance. Some tiles a game animates (enemies, question
blocks, coins, gold) have extra frames for Tiled's tile animations (:func:`animated_tileset`).

>>> tileset("smb").size
(208, 16)
>>> sheet, animations = animated_tileset("smb")
>>> sheet.size, animations[vocab("smb").id("?")]
((288, 16), [(3, 600), (15, 150)])
>>> import numpy as np
>>> render(np.zeros((2, 3), np.uint8), "zelda").shape
(32, 48, 3)
"""
from __future__ import annotations

import functools
from typing import Sequence

import numpy as np
from PIL import Image, ImageDraw

from worldsmith.types.tiles import vocab

TILE = 16
Op = tuple  # ("rect" | "ellipse" | "line", (x0, y0, x1, y1), colour)

SKY, GROUND, DARK = "#8fc7ff", "#b5651d", "#5a2d0c"
_SMB: dict[str, tuple[str, Sequence[Op]]] = {
    "X": (GROUND, [("line", (0, 7, 15, 7), DARK), ("line", (7, 0, 7, 7), DARK), ("line", (3, 8, 3, 15), DARK),
                   ("line", (11, 8, 11, 15), DARK), ("rect", (0, 0, 15, 15), None)]),
    "S": ("#d2691e", [("rect", (0, 0, 15, 3), "#f4a460"), ("line", (0, 7, 15, 7), DARK),
                      ("line", (0, 15, 15, 15), DARK), ("line", (5, 0, 5, 7), DARK),
                      ("line", (11, 8, 11, 15), DARK)]),
    "-": (SKY, []),
    "?": ("#f2c029", [("rect", (0, 0, 15, 15), None), ("rect", (6, 3, 9, 9), DARK),
                      ("rect", (6, 11, 9, 13), DARK)]),
    "Q": ("#8b5a2b", [("rect", (2, 2, 13, 13), None)]),
    "E": (SKY, [("ellipse", (2, 3, 13, 14), "#7b3f00"), ("rect", (5, 7, 6, 9), "#ffffff"),
                ("rect", (9, 7, 10, 9), "#ffffff"), ("rect", (3, 13, 12, 15), "#2b1400")]),
    "<": ("#2e8b57", [("rect", (0, 0, 15, 15), None), ("rect", (3, 2, 5, 13), "#7fe0a0")]),
    ">": ("#2e8b57", [("rect", (0, 0, 15, 15), None), ("rect", (11, 2, 12, 13), "#145a32")]),
    "[": ("#2e8b57", [("rect", (2, 0, 4, 15), "#7fe0a0"), ("line", (1, 0, 1, 15), "#145a32")]),
    "]": ("#2e8b57", [("rect", (11, 0, 13, 15), "#145a32"), ("line", (14, 0, 14, 15), "#145a32")]),
    "o": (SKY, [("ellipse", (4, 2, 11, 13), "#ffd700"), ("line", (7, 4, 7, 11), "#b8860b")]),
    "B": ("#222222", [("ellipse", (3, 3, 12, 12), "#555555"), ("rect", (0, 13, 15, 15), "#444444")]),
    "b": ("#333333", [("rect", (4, 0, 11, 15), "#555555")]),
}
_LR: dict[str, tuple[str, Sequence[Op]]] = {
    "B": ("#707070", [("rect", (0, 0, 15, 15), None), ("line", (0, 8, 15, 8), "#505050")]),
    "b": ("#a0412d", [("line", (0, 7, 15, 7), "#3a1a10"), ("line", (0, 15, 15, 15), "#3a1a10"),
                      ("line", (7, 0, 7, 7), "#3a1a10"), ("line", (3, 8, 3, 15), "#3a1a10")]),
    ".": ("#101018", []),
    "-": ("#101018", [("line", (0, 2, 15, 2), "#d8c8a0")]),
    "#": ("#101018", [("line", (3, 0, 3, 15), "#e0e0e0"), ("line", (12, 0, 12, 15), "#e0e0e0"),
                      ("line", (3, 4, 12, 4), "#e0e0e0"), ("line", (3, 11, 12, 11), "#e0e0e0")]),
    "G": ("#101018", [("rect", (3, 9, 12, 15), "#ffd700"), ("rect", (5, 6, 10, 9), "#ffec8b")]),
    "E": ("#101018", [("ellipse", (5, 1, 10, 6), "#ff4040"), ("rect", (5, 7, 10, 12), "#c02020"),
                      ("line", (5, 12, 3, 15), "#c02020"), ("line", (10, 12, 12, 15), "#c02020")]),
    "M": ("#101018", [("ellipse", (5, 1, 10, 6), "#ffffff"), ("rect", (5, 7, 10, 12), "#40a0ff"),
                      ("line", (5, 12, 3, 15), "#40a0ff"), ("line", (10, 12, 12, 15), "#40a0ff")]),
}
FLOOR, WATER = "#d9c08c", "#2f6fd6"
_ZELDA: dict[str, tuple[str, Sequence[Op]]] = {
    "F": (FLOOR, [("rect", (0, 0, 15, 15), "#cdb37c")]),
    "B": ("#2a7f7a", [("rect", (2, 2, 13, 13), "#3fb0a9"), ("rect", (0, 0, 15, 15), None)]),
    "M": (FLOOR, [("ellipse", (3, 3, 12, 12), "#c0302a"), ("rect", (5, 6, 6, 7), "#ffffff"),
                  ("rect", (9, 6, 10, 7), "#ffffff")]),
    "P": (WATER, [("line", (2, 5, 7, 5), "#8fb8ff"), ("line", (8, 11, 13, 11), "#8fb8ff")]),
    "O": (WATER, [("rect", (4, 4, 11, 11), FLOOR)]),
    "I": (WATER, [("rect", (4, 4, 11, 11), "#3fb0a9")]),
    "D": ("#1a1208", [("rect", (0, 0, 15, 15), "#6b4a1f")]),
    "S": (FLOOR, [("line", (2, 3, 13, 3), "#5a4a2a"), ("line", (2, 7, 13, 7), "#5a4a2a"),
                  ("line", (2, 11, 13, 11), "#5a4a2a")]),
    "W": ("#3b3f6b", [("rect", (0, 0, 15, 15), "#252844"), ("line", (0, 8, 15, 8), "#252844")]),
    "-": ("#000000", []),
}
STYLES = {"smb": _SMB, "loderunner": _LR, "zelda": _ZELDA}

Drawing = tuple[str, Sequence[Op], bool]  # background, ops, mirrored left to right
_GOOMBA_STEP: Drawing = (SKY, [("ellipse", (2, 3, 13, 14), "#7b3f00"), ("rect", (4, 7, 5, 9), "#ffffff"),
                               ("rect", (8, 7, 9, 9), "#ffffff"), ("rect", (1, 13, 6, 15), "#2b1400"),
                               ("rect", (10, 12, 13, 14), "#2b1400")], False)
_COIN_TURN: Drawing = (SKY, [("ellipse", (6, 2, 9, 13), "#ffd700"), ("line", (7, 4, 7, 11), "#b8860b")], False)
_COIN_EDGE: Drawing = (SKY, [("rect", (7, 2, 8, 13), "#b8860b")], False)
_RUNNER_STEP: Drawing = ("#101018", [("ellipse", (5, 1, 10, 6), "#ff4040"), ("rect", (5, 7, 10, 12), "#c02020"),
                                     ("line", (5, 12, 5, 15), "#c02020"), ("line", (10, 12, 13, 15), "#c02020")],
                         False)
#: animated tiles: game -> tile char -> its frames in turn, (None: the tile itself, or a drawing; ms)
ANIMATIONS: dict[str, dict[str, list[tuple[Drawing | None, int]]]] = {
    "smb": {"E": [(None, 250), (_GOOMBA_STEP, 250), (None, 250), ((*_GOOMBA_STEP[:2], True), 250)],
            "?": [(None, 600), (("#ffe680", _SMB["?"][1], False), 150)],
            "o": [(None, 150), (_COIN_TURN, 150), (_COIN_EDGE, 150), (_COIN_TURN, 150)]},
    "loderunner": {"G": [(None, 800), (("#101018", [*_LR["G"][1], ("line", (12, 3, 12, 7), "#ffffff"),
                                                    ("line", (10, 5, 14, 5), "#ffffff")], False), 150)],
                   "E": [(None, 200), (_RUNNER_STEP, 200), (None, 200), ((*_RUNNER_STEP[:2], True), 200)]},
}


def _draw(bg: str | None, ops: Sequence[Op]) -> Image.Image:
    """One tile: ``ops`` drawn on ``bg`` (None: on transparent, an RGBA tile)."""
    img = Image.new("RGB", (TILE, TILE), bg) if bg else Image.new("RGBA", (TILE, TILE))
    d = ImageDraw.Draw(img)
    for kind, box, colour in ops:
        if kind == "rect":
            d.rectangle(box, fill=colour, outline=None if colour else "#00000080")
        elif kind == "ellipse":
            d.ellipse(box, fill=colour)
        else:
            d.line(box, fill=colour)
    return img


@functools.lru_cache(maxsize=None)
def tileset(game: str, backdrop: str = "") -> Image.Image:
    """The game's tiles side by side in id order: a ``(16 * kinds) x 16`` RGB image; with
    ``backdrop`` (a tile char, such as SMB's sky ``-``) an RGBA image whose tiles drawn on that
    tile's colour (the backdrop itself, enemies and coins in the sky) are drawn on transparent,
    for engines that draw their own background behind the level."""
    v = vocab(game)
    clear = STYLES[game][backdrop][0] if backdrop else None
    sheet = Image.new("RGBA" if backdrop else "RGB", (TILE * v.size, TILE))
    for i, ch in enumerate(v.chars):
        bg, ops = STYLES[game][ch]
        sheet.paste(_draw(None if bg == clear else bg, ops), (i * TILE, 0))
    return sheet


@functools.lru_cache(maxsize=None)
def animated_tileset(game: str) -> tuple[Image.Image, dict[int, list[tuple[int, int]]]]:
    """:func:`tileset` followed by the extra frames of the game's :data:`ANIMATIONS`, and those
    animations as Tiled has them: tile id -> ``[(frame id, ms)...]``."""
    v = vocab(game)
    extra: list[Drawing] = []
    animations = {}
    for ch, frames in ANIMATIONS.get(game, {}).items():
        for drawing, _ in frames:
            if drawing is not None and drawing not in extra:
                extra.append(drawing)
        animations[v.id(ch)] = [(v.id(ch) if d is None else v.size + extra.index(d), ms) for d, ms in frames]
    sheet = Image.new("RGB", (TILE * (v.size + len(extra)), TILE))
    sheet.paste(tileset(game), (0, 0))
    for i, (bg, ops, mirrored) in enumerate(extra):
        img = _draw(bg, ops)
        sheet.paste(img.transpose(Image.FLIP_LEFT_RIGHT) if mirrored else img, ((v.size + i) * TILE, 0))
    return sheet, animations


@functools.lru_cache(maxsize=None)
def _indexed(game: str) -> tuple[np.ndarray, np.ndarray, int]:
    """The game's tiles as palette indices ``(C, 16, 16)``, the palette ``(k, 3)`` (their colours
    and white, sorted) and white's index."""
    cells = np.asarray(tileset(game)).reshape(TILE, -1, TILE, 3).transpose(1, 0, 2, 3)  # (C, 16, 16, 3)
    colours = np.concatenate([cells.reshape(-1, 3), [[255, 255, 255]]]).astype(np.uint8)
    palette, inverse = np.unique(colours, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    return inverse[:-1].reshape(cells.shape[:3]).astype(np.uint8), palette, int(inverse[-1])


def render_indexed(tiles: np.ndarray, game: str, path: Sequence[tuple[int, int]] = ()) -> tuple[np.ndarray, np.ndarray]:
    """:func:`render`'s image as ``(16H, 16W)`` uint8 palette indices and the ``(k, 3)`` palette
    (a tile game has a few dozen colours): a third of the bytes, and its PNG encodes about 4x
    faster, with the same pixels.

    >>> tiles = np.array([[0, 1], [2, 2]], np.uint8)
    >>> img, palette = render_indexed(tiles, "smb", [(0, 0)])
    >>> img.shape, bool((palette[img] == render(tiles, "smb", [(0, 0)])).all())
    ((32, 32), True)
    """
    cells, palette, white = _indexed(game)
    h, w = tiles.shape
    img = cells[tiles].transpose(0, 2, 1, 3).reshape(h * TILE, w * TILE).copy()
    for r, c in path:
        img[r * TILE + 6:r * TILE + 10, c * TILE + 6:c * TILE + 10] = white
    return img, palette


def render(tiles: np.ndarray, game: str, path: Sequence[tuple[int, int]] = ()) -> np.ndarray:
    """A ``(16H, 16W, 3)`` uint8 image of a level; ``path`` cells get a white dot."""
    img, palette = render_indexed(tiles, game, path)
    return palette[img]
