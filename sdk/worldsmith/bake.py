"""Generate assets to files: shared by ``worldsmith generate`` and ``worldsmith bake``.

A bake manifest (TOML) lists assets; each becomes files under the output folder, and
``assets.lock.json`` records id, version, config, seed and the sha256 of every file, so a bake
is reproducible and re-running it gives byte-identical files::

    [[asset]]
    id = "plots/quest-v1"
    seed = 1
    config = { acts = 3 }
    outputs = ["quest1.ink", "quest1.json"]
"""
from __future__ import annotations

import json
import sys
from pathlib import Path, PurePosixPath
from typing import Any, Iterator, Sequence

from worldsmith.core.atomic import sha256_file, write_atomic, write_files_atomic
from worldsmith.core.errors import ConfigError, ExportError, FormatError, MissingDependencyError
from worldsmith.core.formats import render
from worldsmith.core.generator import VERSION
from worldsmith.core.progress import advance
from worldsmith.core.registry import make
from worldsmith.core.seeding import check_seed

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

LOCK_NAME = "assets.lock.json"
CREDITS_NAME = "CREDITS.txt"      # a bake's combined credits for the art its characters draw


def generate_files(id: str, seed: int, config: dict[str, Any], outputs: Sequence[str | Path],
                   n: int | None = None) -> dict[str, Any]:
    """Make asset ``id`` and export it to each of ``outputs``; return a record of what was written.

    With ``n`` and a generator that returns a list, item ``i`` goes to ``<stem>_<i><ext>``.
    """
    gen = make(id, **config)
    check_outputs(gen, outputs)
    asset = _make(gen, seed, n)
    files: list[Path] = []
    skipped: dict[str, str] = {}
    for out, rendered in render_outputs(asset, outputs):
        if isinstance(rendered, MissingDependencyError):  # an optional tool (e.g. Graphviz' dot) is absent
            print(f"skipped {out}: {rendered}", file=sys.stderr)
            skipped[str(out)] = str(rendered)
        else:
            files += write_files_atomic(out.parent, rendered)
    return {**record_head(id, gen, seed, n, asset), "files": {str(f): sha256_file(f) for f in files},
            **({"skipped": skipped} if skipped else {})}


def render_outputs(asset: Any, outputs: Sequence[str | Path]) -> Iterator[tuple[Path, Any]]:
    """Yield ``(output, {file name beside it: bytes})`` for each output in turn (a list asset: one
    per item, ``<stem>_<i><ext>``), or ``(output, MissingDependencyError)`` for an output whose
    optional tool is absent. Nothing is written: :func:`generate_files` writes each as it comes,
    the Ray bake (:mod:`worldsmith.ray_bake`) returns the bytes to the driver, which writes them."""
    for out in map(Path, outputs):
        items = [(out.with_name(f"{out.stem}_{i:03d}{out.suffix}"), a) for i, a in enumerate(asset)] \
            if isinstance(asset, list) else [(out, asset)]
        for path, item in items:
            try:
                rendered = render(item, path.suffix.lower().lstrip("."), path.name)
            except MissingDependencyError as e:
                yield out, e
                break
            yield path, rendered


def record_head(id: str, gen: Any, seed: int, n: int | None, asset: Any = None) -> dict[str, Any]:
    """The lock record of one asset without its files: id, version, config, seed (and n), and for
    characters drawn from credited art (``sprites/lpc-v3``) the art files each one draws."""
    credits = getattr(asset, "files", None) if getattr(asset, "credited", False) else None
    return {"id": id, "version": VERSION, "config": gen.config.to_dict(), "seed": seed,
            **({"n": n} if n is not None else {}), **({"credits": credits} if credits else {})}


def write_credits(out_dir: Path, records: list[dict[str, Any]]) -> dict[str, str] | None:
    """One ``CREDITS.txt`` in ``out_dir`` for every credited asset of a bake (each art file and its
    authors once); returns its lock entry, or None when the bake has no credited asset."""
    characters = [files for rec in records for files in rec.get("credits", [])]
    if not characters:
        return None
    from worldsmith.sprites.lpc_v3.authors import combined_credits

    write_atomic(out_dir / CREDITS_NAME, combined_credits(characters).encode())
    return {"file": CREDITS_NAME, "sha256": sha256_file(out_dir / CREDITS_NAME)}


def _make(gen: Any, seed: int, n: int | None) -> Any:
    """``gen(seed=seed, n=n)``, reporting the items of a batch (see :mod:`worldsmith.core.progress`)."""
    if n is None:
        return gen(seed=seed)
    advance(gen.id, 0, n, unit="item")
    return gen(seed=seed, n=n, progress=lambda done: advance(gen.id, done, n, unit="item"))


def check_outputs(gen: Any, outputs: Sequence[str | Path]) -> None:
    """Raise :class:`ExportError` before any generating if an output's extension is not one of
    the formats ``gen``'s assets export to."""
    formats = gen.formats()
    for out in map(Path, outputs):
        ext = out.suffix.lower().lstrip(".")
        if ext not in formats:
            given = f".{ext}" if ext else "a name without an extension"
            raise ExportError(f"{out}: {gen.id} exports to the formats {' '.join('.' + f for f in formats)}, not {given}")


