"""Where the things of a level go, as in the real levels: Lode Runner rows as smooth as the
game's, gold and enemies as many as the decoder expects, gold moved (not dropped) to cells the
player reaches; SMB enemies standing on something solid.

>>> from worldsmith.types.tiles import SMB, parse_text, to_text
>>> t = parse_text("-EE--\\n-----\\n-----\\n-----\\n-----\\nXX-XX\\n", SMB)
>>> print(to_text(smb_enemies(t), SMB), end="")   # one over ground drops, one over the gap goes
-----
-----
-----
-----
-E---
XX-XX
"""
from __future__ import annotations

import numpy as np

from worldsmith.levels import _smbkernels
from worldsmith.levels.agents import loderunner_moves
from worldsmith.levels.agents.graph import heaviest_chains
from worldsmith.types.tiles import LODERUNNER, SMB

#: weight of the horizontal neighbours' probabilities in a Lode Runner cell's (bricks, empty,
#: ropes), for the ``ROW_REACH`` cells either side (chosen on 60 seeds: isolated bricks and tile
#: changes along a row both within 10% of the real levels')
ROW_BLEND, ROW_REACH = 0.4, 2
_ROW_CHANNELS = LODERUNNER.ids("Bb.-")
#: the fewest and most gold of the real levels (135 VGLC levels)
GOLD_RANGE = (4, 131)
#: the decoder's expected enemy count (its enemy probability summed over the level) from which a
#: Lode Runner level holds 2, 3, 4 and 5 enemies: the quantiles of that sum over 1,000 prior samples
#: of the shipped model at the real levels' shares (1.5% of them hold 1 enemy, 15% 2, 52% 3, 24%
#: 4, 7% 5; never 0). The rounded sum alone spreads almost evenly over 1-5.
ENEMY_STEPS = (0.47, 1.52, 3.61, 5.19)
#: a gold already on a chain of places outweighs any number of empty standing cells (22 x 32)
GOLD_WEIGHT = 1000.0
#: rows an SMB enemy may hover over the solid tile below it (real levels: 1-3, then they drop)
HOVER = 3
_LR_EMPTY, _LR_SUPPORT = LODERUNNER.id("."), LODERUNNER.ids("Bb#")
_SMB_SOLID_BYTES, _SMB_EMPTY, _SMB_ENEMY = SMB.solid_bytes(), SMB.id("-"), SMB.id("E")


def blend_rows(probs: np.ndarray, weight: float = ROW_BLEND) -> np.ndarray:
    """``(C, H, W)`` Lode Runner tile probabilities with each cell's brick, empty and rope
    probabilities blended with ``weight`` times those of the ``ROW_REACH`` cells either side, scaled back
    to their own sum (so ladders, gold, enemies and the start keep their odds): single bricks
    and gaps in a floor give way to runs.

    >>> p = np.zeros((8, 1, 5), np.float32); p[1, 0] = [.6, .6, .4, .6, .6]; p[2, 0] = [.4, .4, .6, .4, .4]
    >>> p.argmax(0).tolist(), blend_rows(p).argmax(0).tolist()   # the gap in the bricks is filled
    ([[1, 1, 2, 1, 1]], [[1, 1, 1, 1, 1]])
    """
    group = probs[_ROW_CHANNELS]
    side = np.zeros_like(group)
    for d in range(1, ROW_REACH + 1):
        side[..., d:] += group[..., :-d]
        side[..., :-d] += group[..., d:]
    blended = group + weight * side
    out = probs.copy()
    out[_ROW_CHANNELS] = blended * (group.sum(0) / np.maximum(blended.sum(0), 1e-12))
    return out


def _standing(tiles: np.ndarray) -> np.ndarray:
    """Empty Lode Runner cells with a brick or ladder below, or on the bottom row."""
    below = np.ones(tiles.shape, bool)
    below[:-1] = np.isin(tiles[1:], _LR_SUPPORT)
    return (tiles == _LR_EMPTY) & below


