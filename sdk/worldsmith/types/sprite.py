"""Character sprite sheets: ``SpriteBatch``.

``images`` is ``(n, 4, 4, 64, 64, 4)`` uint8: character, direction (down, left, right, up), walk
frame, rows, columns, RGBA. ``meta.seed`` lists one seed per character.

>>> import numpy as np
>>> b = SpriteBatch(np.zeros((2, 4, 4, 64, 64, 4), np.uint8), AssetMeta(seed=[1, 2]))
>>> len(b), b[1].meta.seed, b[1].images.shape
(2, [2], (1, 4, 4, 64, 64, 4))
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from worldsmith.core.errors import FormatError
from worldsmith.types.base import Asset, AssetMeta

DIRECTIONS = ("down", "left", "right", "up")
SHAPE = (4, 4, 64, 64, 4)


@dataclass(eq=False)
class SpriteBatch(Asset):
    """``n`` characters, each a 4-direction x 4-frame walk sheet of 64 x 64 RGBA frames."""

    images: np.ndarray
    meta: AssetMeta = field(default_factory=AssetMeta)
    exporters: ClassVar[str] = "worldsmith.export.sprites"

    def __post_init__(self) -> None:
        images = np.asarray(self.images)
        if images.dtype != np.uint8 or images.ndim != 6 or images.shape[1:] != SHAPE:
            raise FormatError(f"SpriteBatch.images: expected uint8 (n, {', '.join(map(str, SHAPE))}), "
                              f"got {images.dtype} {images.shape}")
        self.images = images

    def __len__(self) -> int:
        return len(self.images)

    @classmethod
    def concat(cls, batches: "list[SpriteBatch]") -> "SpriteBatch":
        """One batch holding ``batches`` in order (seeds joined; meta of the first otherwise)."""
        seeds = [s for b in batches for s in (b.meta.seed if isinstance(b.meta.seed, list) else [b.meta.seed])]
        images = np.concatenate([b.images for b in batches])
        return cls(images, dataclasses.replace(batches[0].meta, seed=seeds))

    def __getitem__(self, i: int) -> "SpriteBatch":
        """Character ``i`` as a batch of one (its own seed in ``meta.seed``)."""
        if not -len(self) <= i < len(self):
            raise IndexError(f"SpriteBatch index {i} out of range for {len(self)} characters")
        i = i % len(self)
        seeds = self.meta.seed
        seed = [seeds[i]] if isinstance(seeds, list) and len(seeds) == len(self) else seeds
        return SpriteBatch(self.images[i:i + 1].copy(), dataclasses.replace(self.meta, seed=seed))
