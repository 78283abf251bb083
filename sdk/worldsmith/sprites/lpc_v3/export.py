"""Exporters of :class:`CharacterBatch` (``sprites/lpc-v3``): the standard LPC sheet ``.png`` with
an Aseprite JSON-hash atlas and ``CREDITS.txt``, ``.gif`` per animation, a ``.frames`` folder,
``.npz`` (exact round trip), and a Godot 3 ``SpriteFrames`` ``.tres`` beside the sheet PNG.

The sheet is the standard LPC layout, 832 x 1344 per character (13 columns x 21 rows of 64 x 64;
see :mod:`worldsmith.types.lpc_sheet`), characters stacked vertically; rows of animations
not asked for stay transparent, so every LPC importer reads it. The atlas has one frame per drawn
frame and one tag per animation and direction (``walk_down``, ``slash_left``, ``hurt``; with more
than one character, ``001_walk_down``), each frame carrying its animation's duration (``hurt``,
which ends lying down, plays once: its tag has Aseprite's ``repeat`` ``"1"``); ``meta.worldsmith``
holds the batch's meta, ``meta.parts`` and ``meta.credits`` the parts and library files per
character and their authors and licence. ``<stem>.CREDITS.txt`` beside the
sheet says the same for people (named after the sheet, so sheets in one folder keep their own; a
bake also writes one ``CREDITS.txt`` for all its characters).

>>> import worldsmith as ws
>>> files = ws.make("sprites/lpc-v3", animations=["hurt"])(seed=1).export(fmt="png")
>>> files[:8]
b'\\x89PNG\\r\\n\\x1a\\n'
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from worldsmith.core.errors import FormatError
from worldsmith.core.formats import register_check, register_reader, register_writer
from worldsmith.export import godot, sheets
from worldsmith.export.npz import npz_bytes, read_typed_npz
from worldsmith.export.png import png_bytes
from worldsmith.sprites.lpc_v3.authors import authors_of, combined_credits
from worldsmith.sprites.lpc_v3.authors import credits_text as character_credits
from worldsmith.types.base import AssetMeta
from worldsmith.types.character import CharacterBatch
from worldsmith.types.lpc_sheet import ANIMATIONS, DURATIONS_MS, ONE_SHOT, tag

FRAME = 64
SHEET_W, SHEET_H = 13 * FRAME, 21 * FRAME


def sheet_array(batch: CharacterBatch) -> np.ndarray:
    """``(n * 1344, 832, 4)`` uint8: each character's frames at their LPC sheet cells."""
    out = np.zeros((len(batch), SHEET_H // FRAME, SHEET_W // FRAME, FRAME, FRAME, 4), np.uint8)
    rows = np.array([f.row for f in batch.frames])
    cols = np.array([f.col for f in batch.frames])
    out[:, rows, cols] = batch.images
    return sheets.frame_grid(out)


def _tag(batch: CharacterBatch, char: int, animation: str, direction: str) -> str:
    name = tag(animation, direction)
    return name if len(batch) == 1 else f"{char:03d}_{name}"


def credits(batch: CharacterBatch) -> dict:
    """The atlas's ``meta.credits``: per character the library files per slot and their authors."""
    return {"licence": "CC-BY-SA 3.0 (https://creativecommons.org/licenses/by-sa/3.0/) or GPL 3.0",
            "source": "Universal LPC Spritesheet (makrohn/Universal-LPC-spritesheet @29c1d69d)",
            "characters": [{slot: [{"file": f, "authors": list(authors_of(f))} for f in fs]
                            for slot, fs in files.items()} for files in batch.files]}


def credits_text(batch: CharacterBatch) -> str:
    """``CREDITS.txt``: every library file the batch draws, with its authors, and the licence."""
    return character_credits(batch.files[0]) if len(batch) == 1 else combined_credits(batch.files)


def atlas(batch: CharacterBatch, image: str) -> dict:
    """The Aseprite "JSON hash" atlas of :func:`sheet_array` (keys in Aseprite's order)."""
    frames, tags = {}, []
    for char in range(len(batch)):
        for f in batch.frames:
            name = _tag(batch, char, f.animation, f.direction)
            if f.index == 0:
                tags.append(sheets.tag(name, len(frames), len(frames), repeat=int(f.animation in ONE_SHOT)))
            tags[-1]["to"] = len(frames)
            frames[f"{name}_{f.index}"] = sheets.frame(f.col * FRAME, char * SHEET_H + f.row * FRAME, FRAME, FRAME,
                                                       DURATIONS_MS[f.animation])
    return sheets.atlas(frames, tags, image, (SHEET_W, len(batch) * SHEET_H), "CharacterBatch",
                        batch.meta.to_dict(), parts=batch.parts, credits=credits(batch) if batch.files else {})


def _sheet_files(batch: CharacterBatch, image: str) -> dict[str, bytes]:
    """The sheet PNG ``image`` and ``<stem>.CREDITS.txt`` (when the batch names its files)."""
    out = {image: png_bytes(sheet_array(batch))}
    if batch.files:
        out[f"{Path(image).stem}.CREDITS.txt"] = credits_text(batch).encode()
    return out


def write_png(batch: CharacterBatch, name: str) -> dict[str, bytes]:
    """Sheet PNG, ``<stem>.json`` atlas and ``<stem>.CREDITS.txt`` (when the batch names its files)."""
    files = _sheet_files(batch, name)
    text = json.dumps(atlas(batch, name), indent=1) + "\n"
    return {name: files.pop(name), f"{Path(name).stem}.json": text.encode(), **files}


def write_tres(batch: CharacterBatch, name: str) -> dict[str, bytes]:
    """A Godot 3 ``SpriteFrames`` resource, one animation per atlas tag (``walk_down``, ``hurt``...;
    ``hurt`` does not loop), plus the sheet ``<stem>.png`` and ``<stem>.CREDITS.txt`` beside it, as
    the ``.png`` export writes them."""
    image = f"{Path(name).stem}.png"
    return {name: godot.sprite_frames(atlas(batch, image), image).encode(), **_sheet_files(batch, image)}


def write_frames(batch: CharacterBatch, name: str) -> dict[str, bytes]:
    """A ``<stem>/`` folder of one PNG per frame (``<tag>_<i>.png``); ``name`` lists the files."""
    stem = Path(name).stem
    files = {f"{stem}/{_tag(batch, c, f.animation, f.direction)}_{f.index}.png": png_bytes(batch.images[c, i])
             for c in range(len(batch)) for i, f in enumerate(batch.frames)}
    return {name: ("\n".join(files) + "\n").encode(), **files}


def _gif(batch: CharacterBatch, animation: str) -> bytes:
    """One animation looping: characters in rows, directions side by side."""
    index = [i for i, f in enumerate(batch.frames) if f.animation == animation]
    per_dir = ANIMATIONS[animation]
    clip = batch.images[:, index].reshape(len(batch), -1, per_dir, FRAME, FRAME, 4)   # (n, dirs, t, h, w, 4)
    pics = [clip[:, :, t].transpose(0, 2, 1, 3, 4).reshape(len(batch) * FRAME, -1, 4) for t in range(per_dir)]
    return sheets.gif_bytes(pics, DURATIONS_MS[animation])


def write_gif(batch: CharacterBatch, name: str) -> dict[str, bytes]:
    """``name``: the first animation; ``<stem>_<animation>.gif`` beside it for every animation."""
    stem = Path(name).stem
    out = {name: _gif(batch, batch.animations[0])}
    out.update({f"{stem}_{a}.gif": _gif(batch, a) for a in batch.animations})
    return out


def write_npz(batch: CharacterBatch, name: str) -> dict[str, bytes]:
    """Every array and list of the batch; :func:`read_npz` restores it exactly."""
    arrays = {"images": batch.images, "type": np.array("CharacterBatch"),
              "meta": np.array(json.dumps(batch.meta.to_dict(), sort_keys=True)),
              "lists": np.array(json.dumps({"animations": batch.animations, "slots": batch.slots,
                                            "parts": batch.parts, "files": batch.files}, sort_keys=True))}
    if batch.classes is not None:
        arrays.update(classes=batch.classes, palette=batch.palette)
    return {name: npz_bytes(arrays)}


def read_npz(path: Path) -> CharacterBatch:
    """Read a batch written by :func:`write_npz`."""
    def build(d) -> CharacterBatch:
        layers = {"classes": d["classes"], "palette": d["palette"]} if "classes" in d.files else {}
        return CharacterBatch(d["images"], AssetMeta.from_dict(json.loads(str(d["meta"]))),
                              **json.loads(str(d["lists"])), **layers)

    return read_typed_npz(path, "CharacterBatch", build)


def check_characters(batch: CharacterBatch, where: str) -> None:
    """Every art file a character names is in the LPC library; parts map slots to names."""
    for files in batch.files:
        for slot, paths in files.items():
            if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
                raise FormatError(f"{where}: files.{slot} must be a list of art file names")
            for path in paths:
                try:
                    authors_of(path)
                except KeyError:
                    raise FormatError(f"{where}: files.{slot} names {path!r}, no LPC library file") from None
    if not all(isinstance(v, str) for parts in batch.parts for v in parts.values()):
        raise FormatError(f"{where}: parts must map slots to part names")


register_writer(CharacterBatch, "png", write_png)
register_writer(CharacterBatch, "frames", write_frames)
register_writer(CharacterBatch, "gif", write_gif)
register_writer(CharacterBatch, "npz", write_npz)
register_writer(CharacterBatch, "tres", write_tres)
register_reader(CharacterBatch, "npz", read_npz)
register_check(CharacterBatch, check_characters)
