"""How many torch threads the CLI should use: batches timed with 1 and 2 threads, on an idle
machine and beside a CPU hog (one busy process per core, as a running game or other build jobs).

    python benchmarks/threads.py [--runs 3] [--out benchmarks/results/threads.json]

Each case is one batch call (after a warm-up) of the default config with a new seed per run;
prints the median seconds per case for every (threads, hog) pair. The CLI's ``--threads``
default (1) comes from this table (docs/benchmarks.md, "Threads").
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import CpuHog, timed  # noqa: E402

CASES = {"zelda rooms x64": ("levels/zelda-v1", {}, 64), "smb levels x16": ("levels/smb-v1", {}, 16),
         "lpc-v1 sheets x16": ("sprites/lpc-v1", {}, 16), "lpc-v2 sheets x64": ("sprites/lpc-v2", {}, 64),
         "terrain 256 x4": ("scenes/terrain-v1", {"size": 256}, 4)}


def bench(threads: int, runs: int) -> dict[str, float]:
    """Median seconds of one batch per case, with ``threads`` torch threads."""
    import torch

    import worldsmith as ws

    torch.set_num_threads(threads)
    out = {}
    for name, (gid, config, n) in CASES.items():
        gen = ws.make(gid, **config)
        out[name] = round(float(np.median(timed(lambda i: gen(seed=i, n=n), runs, warmup=1))), 3)
    return out


def main(argv: list[str] | None = None) -> int:
    """Run every (hog, threads) pair; print a table; write ``--out`` JSON; returns 0."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--out", default=None)
    args = p.parse_args(argv)
    cores = os.cpu_count() or 2
    results = {}
    for hog in (0, cores):
        with CpuHog(hog):
            for threads in args.threads:
                key = f"threads={threads} hog={hog}"
                results[key] = bench(threads, args.runs)
                print(f"{key:18s} " + "  ".join(f"{k} {v:.2f}s" for k, v in results[key].items()), flush=True)
    if args.out:
        from worldsmith.core.atomic import write_atomic

        write_atomic(Path(args.out), (json.dumps({"cores": cores, "seconds": results}, indent=1) + "\n").encode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
