"""Character sprite sheets: ``SpriteBatch``.

``images`` is ``(n, 4, 4, 64, 64, 4)`` uint8: character, direction (down, left, right, up), walk
frame, rows, columns, RGBA. ``meta.seed`` lists one seed per character. Layered batches
(``sprites/lpc-v2``) also carry ``classes`` ``(n, 4, 4, 64, 64)`` uint8 (0 transparent, else
``slot * K + shade``, shade 1..K dark to light), ``palette`` ``(n, slots, K, 3)`` uint8 and the
``slots`` names, so :meth:`SpriteBatch.recolor` can repaint one slot.

>>> import numpy as np
>>> b = SpriteBatch(np.zeros((2, 4, 4, 64, 64, 4), np.uint8), AssetMeta(seed=[1, 2]))
>>> len(b), b[1].meta.seed, b[1].images.shape
(2, [2], (1, 4, 4, 64, 64, 4))
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from worldsmith.core.errors import FormatError
from worldsmith.pixels.recolor import recolor
from worldsmith.types.base import Asset, AssetMeta

DIRECTIONS = ("down", "left", "right", "up")
SHAPE = (4, 4, 64, 64, 4)


@dataclass(eq=False)
class SpriteBatch(Asset):
    """``n`` characters, each a 4-direction x 4-frame walk sheet of 64 x 64 RGBA frames."""

    images: np.ndarray
    meta: AssetMeta = field(default_factory=AssetMeta)
    classes: np.ndarray | None = None
    palette: np.ndarray | None = None
    slots: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        images = np.asarray(self.images)
        if images.dtype != np.uint8 or images.ndim != 6 or images.shape[1:] != SHAPE:
            raise FormatError(f"SpriteBatch.images: expected uint8 (n, {', '.join(map(str, SHAPE))}), "
                              f"got {images.dtype} {images.shape}")
        self.images = images
        if (self.classes is None) != (self.palette is None):
            raise FormatError("SpriteBatch: classes and palette come together (or neither)")
        if self.classes is not None:
            self._check_layers()

    def _check_layers(self) -> None:
        n, classes, palette = len(self.images), np.asarray(self.classes), np.asarray(self.palette)
        if classes.dtype != np.uint8 or classes.shape != self.images.shape[:-1]:
            raise FormatError(f"SpriteBatch.classes: expected uint8 {self.images.shape[:-1]}, "
                              f"got {classes.dtype} {classes.shape}")
        if palette.dtype != np.uint8 or palette.ndim != 4 or palette.shape[::3] != (n, 3) \
                or palette.shape[1] != len(self.slots) or palette.shape[1] * palette.shape[2] > 255:
            raise FormatError(f"SpriteBatch.palette: expected uint8 (n, {len(self.slots)} slots, K shades, 3), "
                              f"got {palette.dtype} {palette.shape}")
        if int(classes.max(initial=0)) > palette.shape[1] * palette.shape[2]:
            raise FormatError("SpriteBatch.classes: a class beyond the palette's slots x shades")
        self.classes, self.palette, self.slots = classes, palette, [str(s) for s in self.slots]

    def recolor(self, slot: str | None = None, colors: list[str] | None = None,
                like: "SpriteBatch | None" = None) -> "SpriteBatch":
        """A copy with ``slot``'s colours replaced by ``colors`` (dark to light; one colour keeps
        the shading), or with the palette of ``like`` (another layered batch of one character, or
        of as many) for ``slot`` (all slots it draws when ``slot`` is None). Layered batches only.

        >>> import worldsmith as ws
        >>> gen = ws.make("sprites/lpc-v2")
        >>> hero = gen(seed=1)
        >>> hero.recolor("hair", ["#3050ff"]).meta.post[-1]["name"]
        'recolor'
        >>> twin = hero.recolor(like=gen(seed=2))
        """
        return recolor(self, slot, colors, like)

    def __len__(self) -> int:
        return len(self.images)

    @classmethod
    def concat(cls, batches: "list[SpriteBatch]") -> "SpriteBatch":
        """One batch holding ``batches`` in order (seeds joined; meta of the first otherwise)."""
        seeds = [s for b in batches for s in (b.meta.seed if isinstance(b.meta.seed, list) else [b.meta.seed])]
        images = np.concatenate([b.images for b in batches])
        layered = all(b.classes is not None and b.slots == batches[0].slots for b in batches)
        return cls(images, dataclasses.replace(batches[0].meta, seed=seeds),
                   np.concatenate([b.classes for b in batches]) if layered else None,
                   np.concatenate([b.palette for b in batches]) if layered else None,
                   list(batches[0].slots) if layered else [])

    def __getitem__(self, i: int) -> "SpriteBatch":
        """Character ``i`` as a batch of one (its own seed in ``meta.seed``)."""
        if not -len(self) <= i < len(self):
            raise IndexError(f"SpriteBatch index {i} out of range for {len(self)} characters")
        i = i % len(self)
        seeds = self.meta.seed
        seed = [seeds[i]] if isinstance(seeds, list) and len(seeds) == len(self) else seeds

        def part(a: np.ndarray | None) -> np.ndarray | None:
            return None if a is None else a[i:i + 1].copy()

        return SpriteBatch(self.images[i:i + 1].copy(), dataclasses.replace(self.meta, seed=seed),
                           part(self.classes), part(self.palette), list(self.slots))
