"""Why a batch of 64 costs about what 64 calls cost for the generators with networks (issue 33,
item 5), measured three ways on one torch thread (the library's default):

1. **The network alone, per row** at batch 1, 4, 64 and 256: a call's fixed cost is what a batch
   could share. Past 4 rows the per-row cost is flat (the SMB window, the Lode Runner level and
   the Zelda room networks are compute-bound from there) and an SMB level already decodes ~19
   windows in one call.
2. **The items on two Python threads** (a pool of 2 over the same 64 seeds) against one call of
   ``n=64``: the same assets (checked), and the ratio of their times.
3. **The network beside Python**: the SMB decoder (20 windows a call) on a helper thread while
   the caller's thread runs a pure-Python loop. ``overlap`` is how much of the shorter one hid
   behind the longer (1: they ran side by side; 0: one after the other). Every torch op takes
   the GIL to start and to return, and a thread running Python hands it over only every
   ``sys.getswitchinterval()`` (5 ms), so a network on a second thread waits behind Python.

    python benchmarks/batches.py --out benchmarks/results/batches.json   # make bench
    python benchmarks/batches.py --quick                                 # a smoke run

Writes the JSON and ``batches.md`` beside it, and prints the tables as Markdown.
"""
from __future__ import annotations

import argparse
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import json_and_md, report, timed  # noqa: E402

CASES = {"SMB level, 200 columns (`levels/smb-v3`)": ("levels/smb-v3", {"width": 200}),
         "Lode Runner level (`levels/loderunner-v1`)": ("levels/loderunner-v1", {}),
         "Zelda room (`levels/zelda-v1`)": ("levels/zelda-v1", {}),
         "walk sheet (`sprites/lpc-v1`)": ("sprites/lpc-v1", {})}
ROWS = (1, 4, 64, 256)
BATCH = 64
PAIRS = 5  # one call of n=64 and the same items on two threads, in turn; medians


def network_rows(gen: Any, rows: tuple[int, ...], runs: int) -> dict[str, float]:
    """Microseconds per row of ``gen.network`` at each batch size (median of ``runs`` calls)."""
    import torch

    net, out = gen.network, {}
    for b in rows:
        z = gen.latents(list(range(b)))
        with torch.inference_mode():
            seconds = timed(lambda i: net(z), max(3, runs // b), warmup=2)
        out[str(b)] = round(float(np.median(seconds)) / b * 1e6, 1)
    return out


def _arrays(made: Any) -> list[np.ndarray]:
    """The arrays of a call's assets: each level's tiles, or each sheet of a sprite batch."""
    if hasattr(made, "images"):
        return list(made.images)
    return [x.tiles for x in (made if isinstance(made, list) else [made])]


def two_threads(gen: Any, n: int, pairs: int) -> dict[str, float]:
    """Seconds per item of one ``n``-item call and of the same items on a pool of 2 threads."""
    from worldsmith.core.seeding import child_seeds

    one, pooled = [], []
    with ThreadPoolExecutor(2) as pool:
        for k in range(pairs):
            seeds = child_seeds(1000 + k, n)
            t0 = time.perf_counter()
            batch = gen(seed=1000 + k, n=n)
            t1 = time.perf_counter()
            items = list(pool.map(lambda s: gen(seed=s), seeds))
            t2 = time.perf_counter()
            alone = [a for item in items for a in _arrays(item)]
            if not all(np.array_equal(a, b) for a, b in zip(_arrays(batch), alone, strict=True)):
                raise AssertionError(f"{gen.id}: items made on two threads differ from the batch's")
            one.append((t1 - t0) / n)
            pooled.append((t2 - t1) / n)
    a, b = float(np.median(one)), float(np.median(pooled))
    return {"batch_ms": round(a * 1e3, 3), "two_threads_ms": round(b * 1e3, 3), "ratio": round(b / a, 2)}


def _spin(n: int) -> int:
    s = 0
    for i in range(n):
        s += i
    return s


def beside_python(gen: Any, calls: int) -> dict[str, float]:
    """Seconds of ``calls`` network calls alone, of a Python loop about as long alone, of both at
    once (the network on a helper thread), and the overlap."""
    import torch

    net, z = gen.network, gen.latents(list(range(20)))

    def decodes() -> None:
        with torch.inference_mode():
            for _ in range(calls):
                net(z)

    def clock(fn) -> float:
        t0 = time.perf_counter()
        fn()
        return time.perf_counter() - t0

    decodes()
    t_net = clock(decodes)
    per = clock(lambda: _spin(1_000_000)) / 1_000_000
    loops = int(t_net / per)
    t_py = clock(lambda: _spin(loops))
    helper = threading.Thread(target=decodes)
    t_both = clock(lambda: (helper.start(), _spin(loops), helper.join()))
    overlap = (t_net + t_py - t_both) / min(t_net, t_py)
    return {"network_s": round(t_net, 3), "python_s": round(t_py, 3), "both_s": round(t_both, 3),
            "overlap": round(overlap, 2)}


def measure(quick: bool) -> dict[str, Any]:
    """Every measurement on one torch thread."""
    import torch

    import worldsmith as ws

    torch.set_num_threads(1)
    n, pairs, runs = (8, 1, 16) if quick else (BATCH, PAIRS, 400)
    results: dict[str, Any] = {"switch_interval_s": sys.getswitchinterval(), "n": n, "cases": {}}
    for name, (gid, config) in CASES.items():
        gen = ws.make(gid, **config)
        gen(seed=0, n=2)                                            # the model loaded, caches warm
        results["cases"][name] = {"id": gid, "network_us_per_row": network_rows(gen, ROWS[:3] if quick else ROWS, runs),
                                  **two_threads(gen, n, pairs)}
        print(name, results["cases"][name], flush=True)
    results["beside_python"] = beside_python(ws.make("levels/smb-v3", width=200), 10 if quick else 200)
    return results


def markdown(results: dict[str, Any]) -> str:
    """The tables of :func:`measure`'s results."""
    rows = sorted({r for case in results["cases"].values() for r in case["network_us_per_row"]}, key=int)
    n = results["n"]
    lines = ["**The network alone, per row, and the items on two threads** (one torch thread)", "",
             "| item | " + " | ".join(f"network us/row, batch {r}" for r in rows)
             + f" | n={n} call, ms/item | same items on 2 threads, ms/item | ratio |",
             "| --- | " + " | ".join("---:" for _ in rows) + " | ---: | ---: | ---: |"]
    for name, case in results["cases"].items():
        per_row = case["network_us_per_row"]
        lines.append(f"| {name} | " + " | ".join(f"{per_row[r]:.1f}" if r in per_row else "-" for r in rows)
                     + f" | {case['batch_ms']:.2f} | {case['two_threads_ms']:.2f} | {case['ratio']:.2f}x |")
    b = results["beside_python"]
    lines += ["", f"**The SMB network on a helper thread beside a Python loop** (switch interval "
              f"{results['switch_interval_s'] * 1e3:g} ms)", "",
              "| network alone | Python alone | both at once | overlap |", "| ---: | ---: | ---: | ---: |",
              f"| {b['network_s']:.3f} s | {b['python_s']:.3f} s | {b['both_s']:.3f} s | {b['overlap']:.2f} |"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Measure, print the tables, write ``--out`` JSON and its ``.md``; returns 0."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default=None)
    p.add_argument("--quick", action="store_true", help="a smoke run: 8 items, 1 pair, few calls")
    args = p.parse_args(argv)
    report(measure(args.quick), markdown, json_and_md(args.out) if args.out else None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
