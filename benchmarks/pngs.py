"""Benchmark the PNG of a level or 2D scene against making the asset (issue 33: within 2x), this
checkout and a baseline commit measured in the same run.

    python benchmarks/pngs.py --out benchmarks/results/pngs.json                    # this checkout
    python benchmarks/pngs.py --baseline 7511210 --out benchmarks/results/pngs.json  # + before (make bench)

Per generator: the median ms of making the asset (``gen(seed=i)``) and of writing its PNG
(``asset.export("x.png")``: render, encode, atomic write), seeds 0, 1, 2... on both sides, one
torch thread, each side in its own process (the baseline's ``sdk/`` from a git worktree).
"""
from __future__ import annotations

import sys
import tempfile
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import baseline_cli, json_and_md, run_both, timed  # noqa: E402

CASES = {"levels/smb-v2": {"width": 200}, "levels/smb-v1": {"width": 200}, "levels/loderunner-v1": {},
         "levels/zelda-v1": {}, "scenes/platformer-v1": {}, "scenes/dungeon-v1": {}}


def measure(quick: bool) -> dict[str, Any]:
    """``{generator: {"generate": ms, "png": ms}}`` of this process's ``worldsmith``."""
    import torch

    import worldsmith as ws

    torch.set_num_threads(1)
    runs = 3 if quick else 20
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for gid, config in CASES.items():
            gen = ws.make(gid, **config)
            assets = {i: gen(seed=i) for i in range(runs)}
            made = timed(lambda i: gen(seed=i), runs, warmup=1)
            png = timed(lambda i: assets[i % runs].export(Path(tmp) / f"{i}.png"), runs, warmup=1)
            out[gid] = {"generate": float(np.median(made)) * 1e3, "png": float(np.median(png)) * 1e3}
    return out


def markdown(results: dict[str, Any]) -> str:
    """One row per generator: generate and PNG ms and their ratio, now and before."""
    old, rev = results.get("baseline", {}), results.get("baseline_rev")
    lines = [f"**PNG against making the asset** (ms p50, 1 torch thread{f'; before: `{rev}`' if rev else ''})", "",
             "| generator | generate | PNG (render, encode, write) | PNG / generate | before: PNG / generate |",
             "| --- | ---: | ---: | ---: | ---: |"]
    for gid, row in results["new"].items():
        was = old.get(gid)
        before = f"{was['png'] / was['generate']:.2f}x ({was['png']:.2f} / {was['generate']:.2f})" if was else "-"
        lines.append(f"| `{gid}` | {row['generate']:.2f} | {row['png']:.2f} | {row['png'] / row['generate']:.2f}x | "
                     f"{before} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Measure (``--measure FILE``: this process only) or run everything; returns 0."""
    return baseline_cli(__doc__, measure, partial(run_both, __file__), markdown, json_and_md, argv)


if __name__ == "__main__":
    sys.exit(main())
