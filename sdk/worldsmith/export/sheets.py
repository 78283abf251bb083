"""Sprite sheets: frame grids as one image, Aseprite "JSON hash" atlases and animated GIFs.

The atlas is laid out field for field as Aseprite's "JSON hash" export (``--format json-hash
--list-tags --list-layers --list-slices``), which TexturePacker-style loaders read too:
``frames`` keyed by name in sheet order, each with ``frame``, ``rotated``, ``trimmed``,
``spriteSourceSize``, ``sourceSize`` and ``duration``; ``meta`` with ``app``, ``version``,
``image``, ``format``, ``size``, ``scale`` (the string ``"1"``), ``frameTags`` (``forward``
animations with Aseprite's default tag ``color``; ``from``/``to`` index the frames in order;
``repeat``, a count as a string, on animations that play once instead of looping),
``layers`` (one, whose user-data ``data`` string names the asset type) and ``slices``. One key
follows Aseprite's: ``meta.worldsmith``, the asset's metadata; importers of Aseprite atlases
ignore meta keys they do not know.

>>> import numpy as np
>>> frame_grid(np.zeros((2, 4, 3, 8, 8, 4), np.uint8)).shape
(64, 24, 4)
>>> atlas({"a_0": frame(0, 0, 8, 8, 100)}, [tag("a", 0, 0)], "a.png", (8, 8), "Demo", {})["meta"]["frameTags"]
[{'name': 'a', 'from': 0, 'to': 0, 'direction': 'forward', 'color': '#000000ff'}]
"""
from __future__ import annotations

import io
from typing import Any, Sequence

import numpy as np
from PIL import Image

from worldsmith.core.generator import VERSION

APP = "worldsmith"  # the atlas's meta.app; meta.version is the SDK's VERSION (Aseprite: its own)
TAG_COLOR = "#000000ff"  # Aseprite's default tag colour, "#rrggbbaa"


def frame_grid(cells: np.ndarray) -> np.ndarray:
    """``(n, rows, cols, h, w, c)`` frames -> one ``(n * rows * h, cols * w, c)`` image: block ``i``
    of ``rows`` frame rows under block ``i - 1``."""
    n, rows, cols, h, w, c = cells.shape
    return cells.transpose(0, 1, 3, 2, 4, 5).reshape(n * rows * h, cols * w, c)


def frame(x: int, y: int, w: int, h: int, duration: int) -> dict[str, Any]:
    """One atlas frame: the untrimmed ``w`` x ``h`` cell at pixel ``(x, y)``, shown ``duration`` ms."""
    return {"frame": {"x": x, "y": y, "w": w, "h": h}, "rotated": False, "trimmed": False,
            "spriteSourceSize": {"x": 0, "y": 0, "w": w, "h": h},
            "sourceSize": {"w": w, "h": h}, "duration": duration}


def tag(name: str, first: int, last: int, repeat: int = 0) -> dict[str, Any]:
    """One ``forward`` animation over the atlas's frames ``first..last``; ``repeat`` > 0 plays it
    that many times (Aseprite's tag ``repeat``, written only when set), 0 loops it.

    >>> tag("hurt", 4, 9, repeat=1)["repeat"]
    '1'
    """
    head = {"name": name, "from": first, "to": last, "direction": "forward"}
    return {**head, **({"repeat": str(repeat)} if repeat else {}), "color": TAG_COLOR}


def atlas(frames: dict[str, dict], tags: list[dict], image: str, size: tuple[int, int], type_name: str,
          meta: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """The atlas of ``image`` (``size`` = (w, h) pixels): its frames, tags, the asset's ``meta``
    and ``extra`` keys after it in ``meta`` (keys in Aseprite's order)."""
    layer = {"name": APP, "opacity": 255, "blendMode": "normal", "data": type_name}
    return {"frames": frames,
            "meta": {"app": APP, "version": VERSION, "image": image, "format": "RGBA8888",
                     "size": {"w": size[0], "h": size[1]}, "scale": "1", "frameTags": tags,
                     "layers": [layer], "slices": [], "worldsmith": meta, **extra}}


def gif_bytes(pictures: Sequence[np.ndarray], duration: int) -> bytes:
    """An animated GIF of RGBA ``pictures``, ``duration`` ms each, looping forever."""
    pics = [Image.fromarray(p) for p in pictures]
    buf = io.BytesIO()
    pics[0].save(buf, format="GIF", save_all=True, append_images=pics[1:], duration=duration,
                 loop=0, disposal=2, optimize=False)
    return buf.getvalue()
