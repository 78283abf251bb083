"""Bake a manifest into a folder and write its lock: in this process, one shard of it, or on Ray;
and merge the shard locks of a sharded bake into one."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from worldsmith.bake.credits import write_credits
from worldsmith.bake.manifest import parse_shard, read_manifest
from worldsmith.bake.ray import bake_records
from worldsmith.bake.render import check_outputs, inside, make_items, record_head, render_files
from worldsmith.bake.staging import Staging, shared_section
from worldsmith.core.atomic import write_atomic
from worldsmith.core.errors import ConfigError, FormatError
from worldsmith.core.generator import VERSION
from worldsmith.core.progress import advance
from worldsmith.core.registry import make

LOCK_NAME = "assets.lock.json"


def bake(manifest: str | Path, out_dir: str | Path, shard: tuple[int, int] = (0, 1), executor: str = "local",
         address: str | None = None, gpus: float = 0.0) -> dict[str, Any]:
    """Bake every asset of ``manifest`` (or shard ``i`` of ``n``) into ``out_dir``; write the lock.

    ``executor="ray"`` bakes on Ray (:mod:`worldsmith.bake.ray`): a new local Ray, or the cluster
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
        records = bake_records(manifest, entries, mine, out_dir, address=address, gpus=gpus)
    else:
        records = _bake_here(manifest, entries, mine, out_dir)
    lock = {"worldsmith": VERSION, "manifest": Path(manifest).name, "assets": records}
    shared = shared_section(out_dir, records)
    if shared:
        lock["shared"] = shared
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
    """Bake ``entries[k]`` for ``k`` in ``mine`` in this process, in order (files staged, moved
    into place when every asset is made); return the lock records."""
    records = []
    with Staging(out_dir) as staging:
        for done, k in enumerate(mine):
            entry = entries[k]
            inside(out_dir, [out_dir / o for o in entry["outputs"]], f"{manifest}: asset[{k}]")
            gen = make(entry["id"], **entry.get("config", {}))
            check_outputs(gen, entry["outputs"])
            asset = make_items(gen, entry["seed"], entry.get("n"))
            files, shared, skipped = render_files(asset, entry["outputs"])
            for name, why in skipped.items():
                print(f"skipped {out_dir / name}: {why}", file=sys.stderr)
            records.append({"index": k, **record_head(entry["id"], gen, entry["seed"], entry.get("n"), asset),
                            **staging.add(k, files, shared), **({"skipped": skipped} if skipped else {})})
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
    shared = shared_section(out_dir, assets)
    for path, lock in zip(shards, locks):
        for name, digest in lock.get("shared", {}).items():
            if shared.get(name) != digest:
                raise FormatError(f"{out_dir / name}: another shard wrote other bytes than {path.name} locks")
    if shared:
        merged["shared"] = shared
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
