"""The part library of ``sprites/lpc-v3``: every LPC part as class maps over 178 frames + palettes.

A *part* (``hair: ponytail``) is drawn per body sex as one or more *pieces* (a class map
``(178, 64, 64)`` uint16 each, 0 transparent, else a colour class 1..K of the part), each at a
z-layer (a cape's inside behind the body, its back over it). A *variant* is one library file set of
the part: a palette ``(K, 4)`` RGBA of those classes (the library's colours, alpha included, so
redrawing a variant gives the library's pixels exactly). Class maps are stored zlib-compressed and
unpacked on first use, per piece and sheet row, into sparse (pixel, class) lists.

>>> lib = PartLibrary.tiny()
>>> lib.find("hair", "spiky", "male").name, lib.variants[lib.find("hair", "spiky/red", "male").variants[0]]["name"]
('spiky', 'red')
>>> idx, val = lib.row_pixels(0, 0)
>>> idx.dtype, val.dtype, len(idx) == len(val)
(dtype('int32'), dtype('uint16'), True)
"""
from __future__ import annotations

import difflib
import zlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from worldsmith.core.errors import ConfigError
from worldsmith.types.lpc_sheet import FRAME, FRAMES, N_FRAMES

SLOTS = ("body", "eyes", "nose", "ears", "legs", "feet", "torso", "torso_over", "belt", "hands", "neck", "cape",
         "back", "facial", "hair", "head", "weapon", "shield")
SEXES = ("male", "female")
K = 511                                   # colour classes per slot: class = slot * K + shade, shade 1..K
ROW_FRAMES = [np.flatnonzero([f.row == r for f in FRAMES]) for r in range(FRAMES[-1].row + 1)]


@dataclass
class Part:
    """One nameable part for one sex: its pieces and colour variants (indices into the library)."""

    slot: str
    name: str
    sex: str
    pieces: list[int]
    variants: list[int]
    kind: str = "worn"                    # "worn", or "weapon" (drawn only where its animation is)


