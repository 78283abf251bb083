"""Do the service's onnxruntime backend and direct torch calls make the same assets, and how fast?

Agreement (the default): for each seed, the asset of a direct call (torch) and of the same
generator with the runner ``AssetService(backend="onnxruntime")`` plugs in, called as the
service's worker calls it. Per generator it prints the pixels (sprite sheets) or tiles (levels)
that differ per asset, the largest |raw network output difference| over the seeds, for sprites
the pixels that would differ without the torch re-make of unsure sheets and how many sheets were
re-made, and the ms per asset of each path (p50; other jobs on the machine slow both alike);
then all of it as JSON.

    python tools/backend_agreement.py [--seeds 64] [--ids sprites/lpc-v1 levels/zelda-v1] [--json out.json]

Latency (``--latency``): p50 and p90 seconds per request through a running AssetService for each
(backend, threads) pair, on an idle machine and beside a CPU hog (one busy process per core, as a
running game), one request at a time, after a warm-up.

    python tools/backend_agreement.py --latency [--requests 15] [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any, Sequence

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from timing import CpuHog  # noqa: E402  (benchmarks/timing.py)

NEURAL = ["sprites/lpc-v1", "levels/smb-v1", "levels/zelda-v1", "levels/loderunner-v1"]
LATENCY = ["sprites/lpc-v2", "sprites/lpc-v1", "levels/smb-v1", "levels/zelda-v1"]


def ort_generator(gid: str, threads: int, **config: Any):
    """``make(gid, **config)`` with the runner the service's onnxruntime backend plugs in."""
    import worldsmith as ws
    from worldsmith.runtime.service import runner_for

    gen = ws.make(gid, **config)
    gen.runner = runner_for(gen, "onnxruntime", "cpu", threads)
    return gen


def differing(a: Any, b: Any) -> int:
    """Pixels (a sprite batch) or tiles (a level) where two assets differ."""
    if hasattr(a, "images"):
        return int((a.images != b.images).any(-1).sum())
    if a.tiles.shape != b.tiles.shape:
        return int(max(a.tiles.size, b.tiles.size))
    return int((a.tiles != b.tiles).sum())


def agreement(gid: str, seeds: Sequence[int], threads: int = 1, **config: Any) -> dict[str, Any]:
    """Per-seed differences between the torch and onnxruntime paths of ``gid``, and timings."""
    import torch

    import worldsmith as ws

    direct, ort = ws.make(gid, **config), ort_generator(gid, threads, **config)
    bare = None
    if hasattr(ort, "recomputed"):             # the same runner without the torch re-make
        bare = ws.make(gid, **config)
        runner = ort.runner
        bare.runner = lambda z: runner(z)
    direct(seed=10_000), ort(seed=10_000)      # warm up
    net, rows = direct.network, []
    for seed in seeds:
        t = time.perf_counter()
        want = direct(seed=seed)
        t_torch = time.perf_counter() - t
        before = getattr(ort, "recomputed", 0)
        t = time.perf_counter()
        got = ort(seed=seed)
        t_ort = time.perf_counter() - t
        z = direct.latents([seed])
        with torch.inference_mode():
            raw = float((net(z) - ort.runner(z)).abs().max())
        row = {"seed": seed, "differing": differing(want, got), "equal": bool(want == got),
               "raw_max": raw, "ms_torch": 1e3 * t_torch, "ms_ort": 1e3 * t_ort}
        if bare is not None:
            row["remade"] = ort.recomputed - before
            row["differing_unchecked"] = differing(want, bare(seed=seed))
        rows.append(row)
    unit = "pixels" if hasattr(want, "images") else "tiles"
    out = {"id": gid, "config": config, "seeds": len(rows), "unit": unit,
           "assets_differing": sum(not r["equal"] for r in rows),
           "max_differing": max(r["differing"] for r in rows),
           "raw_max": max(r["raw_max"] for r in rows),
           "ms_torch_p50": float(np.median([r["ms_torch"] for r in rows])),
           "ms_ort_p50": float(np.median([r["ms_ort"] for r in rows])),
           "ms_ort_mean": float(np.mean([r["ms_ort"] for r in rows])), "rows": rows}
    if bare is not None:
        out["remade"] = sum(r["remade"] for r in rows)
        out["assets_differing_unchecked"] = sum(r["differing_unchecked"] > 0 for r in rows)
        out["max_differing_unchecked"] = max(r["differing_unchecked"] for r in rows)
    return out


