"""Reading the layered LPC library into parts (build time only: ``tools/build_lpc_v3.py``).

The library is a folder tree of 832 x 1344 sheets: slot / part / sex / colour. A *part* is what a
user picks by name (``hair: ponytail``, ``cape: tattered``); it is drawn for one or both body
sexes, in colour *variants* (one library file each), and may be made of several *pieces* drawn at
different depths (a cape's inside behind the body, its back over it; a bow and its arrow). Every
variant of a part shares one class map per sex (per pixel: which colour of the part's ramp), so a
variant is a palette: the class map is taken from the variant with the most colours, and each
other variant must map every class to one colour (checked; a variant that does not is split off
as a part of its own).

>>> describe("hair/female/ponytail/blonde.png")  # doctest: +NORMALIZE_WHITESPACE
Sheet(path='hair/female/ponytail/blonde.png', slot='hair', z='hair', part='ponytail', variant='blonde',
      sex='female')
>>> describe("behind_body/cape/tattered/female/tattercape_red.png")  # doctest: +NORMALIZE_WHITESPACE
Sheet(path='behind_body/cape/tattered/female/tattercape_red.png', slot='cape', z='behind', part='tattered',
      variant='red', sex='female')
>>> describe("weapons/right hand/either/bow.png").sex is None
True
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator, NamedTuple

import numpy as np
from PIL import Image

from worldsmith.sprites.lpc_v3.order import z_layer
from worldsmith.types.lpc_sheet import FRAMES, N_FRAMES, SHEET

SEXES = ("male", "female")
# (path prefix, slot); first match wins. The z-layer comes from :func:`...order.z_layer`.
RULES: tuple[tuple[str, str], ...] = (
    ("behind_body/cape/", "cape"),
    ("torso/back/cape/", "cape"),
    ("behind_body/equipment/", "back"),
    ("torso/back/wings", "back"),
    ("accessories/", "neck"),
    ("weapons/left hand/either/arrow", "weapon"),
    ("weapons/left hand/", "shield"),
    ("weapons/right hand/", "weapon"),
    ("weapons/both hand/", "weapon"),   # named <stem>_two_handed (see describe)
    ("body/male/eyes/", "eyes"), ("body/female/eyes/", "eyes"),
    ("body/male/nose/", "nose"), ("body/female/nose/", "nose"),
    ("body/male/ears/", "ears"), ("body/female/ears/", "ears"),
    ("body/", "body"),
    ("formal_male_no_th-sh/pants", "legs"),
    ("formal_male_no_th-sh/shirt", "torso"),
    ("formal_male_no_th-sh/", "torso_over"),
    ("legs/", "legs"), ("feet/", "feet"), ("belt/", "belt"),
    ("hands/", "hands"), ("facial/", "facial"), ("hair/", "hair"),
    ("head/", "head"),
    ("torso/", "torso"),
)
# torso sheets the composited training characters wear over another torso layer
OVER = re.compile(r"torso/(plate/arms|gold/arms|gold/spikes|leather/shoulders|chain/tabard|dress_female/(blue_vest"
                  r"|overskirt))")
# parts whose colour is a file of their own folder: <folder>/<colour>.png
COLOUR_FILES = re.compile(r"^(hair|facial)/|^(accessories/necklaces|belt/buckles|head/tiaras|feet/slippers"
                          r"|torso/robes)")
COLOURS = ("black", "blue", "brown", "gray", "green", "lavender", "maroon", "pink", "red", "white", "yellow",
           "teal", "teal2", "magenta", "golden", "gold", "metal", "silver", "bronze", "iron", "leather", "cloth",
           "whiteblue", "purple")
NOISE = {"male", "female", "either", "no", "th-sh", "wc", "sc", "only", "incomplete", "cape", "tattercape",
         "trimcape", "bracelet"}
CATEGORY = {"caps", "helms", "hoods", "shirts", "tunics", "skirt", "bandanas", "tiaras", "bracers",
            "gloves", "pants", "shoes"}
BODIES = {"orc": ("orc", "green"), "red_orc": ("orc", "red"), "skeleton": ("skeleton", "default")}


class Sheet(NamedTuple):
    """One library file: where it goes (slot, z-layer) and what it is (part, variant, sex)."""

    path: str
    slot: str
    z: str
    part: str
    variant: str
    sex: str | None


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[_ ]+", text) if w and w not in NOISE]


def describe(path: str) -> Sheet:
    """The slot, depth, part and variant of library file ``path`` (relative, '/' separated)."""
    slot = next(s for prefix, s in RULES if path.startswith(prefix))
    if slot == "torso" and OVER.match(path):
        slot = "torso_over"
    z = z_layer(path)
    parts = path[:-len(".png")].split("/")
    stem = parts[-1]
    sex = next((w for p in parts for w in re.split(r"[_ ]+", p) if w in SEXES), None)
    drop = {"behind_body", "back", "torso", "weapons", "right hand", "left hand", "both hand", "body",
            "accessories", "equipment", "hands", "legs", "feet", "belt", "head", "hair", "facial", slot}
    words = [w for f in parts[:-1] if f not in drop for w in _words(f) if w not in SEXES]
    if COLOUR_FILES.match(path):
        return Sheet(path, slot, z, "/".join(words) or stem, stem, sex)
    stem_words = _words(stem)
    if slot == "body":
        part, variant = BODIES.get(stem, ("human", stem))
        return Sheet(path, slot, z, part, variant, sex)
    if slot in ("ears", "nose"):                                       # <kind>_<skin>
        return Sheet(path, slot, z, stem_words[0], "_".join(stem_words[1:]), sex)
    if slot == "shield":
        return Sheet(path, slot, z, "shield", "default", sex)
    if slot == "eyes":
        return Sheet(path, slot, z, "eyeglow" if "eyeglow" in stem else "eyes", stem, sex)
    colour = [w for w in stem_words if w in COLOURS]
    shape = [w for w in stem_words if w not in COLOURS and w not in words]
    folders = [w for w in words if w not in CATEGORY or not shape]
    name = "/".join(folders + (["_".join(shape)] if shape else []))
    if path.startswith("weapons/both hand/"):
        name += "_two_handed"
    return Sheet(path, slot, z, name or stem, "_".join(colour) or "default", sex)


def sheets(root: Path) -> Iterator[Sheet]:
    """Every regular sheet of the library under ``root``. Left out: ``_build`` (sources), the
    oversize weapons (192 x 192 frames) and the shield cut for a chain hat (the drawing order makes
    it needless: the same frames, see docs/sprites.md)."""
    for f in sorted(root.rglob("*.png")):
        rel = f.relative_to(root).as_posix()
        if not rel.startswith(("_build/", "weapons/oversize/")) and "cutoutforhat" not in rel:
            yield describe(rel)


def load_frames(root: Path, path: str) -> np.ndarray:
    """A library sheet as ``(178, 64, 64, 4)`` uint8 frames in sheet order."""
    sheet = np.asarray(Image.open(root / path).convert("RGBA"))
    if sheet.shape[:2] != SHEET:
        raise ValueError(f"{path}: expected a {SHEET[1]} x {SHEET[0]} sheet, got {sheet.shape[1]} x {sheet.shape[0]}")
    cells = sheet.reshape(SHEET[0] // 64, 64, SHEET[1] // 64, 64, 4).transpose(0, 2, 1, 3, 4)
    rows = np.array([f.row for f in FRAMES]), np.array([f.col for f in FRAMES])
    out = cells[rows]
    assert out.shape[0] == N_FRAMES
    return np.ascontiguousarray(out)
