"""A solver over (room, keys held) that proves a lock-and-key dungeon plan solvable.

The hero walks through open doors, picks up a key on entering its room and passes a locked door
once holding its key (keys are not used up). :func:`solve` finds the shortest walk from the
entrance to the goal; :func:`prove` also checks that no reachable state is a dead end and that
every key is reachable without the key of its own lock (so it comes before its lock on every
path) and is needed to reach the goal.

>>> import numpy as np
>>> from worldsmith.scenes.tiled2d.mission import layout
>>> plan = layout(6, 2, 0.3, np.random.default_rng(1))
>>> prove(plan).ok, solve(plan)[0]["room"] == plan.entrance
(True, True)
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from worldsmith.scenes.tiled2d.mission import Plan

State = tuple[int, int]  # (room, bit mask of keys held)


def _graph(plan: Plan, banned: int = -1) -> tuple[dict[int, list[tuple[int, int]]], dict[int, int]]:
    """Door lists per room ((neighbour, lock)) and the key bit of each key room; key ``banned``
    is left out of the dungeon."""
    doors: dict[int, list[tuple[int, int]]] = {r.id: [] for r in plan.rooms}
    for d in plan.doors:
        doors[d.a].append((d.b, d.lock))
        doors[d.b].append((d.a, d.lock))
    keys = {r.id: 1 << r.key for r in plan.rooms if r.key >= 0 and r.key != banned}
    return doors, keys


def _search(plan: Plan, banned: int = -1) -> dict[State, State | None]:
    """Every state reachable from the entrance, with its BFS parent."""
    doors, keys = _graph(plan, banned)
    start = (plan.entrance, keys.get(plan.entrance, 0))
    parent: dict[State, State | None] = {start: None}
    queue = deque([start])
    while queue:
        room, held = queue.popleft()
        for nxt, lock in doors[room]:
            if lock >= 0 and not held >> lock & 1:
                continue
            state = (nxt, held | keys.get(nxt, 0))
            if state not in parent:
                parent[state] = (room, held)
                queue.append(state)
    return parent


def solve(plan: Plan) -> list[dict[str, Any]] | None:
    """The shortest walk to the goal: one step per room entered, naming keys picked up and locks
    opened; ``None`` if the goal cannot be reached."""
    parent = _search(plan)
    ends = [s for s in parent if s[0] == plan.goal]
    if not ends:
        return None
    walk, state = [], min(ends, key=lambda s: _depth(parent, s))
    while state is not None:
        walk.append(state)
        state = parent[state]
    walk.reverse()
    locks = {frozenset((d.a, d.b)): d.lock for d in plan.doors}
    steps = []
    for i, (room, held) in enumerate(walk):
        before = walk[i - 1][1] if i else 0
        gained = [k for k in range(plan.keys) if (held & ~before) >> k & 1]
        lock = locks.get(frozenset((walk[i - 1][0], room)), -1) if i else -1
        steps.append({"room": room, "key": gained[0] if gained else -1, "unlock": lock})
    return steps


def _depth(parent: dict[State, State | None], state: State) -> int:
    n = 0
    while parent[state] is not None:
        state, n = parent[state], n + 1  # type: ignore[assignment]
    return n


@dataclass
class Proof:
    """What :func:`prove` found; ``ok`` when every check passed."""

    states: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the dungeon is solvable with every key before its lock."""
        return not self.errors


def prove(plan: Plan) -> Proof:
    """Check solvability, no dead ends, and that each key comes before (and is needed by) its lock."""
    parent = _search(plan)
    proof = Proof(states=len(parent))
    doors, keys = _graph(plan)
    if not any(s[0] == plan.goal for s in parent):
        proof.errors.append("the goal cannot be reached")
    live = {s for s in parent if s[0] == plan.goal}
    frontier = list(live)
    while frontier:  # states that can still reach the goal: walk edges backwards
        s = frontier.pop()
        for prev in _predecessors(s, parent, doors, keys):
            if prev not in live:
                live.add(prev)
                frontier.append(prev)
    dead = len(parent) - len(live)
    if dead:
        proof.errors.append(f"{dead} reachable states cannot reach the goal")
    for k in range(plan.keys):
        without = _search(plan, banned=k)
        key_room = next(r.id for r in plan.rooms if r.key == k)
        if not any(s[0] == key_room for s in _search_without_lock(plan, k)):
            proof.errors.append(f"key {k + 1} is not reachable before lock {k + 1}")
        if any(s[0] == plan.goal for s in without):
            proof.errors.append(f"lock {k + 1} can be bypassed")
    return proof


def _predecessors(state: State, parent: dict[State, State | None],
                  doors: dict[int, list[tuple[int, int]]], keys: dict[int, int]) -> list[State]:
    """Reachable states with a move into ``state``."""
    room, held = state
    out = []
    for prev_room, lock in doors[room]:
        for prev_held in {held, held & ~keys.get(room, 0)}:
            prev = (prev_room, prev_held)
            if prev in parent and (lock < 0 or prev_held >> lock & 1):
                out.append(prev)
    return out


def _search_without_lock(plan: Plan, lock: int) -> dict[State, State | None]:
    """Reachable states when the door of ``lock`` stays shut whatever the hero holds."""
    shut = Plan(plan.rooms, [d for d in plan.doors if d.lock != lock], plan.keys, plan.grid)
    return _search(shut)
