"""A quality-diversity archive of levels (CMA-ME, as MarioGAN-LSI): playable levels spread over a
grid of two designer measures, one elite per cell, searched in the VAE's latent space.

:func:`build` runs pyribs' CMA-ME (``EvolutionStrategyEmitter``s with the improvement ranker
over a ``GridArchive``) on the latents of one level (SMB: its window latents, ``width`` columns).
Each candidate is decoded and repaired once, then checked by the game's agent. Its objective is
1 + the decoder's mean confidence (the mean top tile probability, a fidelity proxy in (0, 1])
when it is playable and not a copy of a training unit; such levels alone enter the archive
(threshold 1). The measures are level features (:data:`worldsmith.levels.search.FEATURES`)
over :data:`RANGES`, the span of the training units.

:func:`write` writes every elite as ``cell-I-J.json`` (a :class:`TileLevel`, ``ws.load`` reads
it), ``heatmap.png`` (objective per cell; empty cells dark) and ``index.json`` (generator,
measures, ranges, cells, coverage, QD score and one row per elite: cell, measures, objective,
file). The same arguments give the same bytes.

>>> ranges("smb", ["enemies", "sky"], width=112, cells=(20, 20))
[(0.0, 40.0), (0.0, 300.0)]
>>> index = {"cells": [2, 1], "elites": [{"cell": [1, 0], "objective": 1.9}]}
>>> heatmap(index, scale=4)[:4]
b'\x89PNG'
"""
from __future__ import annotations

import io
import json
import math
import os
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from worldsmith.core.atomic import write_all_atomic
from worldsmith.core.errors import ConfigError
from worldsmith.types.level import TileLevel

#: Measure ranges per game: (lowest, highest) over the training units (VGLC training files;
#: SMB: 56-column windows 8 apart, scaled by ``width / 56`` for counts; Lode Runner: levels;
#: Zelda: rooms), rounded outward; counts start at 0 and are widened by :func:`ranges` to a
#: whole number of counts per cell. ``jumps`` counts the agent's jumps on the unit.
RANGES: dict[str, dict[str, tuple[float, float]]] = {
    "smb": {"enemies": (0, 15), "gaps": (0, 6), "jumps": (0, 32), "pipes": (0, 11), "coins": (0, 20),
            "blocks": (0, 242), "elevation": (0, 11), "sky": (0, 141), "density": (0, 0.4)},
    "loderunner": {"gold": (0, 131), "enemies": (0, 5), "ladders": (0, 343), "ropes": (0, 141),
                   "bricks": (0, 560), "density": (0, 0.8)},
    "zelda": {"monsters": (0, 12), "blocks": (0, 65), "water": (0, 84), "density": (0.4, 1.0)},
}
SMB_UNIT = 56          # the SMB width RANGES were measured at
UNSCALED = frozenset({"elevation", "density"})
EMITTERS, BATCH, SIGMA = 4, 8, 0.5
START_TRIES = 64   # prior samples tried for a first playable elite (Zelda's often copy a training room)


def ranges(game: str, measures: Sequence[str], width: int | None,
           cells: Sequence[int]) -> list[tuple[float, float]]:
    """The ranges of ``measures`` for a level of ``game`` (SMB: ``width`` columns) over ``cells``
    cells each: a count's range is widened to a whole number of counts per cell (so no cell
    falls between two counts)."""
    known = RANGES[game]
    for m in measures:
        if m not in known:
            raise ConfigError("measures", f"two of {', '.join(known)}", m)
    s = (width or SMB_UNIT) / SMB_UNIT if game == "smb" else 1.0
    return [known[m] if m in UNSCALED else (0.0, float(n * math.ceil(known[m][1] * s / n)))
            for m, n in zip(measures, cells)]


def parse_cells(text: str) -> tuple[int, int]:
    """``"20x20"`` -> ``(20, 20)``.

    >>> parse_cells("20x10")
    (20, 10)
    """
    parts = text.lower().split("x")
    if len(parts) != 2 or not all(p.isdigit() and 1 <= int(p) <= 200 for p in parts):
        raise ConfigError("cells", "COLSxROWS with 1 to 200 each, e.g. 20x20", text)
    return int(parts[0]), int(parts[1])


