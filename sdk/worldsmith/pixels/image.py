"""Pure pixel-art post-processing of RGBA images: binary alpha, orphan-pixel and speck removal,
palette quantisation, 1-px outline, nearest-neighbour upscale.

Each function takes an RGBA uint8 array ``(..., H, W, 4)`` and returns a new one. Given an asset
with ``images`` (a :class:`~worldsmith.types.sprite.SpriteBatch`), it works character by character
(so a palette is shared by one character's 16 frames) and returns a copy whose ``meta.post``
records the step and its parameters.

>>> import numpy as np
>>> img = np.zeros((5, 5, 4), np.uint8)
>>> img[2, 2] = (200, 10, 10, 255)
>>> int(remove_specks(img, min_size=2)[..., 3].sum())      # a lone pixel is a speck
0
>>> int((outline(img, "#000000")[..., 3] > 0).sum())        # the pixel plus 4 outline pixels
5
>>> quantize(img, "pico8")[2, 2, :3].tolist()               # nearest PICO-8 colour
[255, 0, 77]
"""
from __future__ import annotations

import dataclasses
import functools
from typing import Any, Callable, Sequence

import numpy as np
from PIL import Image

from worldsmith.core.errors import ConfigError

PALETTES: dict[str, tuple[str, ...]] = {
    "pico8": ("000000", "1d2b53", "7e2553", "008751", "ab5236", "5f574f", "c2c3c7", "fff1e8",
              "ff004d", "ffa300", "ffec27", "00e436", "29adff", "83769c", "ff77a8", "ffccaa"),
    "db32": ("000000", "222034", "45283c", "663931", "8f563b", "df7126", "d9a066", "eec39a",
             "fbf236", "99e550", "6abe30", "37946e", "4b692f", "524b24", "323c39", "3f3f74",
             "306082", "5b6ee1", "639bff", "5fcde4", "cbdbfc", "ffffff", "9badb7", "847e87",
             "696a6a", "595652", "76428a", "ac3232", "d95763", "d77bba", "8f974a", "8a6f30"),
}


def parse_color(text: str, name: str = "color") -> np.ndarray:
    """``"#rrggbb"`` (or ``"rrggbb"``) -> uint8 RGB; anything else raises :class:`ConfigError`.

    >>> parse_color("#ff8000").tolist()
    [255, 128, 0]
    """
    hexa = str(text).lstrip("#")
    if len(hexa) != 6 or any(c not in "0123456789abcdefABCDEF" for c in hexa):
        raise ConfigError(name, "a colour '#rrggbb'", text)
    return np.array([int(hexa[i:i + 2], 16) for i in (0, 2, 4)], np.uint8)


def palette_colors(palette: str | Sequence[str], name: str = "palette") -> np.ndarray:
    """A named palette (``pico8``, ``db32``) or a list of ``#rrggbb`` -> ``(k, 3)`` uint8."""
    if isinstance(palette, str):
        if palette not in PALETTES:
            raise ConfigError(name, f"a palette name ({', '.join(PALETTES)}) or a list of '#rrggbb'", palette)
        palette = PALETTES[palette]
    if not isinstance(palette, (list, tuple)) or not palette:
        raise ConfigError(name, "a non-empty list of '#rrggbb' colours", palette)
    return np.stack([parse_color(c, name) for c in palette])


def _on_assets(step: Callable) -> Callable:
    """Let ``step(images, **params)`` also take an asset with ``images``, per character."""

    @functools.wraps(step)
    def run(target: Any, *args: Any, **params: Any) -> Any:
        if not hasattr(target, "images"):
            return step(np.asarray(target), *args, **params)
        images = np.stack([step(sheet, *args, **params) for sheet in target.images])
        bound = dict(zip(step.__code__.co_varnames[1:], args), **params)
        return dataclasses.replace(target, images=images, meta=target.meta.with_post(step.__name__, **bound))

    return run


@_on_assets
def binary_alpha(images: np.ndarray, threshold: int = 128) -> np.ndarray:
    """Alpha to 0 or 255 at ``threshold``; fully transparent pixels get RGB 0."""
    out = images.copy()
    opaque = out[..., 3] >= threshold
    out[~opaque] = 0
    out[..., 3] = np.where(opaque, 255, 0)
    return out


#: 8-connectivity within a frame and none across frames, for labelling a ``(F, H, W)`` stack
_IN_FRAME = np.pad(np.ones((1, 3, 3), bool), ((1, 1), (0, 0), (0, 0)))


def _frames(images: np.ndarray) -> np.ndarray:
    return images.reshape(-1, *images.shape[-3:])


@_on_assets
def remove_specks(images: np.ndarray, min_size: int = 3) -> np.ndarray:
    """Make opaque islands smaller than ``min_size`` pixels (8-connected) transparent."""
    from scipy import ndimage  # lazy: scipy (0.3 s), start-up time

    frames = _frames(images)
    labels, n = ndimage.label(frames[..., 3] > 0, structure=_IN_FRAME)   # all frames in one call
    out = frames.copy()
    if n:
        small = np.bincount(labels.ravel()) < min_size                    # (n + 1,) per island
        small[0] = False                                                  # the background
        if small.any():
            out[small[labels]] = 0
    return out.reshape(images.shape)


