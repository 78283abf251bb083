"""Benchmark the level generators on the CPU: one playable item, and a batch of 64.

    python benchmarks/levels.py [--runs 15] [--threads 1 2] [--out benchmarks/results/levels.json]

Items: a 200-column SMB level, a 22x32 Lode Runner level, a 16x11 Zelda room, each decoded,
repaired, re-sampled until the agent solves it, with its path (the default config; SMB as
``levels/smb-v2``, with the A* route, and ``levels/smb-v1``, the tile search alone, to show what
the route costs). Each run
uses a new seed, so the re-sampling cost is averaged in. Prints median and p99 milliseconds
per call (batch 1) and per batch of 64 (with items per second), from ``benchmarks/timing.py``;
then the SMB level at 200, 800 and 3,200 columns with either agent (batch 1: how the cost grows
with the width). The target is a median under 50 ms for the 200-column SMB level.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import summary, thread_cli, timed  # noqa: E402

import worldsmith as ws  # noqa: E402

CASES = {"smb-200": ("levels/smb-v2", {"width": 200}),
         "smb-200-search": ("levels/smb-v1", {"width": 200}),
         "loderunner": ("levels/loderunner-v1", {}), "zelda-room": ("levels/zelda-v1", {})}
WIDTHS = (200, 800, 3200)


def bench(runs: int, batch_runs: int) -> dict:
    """``{case: {"batch1": summary, "batch64": summary}, "smb_width": {agent-width: summary}}``."""
    out: dict = {}
    for name, (gid, config) in CASES.items():
        gen = ws.make(gid, **config)
        one = timed(lambda i: gen(seed=i), runs)
        many = timed(lambda i: gen(seed=i, n=64), batch_runs, warmup=1)
        out[name] = {"batch1": summary(one), "batch64": summary(many, items=64)}
        print(f"{name:14s} batch 1: p50 {out[name]['batch1']['p50_ms']:8.2f} ms   "
              f"batch 64: p50 {out[name]['batch64']['p50_ms']:9.1f} ms "
              f"({out[name]['batch64']['items_per_s']:.0f} items/s)")
    out["smb_width"] = {}
    for agent, gid in (("route", "levels/smb-v2"), ("search", "levels/smb-v1")):
        for width in WIDTHS:
            gen = ws.make(gid, width=width)
            row = summary(timed(lambda i: gen(seed=i), max(3, runs * 200 // width)))
            out["smb_width"][f"{agent}-{width}"] = row
            print(f"smb {agent:6s} {width:5d} columns: p50 {row['p50_ms']:8.1f} ms "
                  f"({row['p50_ms'] * 200 / width:.1f} ms per 200 columns)")
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark per thread count (see ``timing.thread_cli``); returns the exit code."""
    return thread_cli(__doc__, bench, argv)


if __name__ == "__main__":
    sys.exit(main())
