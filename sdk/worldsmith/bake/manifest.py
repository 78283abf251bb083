"""Bake manifests (TOML) and shard specs, read and checked; errors name the entry and the field.

A manifest lists assets, each an ``[[asset]]`` table::

    [[asset]]
    id = "plots/quest-v1"
    seed = 1
    config = { acts = 3 }
    outputs = ["quest1.ink", "quest1.json"]
"""
from __future__ import annotations

import sys
from pathlib import Path, PurePosixPath
from typing import Any

from worldsmith.core.config import check_int
from worldsmith.core.errors import ConfigError, FormatError
from worldsmith.core.seeding import check_seed

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


MAX_MANIFEST = 16 << 20  # bytes: about 100,000 [[asset]] tables


def read_manifest(path: str | Path) -> list[dict[str, Any]]:
    """Parse and check a bake manifest; errors name the entry and the field."""
    path = Path(path)
    if not path.is_file():             # a FIFO would block, /dev/zero would fill the memory
        raise FormatError(f"{path}: no such manifest" if not path.exists() else f"{path}: not a regular file")
    if path.stat().st_size > MAX_MANIFEST:
        raise FormatError(f"{path}: {path.stat().st_size} bytes; a manifest may be at most {MAX_MANIFEST}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise FormatError(f"{path}: not valid TOML ({e})") from None
    except RecursionError:
        raise FormatError(f"{path}: not valid TOML (nested deeper than Python's stack)") from None
    entries = data.get("asset")
    if not isinstance(entries, list) or not entries:
        raise FormatError(f"{path}: expected one or more [[asset]] tables")
    checked = [_check_entry(path, i, e) for i, e in enumerate(entries)]
    seen: dict[str, int] = {}
    for i, entry in enumerate(checked):
        for out in entry["outputs"]:
            key = PurePosixPath(out.replace("\\", "/")).as_posix()
            if key in seen:
                raise FormatError(f"{path}: asset[{i}].outputs: {out!r} is also written by asset[{seen[key]}]")
            seen[key] = i
    return checked


def _check_entry(path: Path, i: int, entry: Any) -> dict[str, Any]:
    where = f"{path}: asset[{i}]"
    if not isinstance(entry, dict):
        raise FormatError(f"{where}: expected an [[asset]] table, got {entry!r}")
    for key, kind in (("id", str), ("seed", int), ("outputs", list)):
        if key not in entry:
            raise FormatError(f"{where}: missing field {key!r}")
        if not isinstance(entry[key], kind) or isinstance(entry[key], bool):
            raise FormatError(f"{where}.{key}: expected {kind.__name__}, got {entry[key]!r}")
    check_seed(entry["seed"], f"{where}.seed")
    if not entry["outputs"] or not all(isinstance(o, str) for o in entry["outputs"]):
        raise FormatError(f"{where}.outputs: expected a non-empty list of file names")
    for out in entry["outputs"]:
        _check_relative(f"{where}.outputs", out)
    if not isinstance(entry.get("config", {}), dict):
        raise FormatError(f"{where}.config: expected a table")
    if "n" in entry:
        check_int(f"{where}.n", entry["n"], 1)
    unknown = set(entry) - {"id", "seed", "outputs", "config", "n"}
    if unknown:
        raise FormatError(f"{where}: unknown field(s) {sorted(unknown)}")
    return entry


def _check_relative(where: str, name: str) -> None:
    p = PurePosixPath(name.replace("\\", "/"))
    if not name or p.is_absolute() or ".." in p.parts or name.startswith("~"):
        raise FormatError(f"{where}: {name!r} escapes the output folder; use a relative path inside it")
    if any(ord(ch) < 32 for ch in name):
        raise FormatError(f"{where}: {name!r} has a control character (a NUL byte, a newline...)")
    if p.parent == PurePosixPath(".") and p.name.startswith("assets.lock.") and p.suffix == ".json":
        raise FormatError(f"{where}: {name!r} is the bake's own lock file name; choose another")


def parse_shard(text: str) -> tuple[int, int]:
    """``"i/n"`` -> ``(i, n)`` with ``0 <= i < n``."""
    try:
        i, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise ConfigError("--shard", "i/n with integers, e.g. 0/4", text) from None
    if not 0 <= i < n:
        raise ConfigError("--shard", "i/n with 0 <= i < n", text)
    return i, n
