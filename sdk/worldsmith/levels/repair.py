"""Pure grid repairs that make decoded levels well-formed (and, with the agents, playable).

Every function takes a ``(H, W)`` tile array and returns a new one; random ones take ``rng``.

>>> from worldsmith.types.tiles import SMB, parse_text, to_text
>>> t = parse_text("-<--\\n----\\n-[--\\nXXXX\\n", SMB)
>>> print(to_text(smb_structures(t), SMB), end="")
-<>-
-[]-
-[]-
XXXX
"""
from __future__ import annotations

import numpy as np

from worldsmith.levels import _smbkernels
from worldsmith.levels.agents.smb import changed_columns
from worldsmith.levels.placement import smb_enemies
from worldsmith.types.tiles import LODERUNNER, SMB, ZELDA

SAFE = 3  # flat columns at the start and the end of an SMB level
_PIPE, _CANNON = SMB.ids("<>[]"), SMB.ids("Bb")
_IS_PIPE, _IS_CANNON = (np.isin(np.arange(SMB.size), ids) for ids in (_PIPE, _CANNON))  # by tile id
_EMPTY, _GROUND = SMB.id("-"), SMB.id("X")
_PIPE_BYTES, _SOLID_BYTES = _IS_PIPE.astype(np.uint8).tobytes(), SMB.solid_bytes()
#: (member of the structure by tile id, its top's tile ids, its body's; one byte each): pipes,
#: two wide, then cannons, one wide
_STRUCTURES = tuple((member.astype(np.uint8).tobytes(), bytes(SMB.ids(top)), bytes(SMB.ids(body)))
                    for member, top, body in ((_IS_PIPE, "<>", "[]"), (_IS_CANNON, "B", "b")))


def runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """``(start, stop)`` of each run of True in a 1-d bool array."""
    edges = np.diff(np.concatenate([[0], flags.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)))


def smb_structures(tiles: np.ndarray) -> np.ndarray:
    """Pipes whole, two wide and standing on the ground (no floating tops); cannons likewise.

    Columns holding pipe tiles are paired left to right (a leftover column gets its right
    neighbour). Each structure keeps the highest top the model drew, its body reaching down to
    the first row solid under all its columns (or the bottom row); a cannon may not cut through
    a pipe. (C: ``_smbkernels.stand``, one kind of structure at a time.)
    """
    out = np.array(tiles, np.uint8)
    for member, top_ids, body_ids in _STRUCTURES:
        _smbkernels.stand(out, member, top_ids, body_ids, _PIPE_BYTES, _SOLID_BYTES, _EMPTY)
    return out


def _ground_height(column: np.ndarray) -> int:
    """Rows of ground at the bottom of a column (1 to 3)."""
    rows = 0
    while rows < len(column) and column[-1 - rows] == _GROUND:
        rows += 1
    return min(max(rows, 1), 3)


def smb_flatten(tiles: np.ndarray, start: int, stop: int) -> np.ndarray:
    """Columns ``[start, stop)`` cleared to sky over flat ground as high as their neighbour's."""
    out = tiles.copy()
    start, stop = max(0, start), min(out.shape[1], stop)
    ref = out[:, stop] if stop < out.shape[1] else out[:, max(0, start - 1)]
    rows = _ground_height(ref)
    out[:, start:stop] = _EMPTY
    out[-rows:, start:stop] = _GROUND
    return smb_structures(out)


def smb_repair(tiles: np.ndarray) -> np.ndarray:
    """Whole pipes and cannons, a safe flat start and finish, and enemies on something solid
    as often as in the real levels (:func:`~worldsmith.levels.placement.smb_enemies`)."""
    out = smb_flatten(smb_structures(tiles), 0, SAFE)
    return smb_enemies(smb_flatten(out, out.shape[1] - SAFE, out.shape[1]))


class SmbRepairer:
    """:func:`smb_repair` for a level re-made part by part (the generator's re-samples): the
    columns a change reaches are repaired again, on their own; the rest keep the last repair.
    A pipe or cannon reaches no further than the run of columns holding pipe or cannon tiles
    it stands in and the column after it (a pipe's second half), so the stretch repaired again
    is the change widened to columns free of both (in the old tiles and the new) on either side;
    near the level's flat start and finish the whole level is repaired again.

    >>> level = np.full((14, 40), SMB.id("-"), np.uint8); level[12:] = SMB.id("X")
    >>> repair = SmbRepairer()
    >>> first = repair(level)
    >>> level[9, 20] = SMB.id("<")                      # half a floating pipe
    >>> again = repair(level)
    >>> bool((again == smb_repair(level)).all()), "".join(SMB.chars[t] for t in again[9:12, 20])
    (True, '<[[')
    """

    def __init__(self) -> None:
        self.last: tuple[np.ndarray, np.ndarray] | None = None     # the last tiles, and repaired

    def __call__(self, tiles: np.ndarray) -> np.ndarray:
        if self.last is None or self.last[0].shape != tiles.shape:
            out = smb_repair(tiles)
        else:
            old, out = self.last[0], self.last[1].copy()
            span = changed_columns(old, tiles)
            if span is not None:
                lo, hi = _structure_span(old, tiles, *span)
                if lo < 2 * SAFE or hi > tiles.shape[1] - 2 * SAFE:
                    out = smb_repair(tiles)
                else:
                    out[:, lo:hi] = smb_enemies(smb_structures(smb_structures(smb_structures(tiles[:, lo:hi]))))
        self.last = (tiles.copy(), out)
        return out.copy()


