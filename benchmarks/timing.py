"""Timing helpers shared by the benchmark scripts: repeated calls, percentiles, device sync."""
from __future__ import annotations

import time
from typing import Any, Callable

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
