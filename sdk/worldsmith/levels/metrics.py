"""Level quality metrics: playability, novelty, diversity, tile-pattern KL divergence and (SMB)
how structure is spread along a level.

Units compared are what each model makes: 14x16 SMB windows, whole Lode Runner levels and
Zelda rooms. Hamming distances are fractions of differing tiles.

>>> import numpy as np
>>> a = np.zeros((1, 4, 4), np.uint8); b = np.ones((1, 4, 4), np.uint8)
>>> float(tpkl([a[0]], [a[0]], k=2)), tpkl([a[0]], [b[0]], k=2) > 5
(0.0, True)
>>> novelty(a.reshape(1, -1), np.concatenate([a, b]).reshape(2, -1))
(0.0, 1.0)
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import torch

from worldsmith.levels.agents import solve_tiles
from worldsmith.types.tiles import SMB

EPS = 1e-7


def playability(levels: Sequence[np.ndarray], game: str) -> float:
    """Fraction of tile arrays the game's agent solves."""
    return float(np.mean([solve_tiles(t, game) is not None for t in levels])) if levels else 0.0


def windows(levels: Sequence[np.ndarray], width: int, stride: int) -> np.ndarray:
    """``(N, H * width)`` flattened windows of every level, ``stride`` columns apart."""
    rows = [lv[:, c:c + width].ravel() for lv in levels for c in range(0, lv.shape[1] - width + 1, stride)]
    return np.stack(rows)


def smb_density(levels: Sequence[np.ndarray], width: int = 16, stride: int = 8) -> np.ndarray:
    """Per ``width``-column window (``stride`` apart) of SMB levels: the share of solid tiles
    above the floor row. Real levels alternate dense set pieces with open stretches.

    >>> from worldsmith.types.tiles import SMB
    >>> flat = np.full((14, 32), SMB.id("-"), np.uint8); flat[-1] = SMB.id("X")   # ground only
    >>> busy = flat.copy(); busy[5:13, 8:16] = SMB.id("X")
    >>> smb_density([flat]).tolist(), smb_density([busy]).round(3).tolist()
    ([0.0, 0.0, 0.0], [0.308, 0.308, 0.0])
    >>> density_stats([flat, busy])["bare"]
    0.6666666666666666
    """
    solid = [SMB.solid_mask()[lv[:-1]] for lv in levels]                     # rows above the floor
    return np.array([s[:, c:c + width].mean() for s in solid for c in range(0, s.shape[1] - width + 1, stride)])


def density_stats(levels: Sequence[np.ndarray]) -> dict[str, float]:
    """Mean and spread (std) of :func:`smb_density`, and the share of bare-floor windows (nothing
    solid above the floor row)."""
    d = smb_density(levels)
    return {"mean": float(d.mean()), "std": float(d.std()), "bare": float((d == 0).mean())}


def _matches(a: np.ndarray, b: np.ndarray, kinds: int) -> torch.Tensor:
    """``(len(a), len(b))`` counts of equal tiles between flattened units."""
    ta, tb = torch.from_numpy(a.astype(np.int64)), torch.from_numpy(b.astype(np.int64))
    out = torch.zeros(len(a), len(b))
    for k in range(kinds):
        out += (ta == k).float() @ (tb == k).float().T
    return out


def min_hamming(gen: np.ndarray, train: np.ndarray, chunk: int = 2048) -> np.ndarray:
    """For each generated unit ``(N, D)``, the smallest Hamming fraction to any training unit."""
    kinds = int(max(gen.max(), train.max())) + 1
    best = [(1 - _matches(gen[i:i + chunk], train, kinds).max(1).values / gen.shape[1]).numpy()
            for i in range(0, len(gen), chunk)]
    return np.concatenate(best)


def novelty(gen: np.ndarray, train: np.ndarray) -> tuple[float, float]:
    """(mean min-Hamming fraction to the training units, fraction that are exact copies)."""
    d = min_hamming(gen, train)
    return float(d.mean()), float((d == 0).mean())


def diversity(gen: np.ndarray, limit: int = 500, seed: int = 0) -> float:
    """Mean pairwise Hamming fraction between generated units (a sample of ``limit``)."""
    if len(gen) > limit:
        gen = gen[np.random.default_rng(seed).choice(len(gen), limit, replace=False)]
    kinds = int(gen.max()) + 1
    m = _matches(gen, gen, kinds)
    n = len(gen)
    return float((1 - m / gen.shape[1]).sum() / max(1, n * (n - 1)))


def _pattern_counts(levels: Sequence[np.ndarray], k: int, base: int) -> dict[int, int]:
    """Counts of every ``k x k`` pattern (stride 1) as base-``base`` integer codes."""
    powers = base ** np.arange(k * k, dtype=np.int64)
    codes = [np.lib.stride_tricks.sliding_window_view(lv.astype(np.int64), (k, k)).reshape(-1, k * k) @ powers
             for lv in levels if lv.shape[0] >= k and lv.shape[1] >= k]
    if not codes:
        return {}
    values, counts = np.unique(np.concatenate(codes), return_counts=True)
    return dict(zip(values.tolist(), counts.tolist()))


def tpkl(reference: Sequence[np.ndarray], generated: Sequence[np.ndarray], k: int, w: float = 0.5) -> float:
    """Tile-pattern KL divergence (Lucas & Volz 2019) of ``k x k`` patterns: the sum over the
    reference's patterns of ``w p log(p/q) + (1 - w) q log(q/p)``, with
    ``p = (count + eps) / ((N + eps)(1 + eps))``; ``w = 0.5`` is the symmetric form."""
    both = list(reference) + list(generated)
    base = int(max(int(lv.max()) for lv in both)) + 1
    ref, gen = _pattern_counts(reference, k, base), _pattern_counts(generated, k, base)
    n_ref, n_gen = sum(ref.values()), sum(gen.values())
    total = 0.0
    for code, count in ref.items():
        p = (count + EPS) / ((n_ref + EPS) * (1 + EPS))
        q = (gen.get(code, 0) + EPS) / ((n_gen + EPS) * (1 + EPS))
        total += w * p * np.log(p / q) + (1 - w) * q * np.log(q / p)
    return float(total)


def tpkl_mean(reference: Sequence[np.ndarray], generated: Sequence[np.ndarray], ks=(2, 3, 4)) -> float:
    """Mean of :func:`tpkl` over ``ks`` (symmetric)."""
    return float(np.mean([tpkl(reference, generated, k) for k in ks]))
