"""Benchmark scenes/terrain-v1 on the CPU: scenes end to end and the noise field alone.

    python benchmarks/terrain.py [--runs 7] [--threads 1 2] [--out results/terrain.json]

Scenes: generate + glb bytes, sizes 256 and 512. Noise: the 512 x 512, 4-octave fBm field three
ways: ``noise.pnoise2`` called in a Python loop, the torch point-wise path (``pnoise2`` on
coordinate tensors) and the torch grid path (``pnoise2_grid``, what the generator uses).
Prints min and median wall and process-CPU milliseconds of ``--runs`` runs after a warm-up. On
a shared machine, wall time includes waiting for a core; with one thread the CPU time does not.
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
    """Min and median wall and process-CPU time of ``fn`` in ms over ``runs`` runs, after one
    warm-up run. CPU time leaves out the time the process waited for a core, so with one thread
    it is the cost of the code even on a busy machine."""
    fn()
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - start) * 1e3)
        cpu.append((time.process_time() - start_cpu) * 1e3)
    return {"min_ms": round(min(wall), 2), "median_ms": round(statistics.median(wall), 2),
            "cpu_min_ms": round(min(cpu), 2), "cpu_median_ms": round(statistics.median(cpu), 2)}


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
                print(f"{name:44s} threads={threads}  wall min {row['min_ms']:8.2f} "
                      f"median {row['median_ms']:8.2f}  cpu min {row['cpu_min_ms']:8.2f} "
                      f"median {row['cpu_median_ms']:8.2f} ms", flush=True)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({"torch": torch.__version__, "results": results}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
