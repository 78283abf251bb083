"""Zelda agent: every door, and every walkable tile (floor, monster, stair, water floor) reachable
from the doors with 4-connected steps; with ``ladder`` (the default, NES Zelda's stepladder) the
hero also crosses one tile of water ``P`` in a straight line between walkable tiles.
"""
from __future__ import annotations

import numpy as np

from worldsmith.levels.agents import _gridgraph
from worldsmith.levels.agents.graph import Grid, Path
from worldsmith.types.tiles import ZELDA

WALKABLE = "FMDSO"
MOST = 4  # moves of one cell at most: one a side
_WALK = np.isin(np.arange(len(ZELDA.chars)), ZELDA.ids(WALKABLE))  # by tile id: the hero walks there


def zelda_moves(tiles: np.ndarray, ladder: bool = True) -> Grid:
    """Where the hero at each cell of ``tiles`` gets in one 4-connected step, up, down, left,
    right (with ``ladder``, a step onto water goes on across it to the walkable tile beyond).

    >>> from worldsmith.types.tiles import parse_text
    >>> zelda_moves(parse_text("FPF", ZELDA)).moves((0, 0)), zelda_moves(parse_text("FPF", ZELDA), False).moves((0, 0))
    ([(0, 2)], [])
    """
    return Grid.built(tiles, MOST, _gridgraph.zelda, _WALK.tobytes(), ZELDA.id("P"), ladder)


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
    moves = zelda_moves(tiles, ladder)
    if int(moves.reached(doors[0]).sum()) != int(_WALK[tiles].sum()):
        return None
    stairs = {(int(r), int(c)) for r, c in zip(*np.nonzero(tiles == ZELDA.id("S")))}
    targets = {d for d in doors if d[1] != doors[0][1] or abs(d[0] - doors[0][0]) > 2} | stairs
    path = moves.tour(doors[0], targets, two_way=True)   # steps and stepladders go both ways
    return None if path is None else _through_ladders(path)
