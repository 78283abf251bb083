"""Latent search toward level targets (MarioGAN-style CMA-ES), and the level features it scores.

Targets are text such as ``"enemies=8,gaps=3"``; each name is a feature of the game (below).
The objective is the summed relative distance of the features to the targets, plus a penalty
when the repaired level fails its playability agent, so the search keeps playable levels.

>>> parse_targets("enemies=8, gaps=3", "smb")
{'enemies': 8.0, 'gaps': 3.0}
>>> import numpy as np
>>> from worldsmith.types.tiles import SMB, parse_text
>>> features(parse_text("--E-\\nXX-X\\n", SMB), "smb", [])["gaps"]
1.0
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

from worldsmith.core.errors import ConfigError
from worldsmith.core.progress import advance
from worldsmith.types.tiles import vocab

Feature = Callable[[np.ndarray, list], float]
UNPLAYABLE_PENALTY = 10.0


def _count(chars: str, game: str) -> Feature:
    ids = vocab(game).ids(chars)
    return lambda t, p: float(np.isin(t, ids).sum())


def _density(game: str) -> Feature:
    solid = vocab(game).solid_mask()
    return lambda t, p: float(solid[t].mean())


def _gaps(t: np.ndarray, p: list) -> float:
    """Runs of columns with no ground in the bottom row."""
    hole = ~vocab("smb").solid_mask()[t[-1]]
    return float(np.sum(hole[1:] & ~hole[:-1]) + hole[0])


def _elevation(t: np.ndarray, p: list) -> float:
    """Mean height in tiles of each column's topmost solid tile above the bottom row (0 over a gap)."""
    solid = vocab("smb").solid_mask()[t]
    top = np.where(solid.any(0), solid.argmax(0), t.shape[0])
    return float(np.clip(t.shape[0] - 1 - top, 0, None).mean())


def _sky(t: np.ndarray, p: list) -> float:
    """Solid tiles in the upper half of the level (MarioGAN-LSI's "sky tiles")."""
    return float(vocab("smb").solid_mask()[t[:t.shape[0] // 2]].sum())


def _jumps(t: np.ndarray, p: list) -> float:
    """Times the agent's path starts rising."""
    rows = np.array([r for r, _ in p]) if p else np.zeros(0)
    rise = np.diff(rows) < 0
    return float(np.sum(rise[1:] & ~rise[:-1]) + (rise[:1].sum() if len(rise) else 0))


FEATURES: dict[str, dict[str, Feature]] = {
    "smb": {"enemies": _count("E", "smb"), "gaps": _gaps, "jumps": _jumps,
            "pipes": _count("<", "smb"), "coins": _count("o?", "smb"),
            "blocks": _count("S?Q", "smb"), "elevation": _elevation, "sky": _sky,
            "density": _density("smb")},
    "loderunner": {"gold": _count("G", "loderunner"), "enemies": _count("E", "loderunner"),
                   "ladders": _count("#", "loderunner"), "ropes": _count("-", "loderunner"),
                   "bricks": _count("b", "loderunner"),
                   "density": _density("loderunner")},
    "zelda": {"monsters": _count("M", "zelda"), "blocks": _count("BI", "zelda"),
              "water": _count("PO", "zelda"), "density": _density("zelda")},
}


def features(tiles: np.ndarray, game: str, path: list) -> dict[str, float]:
    """Every feature of ``game`` for a level (``path`` from its agent, for ``jumps``)."""
    return {name: f(tiles, path) for name, f in FEATURES[game].items()}


def parse_targets(text: str, game: str) -> dict[str, float]:
    """``"name=value,..."`` -> ``{name: value}``; names must be features of ``game``."""
    targets: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, value = part.partition("=")
        name = name.strip()
        if name not in FEATURES[game] or not sep:
            raise ConfigError("search", f"name=value pairs with names from {', '.join(FEATURES[game])}", text)
        try:
            targets[name] = float(value)
        except ValueError:
            raise ConfigError("search", f"a number for {name}", value) from None
        if not math.isfinite(targets[name]) or targets[name] < 0:
            raise ConfigError("search", f"a finite number >= 0 for {name} (a count or a share)", value)
    return targets


Target = float | tuple[float, float]


def distance(value: float, target: Target) -> float:
    """Relative distance of a feature value to a number or to an interval ``(lo, hi)`` (0 inside).

    >>> distance(5, 8.0), distance(5, (2.0, 6.0)), distance(9, (2.0, 6.0)), distance(0, (3.0, math.inf))
    (0.375, 0.0, 0.5, 1.0)
    """
    lo, hi = target if isinstance(target, tuple) else (target, target)
    bound = lo if value < lo else hi if value > hi else value
    return abs(value - bound) / max(1.0, abs(bound))


def score(tiles: np.ndarray, game: str, path: list | None, targets: dict[str, Target]) -> float:
    """Lower is better: relative distance to every target (a number or an interval), plus a
    penalty when unplayable; 0 when every target is met by a playable level."""
    feats = features(tiles, game, path or [])
    dist = sum(distance(feats[k], v) for k, v in targets.items())
    return dist + (UNPLAYABLE_PENALTY if path is None else 0.0)


def cma_search(x0: np.ndarray, objective: Callable[[np.ndarray], float], evals: int,
               rng: np.random.Generator) -> np.ndarray:
    """Minimise ``objective`` over latent vectors with CMA-ES from ``x0`` (sigma 0.5), drawing
    its samples from ``rng`` (never the global RNG); return the best vector found (the first of
    score 0, where nothing can be better)."""
    import cma  # lazy: cma (1 s), start-up time

    opts = {"maxfevals": evals, "verbose": -9, "seed": float("nan"),
            "randn": lambda *shape: rng.standard_normal(shape), "popsize": 8 if evals < 200 else 12}
    es = cma.CMAEvolutionStrategy(x0.ravel().astype(float), 0.5, opts)
    best, best_f = x0.ravel().astype(float), objective(x0.ravel())
    while not es.stop() and best_f > 0:
        xs, fs = es.ask(), []
        for x in xs:
            fs.append(objective(x))
            if fs[-1] < best_f:
                best, best_f = np.asarray(x), fs[-1]
            if best_f <= 0:
                break
        else:
            advance("latent search", min(es.countevals + len(xs), evals), evals)
            es.tell(xs, fs)
    return best.reshape(x0.shape)
