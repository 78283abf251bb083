"""Benchmark the composed 2D scenes on the CPU: median milliseconds per scene.

    python benchmarks/scenes2d.py [--runs 15] [--batch-runs 3] [--threads 1 2] [--out results/scenes2d.json]

Cases: ``scenes/platformer-v1`` at its default width (160 tiles) and a 12-room, 2-key
``scenes/dungeon-v1``, each generated alone (with the ``sprites/lpc-v2`` hero and with the
procedural one) and generated + written to ``.tmx`` (with its images); plus the sub-asset
generators they call, so a slow scene shows where its time goes; and a batch of 8 platformers
(``--batch-runs``). Each run is a different seed, after one warm-up. Targets: platformer < 200 ms, dungeon < 300 ms.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import summary, thread_cli, timed  # noqa: E402

import worldsmith as ws  # noqa: E402

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
    if "sprites/lpc-v2" in ws.list_generators():
        hero = ws.make("sprites/lpc-v2")
        out["  sprites/lpc-v2 one hero"] = (lambda s: hero(seed=s), None)
    return out


def bench(runs: int, batch_runs: int) -> dict:
    """``{case: summary}`` for every case of :func:`cases`, plus a batch of 8 platformers."""
    results = {}
    for name, (fn, target) in cases().items():
        row = {**summary(timed(fn, runs, warmup=1)), "target_ms": target}
        results[name] = row
        flag = "" if target is None else f"  (target {target} ms: {'met' if row['p50_ms'] < target else 'missed'})"
        print(f"{name:30s} p50 {row['p50_ms']:7.1f} ms  min {row['min_ms']:7.1f} ms{flag}")
    plat = ws.make("scenes/platformer-v1")
    row = summary(timed(lambda s: plat(seed=s, n=8), batch_runs, warmup=1), items=8)
    results["platformer batch of 8"] = row
    print(f"{'platformer batch of 8':30s} p50 {row['p50_ms']:7.1f} ms  ({row['items_per_s']:.1f} scenes/s)")
    return results


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark per thread count (see ``timing.thread_cli``); returns the exit code."""
    return thread_cli(__doc__, bench, argv)


if __name__ == "__main__":
    sys.exit(main())