def _neighbours(frames: np.ndarray) -> np.ndarray:
    """``(F, H, W, C)`` -> ``(4, F, H, W, C)``: up, down, left, right neighbours (edge-padded)."""
    p = np.pad(frames, ((0, 0), (1, 1), (1, 1), (0, 0)), mode="edge")
    return np.stack([p[:, :-2, 1:-1], p[:, 2:, 1:-1], p[:, 1:-1, :-2], p[:, 1:-1, 2:]])


@_on_assets
def remove_orphans(images: np.ndarray) -> np.ndarray:
    """Majority filter: each opaque pixel takes the colour most common among the opaque pixels of
    its 3 x 3 window (itself winning ties), so orphan pixels, which share their colour with no
    neighbour, are repainted and 1-px noise flattens into areas. Alpha is unchanged."""
    frames = np.ascontiguousarray(_frames(images))
    f, h, w = frames.shape[:3]
    packed = np.pad(frames.view(np.uint32)[..., 0], ((0, 0), (1, 1), (1, 1)))  # (F, H+2, W+2) RGBA
    win = np.stack([packed[:, y:y + h, x:x + w] for y in range(3) for x in range(3)])  # (9, F, H, W)
    votes = np.zeros(win.shape, np.int8)
    for i in range(9):
        for j in range(i + 1, 9):
            same = win[i] == win[j]
            votes[i] += same
            votes[j] += same
    votes[win == 0] = -1                                                          # transparent
    votes[4] += 1                                                                 # the centre
    best = np.take_along_axis(win, votes.argmax(0)[None], 0)[0]                   # (F, H, W)
    out = np.where(frames[..., 3] > 0, best, packed[:, 1:-1, 1:-1])
    return out[..., None].view(np.uint8).reshape(images.shape)


@_on_assets
def quantize(images: np.ndarray, palette: str | Sequence[str] | None = None, colors: int = 24) -> np.ndarray:
    """Map opaque pixels to the nearest colour of a palette: named (``pico8``, ``db32``), a list
    of ``#rrggbb``, or (``palette=None``) the ``colors`` colours an octree finds in these images."""
    out = images.copy()                                                   # C order, so a flat view
    pixels = out.reshape(-1, 4)                                           # (H*W*..., 4) view of out
    opaque = np.flatnonzero(pixels[:, 3])                                 # (P,) pixel indices
    if not len(opaque):
        return out
    rgb = pixels[opaque, :3]                                              # (P, 3) copy
    if palette is None:
        if not 1 <= int(colors) <= 256:
            raise ConfigError("colors", "an int in [1, 256]", colors)
        pixels[opaque, :3] = _octree(rgb, int(colors))
    else:
        table = palette_colors(palette)
        pixels[opaque, :3] = table[_nearest(rgb, table)]
    return out


def _strip(rgb: np.ndarray):
    return Image.fromarray(np.ascontiguousarray(rgb.reshape(1, -1, 3)))


def _octree(rgb: np.ndarray, colors: int) -> np.ndarray:
    """``(P, 3)`` pixels -> each pixel's colour in a ``colors``-colour palette that PIL's fast
    octree fits to them (deterministic, well under a millisecond for a sheet)."""
    quant = _strip(rgb).quantize(colors=colors, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    return np.asarray(quant.convert("RGB"))[0]


def _nearest(rgb: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Index into ``table (k, 3)`` of the nearest colour of each pixel ``(P, 3)`` (PIL's mapper)."""
    pal = Image.new("P", (1, 1))
    pal.putpalette(np.resize(table, (256, 3)).ravel().tolist())         # pad by repeating colours
    index = np.asarray(_strip(rgb).quantize(palette=pal, dither=Image.Dither.NONE))[0]
    return index % len(table)


@_on_assets
def outline(images: np.ndarray, color: str = "#000000") -> np.ndarray:
    """Paint transparent pixels 4-adjacent to an opaque one with ``color`` (a 1-px outline)."""
    rgb = parse_color(color, "outline")
    frames = _frames(images)
    near = (_neighbours(frames[..., 3:]) > 0).any(0)[..., 0]              # (F, H, W)
    ring = near & (frames[..., 3] == 0)
    out = frames.copy()
    out[ring] = (*rgb, 255)
    return out.reshape(images.shape)


def upscale(images: np.ndarray, factor: int = 2) -> np.ndarray:
    """Nearest-neighbour upscale of ``(..., H, W, C)`` by an integer ``factor`` (arrays only:
    an asset's frame size is fixed).

    >>> upscale(np.zeros((3, 2, 4), np.uint8), 3).shape
    (9, 6, 4)
    """
    if isinstance(factor, bool) or not isinstance(factor, int) or not 1 <= factor <= 16:
        raise ConfigError("factor", "an int in [1, 16]", factor)
    return np.repeat(np.repeat(np.asarray(images), factor, -3), factor, -2)
