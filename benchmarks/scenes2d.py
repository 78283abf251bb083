"""Benchmark the composed 2D scenes on the CPU: median milliseconds per scene.

    python benchmarks/scenes2d.py [--seeds 15] [--threads 2] [--out benchmarks/results/scenes2d.json]

Cases: ``scenes/platformer-v1`` at its default width (160 tiles) and a 12-room, 2-key
``scenes/dungeon-v1``, each generated alone (with the ``sprites/lpc-v1`` hero and with the
procedural one) and generated + written to ``.tmx`` (with its images); plus the sub-asset
generators they call, so a slow scene shows where its time goes. Each seed is
a different scene (the first one is a warm-up). Targets: platformer < 200 ms, dungeon < 300 ms.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import summary, timed  # noqa: E402

import worldsmith as ws  # noqa: E402
from worldsmith.core.atomic import write_atomic  # noqa: E402

TARGET_MS = {"platformer": 200, "dungeon": 300}


def cases() -> dict[str, tuple]:
    """Name -> (call of a seed, target ms or None)."""
    plat = ws.make("scenes/platformer-v1")
    plat_proc = ws.make("scenes/platformer-v1", hero="procedural")
    dung = ws.make("scenes/dungeon-v1", rooms=12, keys=2)
    dung_proc = ws.make("scenes/dungeon-v1", rooms=12, keys=2, hero="procedural")
    smb = ws.make("levels/smb-v1", width=160)
    room = ws.make("levels/zelda-v1", doors="NS")
    out = {
        "platformer (160 tiles)": (lambda s: plat(seed=s), TARGET_MS["platformer"]),
        "platformer, procedural hero": (lambda s: plat_proc(seed=s), TARGET_MS["platformer"]),
        "platformer + tmx": (lambda s: plat(seed=s).export(fmt="tmx"), None),
        "dungeon (12 rooms, 2 keys)": (lambda s: dung(seed=s), TARGET_MS["dungeon"]),
        "dungeon, procedural hero": (lambda s: dung_proc(seed=s), TARGET_MS["dungeon"]),
        "dungeon + tmx": (lambda s: dung(seed=s).export(fmt="tmx"), None),
        "  levels/smb-v1 width 160": (lambda s: smb(seed=s), None),
        "  levels/zelda-v1 one room": (lambda s: room(seed=s), None),
    }
    if "sprites/lpc-v1" in ws.list_generators():
        hero = ws.make("sprites/lpc-v1")
        out["  sprites/lpc-v1 one hero"] = (lambda s: hero(seed=s), None)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, default=15)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--out", type=Path)
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    results = {}
    for name, (fn, target) in cases().items():
        row = summary(timed(fn, args.seeds, warmup=1))
        row["target_ms"] = target
        results[name] = row
        flag = "" if target is None else f"  (target {target} ms: {'met' if row['p50_ms'] < target else 'missed'})"
        print(f"{name:30s} p50 {row['p50_ms']:7.1f} ms  min {row['min_ms']:7.1f} ms{flag}")
    if args.out:
        text = json.dumps({"threads": args.threads, "results": results}, indent=1) + "\n"
        write_atomic(args.out, text.encode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