def _structure_span(old: np.ndarray, new: np.ndarray, a: int, b: int) -> tuple[int, int]:
    """Columns ``[a, b)`` widened until two columns on either side hold no pipe or cannon tile in
    ``old`` or ``new``."""
    busy = (_IS_PIPE | _IS_CANNON)[old].any(0) | (_IS_PIPE | _IS_CANNON)[new].any(0)    # (w,)
    while a > 0 and (busy[a - 1] or busy[max(0, a - 2)]):
        a -= 1
    while b < len(busy) and (busy[b - 1] or busy[b]):
        b += 1
    return a, min(len(busy), b + 1)


def _standable(tiles: np.ndarray) -> np.ndarray:
    """Lode Runner cells a player can stand in: empty, on solid ground or a ladder top."""
    below = np.ones_like(tiles, bool)
    below[:-1] = np.isin(tiles[1:], LODERUNNER.ids("Bb#"))
    return (tiles == LODERUNNER.id(".")) & below


def loderunner_start(tiles: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Exactly one player start ``M``: extra ones become empty, a missing one is placed."""
    out = tiles.copy()
    starts = np.argwhere(out == LODERUNNER.id("M"))
    if len(starts) == 1:
        return out
    out[out == LODERUNNER.id("M")] = LODERUNNER.id(".")
    cells = starts if len(starts) else np.argwhere(_standable(out))
    if not len(cells):  # nowhere to stand: clear a spot on the bottom row
        cells = np.array([[out.shape[0] - 1, out.shape[1] // 2]])
    r, c = cells[rng.integers(len(cells))]
    out[r, c] = LODERUNNER.id("M")
    return out


#: door cells on each side of a 16x11 Zelda room
DOORS = {"N": [(1, 4), (1, 5), (1, 6)], "S": [(14, 4), (14, 5), (14, 6)],
         "W": [(7, 1), (8, 1)], "E": [(7, 9), (8, 9)]}
_INWARD = {"N": (1, 0), "S": (-1, 0), "W": (0, 1), "E": (0, -1)}


def zelda_sides(tiles: np.ndarray) -> str:
    """The sides (of ``NESW``) on which at least half the door cells are doors."""
    door = ZELDA.id("D")
    return "".join(s for s in "NESW" if sum(tiles[rc] == door for rc in DOORS[s]) * 2 >= len(DOORS[s]))


def zelda_walls(tiles: np.ndarray, sides: str) -> np.ndarray:
    """A closed two-tile wall ring with doors on ``sides``, a floor tile inside each door, and no
    walls, doors or void left inside the room."""
    out = tiles.copy()
    inner = out[2:-2, 2:-2]
    inner[np.isin(inner, ZELDA.ids("WD-"))] = ZELDA.id("F")
    ring = np.ones(out.shape, bool)
    ring[2:-2, 2:-2] = False
    out[ring] = ZELDA.id("W")
    for side in sides:
        dr, dc = _INWARD[side]
        for r, c in DOORS[side]:
            out[r, c] = ZELDA.id("D")
            if out[r + dr, c + dc] not in ZELDA.ids("FMSO"):
                out[r + dr, c + dc] = ZELDA.id("F")
    return out


def zelda_connect(tiles: np.ndarray, reached: set[tuple[int, int]]) -> np.ndarray:
    """Carve floor from the ``reached`` cells to the nearest unreached walkable cell (one corridor;
    call again until every walkable cell is reached)."""
    out = tiles.copy()
    walk = np.isin(out, ZELDA.ids("FMDSO"))
    h, w = out.shape
    parent = {cell: None for cell in reached}
    frontier = list(reached)
    while frontier:
        nxt = []
        for r, c in frontier:
            for cell in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
                if cell in parent or not (2 <= cell[0] < h - 2 and 2 <= cell[1] < w - 2):
                    continue
                parent[cell] = (r, c)
                if walk[cell]:
                    while cell is not None and cell not in reached:
                        out[cell] = out[cell] if walk[cell] else ZELDA.id("F")
                        cell = parent[cell]
                    return out
                nxt.append(cell)
        frontier = nxt
    return out
