"""Atomic file writes (a temp file in the target folder, then ``os.replace``) and file hashes.

An interrupted run leaves either the old file or the new one, never half a file. A temp file
names its writer (``.<name>.<pid>-<random>.tmp``); a run killed mid-write cannot remove it, so the
first write of a process into a folder sweeps that folder once for temp files whose writer is no
longer running (on this host) and removes them; later writes into the folder list nothing, so the
cost per file stays flat however many files the folder holds. Writers running at the same time
never remove each other's temp files. A failed write names the file asked for, not the temp file.
Each file is ``fsync``-ed before it replaces its target (the bytes are on disk when the name
appears); folders are not. A bake stages its files without a sync each and syncs the file system
once before it publishes them (:mod:`worldsmith.bake.staging`).

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> write_atomic(d / "a.txt", b"hi").read_bytes()
b'hi'
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Mapping


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _read_umask()  # read once at import: os.umask is process-wide, not thread-safe


_SWEPT: set[Path] = set()  # folders this process has swept for dead writers' temp files
_TEMP = re.compile(r"\..+\.(\d+)-[^.]+\.tmp")


def write_atomic(path: str | os.PathLike, data: bytes, fsync: bool = True) -> Path:
    """Write ``data`` to ``path`` atomically (parents created); return the path. ``fsync=False``
    leaves flushing to the caller (a bake stages many files, then syncs once before publishing)."""
    path = Path(path)
    _sweep_once(path.parent)
    tmp = _write_temp(path, data, fsync)
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


def _sweep_once(folder: Path) -> None:
    """Remove, once per process, ``folder``'s temp files whose writing process has died."""
    key = folder.absolute()
    if key in _SWEPT or not folder.is_dir():
        return
    _SWEPT.add(key)
    with os.scandir(folder) as entries:
        for entry in entries:
            match = _TEMP.fullmatch(entry.name)
            if match and not _alive(int(match.group(1))):
                Path(entry.path).unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs on this host."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):  # someone else's process, or not a pid
        return True
    return True


def _write_temp(path: Path, data: bytes, fsync: bool = True) -> str:
    """``data`` in a new temp file beside ``path`` (parents created), named for this process; its name."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}-", suffix=".tmp", dir=path.parent)
    except OSError as e:
        raise OSError(e.errno, e.strerror, str(path)) from None
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            if fsync:
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
