"""The layered sprite model of ``sprites/lpc-v2``: learned layer shapes and palettes plus an outfit prior.

A character is an *outfit*: one layer (or none) per slot, drawn in slot order (see
:mod:`worldsmith.sprites.lpc_v2.layers`). The outfit prior is the training characters' own outfits
re-combined: the anchor slots (the body and what is drawn in its skin colour: nose, ears) come
together from one training character, every other slot from a training character of the same body
kind, drawn independently. So a sample wears real layers in a new combination, as a new LPC
character does.

>>> import numpy as np
>>> m = LayerModel.tiny()
>>> outfit = m.sample(np.random.default_rng(0))
>>> classes, palette = m.draw(outfit[None])
>>> classes.shape, palette.shape
((1, 16, 64, 48), (1, 3, 8, 3))
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from worldsmith.core.errors import WeightsError
from worldsmith.core.weights import save_folder
from worldsmith.sprites.lpc_v2.layers import UNSEEN, class_map


def pack4(a: np.ndarray) -> np.ndarray:
    """uint8 values < 16 -> half as many bytes (two per byte, first in the low nibble)."""
    flat = a.reshape(-1)
    flat = np.concatenate([flat, np.zeros(len(flat) % 2, np.uint8)])
    return (flat[0::2] | (flat[1::2] << 4)).astype(np.uint8)


def unpack4(b: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Inverse of :func:`pack4`.

    >>> a = np.arange(15, dtype=np.uint8).reshape(3, 5)
    >>> bool((unpack4(pack4(a), a.shape) == a).all())
    True
    """
    out = np.stack([b & 15, b >> 4], 1).reshape(-1)[:int(np.prod(shape))]
    return out.reshape(shape)


