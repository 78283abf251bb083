"""Playability agents: each searches a level and returns the path it found, or ``None``.

One module per game: :mod:`.smb` (Mario's moves from the NES physics), :mod:`.loderunner`
(every gold, digging down), :mod:`.zelda` (every door and walkable tile, the stepladder);
:mod:`.graph` holds the move graph and breadth-first searches the last two share (in C).

Paths are lists of ``(row, col)``. ``solve(level)`` dispatches on the level's game.

>>> import numpy as np
>>> from worldsmith.types.tiles import parse_text, vocab
>>> flat = parse_text("------\\n------\\n--X---\\nXX-XXX\\n", vocab("smb"))
>>> smb_path(flat)[-1][1]
5
"""
from __future__ import annotations

import numpy as np

from worldsmith.levels.agents.graph import Cell, Grid, Path
from worldsmith.levels.agents.loderunner import loderunner_moves, loderunner_path
from worldsmith.levels.agents.smb import (
    SmbSearch,
    State,
    entered,
    smb_cells,
    smb_path,
    smb_search,
    smb_states,
    stage_step,
)
from worldsmith.levels.agents.zelda import zelda_moves, zelda_path

__all__ = ["AGENTS", "Cell", "Grid", "Path", "SmbSearch", "State", "entered", "loderunner_path", "reachable",
           "smb_cells", "smb_path", "smb_search", "smb_states", "solve", "solve_tiles", "stage_step", "zelda_path"]


def reachable(tiles: np.ndarray, game: str, start: Cell, ladder: bool = True) -> set[Cell]:
    """Every cell a Lode Runner player or a Zelda hero (``ladder``: with the stepladder) reaches
    from ``start``."""
    moves = loderunner_moves(tiles) if game == "loderunner" else zelda_moves(tiles, ladder)
    return moves.reach(start)


AGENTS = {"smb": smb_path, "loderunner": loderunner_path, "zelda": zelda_path}


def solve_tiles(tiles: np.ndarray, game: str) -> Path | None:
    """The agent path through ``tiles`` of ``game``, or ``None`` if it is not playable."""
    return AGENTS[game](tiles)


def solve(level) -> Path | None:
    """The agent path through a :class:`~worldsmith.types.level.TileLevel`, or ``None``, under
    the rules it was made with (Zelda: ``ladder`` from its config, default on)."""
    if level.game == "zelda":
        return zelda_path(level.tiles, bool(level.meta.config.get("ladder", True)))
    return solve_tiles(level.tiles, level.game)