@dataclass
class PartLibrary:
    """All parts: piece class maps (compressed), per-piece z-layer and drawn frames, variant palettes."""

    parts: list[Part]
    piece_z: list[str]                    # z-layer of each piece
    blobs: list[bytes]                    # zlib of each piece's (178, 64, 64) uint16 class map
    drawn: np.ndarray                     # (pieces, 178) bool: the piece has a pixel in that frame
    variants: list[dict[str, Any]]        # {"part": i, "name": str, "files": [path per piece], "palette": (K, 4)}
    _rows: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        #: a library path of each piece (its first variant's file): what the drawing order reads
        self.piece_path = [""] * len(self.piece_z)
        #: the slot of each piece (its part's): what its classes are offset by
        self.piece_slot = [0] * len(self.piece_z)
        for part in self.parts:
            for piece, path in zip(part.pieces, self.variants[part.variants[0]]["files"]):
                self.piece_path[piece] = path
                self.piece_slot[piece] = SLOTS.index(part.slot)

    # --- lookup ---------------------------------------------------------------------------------

    def names(self, slot: str) -> list[str]:
        """The part names of ``slot`` (either sex), sorted."""
        return sorted({p.name for p in self.parts if p.slot == slot})

    def find(self, slot: str, name: str, sex: str) -> Part:
        """The part ``name`` of ``slot`` for ``sex``; ``name`` may end in ``/<variant>`` (a colour
        file: ``ponytail/blonde``), or be a unique prefix (``chain`` for ``chain/mail``). Unknown
        names raise :class:`ConfigError` with a "did you mean"."""
        base, variant = self._split(slot, name)
        part = next((p for p in self.parts if p.slot == slot and p.name == base and p.sex == sex), None)
        if part is None:
            raise ConfigError(f"parts.{slot}", f"a part drawn for {sex} bodies (it has: "
                                               f"{', '.join(self.sexes(slot, name))})", name)
        if variant is None:
            return part
        keep = [v for v in part.variants if self.variants[v]["name"] == variant]
        if not keep:
            known = sorted(self.variants[v]["name"] for v in part.variants)
            close = difflib.get_close_matches(variant, known, 1, 0.5)
            raise ConfigError(f"parts.{slot}", f"a variant of {base} ({', '.join(known)})"
                              + (f"; did you mean {base}/{close[0]}?" if close else ""), name)
        return Part(part.slot, part.name, part.sex, part.pieces, keep, part.kind)

    def sexes(self, slot: str, name: str) -> list[str]:
        """The body sexes part ``name`` of ``slot`` is drawn for (unknown names raise as in
        :meth:`find`)."""
        base, _ = self._split(slot, name)
        return sorted({p.sex for p in self.parts if p.slot == slot and p.name == base})

    def _split(self, slot: str, name: str) -> tuple[str, str | None]:
        """``name`` as (part name, variant or None)."""
        if slot not in SLOTS:
            raise ConfigError("parts", f"slot names ({', '.join(SLOTS)})", slot)
        names = self.names(slot)
        if not isinstance(name, str) or not name:
            raise ConfigError(f"parts.{slot}", "a part name, or None for none", name)
        for base in sorted(names, key=len, reverse=True):
            if name == base or name.startswith(base + "/"):
                return base, (name[len(base) + 1:] or None)
        prefixed = [n for n in names if n.startswith(name + "/") or n.split("/")[0] == name]
        if len(prefixed) == 1:
            return prefixed[0], None
        close = difflib.get_close_matches(name, names, 1, 0.5)
        known = f"did you mean {close[0]!r}? (all: worldsmith info sprites/lpc-v3)" if close else ", ".join(names)
        raise ConfigError(f"parts.{slot}", f"a part name of slot {slot}; {known}", name)

    def add_part(self, slot: str, name: str, sex: str, pieces: list[tuple[str, str, np.ndarray]],
                 palette: np.ndarray, source: str) -> Part:
        """Add a part drawn by ``pieces`` ([(path, z-layer, class map (178, 64, 64) uint16)]) in one
        colour variant ``palette``; ``source`` is what the credits name (a user's file)."""
        ids = []
        for path, z, classes in pieces:
            ids.append(len(self.piece_z))
            self.piece_z.append(z)
            self.piece_path.append(path)
            self.piece_slot.append(SLOTS.index(slot))
            self.blobs.append(zlib.compress(np.ascontiguousarray(classes, "<u2").tobytes(), 1))
            self.drawn = np.concatenate([self.drawn, classes.reshape(1, N_FRAMES, -1).any(2)])
        self.variants.append({"part": len(self.parts), "name": "default", "files": [source] * len(ids),
                              "palette": palette})
        self.parts.append(Part(slot, name, sex, ids, [len(self.variants) - 1]))
        return self.parts[-1]

    # --- pixels ---------------------------------------------------------------------------------

    def classes(self, piece: int) -> np.ndarray:
        """Piece ``piece``'s class map ``(178, 64, 64)`` uint16."""
        return np.frombuffer(zlib.decompress(self.blobs[piece]), "<u2").reshape(N_FRAMES, FRAME, FRAME)

    def row_pixels(self, piece: int, row: int) -> tuple[np.ndarray, np.ndarray]:
        """Piece ``piece``'s drawn pixels in sheet row ``row``: flat indices into that row's frames
        ``(frames_in_row * 64 * 64)`` int32, and their batch classes ``slot * K + shade`` uint16
        (cached)."""
        key = (piece, row)
        if key not in self._rows:
            dense, offset = self.classes(piece), self.piece_slot[piece] * K
            for r, frames in enumerate(ROW_FRAMES):
                flat = dense[frames].reshape(-1)
                idx = np.flatnonzero(flat).astype(np.int32)
                self._rows[(piece, r)] = (idx, (flat[idx] + offset).astype(np.uint16))
        return self._rows[key]

    def warm(self) -> None:
        """Unpack every piece's rows into the cache (what drawing does on first use)."""
        for piece in range(len(self.piece_z)):
            self.row_pixels(piece, 0)

    def palette(self, variant: int) -> np.ndarray:
        """Variant ``variant``'s palette ``(K, 4)`` RGBA uint8 (row k-1 colours class k)."""
        return self.variants[variant]["palette"]

    # --- examples -------------------------------------------------------------------------------

    @classmethod
    def tiny(cls, seed: int = 0) -> "PartLibrary":
        """A random library (body, torso, hair, weapon; both sexes) for tests and examples."""
        r = np.random.default_rng(seed)
        parts, piece_z, blobs, drawn, variants = [], [], [], [], []
        for slot, name, kind in (("body", "human", "worn"), ("torso", "shirt", "worn"), ("hair", "spiky", "worn"),
                                 ("weapon", "stick", "weapon")):
            for sex in SEXES:
                shape = np.zeros((N_FRAMES, FRAME, FRAME), "<u2")
                y0 = {"body": 10, "torso": 30, "hair": 8, "weapon": 20}[slot]
                shape[:, y0:y0 + 12, 20:44] = r.integers(1, 4, (N_FRAMES, 12, 24))
                if kind == "weapon":
                    shape[[i for i, f in enumerate(FRAMES) if f.animation != "thrust"]] = 0
                piece_z.append(slot)
                blobs.append(zlib.compress(shape.tobytes()))
                drawn.append(shape.reshape(N_FRAMES, -1).any(1))
                vids = []
                for colour in ("red", "blue"):
                    vids.append(len(variants))
                    pal = np.concatenate([r.integers(0, 256, (3, 3)), np.full((3, 1), 255)], 1).astype(np.uint8)
                    path = f"{slot}/{sex}/{name}/{colour}.png".replace("weapon/", "weapons/right hand/")
                    variants.append({"part": len(parts), "name": colour, "files": [path],
                                     "palette": pal})
                parts.append(Part(slot, name, sex, [len(piece_z) - 1], vids, kind))
        return cls(parts, piece_z, blobs, np.array(drawn), variants)