class _Evaluator:
    """Decode, repair and score latents for one generator: the agent's verdict on the repaired
    decode, without re-sampling (Lode Runner: with its re-sampling loop, the only one that
    repairs gold, so the elite is the level that loop returns)."""

    def __init__(self, gen: Any, seed: int):
        from worldsmith.core.seeding import rng, torch_generator  # lazy: with the generator (torch)

        self.gen, self.r = gen, rng(seed)
        self.fresh = torch_generator(seed) if gen.game == "loderunner" else None
        self.model, self.copies = gen._model()
        self.shape = (gen._n_latents(), self.model.z_dim)

    def __call__(self, x: np.ndarray, measures: Sequence[str]) -> tuple[float, list[float], np.ndarray]:
        import torch  # lazy: the generators' dependency

        from worldsmith.levels.data import unit_hash  # lazy: with torch
        from worldsmith.levels.search import features  # lazy: as above

        z = torch.tensor(x, dtype=torch.float32).view(self.shape)
        tiles, path, _ = self.gen._fix(self.model, z, self.fresh, self.r)
        confidence = float(self.gen._logits(self.model, z).softmax(1).amax(1).mean())
        ok = path is not None and unit_hash(tiles) not in self.copies
        feats = features(tiles, self.gen.game, path or [])
        return (1.0 + confidence if ok else confidence), [feats[m] for m in measures], tiles


def build(generator: str, measures: Sequence[str], cells: tuple[int, int], seed: int = 0,
          evals: int = 2000, **config: Any) -> dict:
    """Fill a ``cells`` grid over two ``measures`` with playable levels of ``generator``
    (config as for ``ws.make``) in ``evals`` evaluations; return the index (see module doc)
    with the elites' levels under ``"levels"`` (file name -> :class:`TileLevel`)."""
    import worldsmith as ws  # lazy: the registry, only when building

    try:
        from ribs.archives import GridArchive  # optional: pyribs, the [levels] extra
        from ribs.emitters import EvolutionStrategyEmitter  # optional: as above
        from ribs.schedulers import Scheduler  # optional: as above
    except ImportError:
        from worldsmith.core.errors import MissingDependencyError  # lazy: error path only
        raise MissingDependencyError("archive needs pyribs: pip install 'worldsmith[levels]' (ribs)") from None
    if len(measures) != 2 or len(set(measures)) != 2:
        raise ConfigError("measures", "two different measures, e.g. enemies,sky", ",".join(measures))
    gen = ws.make(generator, **config)
    span = ranges(gen.game, measures, getattr(gen.config, "width", None), cells)
    ev = _Evaluator(gen, seed)
    size = int(np.prod(ev.shape))
    archive = GridArchive(solution_dim=size, dims=cells, ranges=span, learning_rate=1.0, threshold_min=1.0,
                          seed=seed, extra_fields={"tiles": (_tile_shape(gen, ev), np.uint8)})
    x0s = [_start(gen, ev, seed, i) for i in range(EMITTERS)]
    done = _seed_archive(archive, ev, x0s, measures, lambda k: _start(gen, ev, seed, EMITTERS + k))
    if archive.empty:
        raise ConfigError("seed", f"a seed whose start levels include a playable one ({generator})", seed)
    scheduler = Scheduler(archive, [EvolutionStrategyEmitter(archive, x0=x0, sigma0=SIGMA, ranker="2imp",
                                                             batch_size=BATCH, seed=seed * EMITTERS + i)
                                    for i, x0 in enumerate(x0s)])
    while done < evals:
        xs = scheduler.ask()
        _add(archive, ev, xs, measures, scheduler.tell)
        done += len(xs)
    return _index(gen, archive, measures, cells, span, seed, done)


def _start(gen: Any, ev: _Evaluator, seed: int, i: int) -> np.ndarray:
    """Start point ``i`` of a run: a prior sample of the generator's latents."""
    from worldsmith.core.seeding import torch_generator  # lazy: torch

    return gen._latents(torch_generator(seed * EMITTERS + i), *ev.shape).numpy().ravel()


def _add(archive: Any, ev: _Evaluator, xs: Sequence[np.ndarray], measures: Sequence[str], add: Any) -> None:
    """Score ``xs`` and hand them to ``add`` (the archive's or the scheduler's)."""
    scored = [ev(x, measures) for x in xs]
    add(np.array([s[0] for s in scored]), np.array([s[1] for s in scored]), tiles=np.stack([s[2] for s in scored]))


