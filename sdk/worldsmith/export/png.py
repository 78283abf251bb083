"""PNG bytes of an image and back: the same pixels always give the same bytes.

>>> import numpy as np
>>> img = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
>>> data = png_bytes(img)
>>> data[:8], bool((png_array(data) == img).all())
(b'\\x89PNG\\r\\n\\x1a\\n', True)
"""
from __future__ import annotations

import io

import numpy as np
from PIL import Image

from worldsmith.core.errors import FormatError
from worldsmith.core.formats import optimizing_pngs

#: zlib level of the default encoding: 1.6-2x faster than Pillow's default (6) on a 200-column SMB
#: level, a sprite sheet and a platformer render, for 13-68% more bytes (docs/benchmarks.md, "PNGs")
FAST_LEVEL = 3


def png_bytes(image: np.ndarray | Image.Image, optimize: bool | None = None,
              palette: np.ndarray | None = None) -> bytes:
    """PNG bytes of an ``(h, w[, 3|4])`` uint8 array or a PIL image, zlib at :data:`FAST_LEVEL`
    (``optimize``: Pillow's smallest encoding, about 8x slower, the same pixels;
    None: as :func:`worldsmith.core.formats.png_optimize` says, off by default). With ``palette``
    (``(k, 3)`` uint8 RGB, k <= 256) ``image`` is ``(h, w)`` indices into it: an indexed PNG, whose
    pixels are ``palette[image]``.

    >>> pal = np.array([[0, 0, 0], [255, 128, 0]], np.uint8)
    >>> idx = np.array([[0, 1], [1, 1]], np.uint8)
    >>> rgb = Image.open(io.BytesIO(png_bytes(idx, palette=pal))).convert("RGB")
    >>> bool((np.asarray(rgb) == pal[idx]).all())
    True
    """
    optimize = optimizing_pngs() if optimize is None else optimize
    if palette is not None:
        image = Image.fromarray(np.ascontiguousarray(image, np.uint8), "P")
        image.putpalette(np.ascontiguousarray(palette, np.uint8).tobytes())
    elif isinstance(image, np.ndarray):
        image = Image.fromarray(np.ascontiguousarray(image))
    buf = io.BytesIO()
    image.save(buf, format="PNG", **({"optimize": True} if optimize else {"compress_level": FAST_LEVEL}))
    return buf.getvalue()


MAX_PIXELS = 1 << 25  # the largest image read back from a file (8192 x 4096); any asset's images are far smaller


def png_array(data: bytes) -> np.ndarray:
    """The pixels of PNG ``data`` as a writable uint8 array; an image larger than
    :data:`MAX_PIXELS` is a :class:`FormatError` read from its header, before decoding.

    >>> import io
    >>> buf = io.BytesIO(); Image.new("L", (9000, 4000)).save(buf, format="PNG")
    >>> png_array(buf.getvalue())
    Traceback (most recent call last):
    ...
    worldsmith.core.errors.FormatError: a 9000 x 4000 image: larger than any asset image (limit 33554432 pixels)
    """
    try:
        image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as e:     # Pillow's own, higher limit
        raise FormatError(f"an image larger than any asset image ({e})") from None
    w, h = image.size
    if w * h > MAX_PIXELS:
        raise FormatError(f"a {w} x {h} image: larger than any asset image (limit {MAX_PIXELS} pixels)")
    return np.asarray(image, np.uint8).copy()
