"""Cold start-up of each command (issue 33): wall seconds and peak memory of a new process, median
of ``--runs``, beside ``python -c "import worldsmith"``; and whether the command imported torch;
with ``--baseline REV``, the same commands timed against that revision in the same run.

    .venv/bin/python benchmarks/startup.py [--runs 5] [--out benchmarks/results/startup.json]
    .venv/bin/python benchmarks/startup.py --baseline dc06463 --out benchmarks/results/startup.json  # make bench

Each side runs this same script in its own process with its ``sdk/`` first on ``PYTHONPATH``
(the baseline's from a git worktree in a temporary folder, removed afterwards), so both are timed
by the same code, the fixtures (a sharded bake to merge) made by that side's own ``worldsmith``.
A command the baseline lacks is recorded as an error. Prints a Markdown table (ratio new /
baseline: below 1 is faster); ``--out`` writes the JSON of both sides.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import REPO, baseline_sdk, measure_in  # noqa: E402

TORCH_PROBE = "import sys, runpy; sys.argv = {argv!r}; " \
              "exec('try:\\n runpy.run_module(\"worldsmith.cli\", run_name=\"__main__\")\\n" \
              "except SystemExit: pass'); print('torch' in sys.modules, file=sys.stderr)"


def commands(tmp: Path) -> dict[str, list[str]]:
    """The commands timed, as argv after ``python``."""
    from worldsmith.bake import bake

    manifest = tmp / "m.toml"
    manifest.write_text("".join(f'[[asset]]\nid = "plots/quest-v1"\nseed = {s}\noutputs = ["q{s}.json"]\n\n'
                                for s in range(4)))
    for shard in ((0, 2), (1, 2)):
        bake(manifest, tmp / "shards", shard)
    cli = ["-m", "worldsmith.cli"]
    return {
        "import worldsmith": ["-c", "import worldsmith"],
        "worldsmith --version": [*cli, "--version"],
        "worldsmith list": [*cli, "list"],
        "worldsmith info levels/smb-v1": [*cli, "info", "levels/smb-v1"],
        "worldsmith bake merge": [*cli, "bake", "merge", "--out", str(tmp / "shards")],
        "generate plots/quest-v1 --out q.json": [*cli, "generate", "plots/quest-v1", "--seed", "1", "--out",
                                                 str(tmp / "q.json")],
        "generate sprites/lpc-v2 --out hero.png": [*cli, "generate", "sprites/lpc-v2", "--seed", "1", "--out",
                                                   str(tmp / "hero.png")],
        "generate levels/smb-v1 --out level.json": [*cli, "generate", "levels/smb-v1", "--seed", "1", "--out",
                                                    str(tmp / "level.json")],
    }


def run_once(argv: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS in MiB of one ``python argv`` process."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, *argv], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"{argv}: exit {proc.returncode}")
    return seconds, usage.ru_maxrss / 1024


def imports_torch(argv: list[str]) -> bool:
    """Whether the command leaves torch imported."""
    if argv[0] == "-c":
        code = argv[1] + "; import sys; print('torch' in sys.modules, file=sys.stderr)"
    else:
        code = TORCH_PROBE.format(argv=["worldsmith", *argv[2:]])
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return proc.stderr.strip().splitlines()[-1] == "True"


def measure(runs: int) -> dict[str, dict[str, Any]]:
    """``{command: {"seconds", "peak_mib", "torch"} or {"error"}}`` of this process's ``worldsmith``."""
    rows: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as d:
        for name, argv in commands(Path(d)).items():
            try:
                times = [run_once(argv) for _ in range(runs)]
            except RuntimeError as e:            # a command this version lacks (timing an older commit)
                rows[name] = {"error": str(e)}
            else:
                rows[name] = {"seconds": round(float(np.median([t for t, _ in times])), 3),
                              "peak_mib": round(max(m for _, m in times)), "torch": imports_torch(argv)}
            print(name, rows[name], file=sys.stderr, flush=True)
    return rows


def run(baseline: str | None, runs: int) -> dict[str, Any]:
    """``{"runs", "baseline": REV, "rows": {"new": {...}, "baseline": {...}}}`` (baseline only if given)."""
    results: dict[str, Any] = {"runs": runs, "baseline": baseline, "rows": {}}
    print(f"new ({REPO / 'sdk'})", file=sys.stderr, flush=True)
    results["rows"]["new"] = measure_in(__file__, REPO / "sdk", "--runs", str(runs))
    if baseline:
        with baseline_sdk(baseline) as sdk:
            print(f"baseline {baseline}", file=sys.stderr, flush=True)
            results["rows"]["baseline"] = measure_in(__file__, sdk, "--runs", str(runs))
    return results


def markdown(results: dict[str, Any]) -> str:
    """One table: command | new s (peak MiB, torch?) | baseline s | ratio new / baseline."""
    new = results["rows"]["new"]
    old = results["rows"].get("baseline", {})
    rev = results.get("baseline") or "-"

    def cell(row: dict[str, Any] | None) -> str:
        if row is None:
            return "-"
        if "error" in row:
            return "error (" + str(row["error"]).rsplit(": ", 1)[-1].replace("|", "/") + ")"
        return f"{row['seconds']:.2f} s ({row['peak_mib']} MiB" + (", torch)" if row["torch"] else ")")

    def ratio(a: dict[str, Any] | None, b: dict[str, Any] | None) -> str:
        if not a or not b or "seconds" not in a or not b.get("seconds"):
            return "-"
        return f"{a['seconds'] / b['seconds']:.2f}x"

    lines = [f"**Start-up** (median of {results.get('runs', '?')} runs; ratio new / baseline `{rev}`)", "",
             f"| command | new s (peak MiB, torch?) | baseline `{rev}` s (peak MiB, torch?) | ratio |",
             "| --- | ---: | ---: | ---: |"]
    for name in [*new, *(k for k in old if k not in new)]:
        a, b = new.get(name), old.get(name)
        lines.append(f"| `{name}` | {cell(a)} | {cell(b)} | {ratio(a, b)} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Measure (``--measure FILE``: this process only) or run both sides; returns 0."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--baseline", default=None, help="a git revision to time in the same run (make bench: dc06463)")
    p.add_argument("--out", type=Path, default=None, help="the JSON file to write (both sides)")
    p.add_argument("--measure", default=None, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.measure:
        Path(args.measure).write_text(json.dumps(measure(args.runs)))
        return 0
    results = run(args.baseline, args.runs)
    print(markdown(results))
    if args.out:
        args.out.write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
