"""Benchmark scenes/terrain-v1 on the CPU: scenes end to end, the noise field alone, and sizes.

    python benchmarks/terrain.py [--runs 7] [--threads 1 2] [--sizes 256 512 1024 2048]
                                 [--size-runs 3] [--baseline REV] [--out benchmarks/results/terrain.json]

Scenes: generate + glb bytes, sizes 256 and 512. Noise: the 512 x 512, 4-octave fBm field three
ways: ``noise.pnoise2`` called in a Python loop, the torch point-wise path (``pnoise2`` on
coordinate tensors) and the torch grid path (``pnoise2_grid``, what the generator uses).
Prints min and median wall and process-CPU milliseconds of ``--runs`` runs after a warm-up. On
a shared machine, wall time includes waiting for a core; with one thread the CPU time does not.

Sizes: ``make("scenes/terrain-v1", size=S)(seed=1)`` (generate only) for each ``--sizes`` S,
median of ``--size-runs`` runs (no warm-up at the size; the imports and kernels are warm from a
64 run), with the time in erosion (``erosion.hydraulic`` + ``erosion.thermal``) and both per
megapixel (S * S cells / 1e6). With ``--baseline REV`` (default: 1c7a2c4, the last commit with
whole-map erosion; ``none`` to skip) the same runs use ``scenes/erosion.py`` as of REV too
(``git show REV:...`` loaded into a temporary module, the rest of the code as it is now),
alternating with the current code, and the table says how many times faster the current code
is and whether both give the same heightmap bytes.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
import types
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import torch

import worldsmith as ws
from worldsmith.scenes.terrain import erosion as current_erosion
from worldsmith.scenes.terrain import generator as terrain_module
from worldsmith.scenes.terrain.noise import FbmParams, pnoise2, pnoise2_grid

NOISE = FbmParams(scale=4.0, offset_x=139.5, offset_y=18.25, octaves=4)
ROOT = Path(__file__).resolve().parent.parent
#: The last commit whose erosion works on the whole map at once (the banded code's baseline).
BASELINE = "1c7a2c4"


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


def load_erosion(rev: str) -> types.ModuleType:
    """``sdk/worldsmith/scenes/erosion.py`` as of git revision ``rev``, as a temporary module."""
    source = subprocess.run(["git", "show", f"{rev}:sdk/worldsmith/scenes/erosion.py"], cwd=ROOT,
                            check=True, capture_output=True, text=True).stdout
    module = types.ModuleType(f"erosion_{rev}")
    exec(compile(source, f"erosion.py@{rev}", "exec"), module.__dict__)
    return module


@contextmanager
def erosion_of(module: types.ModuleType, spent: list[float]) -> Iterator[None]:
    """Make the terrain generator use ``module``'s hydraulic and thermal erosion, adding the
    wall and process-CPU seconds they take to ``spent[0]`` and ``spent[1]``."""
    def timed_call(fn: Callable) -> Callable:
        def call(*args, **kwargs):
            start, start_cpu = time.perf_counter(), time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[0] += time.perf_counter() - start
                spent[1] += time.process_time() - start_cpu
        return call

    proxy = types.SimpleNamespace(hydraulic=timed_call(module.hydraulic),
                                  thermal=timed_call(module.thermal))
    saved = terrain_module.erosion
    terrain_module.erosion = proxy
    try:
        yield
    finally:
        terrain_module.erosion = saved


def size_cases(sizes: list[int], runs: int, baseline: types.ModuleType | None) -> list[dict]:
    """Generate time and erosion time at each size, median of ``runs`` runs; with ``baseline``
    the old erosion's runs alternate with the current one's."""
    codes = {"current": current_erosion, **({"baseline": baseline} if baseline else {})}
    ws.make("scenes/terrain-v1", size=64)(seed=1)                     # imports, first kernels
    rows = []
    for size in sizes:
        gen = ws.make("scenes/terrain-v1", size=size)
        times: dict[str, list[tuple[float, ...]]] = {name: [] for name in codes}
        heights = {}
        for _ in range(runs):
            for name, module in codes.items():
                spent = [0.0, 0.0]
                with erosion_of(module, spent):
                    start, start_cpu = time.perf_counter(), time.process_time()
                    terrain = gen(seed=1)
                    wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
                times[name].append((wall, cpu, *spent))
                heights[name] = terrain.heightmap.tobytes()
        mpx = size * size / 1e6
        row: dict = {"size": size, "megapixels": round(mpx, 4)}
        for name, got in times.items():
            wall, cpu, ero, ero_cpu = (statistics.median(col) for col in zip(*got))
            row[name] = {}
            for key, seconds in (("generate", wall), ("generate_cpu", cpu), ("erosion", ero),
                                 ("erosion_cpu", ero_cpu)):
                row[name][f"{key}_s"] = round(seconds, 3)
                row[name][f"{key}_ms_per_mpx"] = round(seconds * 1e3 / mpx, 1)
        if baseline:
            for key in ("generate_s", "generate_cpu_s", "erosion_s", "erosion_cpu_s"):
                row[f"speedup_{key[:-2]}"] = round(row["baseline"][key] / row["current"][key], 2)
            row["same_heightmap_bytes"] = heights["baseline"] == heights["current"]
        rows.append(row)
    return rows


def print_sizes(rows: list[dict], threads: int) -> None:
    """The size table: wall (process-CPU) seconds and ms per megapixel, whole generate and
    erosion alone, for the current code and, when measured, the baseline."""
    print(f"terrain sizes, generate only, {threads} thread{'s' * (threads > 1)}, wall (cpu); "
          "ms/Mpx = ms per megapixel")
    names = [name for name in ("current", "baseline") if name in rows[0]]
    head = "".join(f" | {name + ' generate s':>18s} {'ms/Mpx':>13s} {'erosion ms/Mpx':>15s}"
                   for name in names)
    if "baseline" in names:
        head += " | speedup generate, erosion (cpu)  same bytes"
    print("   size" + head)
    for row in rows:
        line = f"  {row['size']:5d}"
        for name in names:
            r = row[name]
            line += (f" | {r['generate_s']:8.3f} ({r['generate_cpu_s']:7.3f})"
                     f" {r['generate_ms_per_mpx']:5.0f} ({r['generate_cpu_ms_per_mpx']:5.0f})"
                     f" {r['erosion_ms_per_mpx']:6.0f} ({r['erosion_cpu_ms_per_mpx']:5.0f})")
        if "baseline" in names:
            line += (f" | {row['speedup_generate']:4.2f}x ({row['speedup_generate_cpu']:4.2f}x),"
                     f" {row['speedup_erosion']:4.2f}x ({row['speedup_erosion_cpu']:4.2f}x)"
                     f"  {row['same_heightmap_bytes']}")
        print(line, flush=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--sizes", type=int, nargs="*", default=[256, 512, 1024, 2048],
                   help="terrain sizes for the size table (none: skip it)")
    p.add_argument("--size-runs", type=int, default=3, help="runs per size (the median is reported)")
    p.add_argument("--baseline", default=BASELINE,
                   help="git revision whose erosion.py the size table compares against ('none': skip)")
    p.add_argument("--skip-cases", action="store_true", help="only the size table")
    p.add_argument("--out", type=Path, default=None, help="write the results as JSON here")
    args = p.parse_args(argv)
    results: dict[str, dict] = {}
    sizes: dict[str, list[dict]] = {}
    baseline = None
    if args.baseline.lower() != "none" and args.sizes:
        try:
            baseline = load_erosion(args.baseline)
        except (OSError, subprocess.CalledProcessError) as e:
            print(f"no baseline: cannot read erosion.py of {args.baseline} from git ({e})", file=sys.stderr)
            args.baseline = "none"
    with torch.inference_mode():
        for threads in args.threads:
            torch.set_num_threads(threads)
            if args.sizes:
                rows = size_cases(args.sizes, args.size_runs, baseline)
                sizes[f"{threads} thread{'s' * (threads > 1)}"] = rows
                print_sizes(rows, threads)
            if args.skip_cases:
                continue
            for name, row in {**noise_cases(args.runs), **scene_cases(args.runs)}.items():
                results[f"{name} [{threads} thread{'s' * (threads > 1)}]"] = row
                print(f"{name:44s} threads={threads}  wall min {row['min_ms']:8.2f} "
                      f"median {row['median_ms']:8.2f}  cpu min {row['cpu_min_ms']:8.2f} "
                      f"median {row['cpu_median_ms']:8.2f} ms", flush=True)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        what = (f"make('scenes/terrain-v1', size=S)(seed=1), generate only, median of {args.size_runs} "
                f"runs, seconds and ms per megapixel (S * S / 1e6 cells); baseline: erosion.py of git "
                f"revision {args.baseline}, run alternately in the same process")
        args.out.write_text(json.dumps({"torch": torch.__version__, "results": results,
                                        "sizes": {"what": what, "rows": sizes}}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
