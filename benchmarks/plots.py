"""Benchmark plots/quest-v1 on the CPU: generate + validate for a default and a ~100-beat quest.

    python benchmarks/plots.py [--repeats 200] [--out benchmarks/results/plots.json]

``generate`` already includes the state-space validation every quest passes before it is
returned; ``validate`` alone is timed too, as are the text exports. Targets: median under 5 ms
for the default quest and under 50 ms for the 100-beat one.
"""
from __future__ import annotations

import argparse
import json
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import summary, timed  # noqa: E402

import worldsmith as ws  # noqa: E402
from worldsmith.plots.validate import validate  # noqa: E402

CASES = {
    "default": {},
    "100-beat": {"acts": 7, "branching": 4, "depth": 3},
    "maxima": {"acts": 8, "branching": 4, "depth": 4, "endings": 6, "locks": 4, "cast": 6},
}
FORMATS = ("ink", "twee", "yarn", "json", "dot")


def run_case(config: dict, repeats: int) -> dict:
    """Timings (ms) and the size of the quest made from seed 0 with ``config``."""
    gen = ws.make("plots/quest-v1", **config)
    sample = gen(seed=0)
    report = validate(sample)
    out = {"config": config, "beats": report.beats, "choices": report.choices, "states": report.states,
           "generate+validate": summary(timed(lambda i: gen(seed=i), repeats)),
           "validate": summary(timed(lambda i: validate(sample), repeats))}
    for fmt in FORMATS:
        out[f"export .{fmt}"] = summary(timed(lambda i: sample.export(fmt=fmt), max(10, repeats // 4)))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=200)
    ap.add_argument("--out", type=Path, default=None, help="write the results as JSON here")
    args = ap.parse_args(argv)
    results = {"machine": platform.processor() or platform.machine(), "python": platform.python_version(),
               "cases": {}}
    for name, config in CASES.items():
        case = run_case(config, args.repeats if name != "maxima" else max(10, args.repeats // 10))
        results["cases"][name] = case
        g = case["generate+validate"]
        print(f"{name:9s} beats={case['beats']:4d} states={case['states']:5d}  generate+validate "
              f"p50={g['p50_ms']:.2f} ms p99={g['p99_ms']:.2f} ms  validate p50={case['validate']['p50_ms']:.2f} ms")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
