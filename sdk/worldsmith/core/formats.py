"""Writers, readers and load checks keyed by (asset type, extension).

A writer is ``writer(asset, name) -> {relative file name: bytes}``: the first entry is the main
file (``name`` itself); others are sidecars such as a tileset image or an atlas. A writer whose
sidecars are named by their content (a Tiled ``.tsx`` tileset and its image, the same for many
maps) returns them in :class:`Files` with those names in ``shared``: a bake writes such a file
once for all the assets that share it and locks it once. A reader is
``reader(path) -> asset``. A check is ``check(asset, where)``: it raises :class:`FormatError`
(naming ``where``) when an asset read from a file breaks its type's invariants, so a damaged or
hand-edited file fails on load, not later. Each family's manifest names the module that registers
its types' writers, readers and checks on import (see :mod:`worldsmith.core.family`); nothing
loads until a type is used.

>>> from worldsmith.types.plot import PlotGraph
>>> "ink" in formats_for(PlotGraph), readable_formats(PlotGraph)
(True, ['json'])
"""
from __future__ import annotations

import importlib
import json
import os
import zipfile
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

import numpy as np

from worldsmith.core import registry
from worldsmith.core.atomic import write_files_atomic
from worldsmith.core.errors import ExportError, FormatError, WorldsmithError

Writer = Callable[[Any, str], dict[str, bytes]]
Reader = Callable[[Path], Any]
Check = Callable[[Any, str], None]


class Files(dict):
    """A writer's ``{name: bytes}`` with ``shared``: the names of files named by their content,
    which other assets may write too (byte for byte the same).

    >>> f = Files({"a.tmx": b"map", "t-1a2b.tsx": b"tileset"}, shared=["t-1a2b.tsx"])
    >>> list(f), shared_names(f), shared_names({"a.ink": b""})
    (['a.tmx', 't-1a2b.tsx'], frozenset({'t-1a2b.tsx'}), frozenset())
    """

    def __init__(self, files: Mapping[str, bytes] = {}, shared: Iterable[str] = ()):
        super().__init__(files)
        self.shared = frozenset(shared)


def shared_names(files: Mapping[str, bytes]) -> frozenset[str]:
    """The shared names of a writer's output (none for a plain dict)."""
    return getattr(files, "shared", frozenset())


_WRITERS: dict[tuple[str, str], Writer] = {}
_READERS: dict[tuple[str, str], Reader] = {}
_CHECKS: dict[str, Check] = {}
_NEEDS: dict[tuple[str, str], Callable[[], Any]] = {}


def register_writer(asset_type: type, fmt: str, writer: Writer) -> None:
    """Register ``writer`` for ``asset_type`` files ending in ``.fmt``."""
    _WRITERS[(asset_type.__name__, fmt)] = writer


def register_reader(asset_type: type, fmt: str, reader: Reader) -> None:
    """Register ``reader`` for ``asset_type`` files ending in ``.fmt``."""
    _READERS[(asset_type.__name__, fmt)] = reader


def register_requirement(asset_type: type, fmt: str, need: Callable[[], Any]) -> None:
    """Register ``need()``, which raises :class:`MissingDependencyError` when ``.fmt`` exports of
    ``asset_type`` cannot be written here (an outside tool such as Graphviz' ``dot`` is missing)."""
    _NEEDS[(asset_type.__name__, fmt)] = need


def check_requirements(asset_type: type, fmt: str) -> None:
    """Raise :class:`MissingDependencyError` now, before any work, if ``.fmt`` exports of
    ``asset_type`` need a tool this machine lacks."""
    _load_exporters(asset_type)
    need = _NEEDS.get((asset_type.__name__, fmt))
    if need is not None:
        need()


def register_check(asset_type: type, check: Check) -> None:
    """Register ``check(asset, where)``, run on every ``asset_type`` read from a file."""
    _CHECKS[asset_type.__name__] = check


def check_grid(name: str, where: str, a: Any, values: int | None = None) -> None:
    """For checks: ``a`` is a non-empty 2-D integer array (of ids ``0..values - 1`` when given)."""
    if not isinstance(a, np.ndarray) or a.ndim != 2 or 0 in a.shape or a.dtype.kind not in "ui":
        raise FormatError(f"{where}: {name} must be a non-empty 2-D integer grid, got "
                          f"{getattr(a, 'shape', type(a).__name__)}")
    if values is not None and (int(a.min()) < 0 or int(a.max()) >= values):
        raise FormatError(f"{where}: {name} holds ids outside 0..{values - 1}")


def _load_exporters(asset_type: type) -> None:
    """Import the module that registers ``asset_type``'s writers and readers (if any declares it)."""
    module = registry.exporter_module(asset_type.__name__)
    if module:
        importlib.import_module(module)


def formats_for(asset_type: type) -> list[str]:
    """Extensions ``asset_type`` can be exported to."""
    _load_exporters(asset_type)
    return sorted(fmt for (name, fmt) in _WRITERS if name == asset_type.__name__)


def readable_formats(asset_type: type) -> list[str]:
    """Extensions ``asset_type`` can be read back from."""
    _load_exporters(asset_type)
    return sorted(fmt for (name, fmt) in _READERS if name == asset_type.__name__)


def render(asset: Any, fmt: str, name: str) -> dict[str, bytes]:
    """Run the writer for ``fmt``: ``{file name: bytes}``, main file first."""
    _load_exporters(type(asset))
    writer = _WRITERS.get((type(asset).__name__, fmt))
    if writer is None:
        known = ", ".join("." + f for f in formats_for(type(asset)))
        raise ExportError(f"format {fmt!r}: {type(asset).__name__} exports to {known}")
    return writer(asset, name)


