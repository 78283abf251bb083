"""Recolouring layered sprites: a slot's colours replaced, or another character's palette borrowed.

Works on what ``sprites/lpc-v2`` batches carry: per pixel a class (0 transparent, else
``slot * K + shade``, shade 1..K dark to light) and per character a palette ``(slots, K, 3)``.
One colour replaces a slot's ramp keeping its shading (each shade's brightness relative to the
middle one); several colours (dark to light) are spread over the shades the character uses.

>>> import numpy as np
>>> pal = np.zeros((1, 1, 4, 3), np.uint8); pal[0, 0] = [[40, 40, 40], [80, 80, 80], [160, 160, 160], [0, 0, 0]]
>>> classes = np.array([[1, 2, 3, 0]], np.uint8)
>>> replace(pal, classes, 0, ["#ff0000"])[0, 0, :3].tolist()
[[128, 0, 0], [255, 0, 0], [255, 0, 0]]
>>> replace(pal, classes, 0, ["#000010", "#0000f0"])[0, 0, :3].tolist()
[[0, 0, 16], [0, 0, 16], [0, 0, 240]]
"""
from __future__ import annotations

import dataclasses
from typing import Sequence

import numpy as np

from worldsmith.core.errors import ConfigError
from worldsmith.pixels.image import parse_color


def luminance(rgb: np.ndarray) -> np.ndarray:
    """Rec. 601 luma of ``(..., 3)`` colours."""
    return rgb[..., :3].astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)


def colour(classes: np.ndarray, palette: np.ndarray) -> np.ndarray:
    """Class maps ``(n, ...)`` + per-character ``palette (n, slots, K, 3)`` (opaque) or
    ``(n, slots, K, 4)`` (RGBA) -> RGBA ``(n, ..., 4)`` uint8 (class 0 transparent, class
    ``slot * K + s`` the colour ``palette[:, slot, s - 1]``)."""
    n, slots, k, channels = palette.shape
    lut = np.zeros((n, slots * k + 1, 4), np.uint8)                              # class -> RGBA
    lut[:, 1:, :channels] = palette.reshape(n, slots * k, channels)
    if channels == 3:
        lut[:, 1:, 3] = 255
    words = lut.view(np.uint32)[..., 0]               # (n, classes): one RGBA pixel a word, 10x faster
    flat = classes.reshape(n, -1)
    out = np.empty(flat.shape, np.uint32)
    for i in range(n):
        np.take(words[i], flat[i], out=out[i])
    return out.view(np.uint8).reshape(classes.shape + (4,))


