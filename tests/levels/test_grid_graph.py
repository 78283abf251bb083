"""The C move graphs and searches of the Lode Runner and Zelda agents against the plain Python
rules and breadth-first search they replaced (kept here as the oracle): the same moves in the same
order, the same cells reached, the same tours, on hundreds of random grids."""
from __future__ import annotations

from collections import deque

import numpy as np
import pytest

from worldsmith.levels.agents import _gridgraph
from worldsmith.levels.agents.graph import Grid, heaviest_chains
from worldsmith.levels.agents.loderunner import loderunner_moves
from worldsmith.levels.agents.zelda import WALKABLE, zelda_moves
from worldsmith.types.tiles import LODERUNNER, ZELDA


def lr_oracle(tiles):
    """Lode Runner's moves as the Python agent listed them."""
    h, w = tiles.shape
    solid = LODERUNNER.solid_mask()[tiles].tolist()
    ladder, rope, brick = LODERUNNER.id("#"), LODERUNNER.id("-"), LODERUNNER.id("b")
    t = tiles.tolist()

    def moves(r, c):
        held = t[r][c] in (ladder, rope)
        below = r + 1 < h and (solid[r + 1][c] or t[r + 1][c] == ladder)
        if not (held or below or r == h - 1):
            yield r + 1, c
            return
        in_hole = t[r][c] == brick
        for dc in (-1, 1):
            if not 0 <= c + dc < w:
                continue
            side = t[r][c + dc]
            if not solid[r][c + dc]:
                yield r, c + dc
            dug = in_hole and r > 0 and side == brick and not solid[r - 1][c + dc] \
                and t[r - 1][c + dc] not in (ladder, rope)
            if (not solid[r][c + dc] or dug) and side not in (ladder, rope) and r + 1 < h and \
                    t[r + 1][c + dc] == brick:
                yield r + 1, c + dc
        if t[r][c] == ladder and r > 0 and not solid[r - 1][c]:
            yield r - 1, c
        if r + 1 < h and not solid[r + 1][c]:
            yield r + 1, c

    return moves


def zelda_oracle(tiles, ladder):
    """Zelda's moves as the Python agent listed them."""
    h, w = tiles.shape
    walk = np.isin(tiles, ZELDA.ids(WALKABLE)).tolist()
    water = (tiles == ZELDA.id("P")).tolist()

    def inside(r, c):
        return 0 <= r < h and 0 <= c < w

    def moves(r, c):
        for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1)):
            r2, c2 = r + dr, c + dc
            if not inside(r2, c2):
                continue
            if walk[r2][c2]:
                yield r2, c2
            elif ladder and water[r2][c2] and inside(r2 + dr, c2 + dc) and walk[r2 + dr][c2 + dc]:
                yield r2 + dr, c2 + dc

    return moves


def bfs(start, moves):
    """The parents of a breadth-first search (dict order: the order reached)."""
    parent, queue = {start: None}, deque([start])
    while queue:
        cell = queue.popleft()
        for nxt in moves(*cell):
            if nxt not in parent:
                parent[nxt] = cell
                queue.append(nxt)
    return parent


def tour(start, targets, moves, two_way=False):
    """The Python tour: next the nearest target from which every target left stays in reach."""
    searched = {}

    def reach(cell):
        if cell not in searched:
            searched[cell] = bfs(cell, moves)
        return searched[cell]

    path, here, left = [start], start, set(targets) - {start}
    while left:
        parent = reach(here)
        goal = next((cell for cell in parent if cell in left and
                     (two_way or left - {cell} <= reach(cell).keys())), None)
        if goal is None:
            return None
        trail, cell = [], goal
        while cell is not None:
            trail.append(cell)
            cell = parent[cell]
        path += trail[::-1][1:]
        here = goal
        left.discard(goal)
    return path


def grids(rng, count):
    """Random Lode Runner and Zelda grids of every shape from 1x1, as (game, tiles, graph, oracle)."""
    for _ in range(count):
        shape = (int(rng.integers(1, 12)), int(rng.integers(1, 14)))
        lr = rng.choice(LODERUNNER.ids(".....bbbB#-G"), size=shape).astype(np.uint8)
        yield "loderunner", lr, loderunner_moves(lr), lr_oracle(lr)
        ladder = bool(rng.integers(2))
        z = rng.choice(ZELDA.ids("FFFWWPPD"), size=shape).astype(np.uint8)
        yield "zelda", z, zelda_moves(z, ladder), zelda_oracle(z, ladder)


def test_moves_are_the_python_rules_in_order():
    for _, tiles, graph, oracle in grids(np.random.default_rng(0), 300):
        for r, c in np.ndindex(tiles.shape):
            assert graph.moves((r, c)) == list(oracle(r, c)), (tiles.tolist(), r, c)


