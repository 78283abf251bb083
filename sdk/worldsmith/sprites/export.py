"""Exporters of :class:`SpriteBatch`: sheet ``.png`` + JSON atlas, per-frame PNG folder, ``.gif``,
``.npz`` (exact round trip), and a Godot 3 ``SpriteFrames`` ``.tres`` with the sheet PNG beside it.

The sheet stacks characters vertically: character ``i`` owns rows ``4 i .. 4 i + 3`` (one per
direction: down, left, right, up) and columns 0..3 (walk frames). The atlas beside it is an
Aseprite "JSON hash" atlas (:mod:`worldsmith.export.sheets`): ``frames`` keyed
``"<char>_<direction>_<frame>"`` in sheet order, one ``frameTags`` animation per character and
direction, and ``meta.worldsmith``, the batch's :class:`AssetMeta`.

>>> import numpy as np
>>> from worldsmith.types.sprite import SpriteBatch
>>> files = SpriteBatch(np.zeros((2, 4, 4, 64, 64, 4), np.uint8)).export(fmt="png")
>>> files[:8]
b'\\x89PNG\\r\\n\\x1a\\n'
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from worldsmith.core.formats import register_reader, register_writer
from worldsmith.export import godot, sheets
from worldsmith.export.npz import npz_bytes, read_typed_npz
from worldsmith.export.png import png_bytes
from worldsmith.types.base import AssetMeta
from worldsmith.types.sprite import DIRECTIONS, SpriteBatch

FRAME_MS = 120  # walk-cycle frame duration in the atlas and the gif


def _sheetpng_bytes(batch: SpriteBatch) -> bytes:
    return png_bytes(sheets.frame_grid(batch.images))


def _frame_name(char: int, direction: int, frame: int) -> str:
    return f"{char:03d}_{DIRECTIONS[direction]}_{frame}"


def atlas(batch: SpriteBatch, image: str) -> dict:
    """The Aseprite "JSON hash" atlas of the sheet's layout (keys in Aseprite's order)."""
    n, d, f, h, w, _ = batch.images.shape
    frames, tags = {}, []
    for char in range(n):
        for direction in range(d):
            tags.append(sheets.tag(f"{char:03d}_{DIRECTIONS[direction]}", len(frames), len(frames) + f - 1))
            for frame in range(f):
                frames[_frame_name(char, direction, frame)] = sheets.frame(
                    frame * w, (char * d + direction) * h, w, h, FRAME_MS)
    return sheets.atlas(frames, tags, image, (f * w, n * d * h), "SpriteBatch", batch.meta.to_dict())


def write_png(batch: SpriteBatch, name: str) -> dict[str, bytes]:
    """Sheet PNG plus ``<stem>.json`` atlas."""
    stem = Path(name).stem
    text = json.dumps(atlas(batch, name), indent=1) + "\n"
    return {name: _sheetpng_bytes(batch), f"{stem}.json": text.encode()}


def write_tres(batch: SpriteBatch, name: str) -> dict[str, bytes]:
    """A Godot 3 ``SpriteFrames`` resource, one looping animation per atlas tag (``000_down``...),
    plus the sheet ``<stem>.png`` (the ``.png`` export's sheet) it cuts its frames from."""
    image = f"{Path(name).stem}.png"
    return {name: godot.sprite_frames(atlas(batch, image), image).encode(), image: _sheetpng_bytes(batch)}


def write_frames(batch: SpriteBatch, name: str) -> dict[str, bytes]:
    """A ``<stem>/`` folder of one PNG per frame; ``name`` lists the files, one per line."""
    stem = Path(name).stem
    files = {}
    for char, sheet in enumerate(batch.images):
        for direction, row in enumerate(sheet):
            for frame, image in enumerate(row):
                files[f"{stem}/{_frame_name(char, direction, frame)}.png"] = png_bytes(image)
    return {name: ("\n".join(files) + "\n").encode(), **files}


def write_gif(batch: SpriteBatch, name: str) -> dict[str, bytes]:
    """An animated walk preview: every character and direction side by side, looping."""
    n, d, f, h, w, _ = batch.images.shape
    pics = [batch.images[:, :, frame].transpose(0, 2, 1, 3, 4).reshape(n * h, d * w, 4) for frame in range(f)]
    return {name: sheets.gif_bytes(pics, FRAME_MS)}


def write_npz(batch: SpriteBatch, name: str) -> dict[str, bytes]:
    """``images`` plus the metadata as JSON (and a layered batch's classes, palette and slot names);
    :func:`read_npz` restores the batch exactly."""
    meta = json.dumps(batch.meta.to_dict(), sort_keys=True)
    arrays = {"images": batch.images, "meta": np.array(meta), "type": np.array("SpriteBatch")}
    if batch.classes is not None:
        arrays.update(classes=batch.classes, palette=batch.palette, slots=np.array(batch.slots, dtype=str))
    return {name: npz_bytes(arrays)}


def read_npz(path: Path) -> SpriteBatch:
    """Read a batch written by :func:`write_npz`."""
    def build(d) -> SpriteBatch:
        layers = ({"classes": d["classes"], "palette": d["palette"], "slots": d["slots"].tolist()}
                  if "classes" in d.files else {})
        return SpriteBatch(d["images"], AssetMeta.from_dict(json.loads(str(d["meta"]))), **layers)

    return read_typed_npz(path, "SpriteBatch", build)


register_writer(SpriteBatch, "png", write_png)
register_writer(SpriteBatch, "frames", write_frames)
register_writer(SpriteBatch, "gif", write_gif)
register_writer(SpriteBatch, "npz", write_npz)
register_writer(SpriteBatch, "tres", write_tres)
register_reader(SpriteBatch, "npz", read_npz)
