"""``.npz`` files with the same bytes for the same arrays, and a reader for typed ones.

A worldsmith ``.npz`` names its asset type in a ``type`` array (``worldsmith.load`` reads it).

>>> import numpy as np
>>> arrays = {"a": np.arange(3), "type": np.array("Demo")}
>>> npz_bytes(arrays) == npz_bytes(arrays)
True
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any, Callable

import numpy as np

from worldsmith.core.errors import FormatError


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


def read_typed_npz(path: Path, type_name: str, build: Callable[[Any], Any]) -> Any:
    """``build(arrays)`` of an ``.npz`` whose ``type`` array names ``type_name``; a foreign or
    damaged file is one :class:`FormatError` naming it."""
    try:
        with np.load(path, allow_pickle=False) as d:
            if str(d["type"]) != type_name:
                raise KeyError("type")
            return build(d)
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise FormatError(f"{path}: not a worldsmith {type_name} .npz ({e})") from None
