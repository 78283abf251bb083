"""Whole LPC characters: ``CharacterBatch`` (``sprites/lpc-v3``).

``images`` is ``(n, F, 64, 64, 4)`` uint8: character, frame, rows, columns, RGBA, where the F
frames are those of ``animations`` in the standard LPC sheet's order (all six: 178 frames; see
:mod:`worldsmith.types.lpc_sheet`). ``classes`` ``(n, F, 64, 64)`` uint16 (0 transparent,
else ``slot * K + shade``), ``palette`` ``(n, slots, K, 4)`` RGBA and ``slots`` let a slot be
recoloured; ``parts`` names each character's part per slot and ``files`` the library files drawn
(for the credits).

>>> import numpy as np
>>> b = CharacterBatch(np.zeros((1, 6, 64, 64, 4), np.uint8), animations=["hurt"])
>>> len(b), b.frames[0]
(1, Frame(animation='hurt', direction='down', index=0, row=20, col=0))
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from worldsmith.core.errors import FormatError
from worldsmith.pixels.recolor import recolor_rgba
from worldsmith.types.base import Asset, AssetMeta
from worldsmith.types.lpc_sheet import ANIMATIONS, FRAMES, check_animations, frame_indices


@dataclass(eq=False)
class CharacterBatch(Asset):
    """``n`` characters, each every frame of ``animations`` in LPC sheet order."""

    images: np.ndarray
    meta: AssetMeta = field(default_factory=AssetMeta)
    animations: list[str] = field(default_factory=lambda: list(ANIMATIONS))
    classes: np.ndarray | None = None
    palette: np.ndarray | None = None
    slots: list[str] = field(default_factory=list)
    parts: list[dict] = field(default_factory=list)        # per character: slot -> part name
    files: list[dict] = field(default_factory=list)        # per character: slot -> [library files]
    credited: ClassVar[bool] = True                        # a bake credits the art ``files`` names

    def __post_init__(self) -> None:
        try:
            self.animations = check_animations(self.animations)
        except Exception as e:
            raise FormatError(f"CharacterBatch.animations: {e}") from None
        images, frames = np.asarray(self.images), len(frame_indices(self.animations))
        if images.dtype != np.uint8 or images.ndim != 5 or images.shape[1:] != (frames, 64, 64, 4):
            raise FormatError(f"CharacterBatch.images: expected uint8 (n, {frames}, 64, 64, 4) for "
                              f"{', '.join(self.animations)}, got {images.dtype} {images.shape}")
        self.images = images
        if (self.classes is None) != (self.palette is None):
            raise FormatError("CharacterBatch: classes and palette come together (or neither)")
        if self.classes is not None:
            classes, palette = np.asarray(self.classes), np.asarray(self.palette)
            if classes.dtype != np.uint16 or classes.shape != images.shape[:-1]:
                raise FormatError(f"CharacterBatch.classes: expected uint16 {images.shape[:-1]}, "
                                  f"got {classes.dtype} {classes.shape}")
            if palette.dtype != np.uint8 or palette.shape[:2] != (len(images), len(self.slots)) \
                    or palette.ndim != 4 or palette.shape[3] != 4:
                raise FormatError(f"CharacterBatch.palette: expected uint8 (n, {len(self.slots)} slots, K, 4), "
                                  f"got {palette.dtype} {palette.shape}")
            if int(classes.max(initial=0)) > palette.shape[1] * palette.shape[2]:
                raise FormatError("CharacterBatch.classes: a class beyond the palette's slots x shades")
            self.classes, self.palette = classes, palette
        for name in ("parts", "files"):
            value = getattr(self, name)
            if value and (len(value) != len(images) or not all(isinstance(d, dict) for d in value)):
                raise FormatError(f"CharacterBatch.{name}: expected one dict per character ({len(images)})")

    @property
    def frames(self):
        """The :class:`~worldsmith.types.lpc_sheet.Frame` of each frame index."""
        return [FRAMES[i] for i in frame_indices(self.animations)]

    def recolor(self, slot: str, colors: list[str]) -> "CharacterBatch":
        """A copy with ``slot``'s colours replaced by ``colors`` (dark to light; one colour keeps
        the shading), as :meth:`SpriteBatch.recolor` does.

        >>> import worldsmith as ws
        >>> hero = ws.make("sprites/lpc-v3", animations=["hurt"])(seed=1)
        >>> hero.recolor("body", ["#40a040"]).meta.post[-1]["name"]
        'recolor'
        """
        return recolor_rgba(self, slot, colors)

    def __len__(self) -> int:
        return len(self.images)

    @classmethod
    def concat(cls, batches: "list[CharacterBatch]") -> "CharacterBatch":
        """One batch holding ``batches`` in order (seeds joined; meta of the first otherwise)."""
        seeds = [s for b in batches for s in (b.meta.seed if isinstance(b.meta.seed, list) else [b.meta.seed])]
        layered = all(b.classes is not None for b in batches)

        def join(name: str) -> np.ndarray | None:
            return np.concatenate([getattr(b, name) for b in batches]) if layered else None

        return cls(np.concatenate([b.images for b in batches]), dataclasses.replace(batches[0].meta, seed=seeds),
                   list(batches[0].animations), join("classes"), join("palette"),
                   list(batches[0].slots) if layered else [],
                   [p for b in batches for p in b.parts], [f for b in batches for f in b.files])

    def __getitem__(self, i: int) -> "CharacterBatch":
        """Character ``i`` as a batch of one (its own seed in ``meta.seed``)."""
        if not -len(self) <= i < len(self):
            raise IndexError(f"CharacterBatch index {i} out of range for {len(self)} characters")
        i %= len(self)
        seeds = self.meta.seed
        seed = [seeds[i]] if isinstance(seeds, list) and len(seeds) == len(self) else seeds

        def part(a: np.ndarray | None) -> np.ndarray | None:
            return None if a is None else a[i:i + 1].copy()

        return CharacterBatch(self.images[i:i + 1].copy(), dataclasses.replace(self.meta, seed=seed),
                              list(self.animations), part(self.classes), part(self.palette), list(self.slots),
                              self.parts[i:i + 1], self.files[i:i + 1])
