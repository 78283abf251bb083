"""Layered sprites: characters taken apart into slot layers, each a shape of shade classes plus a palette.

An LPC character is a body with hair and clothes drawn over one shared walk animation, slot by slot
in drawing order (``SLOTS``). Inside one slot a character uses a handful of colours. So a layer is
stored as a *shape* (per cell and pixel a class: 0 absent, 1..K a shade rank, ``UNSEEN`` where the
training data never showed it) and a *palette* (the K colours its classes take). Colour variants of
one asset share their shape.

Fitting (:func:`fit_layers`) is the maximum-likelihood estimate of a categorical per-pixel decoder
with one code per shape: each template pixel is the class most often observed there, counting a
pixel as observed only where nothing drawn above the slot covers it (a slot map says which slot is
on top; below it the layer is known absent). Compositing (:func:`composite`) draws the layers in
slot order and colours every pixel from its layer's palette, so a character has at most
``slots x K`` colours, shared by its 16 cells.

>>> import numpy as np
>>> shapes = np.zeros((1, 16, 4, 3), np.uint8); shapes[0, :, 1:3, 1] = [1, 2]
>>> pal = np.zeros((1, MAX_SHADES, 3), np.uint8); pal[0, :2] = [[200, 0, 0], [90, 0, 0]]
>>> cls, rgba = composite(shapes, pal, np.array([[0]]), np.array([[0]]))
>>> cls[0, 0, :, 1].tolist(), rgba[0, 0, 2, 1].tolist()
([0, 1, 2, 0], [90, 0, 0, 255])
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from worldsmith.pixels.recolor import colour, luminance

MAX_SHADES = 8      # shades per layer (8 keep 97% of the real sheets' pixels exact)
UNSEEN = 255        # template pixel the training data never showed (rendered absent)
TRANSPARENT = 255   # slot-map value of a transparent pixel


def shade_ranks(pixels: np.ndarray, shades: int = MAX_SHADES) -> tuple[np.ndarray, np.ndarray]:
    """One layer's opaque ``pixels (m, 3)`` -> (``ranks (m,)`` in 1..k, ``ramp (k, 3)``): its
    ``shades`` commonest colours sorted dark to light; every other colour snaps to the nearest.

    >>> px = np.array([[250, 250, 250], [10, 10, 10], [250, 250, 250], [12, 10, 10]], np.uint8)
    >>> ranks, ramp = shade_ranks(px, 2)
    >>> ranks.tolist(), ramp.tolist()
    ([2, 1, 2, 1], [[10, 10, 10], [250, 250, 250]])
    """
    colours, inverse, counts = np.unique(pixels, axis=0, return_inverse=True, return_counts=True)
    keep = np.argsort(-counts, kind="stable")[:shades]
    ramp = colours[keep][np.argsort(luminance(colours[keep]), kind="stable")]        # (k, 3)
    dist = ((colours[:, None].astype(np.int32) - ramp[None].astype(np.int32)) ** 2).sum(-1)
    return dist.argmin(1)[inverse.reshape(-1)].astype(np.uint8) + 1, ramp


def decompose(sheet: np.ndarray, slot_map: np.ndarray, shades: int = MAX_SHADES) -> np.ndarray:
    """One character ``sheet (16, H, W, 4)`` with its ``slot_map (16, H, W)`` -> ``shade (16, H, W)``
    uint8: the rank of each pixel's colour inside its topmost slot (see :func:`shade_ranks`), 0
    where transparent."""
    shade = np.zeros(slot_map.shape, np.uint8)
    for s in np.unique(slot_map[slot_map != TRANSPARENT]):
        where = slot_map == s
        shade[where] = shade_ranks(sheet[where][:, :3], shades)[0]
    return shade


def observe(slot_map: np.ndarray, shade: np.ndarray, slot: int) -> np.ndarray:
    """What a character shows of its layer in ``slot``: per pixel -1 unknown (covered by a later
    slot), 0 absent (an earlier slot or transparency on top) or the shade rank."""
    obs = np.where(slot_map == slot, shade.astype(np.int8), np.int8(0))
    obs[(slot_map > slot) & (slot_map != TRANSPARENT)] = -1
    return obs


def vote(counts: np.ndarray) -> np.ndarray:
    """Per-pixel class counts ``(..., 1 + K)`` -> the template: the commonest class, ``UNSEEN``
    where nothing was observed."""
    out = counts.argmax(-1).astype(np.uint8)
    out[counts.sum(-1) == 0] = UNSEEN
    return out


def count(observations: np.ndarray, shades: int = MAX_SHADES) -> np.ndarray:
    """Observations ``(n, ...)`` int8 (-1 unknown) -> class counts ``(..., 1 + shades)`` uint32."""
    counts = np.zeros(observations.shape[1:] + (shades + 1,), np.uint32)
    for c in range(shades + 1):
        counts[..., c] = (observations == c).sum(0)
    return counts


def agree(a: np.ndarray, b: np.ndarray, tolerance: float = 0.02) -> bool:
    """Do two templates draw the same shape? Of the pixels both have seen where either draws,
    presence may differ on at most ``tolerance`` (colour variants of one asset match; other
    shapes, even a nose among noses, do not). Shading is not compared: splitting variants by
    shading tripled the shapes (154 -> 490) without redrawing held-out characters better.

    >>> a = np.zeros((16, 8, 6), np.uint8); a[:, 2:4, 2] = 1
    >>> b = a.copy(); b[:, 4, 2] = 1
    >>> agree(a, a.copy()), agree(a, b)
    (True, False)
    """
    seen = (a != UNSEEN) & (b != UNSEEN)
    pa, pb = (a > 0) & seen, (b > 0) & seen
    drawn = int((pa | pb).sum())
    return drawn > 0 and int((pa != pb).sum()) <= tolerance * drawn


@dataclass
class LayerFit:
    """What a fit has learnt so far (:func:`fit_layers`; the trainer's resumable state): the shape
    templates, and per layer its shape and palette."""

    templates: list[np.ndarray]  # S x (16, H, W) uint8
    layer_shape: np.ndarray      # (L,) int32 shape of each layer (a layer = one asset in one colour), -1 unfitted
    palettes: np.ndarray         # (L, K, 3) uint8 colour of each shape class

    @classmethod
    def empty(cls, layers: int, shades: int = MAX_SHADES) -> "LayerFit":
        """Nothing fitted yet, for ``layers`` layers of ``shades`` classes."""
        return cls([], np.full(layers, -1, np.int32), np.zeros((layers, shades, 3), np.uint8))

    @property
    def shapes(self) -> np.ndarray:
        """``(S, 16, H, W)`` uint8: the templates stacked."""
        return np.array(self.templates, np.uint8)

    def add_group(self, members: list[int], sheets: np.ndarray, slot_maps: np.ndarray, shade: np.ndarray,
                  outfits: np.ndarray) -> None:
        """Fit one group of layers (:func:`fit_group`) and record its shapes and palettes."""
        shades = self.palettes.shape[1]
        for template, layers, pals in fit_group(members, sheets, slot_maps, shade, outfits, shades):
            self.layer_shape[layers], self.palettes[layers] = len(self.templates), pals
            self.templates.append(template)


def palette_for(template: np.ndarray, sheets: np.ndarray, slot_maps: np.ndarray, slot: int,
                shades: int = MAX_SHADES) -> np.ndarray:
    """The colour of each template class in one layer: the commonest colour of the pixels the
    characters ``sheets (n, 16, H, W, 4)`` show of it there; classes never shown borrow the
    nearest shown class's colour."""
    pal = np.zeros((shades, 3), np.uint8)
    shown = np.zeros(shades, bool)
    visible = slot_maps == slot                                                   # (n, 16, H, W)
    for c in range(1, shades + 1):
        where = visible & (template == c)[None]
        if where.any():
            colours, counts = np.unique(sheets[where][:, :3], axis=0, return_counts=True)
            pal[c - 1], shown[c - 1] = colours[counts.argmax()], True
    if shown.any():
        idx = np.flatnonzero(shown)
        pal = pal[idx[np.abs(np.arange(shades)[:, None] - idx[None]).argmin(1)]]
    return pal


def class_map(shapes: np.ndarray, layer_shapes: np.ndarray, shades: int) -> np.ndarray:
    """Characters' class maps ``(n, 16, H, W)`` uint8 from their layers' shapes.

    ``layer_shapes (n, slots)`` indexes ``shapes (S, 16, H, W)`` per slot in drawing order (-1:
    nothing drawn there). A pixel's class is 0 (transparent) or ``slot * shades + shade`` (shade
    1..``shades``) of the last slot drawn over it.
    """
    n, k = layer_shapes.shape
    cls = np.zeros((n,) + shapes.shape[1:], np.uint8)
    for j in range(k):
        for i in np.flatnonzero(layer_shapes[:, j] >= 0):
            t = shapes[layer_shapes[i, j]]
            np.copyto(cls[i], t + j * shades, where=(t > 0) & (t != UNSEEN))   # no gather/scatter: 1.5x faster
    return cls


def composite(shapes: np.ndarray, palettes: np.ndarray, layer_shapes: np.ndarray,
              layer_palettes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Draw characters from their layers: (class map, RGBA sheets).

    ``layer_shapes (n, slots)`` and ``layer_palettes (n, slots)`` index ``shapes (S, 16, H, W)`` and
    ``palettes (P, K, 3)`` per slot in drawing order (-1: nothing); see :func:`class_map`.
    """
    k = palettes.shape[1]
    cls = class_map(shapes, layer_shapes, k)
    palette = palettes[np.maximum(layer_palettes, 0)]                              # (n, slots, K, 3)
    return cls, colour(cls, palette)


def shade_maps(sheets: np.ndarray, slot_maps: np.ndarray, shades: int = MAX_SHADES) -> np.ndarray:
    """Every character's :func:`decompose` shade map: ``(n, 16, H, W)`` uint8."""
    shade = np.zeros(slot_maps.shape, np.uint8)
    for i in range(len(sheets)):
        shade[i] = decompose(sheets[i], slot_maps[i], shades)
    return shade


def fit_group(members: list[int], sheets: np.ndarray, slot_maps: np.ndarray, shade: np.ndarray,
              outfits: np.ndarray, shades: int = MAX_SHADES) -> list[tuple[np.ndarray, list[int], np.ndarray]]:
    """Shapes of one group of layers that may share them (all worn in one slot): a list of
    ``(template, layers, palettes (len(layers), K, 3))``, one per shape.

    Each layer's template votes over the characters wearing it (see :func:`observe`); a layer
    joins the first shape whose template :func:`agree` s with its own, and a shape's template is
    the vote over all its layers' wearers.
    """
    slot = int(np.flatnonzero((outfits == members[0]).any(0))[0])
    wearers = {m: np.flatnonzero(outfits[:, slot] == m) for m in members}
    counts = {m: count(np.stack([observe(slot_maps[i], shade[i], slot) for i in wearers[m]]), shades)
              for m in members}
    clusters: list[list[int]] = []
    for m in members:
        home = next((c for c in clusters if agree(vote(counts[c[0]]), vote(counts[m]))), None)
        if home is None:
            clusters.append([m])
        else:
            home.append(m)
    shapes = []
    for cluster in clusters:
        template = vote(sum(counts[m] for m in cluster))
        pals = np.stack([palette_for(template, sheets[wearers[m]], slot_maps[wearers[m]], slot, shades)
                         for m in cluster])
        shapes.append((template, cluster, pals))
    return shapes


def layer_groups(outfits: np.ndarray, groups: np.ndarray) -> list[list[int]]:
    """The worn layers of each group (groups nobody wears are left out), in group order."""
    worn = np.zeros(len(groups), bool)
    worn[outfits[outfits >= 0]] = True
    return [m.tolist() for g in np.unique(groups) if len(m := np.flatnonzero((groups == g) & worn))]


def fit_layers(sheets: np.ndarray, slot_maps: np.ndarray, outfits: np.ndarray, groups: np.ndarray,
               shades: int = MAX_SHADES) -> LayerFit:
    """Learn shapes and palettes from characters taken apart by their slot maps.

    ``sheets (n, 16, H, W, 4)``, ``slot_maps (n, 16, H, W)``; ``outfits (n, slots)`` names the layer
    each character wears in each slot (-1 none) and ``groups (L,)`` a group per layer whose members
    may share a shape (e.g. the colour variants of one asset folder; see :func:`fit_group`); a
    layer has at most ``shades`` colours. Layers nobody wears keep shape -1.

    >>> sheets = np.zeros((2, 16, 8, 6, 4), np.uint8); sheets[:, :, 2:5, 2:4] = [9, 9, 9, 255]
    >>> maps = np.where(sheets[..., 3] > 0, 0, TRANSPARENT).astype(np.uint8)
    >>> fit = fit_layers(sheets, maps, np.array([[0], [1]]), np.array([0, 0]))
    >>> fit.shapes.shape, fit.layer_shape.tolist(), fit.palettes[1, 0].tolist()
    ((1, 16, 8, 6), [0, 0], [9, 9, 9])
    """
    shade = shade_maps(sheets, slot_maps, shades)
    fit = LayerFit.empty(len(groups), shades)
    for members in layer_groups(outfits, groups):
        fit.add_group(members, sheets, slot_maps, shade, outfits)
    return fit