def _seed_archive(archive: Any, ev: _Evaluator, x0s: list[np.ndarray], measures: Sequence[str],
                  more: Any) -> int:
    """Add the start points to the archive, then (while none is playable) up to
    ``START_TRIES`` more prior samples ``more(k)``; returns the evaluations spent."""
    def add_to_archive(objective, measure_values, tiles):
        archive.add(np.stack(xs), objective, measure_values, tiles=tiles)

    xs, k = x0s, 0
    while True:
        _add(archive, ev, xs, measures, add_to_archive)
        if not archive.empty or k == START_TRIES:
            return len(x0s) + k
        xs, k = [more(k)], k + 1


def _tile_shape(gen: Any, ev: _Evaluator) -> tuple[int, int]:
    """The tile array shape of the generator's levels."""
    import torch  # lazy: the generators' dependency

    return gen._decode(ev.model, torch.zeros(ev.shape)).shape


def _index(gen: Any, archive: Any, measures: Sequence[str], cells: tuple[int, int],
           span: list[tuple[float, float]], seed: int, evals: int) -> dict:
    """The archive's index and its elites as levels, in cell order."""
    data = archive.data()
    order = np.argsort(data["index"], kind="stable")
    elites, levels = [], {}
    for k in order:
        cell = [int(c) for c in archive.int_to_grid_index(data["index"][k:k + 1])[0]]
        name = f"cell-{cell[0]:03d}-{cell[1]:03d}.json"
        tiles = data["tiles"][k]
        levels[name] = TileLevel(tiles=tiles, game=gen.game, path=list(gen._solve(tiles) or []),
                                 meta=gen.meta(seed, extra={"archive_cell": cell}))
        elites.append({"cell": cell, "measures": [float(m) for m in data["measures"][k]],
                       "objective": round(float(data["objective"][k]), 6), "file": name})
    total = int(np.prod(cells))
    return {"generator": gen.id, "config": gen.config.to_dict(), "seed": seed, "evals": evals,
            "measures": list(measures), "ranges": [list(map(float, r)) for r in span], "cells": list(cells),
            "coverage": len(elites) / total, "qd_score": round(sum(e["objective"] for e in elites), 6),
            "elites": elites, "levels": levels}


def heatmap(index: dict, scale: int = 16) -> bytes:
    """A PNG of the archive: one square per cell (x: first measure, y: second, growing upward),
    its objective from dark blue (the archive's lowest) to yellow (its highest); empty cells
    near black."""
    from PIL import Image  # lazy: pillow, only for pictures

    cols, rows = index["cells"]
    img = np.full((rows, cols, 3), 24, np.uint8)
    objectives = [e["objective"] for e in index["elites"]] or [0.0]
    lo, span = min(objectives), max(objectives) - min(objectives)
    for e in index["elites"]:
        t = (e["objective"] - lo) / span if span > 0 else 1.0
        img[rows - 1 - e["cell"][1], e["cell"][0]] = (int(40 + 210 * t), int(40 + 180 * t), int(120 - 90 * t))
    buf = io.BytesIO()
    Image.fromarray(img).resize((cols * scale, rows * scale), Image.NEAREST).save(buf, "PNG")
    return buf.getvalue()


def write(index: dict, out: str | os.PathLike) -> list[Path]:
    """Write the elites, ``heatmap.png`` and ``index.json`` into ``out``; return the paths.

    >>> import tempfile, numpy as np
    >>> room = TileLevel(tiles=np.zeros((16, 11), np.uint8), game="zelda")
    >>> index = {"cells": [2, 2], "elites": [{"cell": [0, 1], "objective": 1.5, "file": "cell-000-001.json"}],
    ...          "levels": {"cell-000-001.json": room}}
    >>> sorted(p.name for p in write(index, tempfile.mkdtemp()))
    ['cell-000-001.json', 'heatmap.png', 'index.json']
    """
    from worldsmith.core.formats import render  # lazy: the exporters, only when writing

    out = Path(out)
    files = {out / name: next(iter(render(level, "json", name).values())) for name, level in index["levels"].items()}
    files[out / "heatmap.png"] = heatmap(index)
    public = {k: v for k, v in index.items() if k != "levels"}
    files[out / "index.json"] = (json.dumps(public, indent=1, sort_keys=True) + "\n").encode()
    return write_all_atomic(files)