def expected_counts(tiles: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Gold and enemies as many as the decoder expects (the argmax alone draws too few): gold the
    sum of its probability over the level, rounded, within the real levels' range; enemies that
    sum mapped through ``ENEMY_STEPS`` onto the real levels' counts. Extra ones go where the tile
    is likeliest among the empty standing cells, surplus ones leave where it is least likely.

    >>> t = np.full((2, 6), LODERUNNER.id("."), np.uint8); t[1] = LODERUNNER.id("B")
    >>> p = np.zeros((8, 2, 6), np.float32); p[LODERUNNER.id("G"), 0] = [.1, .9, .9, .9, .9, .9]
    >>> p[LODERUNNER.id("E"), 0, 0] = 0.3
    >>> "".join(LODERUNNER.chars[i] for i in expected_counts(t, p)[0])   # 4.6 gold, 0.3 enemies expected
    'EGGGGG'
    """
    out = tiles.copy()
    gold, enemy = LODERUNNER.id("G"), LODERUNNER.id("E")
    wants = {gold: int(np.clip(round(float(probs[gold].sum())), *GOLD_RANGE)),
             enemy: 1 + int(np.searchsorted(ENEMY_STEPS, float(probs[enemy].sum())))}
    for tile, want in wants.items():
        p = probs[tile]
        have = np.flatnonzero(out.ravel() == tile)
        if len(have) > want:
            out.ravel()[have[np.argsort(p.ravel()[have], kind="stable")[:len(have) - want]]] = _LR_EMPTY
        elif len(have) < want:
            free = np.flatnonzero(_standing(out).ravel())
            out.ravel()[free[np.argsort(-p.ravel()[free], kind="stable")[:want - len(have)]]] = tile
    return out


class Chains:
    """The reachability order of a Lode Runner level: falls and digs are one-way, so the cells
    split into strongly connected parts ordered by reachability, and a tour takes every gold only
    if the parts holding gold lie on one chain of that order. A part's value is that of its
    heaviest chain onward: ``GOLD_WEIGHT`` a gold already on it, 1 a standing cell (where gold
    may go)."""

    def __init__(self, tiles: np.ndarray):
        from scipy.sparse import csr_matrix  # lazy: scipy.sparse (0.19 s), Lode Runner only
        from scipy.sparse.csgraph import connected_components  # lazy: as above

        h, self.w = tiles.shape
        src, dst = loderunner_moves(tiles).edges()
        graph = csr_matrix((np.ones(len(src)), (src, dst)), shape=(h * self.w, h * self.w))
        _, self.part = connected_components(graph, directed=True, connection="strong")
        weight = np.zeros(int(self.part.max()) + 1)
        np.add.at(weight, self.part, np.where(tiles.ravel() == LODERUNNER.id("G"), GOLD_WEIGHT, 0.0)
                  + _standing(tiles).ravel())
        self.values, self.next = heaviest_chains(self.part[src], self.part[dst], weight)

    def value(self, cell: tuple[int, int]) -> float:
        """The value of ``cell``'s part."""
        return float(self.values[self.part[cell[0] * self.w + cell[1]]])

    def mask(self, start: tuple[int, int]) -> np.ndarray:
        """The cells of the heaviest chain from ``start``, a boolean ``(h, w)`` mask: gold
        anywhere on them can all be taken.

        >>> from worldsmith.types.tiles import parse_text
        >>> t = parse_text("M..#\\nBB.#\\n...#\\nBBBB", LODERUNNER)   # down the hole, back up the ladder
        >>> int(Chains(t).mask((0, 0)).sum())
        10
        """
        parts, p = [], int(self.part[start[0] * self.w + start[1]])
        while p >= 0:
            parts.append(p)
            p = int(self.next[p])
        return np.isin(self.part, parts).reshape(-1, self.w)


def place_start(tiles: np.ndarray, chains: Chains) -> tuple[int, int]:
    """The player's start ``M`` (in place), moved to the standing cell with the heaviest chain
    if the one there does not hold every gold: where most of the level's gold can be taken
    (the nearest such cell, then the first in reading order)."""
    start = tuple(int(v) for v in np.argwhere(tiles == LODERUNNER.id("M"))[0])
    if chains.value(start) >= GOLD_WEIGHT * int((tiles == LODERUNNER.id("G")).sum()):
        return start
    spots = np.argwhere(_standing(tiles))
    if not len(spots):
        return start
    value = chains.values[chains.part[spots[:, 0] * chains.w + spots[:, 1]]]
    far = np.abs(spots - start).sum(1)
    best = tuple(int(v) for v in spots[np.argmin(np.where(value == value.max(), far, np.iinfo(far.dtype).max))])
    if chains.value(best) > chains.value(start):
        tiles[start], tiles[best] = _LR_EMPTY, LODERUNNER.id("M")
        return best
    return start


def move_gold(tiles: np.ndarray, keep: np.ndarray, spots: np.ndarray) -> np.ndarray:
    """Every gold outside the ``keep`` mask moved to the nearest free cell of the ``spots`` mask
    (Manhattan distance, then row and column); the count stays unless ``spots`` run out.

    >>> t = np.full((1, 5), LODERUNNER.id("."), np.uint8); t[0, 0] = LODERUNNER.id("G")
    >>> move_gold(t, keep=np.zeros((1, 5), bool), spots=np.array([[0, 0, 0, 1, 1]], bool))[0].tolist()
    [2, 2, 2, 5, 2]
    """
    out = tiles.copy()
    gold = LODERUNNER.id("G")
    free = np.argwhere(spots & (out == _LR_EMPTY))                 # reading order: row, then column
    taken = np.zeros(len(free), bool)
    for r, c in np.argwhere((out == gold) & ~keep).tolist():
        out[r, c] = _LR_EMPTY
        if not taken.all():
            far = np.where(taken, np.iinfo(free.dtype).max, np.abs(free[:, 0] - r) + np.abs(free[:, 1] - c))
            best = int(np.argmin(far))
            taken[best] = True
            out[tuple(free[best])] = gold
    return out


def gold_spots(tiles: np.ndarray, cells: np.ndarray) -> np.ndarray:
    """The cells of the ``cells`` mask where gold may lie: empty, with a brick or ladder below (or
    on the bottom row)."""
    return cells & _standing(tiles)


def smb_enemies(tiles: np.ndarray, hover: int = HOVER) -> np.ndarray:
    """SMB enemies with nothing solid below them in their column (over a gap) removed, and those
    more than ``hover`` rows above the solid tile below dropped onto it (if that cell is sky;
    otherwise removed). Real VGLC levels place enemies at most 3 rows over the floor (they
    drop when they spawn)."""
    out = np.array(tiles, np.uint8)
    _smbkernels.enemies(out, _SMB_SOLID_BYTES, _SMB_EMPTY, _SMB_ENEMY, hover)     # C, in place
    return out
