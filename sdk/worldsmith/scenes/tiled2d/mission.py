"""Dormans-style missions and spaces: a lock-and-key mission laid out as a tree of rooms on a grid.

The mission is a chain of *segments* separated by locked doors: segment 0 starts at the
entrance, segment ``i`` lies behind lock ``i`` and the goal ends the last one. Key ``i`` (which
opens lock ``i + 1``'s door, counting locks from 1) waits at the end of a side branch grown from
a segment before its lock, so it is always found before the door it opens. The space grows as a
tree on the room grid (main chain first, then key branches, then filler rooms), and optional
loops join neighbouring rooms of the same segment (a loop never crosses a lock).

>>> import numpy as np
>>> p = layout(8, 2, 0.5, np.random.default_rng(0))
>>> len(p.rooms), p.keys, sorted({r.role for r in p.rooms})
(8, 2, ['entrance', 'goal', 'key', 'room'])
>>> [d.lock for d in p.doors if d.lock >= 0]
[0, 1]
>>> Plan.from_mission(p.mission()).mission() == p.mission()
True
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from worldsmith.core.errors import ConfigError

SIDES = {"N": (0, -1), "S": (0, 1), "W": (-1, 0), "E": (1, 0)}
TRIES = 50


@dataclass
class Room:
    """A room at grid ``cell`` (x, y) in lock ``segment``; ``role`` is entrance, goal, key or room;
    ``key`` is the index of the key kept here (-1 for none)."""

    id: int
    cell: tuple[int, int]
    segment: int
    role: str = "room"
    key: int = -1


@dataclass
class Door:
    """A doorway between rooms ``a`` and ``b``; ``lock`` is the key index it needs (-1: open)."""

    a: int
    b: int
    lock: int = -1


@dataclass
class Plan:
    """Rooms, doors and the number of keys of one dungeon."""

    rooms: list[Room]
    doors: list[Door]
    keys: int
    grid: tuple[int, int] = (0, 0)
    parents: dict[int, int] = field(default_factory=dict)

    @classmethod
    def from_mission(cls, mission: dict[str, Any]) -> "Plan":
        """The plan back from :meth:`mission` output (e.g. a dungeon scene's ``mission``)."""
        rooms = [Room(r["id"], tuple(r["cell"]), r["segment"], r["role"], r["key"]) for r in mission["rooms"]]
        doors = [Door(*d["rooms"], d["lock"]) for d in mission["doors"]]
        keys = sum(n["kind"] == "key" for n in mission["nodes"])
        return cls(rooms, doors, keys, tuple(mission["grid"]))

    @property
    def entrance(self) -> int:
        """Id of the entrance room."""
        return next(r.id for r in self.rooms if r.role == "entrance")

    @property
    def goal(self) -> int:
        """Id of the goal room."""
        return next(r.id for r in self.rooms if r.role == "goal")

    def side(self, room: int, other: int) -> str:
        """The side of ``room`` (N, E, S, W) facing its neighbour ``other``."""
        (x, y), (u, v) = self.rooms[room].cell, self.rooms[other].cell
        return next(s for s, d in SIDES.items() if d == (u - x, v - y))

    def sides(self, room: int) -> str:
        """The sides of ``room`` with a door, in NESW order."""
        found = {self.side(room, d.b if d.a == room else d.a) for d in self.doors if room in (d.a, d.b)}
        return "".join(s for s in "NESW" if s in found)

    def mission(self) -> dict[str, Any]:
        """The mission graph (entrance, keys, locks, goal; path and unlock edges) and the space."""
        nodes = [{"id": "entrance", "kind": "entrance", "room": self.entrance}]
        edges = []
        starts = ["entrance"] + [f"lock {i + 1}" for i in range(self.keys)]
        for room in self.rooms:
            if room.key >= 0:
                nodes.append({"id": f"key {room.key + 1}", "kind": "key", "room": room.id})
                edges.append({"from": starts[room.segment], "to": f"key {room.key + 1}", "kind": "path"})
        for d in self.doors:
            if d.lock >= 0:
                name = f"lock {d.lock + 1}"
                nodes.append({"id": name, "kind": "lock", "rooms": [d.a, d.b]})
                edges.append({"from": starts[d.lock], "to": name, "kind": "path"})
                edges.append({"from": f"key {d.lock + 1}", "to": name, "kind": "unlocks"})
        nodes.append({"id": "goal", "kind": "goal", "room": self.goal})
        edges.append({"from": starts[-1], "to": "goal", "kind": "path"})
        rooms = [{"id": r.id, "cell": list(r.cell), "segment": r.segment, "role": r.role, "key": r.key,
                  "doors": self.sides(r.id)} for r in self.rooms]
        doors = [{"rooms": [d.a, d.b], "lock": d.lock} for d in self.doors]
        return {"nodes": nodes, "edges": edges, "rooms": rooms, "doors": doors, "grid": list(self.grid)}


def min_rooms(keys: int) -> int:
    """Fewest rooms for ``keys`` locks: one room per segment plus one per key (and 2 at least)."""
    return max(2, 2 * keys + 1)


def _budget(n: int, keys: int, r: np.random.Generator) -> tuple[list[int], list[int], int]:
    """Rooms per main segment, per key branch, and filler rooms."""
    main, branch, filler = [1] * (keys + 1), [1] * keys, 0
    main[0] += keys == 0  # the goal needs a room of its own
    for _ in range(n - min_rooms(keys)):
        pick = r.random()
        if pick < 0.45:
            main[int(r.integers(len(main)))] += 1
        elif pick < 0.75 and keys:
            branch[int(r.integers(keys))] += 1
        else:
            filler += 1
    return main, branch, filler


class _Grower:
    """Places rooms one by one on free grid cells next to their parent."""

    def __init__(self, w: int, h: int, r: np.random.Generator):
        self.w, self.h, self.r = w, h, r
        self.rooms: list[Room] = []
        self.parents: dict[int, int] = {}
        self.taken: set[tuple[int, int]] = set()

    def free(self, cell: tuple[int, int]) -> list[tuple[int, int]]:
        x, y = cell
        out = [(x + dx, y + dy) for dx, dy in SIDES.values()]
        return [c for c in out if 0 <= c[0] < self.w and 0 <= c[1] < self.h and c not in self.taken]

    def add(self, cell: tuple[int, int], segment: int, parent: int | None) -> int:
        room = Room(len(self.rooms), cell, segment)
        self.rooms.append(room)
        self.taken.add(cell)
        if parent is not None:
            self.parents[room.id] = parent
        return room.id

    def grow(self, parent: int, segment: int) -> int | None:
        """A new room beside ``parent`` (None if ``parent`` is boxed in)."""
        options = self.free(self.rooms[parent].cell)
        if not options:
            return None
        weights = np.array([len(self.free(c)) + 0.5 for c in options])  # keep room to grow on
        pick = int(self.r.choice(len(options), p=weights / weights.sum()))
        return self.add(options[pick], segment, parent)

    def grow_from(self, candidates: list[int], segment: int) -> int | None:
        """A new room beside any of ``candidates`` (tried in random order)."""
        for i in self.r.permutation(len(candidates)):
            new = self.grow(candidates[int(i)], segment)
            if new is not None:
                return new
        return None


def _try_layout(n: int, keys: int, w: int, h: int, r: np.random.Generator) -> Plan | None:
    main, branch, filler = _budget(n, keys, r)
    g = _Grower(w, h, r)
    here = g.add((int(r.integers(w)), int(r.integers(h))), 0, None)
    segments: list[list[int]] = []
    locks: list[tuple[int, int]] = []
    for s, length in enumerate(main):
        members = []
        for i in range(length):
            prev = here
            here = g.grow(here, s) if (s or i) else here
            if here is None:
                return None
            if s and not i:
                locks.append((prev, here))
            members.append(here)
        segments.append(members)
    g.rooms[segments[0][0]].role, g.rooms[here].role = "entrance", "goal"
    for k, length in enumerate(branch):
        first = k if r.random() < 0.7 else int(r.integers(k + 1))  # key k lies before lock k
        for s in [first, *r.permutation(k + 1).tolist()]:
            tip = g.grow_from([m for m in segments[s] if g.rooms[m].role != "goal"], s)
            for _ in range(length - 1):
                tip = g.grow(tip, s) if tip is not None else None
            if tip is not None:
                break
        if tip is None:
            return None
        g.rooms[tip].role, g.rooms[tip].key = "key", k
        segments[s].append(tip)
    for _ in range(filler):
        for s in r.permutation(len(segments)).tolist():
            new = g.grow_from([m for m in segments[s] if g.rooms[m].role not in ("goal", "key")], s)
            if new is not None:
                segments[s].append(new)
                break
        else:
            return None
    doors = [Door(p, c, locks.index((p, c)) if (p, c) in locks else -1) for c, p in sorted(g.parents.items())]
    return Plan(g.rooms, doors, keys, _crop(g.rooms), dict(g.parents))


def _crop(rooms: list[Room]) -> tuple[int, int]:
    """Shift the rooms to the grid's top-left corner; the (width, height) they span."""
    xs, ys = [r.cell[0] for r in rooms], [r.cell[1] for r in rooms]
    for room in rooms:
        room.cell = (room.cell[0] - min(xs), room.cell[1] - min(ys))
    return max(xs) - min(xs) + 1, max(ys) - min(ys) + 1


def _add_loops(plan: Plan, chance: float, r: np.random.Generator) -> None:
    """Open doors between grid neighbours of the same segment with probability ``chance``."""
    at = {room.cell: room for room in plan.rooms}
    linked = {frozenset((d.a, d.b)) for d in plan.doors}
    for room in plan.rooms:
        for dx, dy in ((1, 0), (0, 1)):
            other = at.get((room.cell[0] + dx, room.cell[1] + dy))
            if (other is not None and other.segment == room.segment
                    and frozenset((room.id, other.id)) not in linked and r.random() < chance):
                plan.doors.append(Door(room.id, other.id))


def layout(rooms: int, keys: int, loops: float, r: np.random.Generator) -> Plan:
    """A plan of ``rooms`` rooms with ``keys`` lock-and-key pairs, grown on a grid about three
    times their area and cropped to the rooms."""
    if rooms < min_rooms(keys):
        raise ConfigError("keys", f"at most {(rooms - 1) // 2} keys for {rooms} rooms "
                                  "(each key needs its own room before its lock)", keys)
    side = max(2, math.ceil(math.sqrt(3 * rooms)))
    for _ in range(TRIES):
        plan = _try_layout(rooms, keys, side + 1, side, r)
        if plan is not None:
            _add_loops(plan, loops, r)
            return plan
    raise ConfigError("rooms", f"a room count that fits a {side + 1}x{side} grid", rooms)
