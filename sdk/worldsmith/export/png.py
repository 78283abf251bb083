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


def png_bytes(image: np.ndarray | Image.Image, optimize: bool = False) -> bytes:
    """PNG bytes of an ``(h, w[, 3|4])`` uint8 array or a PIL image (``optimize``: Pillow's
    smaller, slower encoding)."""
    if isinstance(image, np.ndarray):
        image = Image.fromarray(np.ascontiguousarray(image))
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=optimize)
    return buf.getvalue()


def png_array(data: bytes) -> np.ndarray:
    """The pixels of PNG ``data`` as a writable uint8 array."""
    return np.asarray(Image.open(io.BytesIO(data)), np.uint8).copy()
