"""What an asset read from a file must satisfy before ``ws.load`` hands it out.

Readers parse; these checks enforce each asset type's invariants, so a damaged or hand-edited
file is one :class:`FormatError` naming it, never an asset that breaks later (a plot choice
leading to a missing beat, a level route off the map, a scene whose tile layer is not a grid).
Each type's exporter module registers its check with :func:`worldsmith.core.formats.register_check`.

>>> import numpy as np
>>> from worldsmith.types.level import TileLevel
>>> check_level(TileLevel(np.zeros((2, 3), np.uint8), "smb", path=[(1, 2)]), "x.json") is None
True
>>> try:
...     check_level(TileLevel(np.zeros((2, 3), np.uint8), "smb", path=[(5, 0)]), "x.json")
... except Exception as e:
...     print(e)
x.json: path cell (5, 0) lies outside the 2 x 3 map
"""
from __future__ import annotations

from typing import Any

import numpy as np

from worldsmith.core.errors import ConfigError, FormatError
from worldsmith.types.tiles import vocab


def _grid(name: str, where: str, a: Any, values: int | None = None) -> None:
    if not isinstance(a, np.ndarray) or a.ndim != 2 or 0 in a.shape or a.dtype.kind not in "ui":
        raise FormatError(f"{where}: {name} must be a non-empty 2-D integer grid, got "
                          f"{getattr(a, 'shape', type(a).__name__)}")
    if values is not None and (int(a.min()) < 0 or int(a.max()) >= values):
        raise FormatError(f"{where}: {name} holds ids outside 0..{values - 1}")


def check_level(level, where: str) -> None:
    """A level's tiles are ids of its game's vocabulary and its path stays on the map."""
    try:
        size = vocab(level.game).size
    except (ConfigError, TypeError):                       # an unknown game name, or not a name
        raise FormatError(f"{where}: unknown game {level.game!r}") from None
    _grid("tiles", where, level.tiles, size)
    h, w = level.tiles.shape
    for cell in level.path:
        if not (isinstance(cell, (tuple, list)) and len(cell) == 2 and all(isinstance(v, int) for v in cell)
                and 0 <= cell[0] < h and 0 <= cell[1] < w):
            raise FormatError(f"{where}: path cell {tuple(cell) if isinstance(cell, (list, tuple)) else cell!r} "
                              f"lies outside the {h} x {w} map")


def check_plot(graph, where: str) -> None:
    """Beat ids are unique, there is one start beat, and every choice joins two beats."""
    ids = [b.id for b in graph.beats]
    if len(set(ids)) != len(ids):
        raise FormatError(f"{where}: duplicate beat ids")
    if sum(b.kind == "start" for b in graph.beats) != 1:
        raise FormatError(f"{where}: expected exactly one start beat")
    known = set(ids)
    for c in graph.choices:
        if c.source not in known or c.target not in known:
            raise FormatError(f"{where}: choice {c.source!r} -> {c.target!r} names a missing beat")


def check_scene(scene, where: str) -> None:
    """The tile layer is a grid of tileset ids, the tileset tables agree, the plot is sound."""
    _grid("tiles", where, scene.tiles, len(scene.tile_names) + 1)        # Tiled ids: 0 is no tile
    if not len(scene.tile_solid) == len(scene.tile_names) == len(scene.tileset):
        raise FormatError(f"{where}: tileset, tile_names and tile_solid differ in length")
    if scene.plot is not None:
        check_plot(scene.plot, where)


def check_characters(batch, where: str) -> None:
    """Every art file a character names is in the LPC library; parts map slots to names."""
    from worldsmith.sprites.lpc_v3.authors import authors_of

    for files in batch.files:
        for slot, paths in files.items():
            if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
                raise FormatError(f"{where}: files.{slot} must be a list of art file names")
            for path in paths:
                try:
                    authors_of(path)
                except KeyError:
                    raise FormatError(f"{where}: files.{slot} names {path!r}, no LPC library file") from None
    if not all(isinstance(v, str) for parts in batch.parts for v in parts.values()):
        raise FormatError(f"{where}: parts must map slots to part names")