def ramp(colors: Sequence[str], old: np.ndarray, name: str = "colors", used: np.ndarray | None = None) -> np.ndarray:
    """A new ramp ``(K, 3)`` for a slot whose ramp was ``old (K, 3)``, from ``colors`` (see the
    module docstring); ``used`` marks the shades the character draws (default: all)."""
    if isinstance(colors, str) or not isinstance(colors, (list, tuple)) or not 1 <= len(colors) <= len(old):
        raise ConfigError(name, f"a list of 1 to {len(old)} colours '#rrggbb' (dark to light)", colors)
    rgb = np.stack([parse_color(c, name) for c in colors]).astype(np.float32)          # (m, 3)
    used = np.ones(len(old), bool) if used is None or not used.any() else used
    shades = np.flatnonzero(used)
    if len(rgb) == 1:
        mid = max(float(luminance(old[shades[len(shades) // 2]])), 1.0)
        out = rgb[0][None] * (luminance(old)[:, None] / mid)
    else:
        pos = np.searchsorted(shades, np.arange(len(old))).clip(0, len(shades) - 1)   # nearest used shade
        rank = pos / max(len(shades) - 1, 1)
        out = rgb[np.round(rank * (len(rgb) - 1)).astype(int)]
    return np.clip(np.round(out), 0, 255).astype(np.uint8)


def slot_of(classes: np.ndarray, k: int) -> np.ndarray:
    """The slot of each class (``K = k`` shades a slot), -1 where transparent.

    >>> slot_of(np.array([0, 1, 8, 9]), 8).tolist()
    [-1, 0, 0, 1]
    """
    return np.where(classes > 0, (classes.astype(np.int32) - 1) // k, -1)


def _used(classes: np.ndarray, slot: int, k: int) -> np.ndarray:
    """``(k,)`` bool: the shades of ``slot`` that appear in one character's ``classes``."""
    present = np.zeros(max(256, int(classes.max(initial=0)) + 1, 1 + (slot + 1) * k), bool)
    present[np.unique(classes)] = True
    return present[1 + slot * k:1 + (slot + 1) * k]


def replace(palette: np.ndarray, classes: np.ndarray, slot: int, colors: Sequence[str]) -> np.ndarray:
    """``palette (n, slots, K, 3)`` with ``slot``'s ramp made from ``colors`` for every character."""
    out = palette.copy()
    k = palette.shape[2]
    for i in range(len(palette)):
        out[i, slot] = ramp(colors, palette[i, slot], f"recolor.{slot}", _used(classes[i], slot, k))
    return out


def replace_rgba(palette: np.ndarray, classes: np.ndarray, slot: int, colors: Sequence[str]) -> np.ndarray:
    """:func:`replace` for RGBA palettes ``(n, slots, K, 4)`` (alpha kept)."""
    out = palette.copy()
    out[..., :3] = replace(np.ascontiguousarray(palette[..., :3]), classes, slot, colors)
    return out


def recolor_rgba(batch, slot: str, colors: Sequence[str]):
    """``batch`` (a :class:`CharacterBatch`) with ``slot``'s colours replaced by ``colors`` (see
    :func:`ramp`); its pixels of that slot repainted (opaque: a translucent shade is drawn as it
    is, not blended again). The step is recorded in ``meta.post``."""
    if batch.classes is None:
        raise ConfigError("batch", "a batch carrying classes and palette", "no classes")
    if slot not in batch.slots:
        raise ConfigError("slot", f"one of {', '.join(batch.slots)}", slot)
    index = batch.slots.index(slot)
    palette = replace_rgba(batch.palette, batch.classes, index, colors)
    images = repaint(batch.images, batch.classes, palette, [index])
    return dataclasses.replace(batch, images=images, palette=palette,
                               meta=batch.meta.with_post("recolor", slot=slot, colors=list(colors)))


def borrow(palette: np.ndarray, theirs: np.ndarray, has: np.ndarray, slots: Sequence[int] | None = None) -> np.ndarray:
    """``palette (n, slots, K, 3)`` with the ramps of ``theirs`` (same shape) wherever ``has
    (n, slots)`` says the other character draws that slot (only ``slots`` if given)."""
    take = has.copy()
    if slots is not None:
        keep = np.zeros(palette.shape[1], bool)
        keep[list(slots)] = True
        take &= keep[None]
    return np.where(take[..., None, None], theirs, palette)


def repaint(images: np.ndarray, classes: np.ndarray, palette: np.ndarray, slots: Sequence[int]) -> np.ndarray:
    """``images (n, ..., 4)`` with the pixels of ``slots`` (by ``classes``) coloured from ``palette``."""
    redraw = np.isin(slot_of(classes, palette.shape[2]), list(slots))
    return np.where(redraw[..., None], colour(classes, palette), images)


def recolor(batch, slot: str | None = None, colors: Sequence[str] | None = None, like=None):
    """``batch`` (a layered :class:`SpriteBatch`) recoloured: ``slot``'s colours replaced by
    ``colors``, or the palette of ``like`` (a batch of one character, or of as many) borrowed for
    ``slot`` (every slot it draws when ``slot`` is None). The step is recorded in ``meta.post``."""
    if batch.classes is None:
        raise ConfigError("batch", "a layered batch (sprites/lpc-v2) carrying classes and palette", "no classes")
    if slot is not None and slot not in batch.slots:
        raise ConfigError("slot", f"one of {', '.join(batch.slots)}", slot)
    if (colors is None) == (like is None):
        given = "both" if colors else "neither"
        raise ConfigError("recolor", "either colors or like (another character's batch)", given)
    index = [batch.slots.index(slot)] if slot is not None else list(range(len(batch.slots)))
    if colors is not None:
        palette = replace(batch.palette, batch.classes, index[0], colors)
        params = {"slot": slot, "colors": list(colors)}
    else:
        if like.classes is None or like.slots != batch.slots or len(like) not in (1, len(batch)):
            raise ConfigError("like", "a layered batch of the same model with 1 or len(batch) characters",
                              f"{len(like)} characters")
        theirs = np.broadcast_to(like.palette, batch.palette.shape)
        slots = len(like.slots)
        has = np.stack([np.bincount(slot_of(c, like.palette.shape[2]).ravel() + 1, minlength=slots + 1)[1:] > 0
                        for c in like.classes])                                   # (len(like), slots)
        palette = borrow(batch.palette, theirs, np.broadcast_to(has, batch.palette.shape[:2]), index)
        params = {"slot": slot, "like": like.meta.seed}
    images = repaint(batch.images, batch.classes, palette, index)
    return dataclasses.replace(batch, images=images, palette=palette, meta=batch.meta.with_post("recolor", **params))
