"""Timing helpers shared by the benchmark scripts: repeated calls, percentiles, device sync, and
a baseline commit's ``sdk/`` measured in the same run."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np


def sync(device: str) -> None:
    """Wait for queued GPU work so timings are honest."""
    if device.startswith("cuda"):
        import torch

        torch.cuda.synchronize()


def timed(fn: Callable[[int], Any], repeats: int, device: str = "cpu", warmup: int = 2) -> np.ndarray:
    """Seconds per call of ``fn(i)`` for ``repeats`` calls after ``warmup`` calls."""
    for i in range(warmup):
        fn(100_000 + i)
    sync(device)
    out = []
    for i in range(repeats):
        t = time.perf_counter()
        fn(i)
        sync(device)
        out.append(time.perf_counter() - t)
    return np.array(out)


def summary(seconds: np.ndarray, items: int = 1) -> dict[str, float]:
    """p50/p99/min in milliseconds and items per second at the median."""
    p50 = float(np.median(seconds))
    return {"p50_ms": round(p50 * 1e3, 4), "p99_ms": round(float(np.percentile(seconds, 99)) * 1e3, 4),
            "min_ms": round(float(seconds.min()) * 1e3, 4), "items_per_s": round(items / p50, 1)}


def thread_cli(doc: str, bench: Callable[[int, int], dict], argv: list[str] | None = None) -> int:
    """The command line the CPU benchmark scripts share: ``--runs``, ``--batch-runs``,
    ``--threads`` (one ``bench(runs, batch_runs)`` per torch thread count), ``--out`` JSON and
    ``--dry-run`` (2 runs, 1 batch run); returns the exit code."""
    import argparse
    import json
    from pathlib import Path

    import torch

    from worldsmith.core.atomic import write_atomic

    p = argparse.ArgumentParser(description=doc.splitlines()[0])
    p.add_argument("--runs", type=int, default=15)
    p.add_argument("--batch-runs", type=int, default=3)
    p.add_argument("--threads", type=int, nargs="+", default=[2])
    p.add_argument("--out", default=None)
    p.add_argument("--dry-run", action="store_true", help="2 runs, 1 batch run")
    args = p.parse_args(argv)
    if args.dry_run:
        args.runs, args.batch_runs = 2, 1
    results = {}
    for threads in args.threads:
        torch.set_num_threads(threads)
        print(f"-- torch threads: {threads}")
        results[f"threads={threads}"] = bench(args.runs, args.batch_runs)
    if args.out:
        write_atomic(Path(args.out), (json.dumps(results, indent=1) + "\n").encode())
    return 0


class CpuHog:
    """``with CpuHog(n):`` runs ``n`` busy processes beside the benchmark, as a game or other build
    jobs would on a shared machine (``n=0``: nothing)."""

    def __init__(self, n: int):
        self.n, self.procs = n, []

    def __enter__(self) -> "CpuHog":
        import subprocess
        import sys

        self.procs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(self.n)]
        return self

    def __exit__(self, *exc: object) -> None:
        for proc in self.procs:
            proc.kill()
            proc.wait()


REPO = Path(__file__).resolve().parents[1]


@contextmanager
def baseline_sdk(rev: str) -> Iterator[Path]:
    """The ``sdk/`` of a temporary git worktree of ``rev`` (its C extensions built in place, if it
    has any), removed afterwards."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "baseline"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(folder), rev], cwd=REPO, check=True)
        try:
            if (folder / "setup.py").exists():
                subprocess.run([sys.executable, "setup.py", "-q", "build_ext", "--inplace"], cwd=folder, check=True,
                               capture_output=True)
            yield folder / "sdk"
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(folder)], cwd=REPO, check=False)


def baseline_cli(doc: str, measure: Callable[[bool], dict], run: Callable[[str | None, bool], dict],
                 markdown: Callable[[dict], str], files: Callable[[str], tuple[Path, Path]],
                 argv: list[str] | None = None) -> int:
    """The command line of the scripts that time this checkout against a baseline commit in the
    same run: ``--baseline REV``, ``--out`` (``files(out)``: where the JSON and the Markdown tables
    go), ``--quick``, and the hidden ``--measure FILE`` that :func:`measure_in` runs (this process
    only: ``measure(quick)`` as JSON). Otherwise ``run(baseline, quick)``, its tables printed and
    written; returns the exit code."""
    import argparse

    p = argparse.ArgumentParser(description=doc.splitlines()[0])
    p.add_argument("--baseline", default=None, help="a git revision to measure in the same run")
    p.add_argument("--out", default=None, help="where the JSON results and the Markdown tables go")
    p.add_argument("--quick", action="store_true", help="a smoke run: fewer runs and sizes")
    p.add_argument("--measure", default=None, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.measure:
        Path(args.measure).write_text(json.dumps(measure(args.quick)))
        return 0
    report(run(args.baseline, args.quick), markdown, files(args.out) if args.out else None)
    return 0


def report(results: dict, markdown: Callable[[dict], str], files: tuple[Path, Path] | None) -> None:
    """Print ``markdown(results)``; with ``files`` (JSON, Markdown), write both atomically."""
    text = markdown(results)
    print(text)
    if files:
        from worldsmith.core.atomic import write_atomic

        data, tables = files
        write_atomic(data, (json.dumps(results, indent=1) + "\n").encode())
        write_atomic(tables, text.encode())


def json_and_md(out: str) -> tuple[Path, Path]:
    """``--out FILE.json`` -> that file and ``FILE.md`` beside it (for :func:`baseline_cli`)."""
    return Path(out), Path(out).with_suffix(".md")


def run_both(script: str, baseline: str | None, quick: bool) -> dict[str, Any]:
    """``script``'s measurements of this checkout (``"new"``) and of ``baseline`` (``"baseline"``,
    if given), each in its own process (see :func:`measure_in`), and the revision."""
    flags = ["--quick"] if quick else []
    results: dict[str, Any] = {"baseline_rev": baseline, "new": measure_in(script, REPO / "sdk", *flags)}
    if baseline:
        with baseline_sdk(baseline) as old:
            results["baseline"] = measure_in(script, old, *flags)
    return results


def measure_in(script: str, sdk: Path, *args: str) -> Any:
    """``python script --measure FILE *args`` in a fresh process importing ``sdk`` (its children
    inherit the path); the JSON it wrote."""
    env = {**os.environ, "PYTHONPATH": str(sdk)}
    with tempfile.NamedTemporaryFile(suffix=".json") as f:
        subprocess.run([sys.executable, script, "--measure", f.name, *args], env=env, check=True)
        return json.loads(Path(f.name).read_text())