_PNG_OPTIMIZE: ContextVar[bool] = ContextVar("png_optimize", default=False)


@contextmanager
def png_optimize(on: bool = True) -> Iterator[None]:
    """PNGs written inside the block use Pillow's ``optimize`` encoding (smaller files, slower,
    the same pixels): ``asset.export(..., png_optimize=True)``, ``bake(..., png_optimize=True)``
    and the CLI's ``--png-optimize`` use it.

    >>> with png_optimize():
    ...     optimizing_pngs()
    True
    >>> optimizing_pngs()
    False
    """
    token = _PNG_OPTIMIZE.set(on)
    try:
        yield
    finally:
        _PNG_OPTIMIZE.reset(token)


def optimizing_pngs() -> bool:
    """Whether PNG writers should use the small-file encoding (see :func:`png_optimize`)."""
    return _PNG_OPTIMIZE.get()


def export_files(asset: Any, path: str | os.PathLike | None, fmt: str | None):
    """Implementation of :meth:`Asset.export`."""
    if path is None:
        if not fmt:
            raise ExportError("fmt: give a path or a format such as fmt='json'")
        files = render(asset, fmt, f"asset.{fmt}")
        return next(iter(files.values()))
    path = Path(path)
    fmt = fmt or path.suffix.lower().lstrip(".")
    if not fmt:
        raise ExportError(f"{path}: no extension; name the format with fmt=")
    files = render(asset, fmt, path.name)
    return write_files_atomic(path.parent, files)


MAX_UNPACKED = 2 << 30  # bytes: a compressed file that inflates past this is refused, not loaded
MAX_FILE = 1 << 30      # bytes: the largest asset file ws.load reads


def read_asset(path: str | os.PathLike, asset_type: type | None = None) -> Any:
    """Read an asset file back (``worldsmith.load``). JSON files name their type inside; a
    damaged file is one :class:`FormatError` naming it, whatever the damage."""
    path = Path(path)
    if not path.is_file():
        raise FormatError(f"{path}: no such file" if not path.exists() else f"{path}: not a regular file")
    if path.stat().st_size > MAX_FILE:
        raise FormatError(f"{path}: {path.stat().st_size / 2**30:.1f} GiB is larger than any asset file "
                          f"(limit {MAX_FILE / 2**30:.0f} GiB)")
    fmt = path.suffix.lower().lstrip(".")
    if asset_type is None and fmt == "json":
        asset_type = _json_type(path)
    elif asset_type is None and fmt == "npz":
        asset_type = _npz_type(path)
    if asset_type is not None:
        _load_exporters(asset_type)
        reader = _READERS.get((asset_type.__name__, fmt))
        if reader is None:
            raise FormatError(f"{path}: {asset_type.__name__} cannot be read from .{fmt}")
    else:
        for module in registry.exporter_modules():
            importlib.import_module(module)
        matches = [r for (name, f), r in _READERS.items() if f == fmt]
        if len(matches) != 1:
            raise FormatError(f"{path}: cannot tell the asset type of a .{fmt} file; pass asset_type=")
        reader = matches[0]
    _check_unpacked(path)
    try:
        asset = reader(path)
    except WorldsmithError:
        raise
    except Exception as e:  # noqa: BLE001 - untrusted bytes: any failure is a bad file
        raise FormatError(f"{path}: not a readable .{fmt} asset ({type(e).__name__}: {e})") from None
    check = _CHECKS.get(type(asset).__name__)
    if check is not None:
        check(asset, str(path))
    return asset


def _check_unpacked(path: Path) -> None:
    """Refuse a zip-based file (``.npz``) whose members would inflate past ``MAX_UNPACKED``."""
    if not zipfile.is_zipfile(path):
        return
    try:
        with zipfile.ZipFile(path) as zf:
            size = sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, OSError) as e:
        raise FormatError(f"{path}: a damaged archive ({e})") from None
    if size > MAX_UNPACKED:
        raise FormatError(f"{path}: would inflate to {size / 2**30:.1f} GiB (limit {MAX_UNPACKED / 2**30:.0f} GiB)")


def _npz_type(path: Path) -> type | None:
    """The asset type a worldsmith ``.npz`` names in its ``type`` array (None if it names none)."""
    _check_unpacked(path)
    try:
        with np.load(path, allow_pickle=False) as d:
            name = str(d["type"]) if "type" in d.files else None
    except (OSError, ValueError, zipfile.BadZipFile) as e:
        raise FormatError(f"{path}: not a readable .npz ({e})") from None
    return _type_named(path, name) if name else None


def _type_named(path: Path, name: Any) -> type:
    """The registered asset type called ``name`` (a file's ``type`` field)."""
    cls = registry.asset_type(str(name)) if name else None
    if not isinstance(cls, type):
        raise FormatError(f"{path}: expected a worldsmith asset with a 'type' field, got {name!r}")
    return cls


def _json_type(path: Path) -> type:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise FormatError(f"{path}: not valid JSON ({e})") from None
    except (ValueError, RecursionError) as e:          # a number of 5,000 digits; nesting past Python's stack
        raise FormatError(f"{path}: not a worldsmith JSON ({type(e).__name__})") from None
    return _type_named(path, data.get("type") if isinstance(data, dict) else None)
