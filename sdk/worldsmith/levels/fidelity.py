"""Fidelity to the real levels, figure by figure: how many gold and enemies a Lode Runner level
holds and how its rows run (bricks with no brick beside them, tile changes along a row), and
how often SMB enemies stand on something solid (``tools/fidelity_levels.py`` sets them beside
the VGLC levels' figures).

>>> from worldsmith.types.tiles import LODERUNNER, SMB, parse_text
>>> lr = parse_text("b.bb\\nBBBB\\n", LODERUNNER)
>>> isolated_bricks([lr]), row_changes([lr])
(0.14285714285714285, 0.3333333333333333)
>>> smb = parse_text("E--E\\n---X\\nXX-X\\n", SMB)
>>> enemy_support([smb])
(0.5, 1.0)
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from worldsmith.types.tiles import LODERUNNER, SMB

_LR_BRICK = np.isin(np.arange(LODERUNNER.size), LODERUNNER.ids("Bb"))
_SMB_SOLID = SMB.solid_mask()
#: a level "has floating enemies" when at least this share of its enemies has no solid tile below
FLOATING = 0.1


def counts(levels: Sequence[np.ndarray], tile: int) -> np.ndarray:
    """How many ``tile`` cells each level holds."""
    return np.array([int((lv == tile).sum()) for lv in levels])


def isolated_bricks(levels: Sequence[np.ndarray]) -> float:
    """Share of Lode Runner bricks (``B`` or ``b``) with no brick beside them in their row."""
    alone = total = 0
    for lv in levels:
        brick = _LR_BRICK[lv]
        beside = np.zeros_like(brick)
        beside[:, 1:] |= brick[:, :-1]
        beside[:, :-1] |= brick[:, 1:]
        alone += int((brick & ~beside).sum())
        total += int(brick.sum())
    return alone / max(total, 1)


def row_changes(levels: Sequence[np.ndarray]) -> float:
    """Mean share of neighbouring cells along a row that differ (tile changes per column)."""
    return float(np.mean([(lv[:, 1:] != lv[:, :-1]).mean() for lv in levels]))


def enemy_support(levels: Sequence[np.ndarray]) -> tuple[float, float]:
    """SMB enemies: (share of all enemies with a solid tile directly below, share of the levels
    holding enemies in which at least ``FLOATING`` of them have none)."""
    standing, floating = [], []
    for lv in levels:
        rows, cols = np.nonzero(lv == SMB.id("E"))
        if not len(rows):
            continue
        below = np.zeros(len(rows), bool)
        inside = rows + 1 < lv.shape[0]
        below[inside] = _SMB_SOLID[lv[rows[inside] + 1, cols[inside]]]
        standing += below.tolist()
        floating.append(1 - below.mean())
    return float(np.mean(standing)), float(np.mean(np.array(floating) >= FLOATING))


def stretches(levels: Sequence[np.ndarray], width: int, stride: int) -> list[np.ndarray]:
    """Every ``width``-column stretch of ``levels``, ``stride`` columns apart."""
    return [lv[:, c:c + width] for lv in levels for c in range(0, lv.shape[1] - width + 1, stride)]
