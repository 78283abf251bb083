"""The ``sprites/lpc-v3`` model: the part library, the outfit prior, and drawing outfits as sheets.

Drawing is exact layering, row by row of the LPC sheet: the pieces of a character's parts are
laid down in the order :func:`worldsmith.sprites.lpc_v3.order.sort_parts` gives for that animation
and direction (by each piece's library path), each piece's pixels overwriting what is below (class
maps, so every pixel stays one of the character's colours). A translucent colour (a shaved head's
stubble, a five o'clock shadow) is blended over everything below it as it is laid down, as the
library's compositing does; the blend is kept beside the class maps (``blended``).

>>> from worldsmith.sprites.lpc_v3.parts import PartLibrary
>>> from worldsmith.sprites.lpc_v3.prior import Prior
>>> lib = PartLibrary.tiny()
>>> model = CharacterModel(lib, Prior.tiny(lib))
>>> outfit = model.prior.sample(lib, np.random.default_rng(1), ["walk", "thrust"], {})
>>> classes, palette, blended = model.draw(outfit[None], ["walk", "thrust"])
>>> classes.shape, palette.shape
((1, 68, 64, 64), (1, 18, 511, 4))
>>> model.rgba(classes, palette, blended).shape
(1, 68, 64, 64, 4)
"""
from __future__ import annotations

import functools
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from worldsmith.core.errors import ConfigError, FormatError, WeightsError
from worldsmith.core.weights import save_folder
from worldsmith.sprites.lpc_v3 import userpart
from worldsmith.sprites.lpc_v3.authors import USER
from worldsmith.sprites.lpc_v3.headwear import Anchors, over
from worldsmith.sprites.lpc_v3.order import sort_parts
from worldsmith.sprites.lpc_v3.parts import ROW_FRAMES, SLOTS, K, Part, PartLibrary
from worldsmith.sprites.lpc_v3.prior import Prior
from worldsmith.types.lpc_sheet import FRAME, FRAMES, check_animations

PIXELS = FRAME * FRAME


