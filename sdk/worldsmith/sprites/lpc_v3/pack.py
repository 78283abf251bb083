"""Packing the LPC library into a :class:`PartLibrary` (build time: ``tools/build_lpc_v3.py``).

Per (slot, part, sex), every variant's pieces are stacked; the variant with the most colours gives
the class map (its colours ranked dark to light, ties by alpha then RGB), and every other variant
must draw the same pixels with one colour per class, or it is split off as a part of its own named
``<part>/<variant>``. So every library file is redrawn exactly by (class map, palette).

>>> colours = np.array([[[10, 10, 10, 255], [200, 200, 200, 255], [0, 0, 0, 0]]], np.uint8)
>>> classes, palette = rank_colours(colours[None])
>>> classes.tolist(), palette[:, :3].tolist()
([[[1, 2, 0]]], [[10, 10, 10], [200, 200, 200]])
"""
from __future__ import annotations

import zlib
from collections import defaultdict
from pathlib import Path

import numpy as np

from worldsmith.sprites.lpc_v3.library import SEXES, Sheet, load_frames, sheets
from worldsmith.sprites.lpc_v3.parts import K, Part, PartLibrary
from worldsmith.types.lpc_sheet import N_FRAMES

# pieces drawn with another part: a bow's arrow is held in the other hand while shooting
EXTRA = {"bow": "arrow", "greatbow": "arrow", "recurvebow": "arrow", "bow_skeleton": "arrow_skeleton"}
WEAPON_SLOTS = ("weapon", "shield")


def rank_colours(frames: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """RGBA ``(..., 4)`` -> (classes ``(...)`` uint16, 0 transparent, palette ``(K, 4)``): distinct
    colours of the opaque pixels ranked by luminance (then alpha, then R, G, B)."""
    flat = frames.reshape(-1, 4)
    packed = flat.view(np.uint32).reshape(-1)
    opaque = flat[:, 3] > 0
    colours, inverse = np.unique(packed[opaque], return_inverse=True)
    rgba = colours.view(np.uint8).reshape(-1, 4)
    if len(rgba) > K:
        raise ValueError(f"{len(rgba)} colours in one part (at most {K})")
    luma = rgba[:, :3].astype(np.int64) @ np.array([299, 587, 114])
    order = np.lexsort((rgba[:, 2], rgba[:, 1], rgba[:, 0], rgba[:, 3], luma))
    rank = np.empty(len(order), np.int64)
    rank[order] = np.arange(len(order))
    classes = np.zeros(len(flat), np.uint16)
    classes[opaque] = rank[inverse.reshape(-1)] + 1
    return classes.reshape(frames.shape[:-1]), rgba[order]


def palette_for(classes: np.ndarray, frames: np.ndarray) -> np.ndarray | None:
    """The palette that colours ``classes`` as ``frames`` (RGBA), or None if the same pixels are not
    drawn or a class takes two colours."""
    opaque = frames[..., 3] > 0
    if not np.array_equal(opaque, classes > 0):
        return None
    c = classes[opaque].astype(np.int64)
    rgba = frames[opaque].view(np.uint32).reshape(-1)
    palette = np.zeros(int(classes.max(initial=0)) + 1, np.uint32)
    palette[c] = rgba
    if not np.array_equal(palette[c], rgba):
        return None
    return palette[1:].view(np.uint8).reshape(-1, 4).copy()


def _groups(root: Path) -> dict[tuple[str, str, str], dict[str, list[Sheet]]]:
    """(slot, part, sex) -> variant name -> its sheets (one per piece)."""
    by_part: dict[tuple[str, str], list[Sheet]] = defaultdict(list)
    for s in sheets(root):
        by_part[(s.slot, s.part)].append(s)
    out: dict[tuple[str, str, str], dict[str, list[Sheet]]] = {}
    for (slot, part), group in by_part.items():
        if part in EXTRA.values() and slot == "weapon":
            continue
        for sex in SEXES:
            variants: dict[str, list[Sheet]] = defaultdict(list)
            for s in group:
                if s.sex in (sex, None):
                    variants[s.variant].append(s)
            for extra in by_part.get((slot, EXTRA.get(part, "")), []):
                for v in variants.values():
                    v.append(extra)
            if variants:
                out[(slot, part, sex)] = {v: sorted(ss, key=lambda s: s.z) for v, ss in sorted(variants.items())}
    return out


class Packer:
    """Accumulates parts into the arrays of a :class:`PartLibrary`."""

    def __init__(self, root: Path):
        self.root = root
        self.parts: list[Part] = []
        self.piece_z: list[str] = []
        self.blobs: list[bytes] = []
        self.drawn: list[np.ndarray] = []
        self.variants: list[dict] = []

    def frames(self, sheets_: list[Sheet]) -> np.ndarray:
        """``(pieces, 178, 64, 64, 4)`` of one variant."""
        return np.stack([load_frames(self.root, s.path) for s in sheets_])

    def add(self, slot: str, name: str, sex: str, variants: dict[str, list[Sheet]]) -> None:
        """Add one part (splitting off variants that do not share its class map)."""
        frames = {v: self.frames(ss) for v, ss in variants.items()}
        zs = {v: tuple(s.z for s in ss) for v, ss in variants.items()}
        ref = max(frames, key=lambda v: (len(np.unique(frames[v].reshape(-1, 4).view(np.uint32))), v))
        classes, _ = rank_colours(frames[ref])
        kept, split = {}, {}
        for v, f in frames.items():
            pal = palette_for(classes, f) if zs[v] == zs[ref] else None
            (kept if pal is not None else split)[v] = pal
        self._emit(slot, name, sex, zs[ref], classes, {v: (kept[v], variants[v]) for v in kept})
        for v in split:
            own, pal = rank_colours(frames[v])
            self._emit(slot, f"{name}/{v}", sex, zs[v], own, {v: (pal, variants[v])})

    def _emit(self, slot: str, name: str, sex: str, zs: tuple[str, ...], classes: np.ndarray,
              variants: dict[str, tuple[np.ndarray, list[Sheet]]]) -> None:
        pieces = []
        for z, piece in zip(zs, classes):
            pieces.append(len(self.piece_z))
            self.piece_z.append(z)
            self.blobs.append(zlib.compress(np.ascontiguousarray(piece).tobytes(), 9))
            self.drawn.append(piece.reshape(N_FRAMES, -1).any(1))
        vids = []
        for v, (pal, ss) in variants.items():
            vids.append(len(self.variants))
            self.variants.append({"part": len(self.parts), "name": v, "files": [s.path for s in ss], "palette": pal})
        self.parts.append(Part(slot, name, sex, pieces, vids, "weapon" if slot in WEAPON_SLOTS else "worn"))

    def library(self) -> PartLibrary:
        """The packed library."""
        return PartLibrary(self.parts, self.piece_z, self.blobs, np.array(self.drawn), self.variants)


def pack(root: Path, only: set[str] | None = None) -> PartLibrary:
    """Every regular sheet under ``root`` (the ``lpc_library`` folder) packed into parts; ``only``
    keeps those slots (for quick checks)."""
    packer = Packer(root)
    for (slot, name, sex), variants in sorted(_groups(root).items()):
        if only is None or slot in only:
            packer.add(slot, name, sex, variants)
    return packer.library()
