"""The CPU figures of ``make bench``: every generator end to end (batch 1), the SMB level by width
(50 to 3,200 columns) and terrain by size, on an idle machine and beside a CPU hog (one busy
process per core, as a running game), each against a baseline commit measured in the same run.

    python benchmarks/cpu.py --out benchmarks/results                    # this checkout only
    python benchmarks/cpu.py --baseline 31e40b4 --out benchmarks/results  # + ratios (make bench)
    python benchmarks/cpu.py --quick                                      # a smoke run

Each measurement runs in its own process with one torch thread (the CLI's and the service's
default); the baseline runs this same script against the baseline's ``sdk/`` (a git worktree in
a temporary folder), so both sides are timed by the same code. Ratios are new / baseline: below 1
is faster. Writes ``cpu.json`` and prints the tables as Markdown (``cpu.md``).
"""
from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import REPO, CpuHog, baseline_cli, baseline_sdk, measure_in, timed  # noqa: E402

END_TO_END = {"sprites/lpc-v2": {}, "sprites/lpc-v1": {}, "levels/smb-v1": {"width": 200},
              "levels/loderunner-v1": {}, "levels/zelda-v1": {}, "plots/quest-v1": {},
              "scenes/terrain-v1": {"size": 256}, "scenes/platformer-v1": {}, "scenes/dungeon-v1": {}}
WIDTHS = (50, 100, 200, 400, 800, 1600, 3200)
SIZES = (256, 512, 1024, 2048)


def _p50(fn: Any, runs: int) -> float:
    """Median milliseconds of ``fn(i)`` over ``runs`` calls (new seeds), after one warm-up."""
    return round(float(np.median(timed(fn, runs, warmup=1))) * 1e3, 3)


def measure(quick: bool) -> dict[str, Any]:
    """All figures of this process's ``worldsmith`` (whichever ``sdk/`` it imports)."""
    import torch

    import worldsmith as ws

    torch.set_num_threads(1)
    runs = 3 if quick else 15
    out: dict[str, Any] = {"end_to_end": {}, "smb_width": {}, "terrain_size": {}}
    for gid, config in END_TO_END.items():
        gen = ws.make(gid, **config)
        out["end_to_end"][gid] = _p50(lambda i: gen(seed=i), runs)
    for width in WIDTHS[:3] if quick else WIDTHS:
        gen = ws.make("levels/smb-v1", width=width)
        out["smb_width"][width] = _p50(lambda i: gen(seed=i), max(3, runs * 200 // width))
    for size in SIZES[:2] if quick else SIZES:
        gen = ws.make("scenes/terrain-v1", size=size)
        out["terrain_size"][size] = _p50(lambda i: gen(seed=i), 3 if size >= 1024 else runs // 3 or 1)
    return out


def run(baseline: str | None, quick: bool) -> dict[str, Any]:
    """``{"idle": {"new": ..., "baseline": ...}, "hog": {...}}`` (baseline only if given)."""
    results: dict[str, Any] = {"cores": os.cpu_count(), "baseline": baseline}
    flags = ["--quick"] if quick else []
    with contextlib.ExitStack() as stack:
        old = stack.enter_context(baseline_sdk(baseline)) if baseline else None
        for mode, hog in (("idle", 0), ("hog", os.cpu_count() or 2)):
            with CpuHog(hog):
                results[mode] = {"new": measure_in(__file__, REPO / "sdk", *flags)}
                if old is not None:
                    results[mode]["baseline"] = measure_in(__file__, old, *flags)
    return results


def markdown(results: dict[str, Any]) -> str:
    """The tables: ms (ratio new / baseline), idle and beside the hog."""
    def cell(section: str, key: str, mode: str) -> str:
        new = results[mode]["new"][section].get(key)
        old = results[mode].get("baseline", {}).get(section, {}).get(key)
        if new is None:
            return "-"
        return f"{new:,.2f}" + (f" ({new / old:.2f}x)" if old else "")

    def table(title: str, section: str, label: str) -> list[str]:
        keys = list(results["idle"]["new"][section])
        lines = [f"**{title}** (ms, batch 1; ratio new / baseline {results['baseline'] or '-'})", "",
                 f"| {label} | idle | beside a CPU hog |", "| --- | ---: | ---: |"]
        return lines + [f"| {k} | {cell(section, k, 'idle')} | {cell(section, k, 'hog')} |" for k in keys] + [""]

    return "\n".join(table("End to end", "end_to_end", "generator")
                     + table("SMB level by width (playable, with path)", "smb_width", "columns")
                     + table("Terrain by size (generate)", "terrain_size", "size"))


def main(argv: list[str] | None = None) -> int:
    """Measure (``--measure FILE``: this process only) or run everything; returns 0."""
    return baseline_cli(__doc__, measure, run, markdown,
                        lambda out: (Path(out) / "cpu.json", Path(out) / "cpu.md"), argv)


if __name__ == "__main__":
    sys.exit(main())
