"""Scale check of plots/quest-v1 with the real clients (inkjs, yarn-bound, extwee).

Seeds 1..N of the default config, and M seeds at each parameter's extremes (lo, hi, every
choice; the other parameters at default), each: validate() passes, the .ink compiles in inkjs
2.4 with no errors or warnings and exhaustive play reaches every ending and every knot without
running out of content, PlotRunner walks agree with inkjs walks, the .yarn plays in yarn-bound
to every ending, and the .twee parses in extwee with matching passages and links; inkjs,
yarn-bound and the Twee passages show exactly the line IDs of the .csv string table.

    python tools/evaluate_plots.py [--seeds 200] [--extreme-seeds 50] [--out results.json]
    python tools/evaluate_plots.py --dry-run        # 3 seeds, 2 per extreme
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import worldsmith as ws  # noqa: E402
from tests.plots.clients import problems  # noqa: E402
from tests.plots.conftest import extreme_configs  # noqa: E402
from worldsmith.plots.validate import validate  # noqa: E402

CHUNK = 25  # graphs per node process


def evaluate(config: dict, seeds: range) -> dict:
    """Validate and client-check ``seeds`` of ``config``; a summary with any failures."""
    gen = ws.make("plots/quest-v1", **config)
    t0 = time.perf_counter()
    graphs = [gen(seed=s) for s in seeds]
    reports = [validate(g) for g in graphs]
    found: list[list[str]] = []
    for i in range(0, len(graphs), CHUNK):
        found += problems(graphs[i:i + CHUNK])
    failures = {s: (r.errors + f)[:5] for s, r, f in zip(seeds, reports, found) if r.errors or f}
    return {"config": config, "seeds": [seeds.start, seeds.stop - 1], "passed": len(graphs) - len(failures),
            "total": len(graphs), "beats": [min(r.beats for r in reports), max(r.beats for r in reports)],
            "states_max": max(r.states for r in reports),
            "path": [min(r.min_path for r in reports), max(r.max_path for r in reports)],
            "branching_mean": round(sum(r.branching_mean for r in reports) / len(reports), 3),
            "seconds": round(time.perf_counter() - t0, 1), "failures": failures}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=200, help="default-config seeds 1..N")
    ap.add_argument("--extreme-seeds", type=int, default=50, help="seeds per parameter extreme")
    ap.add_argument("--out", type=Path, default=None, help="write the results as JSON here")
    ap.add_argument("--dry-run", action="store_true", help="3 seeds and 2 per extreme")
    args = ap.parse_args(argv)
    n, m = (3, 2) if args.dry_run else (args.seeds, args.extreme_seeds)
    rows = [evaluate({}, range(1, n + 1))]
    rows += [evaluate(c, range(1000, 1000 + m)) for c in extreme_configs()]
    for row in rows:
        name = ",".join(f"{k}={v}" for k, v in row["config"].items()) or "default"
        print(f"{name:16s} {row['passed']:4d}/{row['total']:<4d} beats {row['beats'][0]}-{row['beats'][1]:<4d} "
              f"states<={row['states_max']:<5d} path {row['path'][0]}-{row['path'][1]:<3d} "
              f"branching {row['branching_mean']:.2f}  {row['seconds']}s")
        for seed, errs in list(row["failures"].items())[:3]:
            print(f"    seed {seed}: {errs}")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(rows, indent=1) + "\n")
    return 0 if all(r["passed"] == r["total"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
