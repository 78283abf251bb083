"""Lode Runner agent: from the single player start ``M``, every gold ``G`` in turn (the nearest from
which the rest stay in reach) by walking, ladders, ropes, falls and digging a brick ``b``
below-beside to drop through it (holes refill, so digging only leads down). In a hole, a brick
beside it with open space above counts as dug too (dug from the row above before dropping in), so
the player can dig the brick below that one: the two-wide hole by which players go down two
layers. Hole timing and enemies are not modelled.
"""
from __future__ import annotations

import numpy as np

from worldsmith.levels.agents import _gridgraph
from worldsmith.levels.agents.graph import Grid, Path
from worldsmith.types.tiles import LODERUNNER

MOST = 6  # moves of one cell at most: two sides, each a walk and a dig, a climb and a drop


def loderunner_moves(tiles: np.ndarray) -> Grid:
    """Where a player at each cell of ``tiles`` gets in one move, in this order: a fall (alone:
    nothing holds a falling player), or for each side (left, right) a walk and a drop into a
    brick dug below-beside, then a climb up a ladder, then a step down.

    >>> from worldsmith.types.tiles import parse_text
    >>> loderunner_moves(parse_text("M.\\nbb", LODERUNNER)).moves((0, 0))   # walk right, dig down-right
    [(0, 1), (1, 1)]
    """
    return Grid.built(tiles, MOST, _gridgraph.loderunner, LODERUNNER.solid_bytes(), LODERUNNER.id("#"),
                      LODERUNNER.id("-"), LODERUNNER.id("b"))


def loderunner_path(tiles: np.ndarray) -> Path | None:
    """The player's route through every gold (one start ``M``, at least one ``G``), or ``None``."""
    starts = np.argwhere(tiles == LODERUNNER.id("M"))
    gold = {(int(r), int(c)) for r, c in np.argwhere(tiles == LODERUNNER.id("G"))}
    if len(starts) != 1 or not gold:
        return None
    return loderunner_moves(tiles).tour((int(starts[0][0]), int(starts[0][1])), gold)
