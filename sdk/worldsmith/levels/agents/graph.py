"""A grid's move graph and its breadth-first searches, shared by the Lode Runner and Zelda agents.

Cell ``(r, c)`` of an ``(h, w)`` grid is node ``r * w + c``; its moves are listed in the order
the agent's rules give them, and a search visits them in that order (a FIFO queue, each cell's
parent the first cell that reaches it), so its paths are those of a plain Python breadth-first
search over the same moves (``tests/levels/test_grid_graph.py`` holds that search as the oracle).
The graphs are built and searched in C (``_gridgraph.c``), without the GIL.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np

from worldsmith.levels.agents import _gridgraph

Cell = tuple[int, int]
Path = list[Cell]


class Grid:
    """The moves of every cell of an ``(h, w)`` grid, as CSR arrays: cell ``i``'s moves are
    ``targets[offsets[i]:offsets[i + 1]]``.

    >>> line = Grid.from_moves((1, 5), lambda r, c: [(r, c + d) for d in (-1, 1) if 0 <= c + d < 5])
    >>> sorted(line.reach((0, 2))), line.tour((0, 2), {(0, 0), (0, 4)})
    ([(0, 0), (0, 1), (0, 2), (0, 3), (0, 4)], [(0, 2), (0, 1), (0, 0), (0, 1), (0, 2), (0, 3), (0, 4)])
    """

    def __init__(self, shape: tuple[int, int], offsets: np.ndarray, targets: np.ndarray):
        self.shape = shape
        self.offsets, self.targets = offsets, targets

    @classmethod
    def built(cls, tiles: np.ndarray, most: int, build, *rules) -> "Grid":
        """The graph a C builder of ``_gridgraph`` writes for ``tiles`` under its ``rules``
        (``build(tiles, *rules, offsets, targets)``, at most ``most`` moves a cell)."""
        tiles = np.ascontiguousarray(tiles, np.uint8)
        offsets, targets = np.empty(tiles.size + 1, np.int32), np.empty(tiles.size * most, np.int32)
        build(tiles, *rules, offsets, targets)
        return cls(tiles.shape, offsets, targets)

    @classmethod
    def from_moves(cls, shape: tuple[int, int], moves) -> "Grid":
        """The graph of ``moves(r, c) -> cells`` over every cell (for small or hand-made rules)."""
        lists = [[r * shape[1] + c for r, c in moves(r0, c0)] for r0 in range(shape[0]) for c0 in range(shape[1])]
        offsets = np.zeros(len(lists) + 1, np.int32)
        np.cumsum([len(m) for m in lists], out=offsets[1:])
        return cls(shape, offsets, np.array([t for m in lists for t in m], np.int32))

    def _node(self, cell: Cell) -> int:
        h, w = self.shape
        r, c = int(cell[0]), int(cell[1])
        if not (0 <= r < h and 0 <= c < w):
            raise ValueError(f"cell {cell} is outside the {h}x{w} grid")
        return r * w + c

    def _cells(self, nodes: Iterable[int]) -> list[Cell]:
        return [divmod(int(i), self.shape[1]) for i in nodes]

    def moves(self, cell: Cell) -> list[Cell]:
        """The cells one move from ``cell``, in the rules' order."""
        i = self._node(cell)
        return self._cells(self.targets[self.offsets[i]:self.offsets[i + 1]])

    def edges(self) -> tuple[np.ndarray, np.ndarray]:
        """Every move as ``(from_nodes, to_nodes)``, cell by cell in row-major order."""
        return np.repeat(np.arange(len(self.offsets) - 1), np.diff(self.offsets)), self.targets[:self.offsets[-1]]

    def reached(self, start: Cell) -> np.ndarray:
        """A boolean ``(h, w)`` mask of the cells reached from ``start``."""
        parent = np.empty(len(self.offsets) - 1, np.int32)
        _gridgraph.reach(self.offsets, self.targets, self._node(start), parent)
        return (parent >= 0).reshape(self.shape)

    def reach(self, start: Cell) -> set[Cell]:
        """Every cell reached from ``start`` (``start`` too)."""
        return set(self._cells(np.flatnonzero(self.reached(start))))

    def tour(self, start: Cell, targets: Iterable[Cell], two_way: bool = False) -> Path | None:
        """Visit every target: next the nearest one (breadth-first) from which every target left
        stays in reach (moves can be one-way: falls, digs); ``None`` if no such order is found
        greedily. ``two_way``: every move can be walked back, so a target in reach keeps every
        other in reach (the same tour, without a search from each candidate to check it)."""
        goals = np.array([self._node(t) for t in targets], np.int32)
        nodes = _gridgraph.tour(self.offsets, self.targets, self._node(start), goals, two_way)
        return None if nodes is None else self._cells(nodes)


def heaviest_chains(parts_from: np.ndarray, parts_to: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each part's heaviest chain onward in a DAG of parts (the strongly connected parts of a
    graph, joined by its moves ``parts_from[i] -> parts_to[i]``; moves within a part are
    ignored): ``value[p] = weight[p] + max(value[q] for the next parts q)`` (0 if none) and
    ``next[p]`` that ``q`` (the highest-numbered of equal values; -1 if none).

    >>> value, nxt = heaviest_chains(np.array([0, 0, 1, 2]), np.array([1, 2, 3, 3]), np.array([1.0, 5.0, 5.0, 2.0]))
    >>> value.tolist(), nxt.tolist()
    ([8.0, 7.0, 7.0, 2.0], [2, 3, 3, -1])
    """
    value, nxt = np.empty(len(weight)), np.empty(len(weight), np.int32)
    _gridgraph.chains(np.ascontiguousarray(parts_from, np.int32), np.ascontiguousarray(parts_to, np.int32),
                      np.ascontiguousarray(weight, np.float64), value, nxt)
    return value, nxt
