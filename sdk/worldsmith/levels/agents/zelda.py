"""Zelda agent: every door, and every walkable tile (floor, monster, stair, water floor) reachable
from the doors with 4-connected steps; with ``ladder`` (the default, NES Zelda's stepladder) the
hero also crosses one tile of water ``P`` in a straight line between walkable tiles.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np

from worldsmith.levels.agents.graph import Cell, Neighbours, Path, bfs, remembered, tour
from worldsmith.types.tiles import ZELDA

WALKABLE = "FMDSO"
STEPS = ((-1, 0), (1, 0), (0, -1), (0, 1))


def zelda_moves(tiles: np.ndarray, ladder: bool = True) -> Neighbours:
    """Where the hero at ``(r, c)`` of ``tiles`` gets in one 4-connected step (with ``ladder``,
    also across one water tile)."""
    h, w = tiles.shape
    walk = np.isin(tiles, ZELDA.ids(WALKABLE)).tolist()
    water = (tiles == ZELDA.id("P")).tolist()

    def inside(r: int, c: int) -> bool:
        return 0 <= r < h and 0 <= c < w

    def moves(r: int, c: int) -> Iterable[Cell]:
        for dr, dc in STEPS:
            r2, c2 = r + dr, c + dc
            if not inside(r2, c2):
                continue
            if walk[r2][c2]:
                yield r2, c2
            elif ladder and water[r2][c2] and inside(r2 + dr, c2 + dc) and walk[r2 + dr][c2 + dc]:
                yield r2 + dr, c2 + dc  # the stepladder spans the water tile

    return moves


def _through_ladders(path: Path) -> Path:
    """The path with the water tile of every stepladder crossing put back in (4-connected)."""
    out = path[:1]
    for r, c in path[1:]:
        pr, pc = out[-1]
        if abs(r - pr) + abs(c - pc) == 2:
            out.append(((r + pr) // 2, (c + pc) // 2))
        out.append((r, c))
    return out


def zelda_path(tiles: np.ndarray, ladder: bool = True) -> Path | None:
    """A route from the first door through the others (and stairs), or ``None`` if any door or
    walkable tile cannot be reached from the doors (walking, and with ``ladder`` crossing one
    tile of water).

    >>> from worldsmith.types.tiles import parse_text
    >>> moat = parse_text("DFPFD\\nWWWWW", ZELDA)
    >>> zelda_path(moat), zelda_path(moat, ladder=False)
    ([(0, 0), (0, 1), (0, 2), (0, 3), (0, 4)], None)
    """
    doors = [(int(r), int(c)) for r, c in zip(*np.nonzero(tiles == ZELDA.id("D")))]
    if not doors:
        return None
    moves = remembered(zelda_moves(tiles, ladder))
    reached, _ = bfs(doors[0], moves)
    walkable = int(np.isin(tiles, ZELDA.ids(WALKABLE)).sum())
    if len(reached) != walkable:
        return None
    stairs = {(int(r), int(c)) for r, c in zip(*np.nonzero(tiles == ZELDA.id("S")))}
    targets = {d for d in doors if d[1] != doors[0][1] or abs(d[0] - doors[0][0]) > 2} | stairs
    path = tour(doors[0], targets, moves, two_way=True)   # steps and stepladders go both ways
    return None if path is None else _through_ladders(path)
