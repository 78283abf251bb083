"""Benchmark sprites/lpc-v1 on the CPU: one character sheet (batch 1) and a batch of 64.

    python benchmarks/sprites.py [--runs 15] [--threads 1 2] [--out benchmarks/results/sprites.json]

Each call draws the latents, runs the generator network (16 frames per character) and the
default post-processing (speck removal and a per-character octree palette), i.e.
what ``ws.make("sprites/lpc-v1")(seed=s)`` costs. Also times the network alone. Prints median
and p99 milliseconds from ``benchmarks/timing.py``. Target: median under 10 ms for batch 1.
"""
from __future__ import annotations

import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import summary, thread_cli, timed  # noqa: E402

import worldsmith as ws  # noqa: E402
from worldsmith.sprites.generator import load_model  # noqa: E402


def bench(runs: int, batch_runs: int) -> dict:
    """``{"batch1": ..., "batch64": ..., "network_batch1": ..., "raw_batch1": ...}`` summaries."""
    gen, raw = ws.make("sprites/lpc-v1"), ws.make("sprites/lpc-v1", palette="none", cleanup=False)
    net = load_model(gen.config.weights)
    z = torch.randn(1, net.cfg.z_dim)

    def network(i: int) -> None:
        with torch.inference_mode():
            net(z)

    out = {"batch1": summary(timed(lambda i: gen(seed=i), runs)),
           "batch64": summary(timed(lambda i: gen(seed=i, n=64), batch_runs, warmup=1), items=64),
           "raw_batch1": summary(timed(lambda i: raw(seed=i), runs)),
           "network_batch1": summary(timed(network, runs))}
    for name, s in out.items():
        print(f"{name:15s} p50 {s['p50_ms']:9.2f} ms  p99 {s['p99_ms']:9.2f} ms  {s['items_per_s']:8.1f} sheets/s")
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark per thread count (see ``timing.thread_cli``); returns the exit code."""
    return thread_cli(__doc__, bench, argv)


if __name__ == "__main__":
    sys.exit(main())
