"""Atomic file writes (a temp file in the target folder, then ``os.replace``) and file hashes.

An interrupted run leaves either the old file or the new one, never half a file. A run killed
mid-write cannot remove its temp file; the next write of the same file removes such leftovers
(``.<name>.*.tmp`` beside it) first. A failed write names the file asked for, not the temp file.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> write_atomic(d / "a.txt", b"hi").read_bytes()
b'hi'
"""
from __future__ import annotations

import glob
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Mapping


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _read_umask()  # read once at import: os.umask is process-wide, not thread-safe


def write_atomic(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (parents created); return the path."""
    path = Path(path)
    if path.parent.is_dir():
        for stale in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):  # left by a killed run
            stale.unlink(missing_ok=True)
    tmp = _write_temp(path, data)
    try:
        os.replace(tmp, path)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise OSError(e.errno, e.strerror, str(path)) from None
    return path


def write_all_atomic(files: Mapping[Path, bytes]) -> list[Path]:
    """Write every ``path -> bytes`` of ``files`` or none: each goes to a temp file beside its
    target first; only when all are written do they replace their targets. A failure (a folder
    that cannot be written, a full disk) removes the temp files and names the file.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> try:
    ...     write_all_atomic({d / "a.txt": b"a", pathlib.Path("/proc/x.txt"): b"x"})
    ... except OSError as e:
    ...     print(e.filename, list(d.iterdir()))
    /proc/x.txt []
    """
    temps: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            temps.append((_write_temp(Path(path), data), Path(path)))
        for tmp, path in temps:
            os.replace(tmp, path)
    except BaseException:
        for tmp, _ in temps:
            Path(tmp).unlink(missing_ok=True)
        raise
    return [path for _, path in temps]


def _write_temp(path: Path, data: bytes) -> str:
    """``data`` in a new temp file beside ``path`` (parents created); its name."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as e:
        raise OSError(e.errno, e.strerror, str(path)) from None
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except BaseException as e:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(e, OSError):
            raise OSError(e.errno, e.strerror, str(path)) from None
        raise
    return tmp


def write_files_atomic(folder: str | os.PathLike, files: Mapping[str, bytes]) -> list[Path]:
    """Write each ``relative name -> bytes`` of ``files`` under ``folder`` atomically."""
    folder = Path(folder)
    return [write_atomic(folder / name, data) for name, data in files.items()]


def sha256_file(path: str | os.PathLike) -> str:
    """Hex sha256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
