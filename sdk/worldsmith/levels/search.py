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


def _jumps(t: np.ndarray, p: list) -> float:
    """Times the agent's path starts rising."""
    rows = np.array([r for r, _ in p]) if p else np.zeros(0)
    rise = np.diff(rows) < 0
    return float(np.sum(rise[1:] & ~rise[:-1]) + (rise[:1].sum() if len(rise) else 0))


FEATURES: dict[str, dict[str, Feature]] = {
    "smb": {"enemies": _count("E", "smb"), "gaps": _gaps, "jumps": _jumps,
            "pipes": _count("<", "smb"), "coins": _count("o?", "smb"),
            "density": _density("smb")},
    "loderunner": {"gold": _count("G", "loderunner"), "enemies": _count("E", "loderunner"),
                   "ladders": _count("#", "loderunner"), "ropes": _count("-", "loderunner"),
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


def score(tiles: np.ndarray, game: str, path: list | None, targets: dict[str, float]) -> float:
    """Lower is better: relative distance to every target, plus a penalty when unplayable."""
    feats = features(tiles, game, path or [])
    dist = sum(abs(feats[k] - v) / max(1.0, abs(v)) for k, v in targets.items())
    return dist + (UNPLAYABLE_PENALTY if path is None else 0.0)


def cma_search(x0: np.ndarray, objective: Callable[[np.ndarray], float], evals: int,
               rng: np.random.Generator) -> np.ndarray:
    """Minimise ``objective`` over latent vectors with CMA-ES from ``x0`` (sigma 0.5), drawing
    its samples from ``rng`` (never the global RNG); return the best vector found."""
    import cma  # lazy: cma (1 s), start-up time

    opts = {"maxfevals": evals, "verbose": -9, "seed": float("nan"),
            "randn": lambda *shape: rng.standard_normal(shape), "popsize": 8 if evals < 200 else 12}
    es = cma.CMAEvolutionStrategy(x0.ravel().astype(float), 0.5, opts)
    best, best_f = x0.ravel().astype(float), objective(x0.ravel())
    while not es.stop():
        xs = es.ask()
        fs = [objective(x) for x in xs]
        advance("latent search", min(es.countevals + len(xs), evals), evals)
        es.tell(xs, fs)
        i = int(np.argmin(fs))
        if fs[i] < best_f:
            best, best_f = np.asarray(xs[i]), fs[i]
    return best.reshape(x0.shape)