def latency(backend: str, threads: int, requests: int, ids: Sequence[str],
            first_seed: int) -> dict[str, list[float]]:
    """[p50, p90] seconds per request of each id through a service with ``backend`` and ``threads``."""
    from worldsmith.runtime import AssetService

    out = {}
    with AssetService(device="cpu", backend=backend, threads=threads) as svc:
        for gid in ids:
            svc.load(gid)
            svc.request(gid, seed=first_seed - 1).result(timeout=600)
            times = []
            for seed in range(first_seed, first_seed + requests):
                t = time.perf_counter()
                svc.request(gid, seed=seed).result(timeout=600)
                times.append(time.perf_counter() - t)
            out[gid] = [float(np.median(times)), float(np.percentile(times, 90))]
    return out


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, default=64, help="seeds 0..N-1 per generator")
    p.add_argument("--ids", nargs="+", default=None, help=f"default: {' '.join(NEURAL)} "
                                                          f"(--latency: {' '.join(LATENCY)})")
    p.add_argument("--colors", type=int, default=None, help="sprites/lpc-v1 colors (default: its own)")
    p.add_argument("--threads", type=int, default=1, help="onnxruntime and torch threads (agreement)")
    p.add_argument("--latency", action="store_true", help="time the service instead")
    p.add_argument("--requests", type=int, default=15, help="requests per case (--latency)")
    p.add_argument("--json", default=None, help="also write the results here")
    args = p.parse_args(argv)
    import torch

    if args.latency:
        cores = os.cpu_count() or 2
        results = {}
        for hog in (0, cores):
            with CpuHog(hog):
                for backend in ("torch", "onnxruntime"):
                    for threads in (1, 2):
                        key = f"{backend} threads={threads} hog={hog}"
                        results[key] = latency(backend, threads, args.requests, args.ids or LATENCY,
                                               1000 * len(results) + 1)
                        print(f"{key:32s} " + "  ".join(f"{k} {1e3 * v[0]:.0f} ({1e3 * v[1]:.0f}) ms"
                                                        for k, v in results[key].items()), flush=True)
        print("p50 (p90) per request, one request at a time")
        report: Any = {"cores": cores, "p50_p90_seconds": results}
    else:
        torch.set_num_threads(args.threads)
        report = []
        print(f"{'id':22s} {'seeds':>5s} {'differ':>6s} {'max':>5s} {'unchecked':>9s} {'remade':>6s} "
              f"{'raw max':>8s} {'torch ms':>8s} {'ort ms':>7s}")
        for gid in args.ids or NEURAL:
            config = {"colors": args.colors} if args.colors and gid == "sprites/lpc-v1" else {}
            r = agreement(gid, range(args.seeds), args.threads, **config)
            report.append(r)
            unchecked = (f"{r['assets_differing_unchecked']} ({r['max_differing_unchecked']})"
                         if "remade" in r else "-")
            print(f"{gid:22s} {r['seeds']:5d} {r['assets_differing']:6d} {r['max_differing']:5d} "
                  f"{unchecked:>9s} {r.get('remade', '-')!s:>6s} {r['raw_max']:8.1e} "
                  f"{r['ms_torch_p50']:8.1f} {r['ms_ort_p50']:7.1f}", flush=True)
        print("differ: assets unlike the torch path's; max: most pixels/tiles differing in one; "
              "unchecked: differ (max) without the torch re-make of unsure sheets; remade: sheets "
              "re-made by torch; raw max: largest |network output difference|; ms: p50 per asset")
    text = json.dumps(report, indent=1)
    if args.json:
        Path(args.json).write_text(text + "\n")
    else:
        print(text if args.latency else json.dumps([{k: v for k, v in r.items() if k != "rows"}
                                                    for r in report], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