@dataclass
class CharacterModel:
    """Parts + prior (see the module docstring)."""

    lib: PartLibrary
    prior: Prior
    anchors: Anchors | None = None        # head anchors for parts from four drawings (None: tiny models)
    _by_file: dict = field(default_factory=dict, repr=False, compare=False)
    _user: dict = field(default_factory=dict, repr=False, compare=False)

    def draw(self, outfits: np.ndarray, animations: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Outfits ``(n, 18)`` variant ids -> (classes ``(n, F, 64, 64)`` uint16: 0 transparent, else
        ``slot * 511 + shade``; palettes ``(n, 18, 511, 4)`` RGBA; ``blended`` ``(n, F, 64, 64)``
        uint32: the packed RGBA of a pixel whose top colour is translucent, blended over what lies
        below (straight-alpha "over", as the library's characters were composited), 0 elsewhere),
        F the frames of ``animations``."""
        rows, starts = _rows(tuple(check_animations(animations)))
        classes = np.zeros((len(outfits), starts[-1]), np.uint16)
        palette = np.zeros((len(outfits), len(SLOTS), K, 4), np.uint8)
        blended = np.zeros(classes.shape, np.uint32)
        for i, outfit in enumerate(outfits):
            pieces = self._pieces(outfit, palette[i])                    # [(slot, piece)]
            clear = np.concatenate([[False], translucent(palette[i]).reshape(-1)])   # per class
            lut = _lut(palette[i]) if clear.any() else None
            blends = np.zeros(len(SLOTS), bool) if lut is None else clear[1:].reshape(len(SLOTS), K).any(1)
            stacks, any_mixed = {}, False
            for start, end, row in zip(starts, starts[1:], rows):
                frame = FRAMES[ROW_FRAMES[row][0]]
                key = "down" if frame.animation == "hurt" else frame.direction
                if key not in stacks:
                    stacks[key] = self._stack(pieces, frame.animation, frame.direction)
                seg, mix = classes[i, start:end], blended[i, start:end]       # this row's frames
                for slot, piece in stacks[key]:
                    idx, cls = self.lib.row_pixels(piece, row)
                    if blends[slot]:
                        any_mixed |= _lay_translucent(seg, mix, idx, cls, clear, lut)
                    elif any_mixed:
                        mix[idx] = 0
                    seg[idx] = cls
        shape = (len(outfits), -1, FRAME, FRAME)
        return classes.reshape(shape), palette, blended.reshape(shape)

    def _pieces(self, outfit: np.ndarray, palette: np.ndarray) -> list[tuple[int, int]]:
        """One outfit's (slot, piece) pairs, and its palette filled in."""
        pieces = []
        for slot, variant in enumerate(outfit):
            if variant >= 0:
                pal = self.lib.palette(int(variant))
                palette[slot, :len(pal)] = pal
                pieces += [(slot, piece) for piece in self.part(int(variant)).pieces]
        return pieces

    def _stack(self, pieces: list[tuple[int, int]], animation: str, direction: str) -> list[tuple[int, int]]:
        """``pieces`` in drawing order for one row (:func:`~worldsmith.sprites.lpc_v3.order.sort_parts`)."""
        by_path = {self.lib.piece_path[p]: (slot, p) for slot, p in pieces}
        return [by_path[path] for path in sort_parts(list(by_path), animation, direction)]

    def outfit_of(self, files: Sequence[str], sex: str) -> np.ndarray:
        """The outfit ``(18,)`` that draws library ``files`` on a ``sex`` body (each file a piece of
        one variant); raises ValueError for a file no part of that sex draws."""
        if not self._by_file:
            self._by_file = {(f, self.lib.parts[v["part"]].sex): i for i, v in enumerate(self.lib.variants)
                             for f in v["files"]}
        outfit = np.full(len(SLOTS), -1, np.int32)
        for f in files:
            if (f, sex) not in self._by_file:
                raise ValueError(f"{f} is no {sex} part of the library")
            variant = self._by_file[(f, sex)]
            outfit[SLOTS.index(self.part(variant).slot)] = variant
        return outfit

    def user_part(self, slot: str, path: str, sex: str) -> Part:
        """The part at ``path``: a part file (``worldsmith parts build``) or a folder of drawings
        placed with this model's anchors; added to the library once per file version."""
        file = Path(path)
        key = (slot, str(file.resolve()), file.stat().st_mtime_ns, sex)
        if key not in self._user:
            if file.is_dir():
                if self.anchors is None:
                    raise WeightsError("this model has no head anchors to place drawings with")
                made = userpart.build_folder(file, self.anchors, slot)
            else:
                made = userpart.load(file)
            layers = [slot if layer == "front" else "behind" for layer in made.layers]
            pieces = list(zip(made.paths(), layers, made.classes[sex]))
            self._user[key] = self.lib.add_part(slot, f"{made.name} ({path})", sex, pieces, made.palette,
                                                USER + str(path))
        return self._user[key]

    def part(self, variant: int) -> Part:
        """The part a variant belongs to."""
        return self.lib.parts[self.lib.variants[variant]["part"]]

    @staticmethod
    def rgba(classes: np.ndarray, palette: np.ndarray, blended: np.ndarray | None = None) -> np.ndarray:
        """Class maps + palettes -> RGBA ``(n, F, 64, 64, 4)`` uint8; where ``blended`` is not 0
        (a translucent colour over others, see :meth:`draw`), that colour."""
        out = np.empty(classes.shape, np.uint32)
        for i in range(len(classes)):
            out[i] = np.take(_lut(palette[i]), classes[i])
            if blended is not None and translucent(palette[i]).any():
                np.copyto(out[i], blended[i], where=blended[i] != 0)
        return out.view(np.uint8).reshape(classes.shape + (4,))

    # --- model folders -------------------------------------------------------------------------

    def config(self) -> dict:
        """The JSON part of a model folder."""
        return {"kind": "lpc-v3", "slots": list(SLOTS), "K": K,
                "parts": [asdict(p) for p in self.lib.parts], "piece_z": self.lib.piece_z,
                "variants": [{k: v[k] for k in ("part", "name", "files")} for v in self.lib.variants]}

    def tensors(self) -> dict[str, np.ndarray]:
        """The arrays of a model folder."""
        sizes = np.array([len(b) for b in self.lib.blobs], np.int64)
        pal_sizes = np.array([len(v["palette"]) for v in self.lib.variants], np.int64)
        return {"blobs": np.frombuffer(b"".join(self.lib.blobs), np.uint8), "blob_sizes": sizes,
                "drawn": np.packbits(self.lib.drawn, axis=1), "palettes": np.concatenate(
                    [v["palette"] for v in self.lib.variants]), "palette_sizes": pal_sizes,
                "donors": self.prior.donors, "donor_sex": self.prior.sex,
                **(self.anchors.to_arrays() if self.anchors is not None else {})}

    def save(self, folder: str | Path, credits: str, extra: dict | None = None) -> Path:
        """Write a verified model folder (config.json, model.safetensors, CREDITS.md, MANIFEST)."""
        return save_folder(folder, {**self.config(), **(extra or {})}, self.tensors(), credits)

    @classmethod
    def from_folder(cls, config: dict, state: dict) -> "CharacterModel":
        """Rebuild from :func:`worldsmith.core.weights.load_folder`'s output; a folder of another
        kind, or with missing or mis-shaped entries, raises :class:`WeightsError`."""
        if config.get("kind") != "lpc-v3":
            raise WeightsError(f"not an lpc-v3 character model (config kind {config.get('kind')!r})")
        try:
            arr = {k: np.asarray(v) for k, v in state.items()}
            ends = np.cumsum(arr["blob_sizes"])
            blobs = [arr["blobs"][e - s:e].tobytes() for s, e in zip(arr["blob_sizes"], ends)]
            pal_ends = np.cumsum(arr["palette_sizes"])
            variants = [{**v, "palette": arr["palettes"][e - s:e]}
                        for v, s, e in zip(config["variants"], arr["palette_sizes"], pal_ends)]
            parts = [Part(**p) for p in config["parts"]]
            drawn = np.unpackbits(arr["drawn"], axis=1)[:, :len(FRAMES)].astype(bool)
            lib = PartLibrary(parts, list(config["piece_z"]), blobs, drawn, variants)
            anchors = Anchors.from_arrays(arr) if "anchors.offsets" in arr else None
            model = cls(lib, Prior(arr["donors"].astype(np.int32), arr["donor_sex"].astype(np.int32)), anchors)
            model.check()
        except (KeyError, TypeError, ValueError, zlib.error, ConfigError, FormatError) as e:
            raise WeightsError(f"lpc-v3 character model: missing or malformed entry ({e})") from None
        return model

    def check(self) -> None:
        """Raise ValueError unless the tables fit together."""
        lib, n_pieces = self.lib, len(self.lib.piece_z)
        ok = (len(lib.blobs) == n_pieces == len(lib.drawn)
              and all(0 <= i < n_pieces for p in lib.parts for i in p.pieces)
              and all(0 <= v < len(lib.variants) for p in lib.parts for v in p.variants)
              and all(len(v["palette"]) <= K and len(v["files"]) == len(lib.parts[v["part"]].pieces)
                      for v in lib.variants)
              and self.prior.donors.ndim == 2 and self.prior.donors.shape[1] == len(SLOTS)
              and int(self.prior.donors.max(initial=-1)) < len(lib.variants))
        if not ok:
            raise ValueError("tables do not fit together")


def _lay_translucent(seg: np.ndarray, mix: np.ndarray, idx: np.ndarray, cls: np.ndarray, clear: np.ndarray,
                     lut: np.ndarray) -> bool:
    """Before ``seg[idx] = cls``: blend the translucent ones of ``cls`` over what ``seg`` (or an
    earlier blend in ``mix``) shows there, into ``mix``; clear ``mix`` under the opaque ones.
    Returns whether anything was blended."""
    see = clear[cls]
    where = idx[see]
    below = np.where(mix[where] != 0, mix[where], lut[seg[where]])
    mix[idx[~see]] = 0
    mix[where] = _over(lut[cls[see]], below)
    return bool(len(where))


def translucent(palette: np.ndarray) -> np.ndarray:
    """Which colours of a palette ``(..., 4)`` are translucent (drawn, not opaque)."""
    alpha = palette[..., 3]
    return (alpha > 0) & (alpha < 255)


def _lut(palette: np.ndarray) -> np.ndarray:
    """``(18 * K + 1,)`` uint32: packed RGBA of each class of one character (0 transparent)."""
    lut = np.zeros((len(SLOTS) * K + 1, 4), np.uint8)
    lut[1:] = palette.reshape(-1, 4)
    return lut.view(np.uint32)[:, 0]


@functools.lru_cache(maxsize=64)
def _rows(animations: tuple[str, ...]) -> tuple[list[int], list[int]]:
    """The sheet rows of ``animations`` and where each starts in a character's flat frames."""
    rows = sorted({f.row for f in FRAMES if f.animation in animations})
    starts = np.concatenate([[0], np.cumsum([len(ROW_FRAMES[r]) * PIXELS for r in rows])])
    return rows, [int(x) for x in starts]


def _over(top: np.ndarray, below: np.ndarray) -> np.ndarray:
    """:func:`~worldsmith.sprites.lpc_v3.headwear.over` on packed RGBA pixels (uint32)."""
    def unpack(px: np.ndarray) -> np.ndarray:
        return px.view(np.uint8).reshape(-1, 4)

    return np.ascontiguousarray(over(unpack(top), unpack(below))).view(np.uint32)[:, 0]