def test_reach_and_tours_are_the_python_searches():
    rng = np.random.default_rng(1)
    found = 0
    for game, tiles, graph, oracle in grids(rng, 300):
        cells = list(np.ndindex(tiles.shape))
        start = cells[int(rng.integers(len(cells)))]
        reached = list(bfs(start, oracle))
        assert graph.reach(start) == set(reached)
        assert graph.reached(start).sum() == len(reached)
        pool = reached if rng.integers(2) else cells            # half the tours can be walked
        targets = {pool[int(i)] for i in rng.integers(len(pool), size=int(rng.integers(0, 5)))}
        for two_way in (False, True):
            want = tour(start, targets, oracle, two_way)
            assert graph.tour(start, targets, two_way) == want, (game, tiles.tolist(), start, targets)
            found += want is not None and len(targets) > 1
    assert found > 100                                     # tours through several targets are compared


def test_edges_list_every_move_cell_by_cell():
    tiles = np.random.default_rng(2).choice(LODERUNNER.ids("..bB#-"), size=(6, 7)).astype(np.uint8)
    graph, oracle = loderunner_moves(tiles), lr_oracle(tiles)
    src, dst = graph.edges()
    want = [(r * 7 + c, nr * 7 + nc) for r, c in np.ndindex(6, 7) for nr, nc in oracle(r, c)]
    assert list(zip(src.tolist(), dst.tolist())) == want


def test_from_moves_builds_the_same_graph():
    tiles = np.random.default_rng(3).choice(ZELDA.ids("FFWP"), size=(5, 6)).astype(np.uint8)
    built = Grid.from_moves(tiles.shape, zelda_oracle(tiles, True))
    native = zelda_moves(tiles)
    assert np.array_equal(built.offsets, native.offsets)
    assert np.array_equal(built.targets[:built.offsets[-1]], native.targets[:native.offsets[-1]])


def chains_oracle(parts_from, parts_to, weight):
    """The Python heaviest chains (Lode Runner's placement before the C kernel)."""
    nexts = [set() for _ in weight]
    for a, b in zip(parts_from, parts_to):
        if a != b:
            nexts[a].add(b)
    best = {}
    for p in range(len(weight)):
        stack = [p]
        while stack:
            q = stack[-1]
            todo = [n for n in nexts[q] if n not in best]
            if todo:
                stack += todo
                continue
            stack.pop()
            if q not in best:
                tail = max(((best[n][0], n) for n in nexts[q]), default=(0.0, -1))
                best[q] = (weight[q] + tail[0], tail[1])
    return [best[p][0] for p in range(len(weight))], [best[p][1] for p in range(len(weight))]


def test_heaviest_chains_are_the_python_chains():
    """Random DAGs (edges along a random order of the parts, repeats and self moves kept), small
    whole weights so that equal chains are common and the tie rule is compared."""
    rng = np.random.default_rng(4)
    for _ in range(300):
        n = int(rng.integers(1, 40))
        rank = rng.permutation(n)
        pairs = rng.integers(n, size=(int(rng.integers(0, 3 * n)), 2))
        pairs = np.where((rank[pairs[:, :1]] <= rank[pairs[:, 1:]]), pairs, pairs[:, ::-1])
        weight = rng.integers(0, 3, size=n).astype(float)
        value, nxt = heaviest_chains(pairs[:, 0], pairs[:, 1], weight)
        want_value, want_next = chains_oracle(pairs[:, 0].tolist(), pairs[:, 1].tolist(), weight)
        assert value.tolist() == want_value and nxt.tolist() == want_next


def test_bad_input_is_refused_by_name():
    with pytest.raises(ValueError, match="loderunner: expected tile ids below"):
        loderunner_moves(np.full((2, 2), 200, np.uint8))
    walk, offsets = b"\x01" * 16, np.zeros(5, np.int32)
    with pytest.raises(ValueError, match="zelda: expected uint8 tiles"):
        _gridgraph.zelda(np.zeros(4, np.uint8), walk, 0, True, offsets, np.zeros(16, np.int32))
    with pytest.raises(ValueError, match="zelda: expected targets"):
        _gridgraph.zelda(np.zeros((2, 2), np.uint8), walk, 0, True, offsets, np.zeros(3, np.int32))
    graph = zelda_moves(np.zeros((2, 2), np.uint8))
    with pytest.raises(ValueError, match="outside the 2x2 grid"):
        graph.reach((2, 0))
    with pytest.raises(ValueError, match="tour: expected a graph"):
        _gridgraph.tour(graph.offsets, np.full(16, 9, np.int32), 0, np.zeros(1, np.int32), False)
    with pytest.raises(ValueError, match="chains: expected parts below 2"):
        heaviest_chains(np.array([0]), np.array([2]), np.zeros(2))
    with pytest.raises(ValueError, match="reach: expected a start cell below 4"):
        _gridgraph.reach(graph.offsets, graph.targets, 4, np.zeros(4, np.int32))
