"""Bake a manifest into a folder and write its lock: in this process, one shard of it, or on Ray;
and merge the shard locks of a sharded bake into one."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from worldsmith.bake.credits import CREDITS_NAME, credits_text
from worldsmith.bake.manifest import parse_shard, read_manifest
from worldsmith.bake.ray import bake_records, check_reachable
from worldsmith.bake.render import check_outputs, inside, make_items, record_head, render_files
from worldsmith.bake.staging import Staging, lock_name, recover, run_lock
from worldsmith.core.atomic import sha256_file, write_atomic
from worldsmith.core.errors import ConfigError, FormatError
from worldsmith.core.formats import png_optimize as optimizing
from worldsmith.core.generator import VERSION
from worldsmith.core.progress import advance
from worldsmith.core.registry import make, spec

LOCK_NAME = lock_name("")


def bake(manifest: str | Path, out_dir: str | Path, shard: tuple[int, int] = (0, 1), executor: str = "local",
         address: str | None = None, gpus: float = 0.0, png_optimize: bool = False) -> dict[str, Any]:
    """Bake every asset of ``manifest`` (or shard ``i`` of ``n``) into ``out_dir``; write the lock.

    Everything is checked before anything is made (ids, configs, output formats, outputs inside
    ``out_dir``); files are staged and published with the lock last, one bake per folder at a
    time (:mod:`worldsmith.bake.staging`). ``executor="ray"`` bakes on Ray
    (:mod:`worldsmith.bake.ray`): a new local Ray, or the cluster at ``address``, with ``gpus``
    GPUs per generator actor; the files and lock are the same bytes. ``png_optimize``: smaller
    PNGs, slower to encode, the same pixels.
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
    if executor == "ray" and address not in (None, "local"):
        check_reachable(address)  # before the checks below import the generators (seconds)
    check_entries(manifest, entries, mine, out_dir)
    tag = "" if count == 1 else f"{index}-of-{count}"
    with Staging(out_dir, tag) as staging:
        if executor == "ray":
            records = bake_records(entries, mine, staging, address=address, gpus=gpus, png_optimize=png_optimize)
        else:
            with optimizing(png_optimize):
                records = _bake_here(entries, mine, staging)
        lock = {"worldsmith": VERSION, "manifest": Path(manifest).name,
                "manifest_sha256": sha256_file(Path(manifest)), "assets": records}
        shared = staging.shared_section(records)
        if shared:
            lock["shared"] = shared
        credits = credits_text(records) if count == 1 else None
        if credits:
            lock["credits"] = {"file": CREDITS_NAME, "sha256": staging.add_own(CREDITS_NAME, credits)}
        if count > 1:
            lock["shard"] = f"{index}/{count}"
        staging.add_own(lock_name(tag), (json.dumps(lock, indent=2) + "\n").encode())
    return lock


def check_entries(manifest: str | Path, entries: list[dict[str, Any]], mine: list[int], out_dir: Path) -> None:
    """Every check a bake makes before making anything: each entry's outputs lie inside
    ``out_dir``, its id is known, its config valid, its outputs' formats ones its assets export to."""
    for k in mine:
        entry = entries[k]
        inside(out_dir, [out_dir / o for o in entry["outputs"]], f"{manifest}: asset[{k}]")
        cls = spec(entry["id"]).load()
        cls.Config.from_dict(entry.get("config", {}))
        check_outputs(cls, entry["outputs"])
        if entry.get("n", 1) > cls.max_n:
            raise FormatError(f"{manifest}: asset[{k}].n: expected at most {cls.max_n} items, got {entry['n']}")


def _bake_here(entries: list[dict[str, Any]], mine: list[int], staging: Staging) -> list[dict[str, Any]]:
    """Bake ``entries[k]`` for ``k`` in ``mine`` in this process, in order, into ``staging``;
    return the lock records."""
    records = []
    for done, k in enumerate(mine):
        entry = entries[k]
        gen = make(entry["id"], **entry.get("config", {}))
        asset = make_items(gen, entry["seed"], entry.get("n"))
        files, shared = render_files(asset, entry["outputs"])
        records.append({"index": k, **record_head(entry["id"], gen, entry["seed"], entry.get("n"), asset),
                        **staging.add(k, files, shared)})
        advance("bake", done + 1, len(mine), unit="asset")
    return records


def merge_locks(out_dir: str | Path) -> dict[str, Any]:
    """Merge the shard locks in ``out_dir`` into the single-bake ``assets.lock.json``; shard locks
    of different manifests (or manifest versions) are refused."""
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise FormatError(f"{out_dir}: no such folder to merge")
    with run_lock(out_dir, merging=True):
        return _merge(out_dir)


def _merge(out_dir: Path) -> dict[str, Any]:
    shards = sorted(out_dir.glob("assets.lock.*-of-*.json"))
    for tag in {p.name[len("assets.lock."):-len(".json")] for p in shards}:
        recover(out_dir, tag)
    if not shards:
        raise FormatError(f"{out_dir}: no shard lock files (assets.lock.I-of-N.json) to merge")
    locks = [_read_shard(p) for p in shards]
    counts = {lock["shard"].split("/")[-1] for lock in locks}
    if len(counts) != 1 or len(locks) != int(counts.pop()):
        raise FormatError(f"{out_dir}: shard locks are incomplete or from different shardings")
    digests = {lock.get("manifest_sha256") for lock in locks}
    if len(digests) != 1 or None in digests:
        raise FormatError(f"{out_dir}: the shard locks come from different manifests (or a shard lock names no "
                          "manifest_sha256); re-bake the shards of one manifest")
    assets = sorted((a for lock in locks for a in lock["assets"]), key=lambda a: a["index"])
    merged = {"worldsmith": locks[0]["worldsmith"], "manifest": locks[0]["manifest"],
              "manifest_sha256": locks[0]["manifest_sha256"], "assets": assets}
    shared = {name: sha256_file(out_dir / name) for name in sorted({n for a in assets for n in a.get("shared", [])})}
    for path, lock in zip(shards, locks):
        for name, digest in lock.get("shared", {}).items():
            if shared.get(name) != digest:
                raise FormatError(f"{out_dir / name}: another shard wrote other bytes than {path.name} locks")
    if shared:
        merged["shared"] = shared
    credits = credits_text(assets)
    if credits:
        write_atomic(out_dir / CREDITS_NAME, credits)
        merged["credits"] = {"file": CREDITS_NAME, "sha256": sha256_file(out_dir / CREDITS_NAME)}
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