def read_manifest(path: str | Path) -> list[dict[str, Any]]:
    """Parse and check a bake manifest; errors name the entry and the field."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FormatError(f"{path}: no such manifest") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise FormatError(f"{path}: not valid TOML ({e})") from None
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


def _inside(out_dir: Path, outputs: list[Path], where: str) -> None:
    """Raise unless every output, links resolved, lies inside ``out_dir``."""
    root = out_dir.resolve()
    for out in outputs:
        real = out.parent.resolve() / out.name
        if real != root and root not in real.parents:
            raise FormatError(f"{where}: {out} leads outside {out_dir} (through a link)")


def bake(manifest: str | Path, out_dir: str | Path, shard: tuple[int, int] = (0, 1), executor: str = "local",
         address: str | None = None, gpus: float = 0.0) -> dict[str, Any]:
    """Bake every asset of ``manifest`` (or shard ``i`` of ``n``) into ``out_dir``; write the lock.

    ``executor="ray"`` bakes on Ray (:mod:`worldsmith.ray_bake`): a new local Ray, or the cluster
    at ``address``, with ``gpus`` GPUs per generator actor; the files and lock are the same bytes.
    """
    if executor not in ("local", "ray"):
        raise ConfigError("executor", "'local' or 'ray'", executor)
    if executor == "local" and (address is not None or gpus):
        raise ConfigError("address" if address is not None else "gpus", "executor='ray' to go with it", executor)
    entries = read_manifest(manifest)
    index, count = shard
    if not str(out_dir).strip():
        raise ConfigError("--out", "a folder to bake into", str(out_dir))
    out_dir = Path(out_dir)
    mine = [k for k in range(len(entries)) if k % count == index]
    if executor == "ray":
        from worldsmith.ray_bake import bake_records

        records = bake_records(manifest, entries, mine, out_dir, address=address, gpus=gpus)
    else:
        records = _bake_here(manifest, entries, mine, out_dir)
    lock = {"worldsmith": VERSION, "manifest": Path(manifest).name, "assets": records}
    credits = write_credits(out_dir, records) if count == 1 else None
    if credits:
        lock["credits"] = credits
    if count > 1:
        lock["shard"] = f"{index}/{count}"
    name = LOCK_NAME if count == 1 else f"assets.lock.{index}-of-{count}.json"
    write_atomic(out_dir / name, (json.dumps(lock, indent=2) + "\n").encode())
    return lock


def _bake_here(manifest: str | Path, entries: list[dict[str, Any]], mine: list[int],
               out_dir: Path) -> list[dict[str, Any]]:
    """Bake ``entries[k]`` for ``k`` in ``mine`` in this process, in order; return the lock records."""
    records = []
    for done, k in enumerate(mine):
        entry = entries[k]
        outputs = [out_dir / o for o in entry["outputs"]]
        _inside(out_dir, outputs, f"{manifest}: asset[{k}]")
        rec = generate_files(entry["id"], entry["seed"], entry.get("config", {}), outputs, entry.get("n"))
        rec["files"] = {Path(f).relative_to(out_dir).as_posix(): h for f, h in rec["files"].items()}
        if "skipped" in rec:
            rec["skipped"] = {Path(f).relative_to(out_dir).as_posix(): w for f, w in rec["skipped"].items()}
        records.append({"index": k, **rec})
        advance("bake", done + 1, len(mine), unit="asset")
    return records


def merge_locks(out_dir: str | Path) -> dict[str, Any]:
    """Merge the shard locks in ``out_dir`` into the single-bake ``assets.lock.json``."""
    out_dir = Path(out_dir)
    shards = sorted(out_dir.glob("assets.lock.*-of-*.json"))
    if not shards:
        raise FormatError(f"{out_dir}: no shard lock files (assets.lock.I-of-N.json) to merge")
    locks = [_read_shard(p) for p in shards]
    counts = {lock["shard"].split("/")[-1] for lock in locks}
    if len(counts) != 1 or len(locks) != int(counts.pop()):
        raise FormatError(f"{out_dir}: shard locks are incomplete or from different shardings")
    assets = sorted((a for lock in locks for a in lock["assets"]), key=lambda a: a["index"])
    merged = {"worldsmith": locks[0]["worldsmith"], "manifest": locks[0]["manifest"], "assets": assets}
    credits = write_credits(out_dir, assets)
    if credits:
        merged["credits"] = credits
    write_atomic(out_dir / LOCK_NAME, (json.dumps(merged, indent=2) + "\n").encode())
    return merged


def _read_shard(path: Path) -> dict[str, Any]:
    """One shard lock, checked: JSON with ``worldsmith``, ``manifest``, ``assets`` (each with an
    ``index``) and ``shard`` ``"i/n"``."""
    try:
        lock = json.loads(path.read_text(encoding="utf-8"))
        ok = (isinstance(lock, dict) and isinstance(lock.get("assets"), list)
              and all(isinstance(a, dict) and isinstance(a.get("index"), int) for a in lock["assets"])
              and {"worldsmith", "manifest"} <= set(lock) and isinstance(lock.get("shard"), str))
        if ok:
            parse_shard(lock["shard"])
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, ConfigError) as e:
        raise FormatError(f"{path}: not a readable shard lock ({e})") from None
    if not ok:
        raise FormatError(f"{path}: not a shard lock (expected worldsmith, manifest, shard \"i/n\" and assets "
                          "with an index each)")
    return lock


def parse_shard(text: str) -> tuple[int, int]:
    """``"i/n"`` -> ``(i, n)`` with ``0 <= i < n``."""
    try:
        i, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise ConfigError("--shard", "i/n with integers, e.g. 0/4", text) from None
    if not 0 <= i < n:
        raise ConfigError("--shard", "i/n with 0 <= i < n", text)
    return i, n
