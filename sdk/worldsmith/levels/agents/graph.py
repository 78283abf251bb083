"""Breadth-first search over grid cells, shared by the Lode Runner and Zelda agents."""
from __future__ import annotations

from collections import deque
from typing import Callable, Iterable

Cell = tuple[int, int]
Path = list[Cell]
Neighbours = Callable[[int, int], Iterable[Cell]]  # the cells one move leads to from (row, col)


def bfs(start: Cell, moves: Neighbours, goals: set[Cell] | None = None) -> tuple[dict, Cell | None]:
    """Breadth-first search; stops at the first cell in ``goals`` (parents, goal reached)."""
    parent = {start: None}
    queue = deque([start])
    while queue:
        cell = queue.popleft()
        if goals and cell in goals:
            return parent, cell
        for nxt in moves(*cell):
            if nxt not in parent:
                parent[nxt] = cell
                queue.append(nxt)
    return parent, None


def remembered(moves: Neighbours) -> Neighbours:
    """``moves`` with each cell's moves listed once and looked up after (a tour searches the same
    cells again and again).

    >>> calls = []
    >>> def line(r, c):
    ...     calls.append((r, c))
    ...     return [(r, c + 1)] if c < 3 else []
    >>> m = remembered(line)
    >>> list(m(0, 0)), list(m(0, 0)), len(calls)
    ([(0, 1)], [(0, 1)], 1)
    """
    table: dict[Cell, list[Cell]] = {}

    def lookup(r: int, c: int) -> list[Cell]:
        found = table.get((r, c))
        if found is None:
            found = table[(r, c)] = list(moves(r, c))
        return found

    return lookup


def trace(parent: dict, cell: Cell) -> Path:
    """The path from the search's start to ``cell``, read back through ``parent`` (see :func:`bfs`)."""
    path = []
    while cell is not None:
        path.append(cell)
        cell = parent[cell]
    return path[::-1]


def tour(start: Cell, targets: set[Cell], moves: Neighbours, two_way: bool = False) -> Path | None:
    """Visit every target: next the nearest one from which every target left stays in reach
    (moves can be one-way: falls, digs); ``None`` if no such order is found greedily.
    ``two_way``: every move can be walked back, so a target in reach keeps every other in reach
    (the same tour, without a search from each candidate to check it).

    >>> line = lambda r, c: [(r, c + d) for d in (-1, 1) if 0 <= c + d < 5]
    >>> tour((0, 2), {(0, 0), (0, 4)}, line) == tour((0, 2), {(0, 0), (0, 4)}, line, two_way=True)
    True
    """
    searched: dict[Cell, dict] = {}                     # cell -> its search's parents (moves don't change)

    def reach(cell: Cell) -> dict:
        if cell not in searched:
            searched[cell] = bfs(cell, moves)[0]
        return searched[cell]

    path, here, left = [start], start, set(targets) - {start}
    while left:
        parent = reach(here)
        goal = next((cell for cell in parent if cell in left and
                     (two_way or left - {cell} <= reach(cell).keys())), None)  # BFS order: nearest first
        if goal is None:
            return None
        path += trace(parent, goal)[1:]
        here = goal
        left.discard(goal)
    return path
