"""Benchmark scenes/terrain-v1 on the CPU: scenes end to end and the noise field alone.

    python benchmarks/terrain.py [--runs 7] [--threads 1 2] [--out results/terrain.json]

Scenes: generate + glb bytes, sizes 256 and 512. Noise: the 512 x 512, 4-octave fBm field three
ways: ``noise.pnoise2`` called in a Python loop, the torch point-wise path (``pnoise2`` on
coordinate tensors) and the torch grid path (``pnoise2_grid``, what the generator uses).
Prints min and median milliseconds of ``--runs`` runs after a warm-up; on a shared machine
the min is the better estimate of the cost, the median shows the noise from neighbours.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

import numpy as np
import torch

import worldsmith as ws
from worldsmith.scenes.noise import FbmParams, pnoise2, pnoise2_grid

NOISE = FbmParams(scale=4.0, offset_x=139.5, offset_y=18.25, octaves=4)


def timed(fn: Callable[[], object], runs: int) -> dict[str, float]:
    """Min and median wall time of ``fn`` in ms over ``runs`` runs, after one warm-up run."""
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e3)
    return {"min_ms": round(min(times), 2), "median_ms": round(statistics.median(times), 2)}


def scene_cases(runs: int) -> dict[str, dict]:
    out = {}
    for size in (256, 512):
        gen = ws.make("scenes/terrain-v1", size=size)
        out[f"scene {size} generate+glb"] = timed(lambda: gen(seed=4).export(fmt="glb"), runs)
        out[f"scene {size} generate"] = timed(lambda: gen(seed=4), runs)
    return out


def noise_cases(runs: int, size: int = 512) -> dict[str, dict]:
    import noise

    xs, ys = NOISE.coords(size)
    kw = NOISE.noise_kwargs()
    xt, yt = torch.from_numpy(xs), torch.from_numpy(ys)
    grid_x, grid_y = xt[None, :].expand(size, size), yt[:, None].expand(size, size)

    def loop() -> np.ndarray:
        return np.array([[noise.pnoise2(float(x), float(y), **kw) for x in xs] for y in ys])

    return {
        f"noise {size} {NOISE.octaves} oct, noise.pnoise2 loop": timed(loop, max(1, runs // 3)),
        f"noise {size} {NOISE.octaves} oct, torch point-wise": timed(lambda: pnoise2(grid_x, grid_y, **kw), runs),
        f"noise {size} {NOISE.octaves} oct, torch grid": timed(lambda: pnoise2_grid(xt, yt, **kw), runs),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--out", type=Path, default=None, help="write the results as JSON here")
    args = p.parse_args(argv)
    results: dict[str, dict] = {}
    with torch.inference_mode():
        for threads in args.threads:
            torch.set_num_threads(threads)
            for name, row in {**noise_cases(args.runs), **scene_cases(args.runs)}.items():
                results[f"{name} [{threads} thread{'s' * (threads > 1)}]"] = row
                print(f"{name:48s} threads={threads}  min {row['min_ms']:9.2f} ms  "
                      f"median {row['median_ms']:9.2f} ms", flush=True)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({"torch": torch.__version__, "results": results}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
