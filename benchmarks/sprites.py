"""Benchmark sprites/lpc-v1, lpc-v2 and lpc-v3 on the CPU: one character sheet (batch 1) and a
batch of 64, in one run, with the v2/v1 latency ratio.

    python benchmarks/sprites.py [--runs 15] [--threads 1 2] [--out benchmarks/results/sprites.json]

v1: each call draws the latents, runs the generator network (16 frames per character) and the
default post-processing (speck removal and a per-character octree palette), i.e. what
``ws.make("sprites/lpc-v1")(seed=s)`` costs; the network alone is timed too. v2: each call draws
an outfit, composites its layers' class maps and colours them (its default post-processing is
none), i.e. ``ws.make("sprites/lpc-v2")(seed=s)``; ``v2_recolor_batch1`` adds one slot recoloured
in the config; ``batch64_net4`` / ``batch64_net16`` make v1's batch of 64 with the network run
on fixed calls of 4 / 16 sheets (``net_batch``) instead of one. v3: a whole character, all six
animations (178 frames): ``v3_batch1`` is ``ws.make("sprites/lpc-v3")(seed=s)`` plus laying the
frames out as the RGBA 832 x 1344 LPC sheet (no PNG encoding); ``v3_walk_batch1`` the walk alone
(36 frames); both after ``warm()`` (every part unpacked, as ``AssetService.load`` does; cold, the
first characters cost up to ~30 ms while the cache fills). Prints median and p99 milliseconds from
``benchmarks/timing.py``. Targets, batch 1 median: v1 under 10 ms, v2 at most 5 ms, v3 (178
frames and the sheet) at most 10 ms.
"""
from __future__ import annotations

import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import summary, thread_cli, timed  # noqa: E402

import worldsmith as ws  # noqa: E402
from worldsmith.sprites.lpc_v1.generator import load_model  # noqa: E402

NET_BATCHES = (4, 16)


def bench(runs: int, batch_runs: int) -> dict:
    """``{"batch1": ..., "batch64": ..., "network_batch1": ..., "raw_batch1": ...}`` summaries."""
    gen, raw = ws.make("sprites/lpc-v1"), ws.make("sprites/lpc-v1", palette="none", cleanup=False)
    net = load_model(gen.config.weights)
    z = torch.randn(1, net.cfg.z_dim)

    def network(i: int) -> None:
        with torch.inference_mode():
            net(z)

    v2, v2_red = ws.make("sprites/lpc-v2"), ws.make("sprites/lpc-v2", recolor={"hair": ["#c03030"]})
    out = {"batch1": summary(timed(lambda i: gen(seed=i), runs)),
           "batch64": summary(timed(lambda i: gen(seed=i, n=64), batch_runs, warmup=1), items=64),
           "raw_batch1": summary(timed(lambda i: raw(seed=i), runs)),
           "network_batch1": summary(timed(network, runs)),
           "v2_batch1": summary(timed(lambda i: v2(seed=i), runs)),
           "v2_batch64": summary(timed(lambda i: v2(seed=i, n=64), batch_runs, warmup=1), items=64),
           "v2_recolor_batch1": summary(timed(lambda i: v2_red(seed=i), runs))}
    from worldsmith.sprites.lpc_v3.export import sheet_array

    v3, v3_walk = ws.make("sprites/lpc-v3"), ws.make("sprites/lpc-v3", animations=["walk"])
    v3.warm()                                           # as AssetService.load does (0.6 s, once)
    out["v3_batch1"] = summary(timed(lambda i: sheet_array(v3(seed=i)), runs))
    out["v3_batch64"] = summary(timed(lambda i: v3(seed=i, n=64), batch_runs, warmup=1), items=64)
    out["v3_walk_batch1"] = summary(timed(lambda i: v3_walk(seed=i), runs))
    for rows in NET_BATCHES:                            # v1's fixed network batch shape (net_batch)
        fixed = ws.make("sprites/lpc-v1", net_batch=rows)
        out[f"batch64_net{rows}"] = summary(timed(lambda i: fixed(seed=i, n=64), batch_runs, warmup=1), items=64)
    for name, s in out.items():
        print(f"{name:18s} p50 {s['p50_ms']:9.2f} ms  p99 {s['p99_ms']:9.2f} ms  {s['items_per_s']:8.1f} sheets/s")
    out["v2_over_v1_batch1"] = out["v2_batch1"]["p50_ms"] / out["batch1"]["p50_ms"]
    print(f"v2 / v1 latency, batch 1 p50: {out['v2_over_v1_batch1']:.3f}")
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark per thread count (see ``timing.thread_cli``); returns the exit code."""
    return thread_cli(__doc__, bench, argv)


if __name__ == "__main__":
    sys.exit(main())
