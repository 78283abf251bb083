"""New head-worn parts from four drawings: a hat, helmet, hair style or beard of the user's own.

The drawings (``n s e w`` PNGs of 128 x 128, the library's ``_build`` format; see
:mod:`.headwear`) are placed in all 178 frames of both body kinds with the head anchors the
model ships (fitted from the library), then turned into class maps and one palette, so the part
layers, animates and recolours like a library part. ``worldsmith parts build FOLDER --out
hat.npz`` writes the result; ``parts={"head": "hat.npz"}`` (or the drawings' folder itself) wears it.

>>> import numpy as np, tempfile
>>> from worldsmith.sprites.lpc_v3.headwear import Anchors
>>> hat = np.zeros((128, 128, 4), np.uint8); hat[60:64, 62:72] = (180, 40, 40, 255)
>>> part = build({d: hat for d in "nsew"}, Anchors.synthetic(), "head", "red_hat")
>>> part.classes["male"].shape, part.palette.tolist()
((1, 178, 64, 64), [[180, 40, 40, 255]])
>>> path = save(part, tempfile.mkdtemp() + "/red_hat.npz")
>>> load(path).name
'red_hat'
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from worldsmith.core.atomic import write_atomic
from worldsmith.core.errors import ConfigError, FormatError
from worldsmith.export.npz import npz_bytes
from worldsmith.sprites.lpc_v3.headwear import Anchors, load_sources, place
from worldsmith.sprites.lpc_v3.pack import rank_colours
from worldsmith.types.lpc_sheet import N_FRAMES

SLOTS = ("head", "hair", "facial")                 # what a head-worn drawing can be worn as
SEXES = ("male", "female")
PIECE_PATHS = {"front": "{slot}/user/{name}.png", "bg": "_build/{slot}/{name}/bg-", "behind":
               "_build/{slot}/{name}/behindbody-"}   # read by the drawing order (order.z_layer)


@dataclass
class UserPart:
    """A placed part: per sex, class maps ``(layers, 178, 64, 64)`` uint16 of ``layers`` (front,
    bg, behind: those drawn) and one palette ``(K, 4)`` RGBA."""

    slot: str
    name: str
    layers: list[str]
    classes: dict[str, np.ndarray]
    palette: np.ndarray

    def paths(self) -> list[str]:
        """The piece paths the drawing order reads, one per layer."""
        return [PIECE_PATHS[layer].format(slot=self.slot, name=self.name) for layer in self.layers]


def build(sources: dict[str, np.ndarray], anchors: Anchors, slot: str, name: str) -> UserPart:
    """Place ``sources`` (see :func:`.headwear.load_sources`) for both body kinds and encode them."""
    if slot not in SLOTS:
        raise ConfigError("slot", f"a head-worn slot ({', '.join(SLOTS)})", slot)
    placed = {sex: place(sources, anchors, sex) for sex in SEXES}
    layers = [layer for layer in ("front", "bg", "behind") if layer in placed["male"]]
    if not layers:
        raise FormatError("part drawings: nothing drawn")
    stack = np.stack([np.stack([placed[sex][layer] for layer in layers]) for sex in SEXES])
    classes, palette = rank_colours(stack)                                   # (2, layers, 178, 64, 64)
    if not classes.any():
        raise FormatError("part drawings: every pixel falls outside the frames or under a cut-out")
    return UserPart(slot, name, layers, {sex: classes[i] for i, sex in enumerate(SEXES)}, palette)


def build_folder(folder: str | os.PathLike, anchors: Anchors, slot: str) -> UserPart:
    """:func:`build` from a folder of drawings, named after the folder."""
    return build(load_sources(folder), anchors, slot, Path(folder).resolve().name)


def save(part: UserPart, path: str | os.PathLike) -> Path:
    """Write ``part`` as an ``.npz`` (atomically); returns the path."""
    meta = {"type": "UserPart", "slot": part.slot, "name": part.name, "layers": part.layers}
    arrays = {"meta": np.array(json.dumps(meta)), "palette": part.palette,
              **{f"classes_{sex}": part.classes[sex] for sex in SEXES}}
    write_atomic(Path(path), npz_bytes(arrays))
    return Path(path)


def load(path: str | os.PathLike) -> UserPart:
    """Read a part written by :func:`save`; a foreign or damaged file is one FormatError."""
    try:
        with np.load(path, allow_pickle=False) as d:
            meta = json.loads(str(d["meta"]))
            if meta.get("type") != "UserPart":
                raise KeyError("type")
            classes = {sex: d[f"classes_{sex}"] for sex in SEXES}
            palette = d["palette"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise FormatError(f"{path}: not a worldsmith part file ({e})") from None
    layers = list(meta["layers"])
    ok = (meta.get("slot") in SLOTS and palette.ndim == 2 and palette.shape[1] == 4 and palette.dtype == np.uint8
          and all(c.dtype == np.uint16 and c.shape == (len(layers), N_FRAMES, 64, 64)
                  and int(c.max(initial=0)) <= len(palette) for c in classes.values())
          and set(layers) <= {"front", "bg", "behind"})
    if not ok:
        raise FormatError(f"{path}: a part file with mismatched arrays")
    return UserPart(meta["slot"], str(meta["name"]), layers, classes, palette)
