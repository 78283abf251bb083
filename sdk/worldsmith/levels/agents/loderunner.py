"""Lode Runner agent: from the single player start ``M``, every gold ``G`` in turn (the nearest from
which the rest stay in reach) by walking, ladders, ropes, falls and digging a brick ``b``
below-beside to drop through it (holes refill, so digging only leads down). In a hole, a brick
beside it with open space above counts as dug too (dug from the row above before dropping in), so
the player can dig the brick below that one: the two-wide hole by which players go down two
layers. Hole timing and enemies are not modelled.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np

from worldsmith.levels.agents.graph import Cell, Neighbours, Path, remembered, tour
from worldsmith.types.tiles import LODERUNNER


def loderunner_moves(tiles: np.ndarray) -> Neighbours:
    """Where a player at ``(r, c)`` of ``tiles`` gets in one move: a fall, a walk, a climb, a
    drop into a brick dug below-beside."""
    h, w = tiles.shape
    solid = LODERUNNER.solid_mask()[tiles].tolist()
    ladder, rope, brick = LODERUNNER.id("#"), LODERUNNER.id("-"), LODERUNNER.id("b")
    t = tiles.tolist()

    def moves(r: int, c: int) -> Iterable[Cell]:
        held = t[r][c] in (ladder, rope)
        below = r + 1 < h and (solid[r + 1][c] or t[r + 1][c] == ladder)
        if not (held or below or r == h - 1):
            yield r + 1, c  # falling
            return
        in_hole = t[r][c] == brick
        for dc in (-1, 1):
            if not 0 <= c + dc < w:
                continue
            side = t[r][c + dc]
            if not solid[r][c + dc]:
                yield r, c + dc
            dug = in_hole and r > 0 and side == brick and not solid[r - 1][c + dc] \
                and t[r - 1][c + dc] not in (ladder, rope)  # the brick beside was dug from above
            if (not solid[r][c + dc] or dug) and side not in (ladder, rope) and r + 1 < h and \
                    t[r + 1][c + dc] == brick:
                yield r + 1, c + dc  # dig the brick below-beside and drop into the hole
        if t[r][c] == ladder and r > 0 and not solid[r - 1][c]:
            yield r - 1, c
        if r + 1 < h and not solid[r + 1][c]:
            yield r + 1, c

    return moves


def loderunner_path(tiles: np.ndarray) -> Path | None:
    """The player's route through every gold (one start ``M``, at least one ``G``), or ``None``."""
    starts = list(zip(*np.nonzero(tiles == LODERUNNER.id("M"))))
    gold = {(int(r), int(c)) for r, c in zip(*np.nonzero(tiles == LODERUNNER.id("G")))}
    if len(starts) != 1 or not gold:
        return None
    start = (int(starts[0][0]), int(starts[0][1]))
    return tour(start, gold, remembered(loderunner_moves(tiles)))
