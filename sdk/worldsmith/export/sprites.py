"""Exporters of :class:`SpriteBatch`: sheet ``.png`` + JSON atlas, per-frame PNG folder, ``.gif``,
``.npz`` (exact round trip).

The sheet stacks characters vertically: character ``i`` owns rows ``4 i .. 4 i + 3`` (one per
direction: down, left, right, up) and columns 0..3 (walk frames). The atlas beside it is laid out
field for field as Aseprite's "JSON hash" export (``--format json-hash --list-tags --list-layers
--list-slices``), which TexturePacker-style loaders read too: ``frames`` keyed
``"<char>_<direction>_<frame>"`` in sheet order, each with ``frame``, ``rotated``, ``trimmed``,
``spriteSourceSize``, ``sourceSize`` and ``duration``; ``meta`` with ``app``, ``version``,
``image``, ``format``, ``size``, ``scale`` (the string ``"1"``), ``frameTags`` (one ``forward``
animation per character and direction, with Aseprite's default tag ``color`` ``"#000000ff"``;
``from``/``to`` index the frames in order), ``layers`` (one, whose user-data ``data`` string
names the asset type) and ``slices``. One key follows Aseprite's: ``meta.worldsmith``, the
batch's :class:`AssetMeta`; importers of Aseprite atlases ignore meta keys they do not know.

>>> import numpy as np
>>> from worldsmith.types.sprite import SpriteBatch
>>> files = SpriteBatch(np.zeros((2, 4, 4, 64, 64, 4), np.uint8)).export(fmt="png")
>>> files[:8]
b'\\x89PNG\\r\\n\\x1a\\n'
"""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np

from worldsmith.core.errors import FormatError
from worldsmith.core.formats import register_reader, register_writer
from worldsmith.core.generator import VERSION
from worldsmith.types.base import AssetMeta
from worldsmith.types.sprite import DIRECTIONS, SpriteBatch

FRAME_MS = 120  # walk-cycle frame duration in the atlas and the gif
APP = "worldsmith"  # the atlas's meta.app; meta.version is the SDK's VERSION (Aseprite: its own)
TAG_COLOR = "#000000ff"  # Aseprite's default tag colour, "#rrggbbaa"


def sheet_array(images: np.ndarray) -> np.ndarray:
    """``(n, 4, 4, 64, 64, 4)`` -> one ``(n * 256, 256, 4)`` sheet (row = character x direction)."""
    n, d, f, h, w, c = images.shape
    return images.transpose(0, 1, 3, 2, 4, 5).reshape(n * d * h, f * w, c)


def _png(array: np.ndarray) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(array).save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def _frame_name(char: int, direction: int, frame: int) -> str:
    return f"{char:03d}_{DIRECTIONS[direction]}_{frame}"


def atlas(batch: SpriteBatch, image: str) -> dict:
    """The Aseprite "JSON hash" atlas of :func:`sheet_array`'s layout (keys in Aseprite's order)."""
    n, d, f, h, w, _ = batch.images.shape
    frames, tags = {}, []
    for char in range(n):
        for direction in range(d):
            tags.append({"name": f"{char:03d}_{DIRECTIONS[direction]}", "from": len(frames),
                         "to": len(frames) + f - 1, "direction": "forward", "color": TAG_COLOR})
            for frame in range(f):
                rect = {"x": frame * w, "y": (char * d + direction) * h, "w": w, "h": h}
                frames[_frame_name(char, direction, frame)] = {
                    "frame": rect, "rotated": False, "trimmed": False,
                    "spriteSourceSize": {"x": 0, "y": 0, "w": w, "h": h},
                    "sourceSize": {"w": w, "h": h}, "duration": FRAME_MS}
    layer = {"name": APP, "opacity": 255, "blendMode": "normal", "data": "SpriteBatch"}
    return {"frames": frames,
            "meta": {"app": APP, "version": VERSION, "image": image, "format": "RGBA8888",
                     "size": {"w": f * w, "h": n * d * h}, "scale": "1", "frameTags": tags,
                     "layers": [layer], "slices": [], "worldsmith": batch.meta.to_dict()}}


def write_png(batch: SpriteBatch, name: str) -> dict[str, bytes]:
    """Sheet PNG plus ``<stem>.json`` atlas."""
    stem = Path(name).stem
    text = json.dumps(atlas(batch, name), indent=1, sort_keys=False) + "\n"
    return {name: _png(sheet_array(batch.images)), f"{stem}.json": text.encode()}


def write_frames(batch: SpriteBatch, name: str) -> dict[str, bytes]:
    """A ``<stem>/`` folder of one PNG per frame; ``name`` lists the files, one per line."""
    stem = Path(name).stem
    files = {}
    for char, sheet in enumerate(batch.images):
        for direction, row in enumerate(sheet):
            for frame, image in enumerate(row):
                files[f"{stem}/{_frame_name(char, direction, frame)}.png"] = _png(image)
    return {name: ("\n".join(files) + "\n").encode(), **files}


def write_gif(batch: SpriteBatch, name: str) -> dict[str, bytes]:
    """An animated walk preview: every character and direction side by side, looping."""
    from PIL import Image

    n, d, f, h, w, _ = batch.images.shape
    pics = []
    for frame in range(f):
        grid = batch.images[:, :, frame].transpose(0, 2, 1, 3, 4).reshape(n * h, d * w, 4)
        pics.append(Image.fromarray(grid).convert("RGBA"))
    buf = io.BytesIO()
    first, rest = pics[0], pics[1:]
    first.save(buf, format="GIF", save_all=True, append_images=rest, duration=FRAME_MS,
               loop=0, disposal=2, optimize=False)
    return {name: buf.getvalue()}


def write_npz(batch: SpriteBatch, name: str) -> dict[str, bytes]:
    """``images`` plus the metadata as JSON (and a layered batch's classes, palette and slot names);
    :func:`read_npz` restores the batch exactly."""
    meta = json.dumps(batch.meta.to_dict(), sort_keys=True)
    arrays = {"images": batch.images, "meta": np.array(meta), "type": np.array("SpriteBatch")}
    if batch.classes is not None:
        arrays.update(classes=batch.classes, palette=batch.palette, slots=np.array(batch.slots, dtype=str))
    return {name: npz_bytes(arrays)}


def npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """An ``.npz`` of ``arrays`` (deflated, no pickles) with fixed timestamps: the same arrays give
    the same bytes, unlike ``np.savez``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for key, array in arrays.items():
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with zf.open(info, "w") as f:
                np.lib.format.write_array(f, array, allow_pickle=False)
    return buf.getvalue()


def read_typed_npz(path: Path, type_name: str, build):
    """``build(arrays)`` of an ``.npz`` whose ``type`` array names ``type_name``; a foreign or
    damaged file is one :class:`FormatError` naming it."""
    try:
        with np.load(path, allow_pickle=False) as d:
            if str(d["type"]) != type_name:
                raise KeyError("type")
            return build(d)
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise FormatError(f"{path}: not a worldsmith {type_name} .npz ({e})") from None


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
register_reader(SpriteBatch, "npz", read_npz)