@dataclass
class LayerModel:
    """Shapes, palettes and the outfit prior (see the module docstring)."""

    slots: list[str]              # slot names in drawing order
    shapes: np.ndarray            # (S, 16, H, W) uint8 templates: 0 absent, 1..K shade
    layer_shape: np.ndarray       # (L,) int32 shape of each layer
    palettes: np.ndarray          # (L, K, 3) uint8 colours of each layer's shade classes
    outfits: np.ndarray           # (N, slots) int32 training outfits (-1: slot empty)
    condition: np.ndarray         # (N,) int32 body kind of each training outfit
    anchors: list[int]            # slots drawn together from one training character
    layer_names: list[str] = field(default_factory=list)
    _pools: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def shades(self) -> int:
        """Shade classes per slot (K)."""
        return self.palettes.shape[1]

    def units(self) -> list[list[int]]:
        """Slot groups drawn as one: the anchors together, every other slot alone."""
        rest = [[j] for j in range(len(self.slots)) if j not in self.anchors]
        return ([list(self.anchors)] if self.anchors else []) + rest

    def pool(self, condition: int, slot: int, truncation: float) -> np.ndarray:
        """Training outfits a draw of ``slot`` may copy from: same ``condition`` (-1: any), wearing
        one of the commonest layers there that together cover ``truncation`` of them."""
        key = (condition, slot, truncation)
        if key not in self._pools:
            idx = np.flatnonzero((self.condition == condition) | (condition < 0))
            layers, inverse, counts = np.unique(self.outfits[idx, slot], return_inverse=True,
                                                return_counts=True)
            order = np.argsort(-counts, kind="stable")
            keep = order[:1 + int(np.searchsorted(np.cumsum(counts[order]) / len(idx), truncation - 1e-9))]
            self._pools[key] = idx[np.isin(inverse.reshape(-1), keep)]
        return self._pools[key]

    def _draw_unit(self, r: np.random.Generator, unit: list[int], condition: int, truncation: float):
        donor = self.pool(condition, unit[0], truncation)
        return self.outfits[donor[r.integers(len(donor))]][unit]

    def sample(self, r: np.random.Generator, truncation: float = 1.0) -> np.ndarray:
        """One outfit ``(slots,)`` int32 drawn with ``r``."""
        units = self.units()
        body = self.pool(-1, units[0][0], truncation)
        donor = body[r.integers(len(body))]
        outfit = self.outfits[donor].copy()
        for unit in units[1 if self.anchors else 0:]:
            outfit[unit] = self._draw_unit(r, unit, int(self.condition[donor]), truncation)
        return outfit

    def vary(self, outfit: np.ndarray, r: np.random.Generator, rate: float, truncation: float = 1.0) -> np.ndarray:
        """``outfit`` with each unit re-drawn with probability ``rate`` (the anchors keep the body
        kind: they are re-drawn from training characters of the same kind)."""
        out = outfit.copy()
        kind = self.kind(outfit)
        for unit in self.units():
            if r.random() < rate:
                out[unit] = self._draw_unit(r, unit, kind, truncation)
        return out

    def kind(self, outfit: np.ndarray) -> int:
        """The body kind (condition) of the training character ``outfit``'s anchors come from."""
        unit = self.units()[0]
        match = np.flatnonzero((self.outfits[:, unit] == outfit[unit]).all(1))
        return int(self.condition[match[0]]) if len(match) else -1

    def blend(self, a: np.ndarray, b: np.ndarray, t: float, r: np.random.Generator) -> np.ndarray:
        """An outfit between ``a`` (t=0) and ``b`` (t=1): units in a random order, the first
        ``round(t * units)`` from ``b``. Layers of two body kinds do not fit one body, so between
        kinds the outfit is all ``a`` or all ``b``, whichever the body would come from."""
        units = self.units()
        take = set(r.permutation(len(units))[:int(round(t * len(units)))].tolist())
        if self.anchors and self.kind(a) != self.kind(b):
            take = set(range(len(units))) if 0 in take else set()
        out = a.copy()
        for u in take:
            out[units[u]] = b[units[u]]
        return out

    def draw(self, outfits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Outfits ``(n, slots)`` -> (class maps ``(n, 16, H, W)`` uint8, palettes ``(n, slots, K, 3)``)."""
        shapes = np.where(outfits >= 0, self.layer_shape[np.maximum(outfits, 0)], -1)
        palette = np.where((outfits >= 0)[..., None, None], self.palettes[np.maximum(outfits, 0)], 0)
        return class_map(self.shapes, shapes, self.shades), palette.astype(np.uint8)

    # --- model folders -------------------------------------------------------------------------

    def config(self) -> dict:
        """The JSON part of a model folder."""
        return {"kind": "layers", "slots": self.slots, "shades": self.shades, "anchors": self.anchors,
                "shapes": list(self.shapes.shape), "layer_names": self.layer_names}

    def tensors(self) -> dict:
        """The arrays of a model folder, as torch tensors (shapes packed 4 bits per pixel)."""
        import torch  # lazy: torch, start-up time (lpc-v2 runs on numpy)

        shapes = np.where(self.shapes == UNSEEN, 0, self.shapes).astype(np.uint8)
        arrays = {"shapes": pack4(shapes), "layer_shape": self.layer_shape, "palettes": self.palettes,
                  "outfits": self.outfits, "condition": self.condition}
        return {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in arrays.items()}

    def save(self, folder: str | os.PathLike, credits: str, extra: dict | None = None) -> Path:
        """Write a verified model folder (config.json, model.safetensors, CREDITS.md, MANIFEST)."""
        return save_folder(folder, {**self.config(), **(extra or {})}, self.tensors(), credits)

    @classmethod
    def from_folder(cls, config: dict, state: dict) -> "LayerModel":
        """Rebuild from :func:`worldsmith.core.weights.load_folder`'s output; a folder of another
        model kind, or with missing or mis-shaped arrays, raises :class:`WeightsError`."""
        if config.get("kind") != "layers":
            raise WeightsError(f"not a layered sprite model (config kind {config.get('kind')!r}; "
                               "sprites/lpc-v2 needs a folder written by `worldsmith train sprites --model layers`)")
        try:
            arrays = {k: np.asarray(state[k]) for k in ("shapes", "layer_shape", "palettes", "outfits", "condition")}
            shape = tuple(int(v) for v in config["shapes"])
            model = cls(list(config["slots"]), unpack4(arrays["shapes"], shape), arrays["layer_shape"],
                        arrays["palettes"], arrays["outfits"], arrays["condition"],
                        [int(a) for a in config["anchors"]], list(config.get("layer_names", [])))
            model.check()
        except (KeyError, TypeError, ValueError) as e:
            raise WeightsError(f"layered sprite model: missing or malformed entry ({e})") from None
        return model

    def check(self) -> None:
        """Raise ValueError unless the arrays fit together (indices in range, shapes agree)."""
        n_layers, k = len(self.layer_shape), self.shades
        ok = (self.shapes.ndim == 4 and self.shapes.shape[1] == 16 and self.palettes.shape == (n_layers, k, 3)
              and self.outfits.ndim == 2 and self.outfits.shape[1] == len(self.slots)
              and self.condition.shape == (len(self.outfits),) and len(self.outfits) > 0
              and int(self.outfits.max()) < n_layers and int(self.outfits.min()) >= -1
              and int(self.layer_shape.max()) < len(self.shapes) and len(self.slots) * k < 255
              and all(0 <= a < len(self.slots) for a in self.anchors) and int(self.shapes.max()) <= k)
        if not ok:
            raise ValueError("arrays do not fit together")

    @classmethod
    def tiny(cls, seed: int = 0) -> "LayerModel":
        """A random 3-slot model of 64 x 48 frames (for tests and examples)."""
        r = np.random.default_rng(seed)
        shapes = (r.random((6, 16, 64, 48)) < 0.3) * r.integers(1, 9, (6, 16, 64, 48))
        outfits = np.stack([r.integers(0, 2, 8), r.integers(2, 4, 8), r.integers(-1, 6, 8)], 1)
        return cls(["body", "torso", "hair"], shapes.astype(np.uint8), np.arange(6, dtype=np.int32),
                   r.integers(0, 256, (6, 8, 3)).astype(np.uint8), outfits.astype(np.int32),
                   r.integers(0, 2, 8).astype(np.int32), [0])
