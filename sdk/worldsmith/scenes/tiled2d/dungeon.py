"""``scenes/dungeon-v1`` and ``-v2``: a Zelda-like dungeon built as Dormans' missions and spaces.

A lock-and-key mission is laid out as a tree of rooms on a grid (:mod:`worldsmith.scenes.tiled2d.mission`);
each room comes from ``levels/zelda-v1`` with doors exactly where the layout needs them (16
wide and 11 tall, as the game shows them); doorways are opened through the outer walls, locked
doors drawn shut, and keys, monsters, the entrance and the goal chest are placed on floor the
room's doors reach. Every dungeon is proved solvable by :func:`worldsmith.scenes.tiled2d.solver.prove`
before it is returned, and carries the mission graph and the solver's walk.

``scenes/dungeon-v2`` is the same dungeon with a ``sprites/lpc-v3`` hero: sheet ``hero`` walks 9
frames per direction (down, left, right, up; frame 0 standing), and ``hero_slash`` and
``hero_hurt`` come with it (see :func:`worldsmith.scenes.tiled2d.sprites2d.hero_sheets`). The v1 id keeps
its ``sprites/lpc-v2`` hero, so its seeds give the same dungeons as before.

>>> import worldsmith as ws
>>> d = ws.make("scenes/dungeon-v1", rooms=4, keys=1, hero="procedural")(seed=2)
>>> d.layers()
['rooms', 'doors', 'locks', 'keys', 'goal', 'monsters', 'spawn']
>>> d.solution[-1]["room"] == d.mission["nodes"][-1]["room"]
True
>>> v2 = ws.make("scenes/dungeon-v2", rooms=4, keys=1)(seed=2)
>>> v2.meta.extra["hero"], sorted(v2.meta.extra["hero_sheets"]), v2.layer("spawn")[0].frame
('sprites/lpc-v3', ['hero', 'hero_hurt', 'hero_slash'], 0)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

import worldsmith as ws
from worldsmith.core.config import Config, param
from worldsmith.core.errors import ConfigError
from worldsmith.core.generator import Generator
from worldsmith.core.seeding import child_seed, rng
from worldsmith.levels.agents import reachable
from worldsmith.scenes.tiled2d.mission import Plan, layout, min_rooms
from worldsmith.scenes.tiled2d.solver import prove, solve
from worldsmith.scenes.tiled2d.sprites2d import (
    BODIES,
    HERO,
    HERO_V3,
    check_hero,
    creature,
    hero_param,
    hero_sheet_info,
    hero_sheets,
    items,
    pick_hero,
)
from worldsmith.scenes.tiled2d.tiles2d import TILE, dungeon_tileset
from worldsmith.types.level import TileLevel
from worldsmith.types.scene import Scene2D, SceneObject

ROOM_H, ROOM_W = 11, 16  # a room as the game shows it (and levels/zelda-v1 makes it)
ROOM_TRIES = 4
MIN_FLOOR = 8  # open floor cells a room needs for the hero, a key and the goal chest
LAYERS = ["rooms", "doors", "locks", "keys", "goal", "monsters", "spawn"]  # drawn in this order
#: zelda-v1 tile character -> our tile name ("" = no tile)
TILE_OF = {"F": "floor", "B": "block", "M": "floor", "P": "water", "O": "water floor", "I": "water block",
           "D": "doorway", "S": "stairs", "W": "wall", "-": ""}
#: (inner line, outer line) of each side: doorways on the inner line are carried through the outer
EDGE = {"N": (np.s_[1, :], np.s_[0, :]), "S": (np.s_[-2, :], np.s_[-1, :]),
        "W": (np.s_[:, 1], np.s_[:, 0]), "E": (np.s_[:, -2], np.s_[:, -1])}


@dataclass(frozen=True)
class DungeonConfig(Config):
    """Config of ``scenes/dungeon-v1``."""

    rooms: int = param(12, lo=2, hi=40, help="rooms in the dungeon")
    keys: int = param(2, lo=0, hi=12, help="lock-and-key pairs (at most (rooms - 1) // 2)")
    loops: float = param(0.25, lo=0.0, hi=1.0, help="chance of an extra door between rooms of one segment")
    monster_kinds: int = param(3, lo=1, hi=3, help="distinct procedural monster species")
    hero: str = hero_param(HERO)
    hero_source: ClassVar[str] = HERO  # the generator hero="lpc" needs

    def check(self) -> None:
        if self.rooms < min_rooms(self.keys):
            raise ConfigError("keys", f"at most {(self.rooms - 1) // 2} keys for {self.rooms} rooms "
                                      "(each key needs a room of its own before its lock)", self.keys)
        check_hero(self.hero, self.hero_source)


class DungeonGenerator(Generator):
    """Lock-and-key dungeons of ``levels/zelda-v1`` rooms, proved solvable."""

    id = "scenes/dungeon-v1"
    Config = DungeonConfig
    asset_type = Scene2D
    test_config = {"rooms": 3, "keys": 1, "hero": "procedural"}

    def _generate(self, seeds):
        return [self._one(s) for s in seeds]

    def _one(self, seed: int) -> Scene2D:
        cfg = self.config
        r = rng(child_seed(seed, 0))
        plan = layout(cfg.rooms, cfg.keys, cfg.loops, r)
        proof = prove(plan)
        if not proof.ok:  # the layout guarantees this; the solver proves it for every dungeon
            raise AssertionError(f"dungeon seed {seed}: {'; '.join(proof.errors)}")
        rooms = [self._room(plan, i, child_seed(seed, 100 + i)) for i in range(len(plan.rooms))]
        tileset = dungeon_tileset()
        tiles, doors = _compose(plan, rooms, tileset)
        heroes, hero_meta = self._hero(child_seed(seed, 2))
        art = items()
        species = [creature(r, BODIES[(k + 1) % 3]) for k in range(cfg.monster_kinds)]
        sprites = {**heroes, "key": art["key"], "chest": art["chest"],
                   **{f"monster{k}": s for k, s in enumerate(species)}}
        objects = _objects(plan, rooms, doors, r, cfg.monster_kinds)
        return Scene2D(kind="dungeon", tiles=tiles, tileset=tileset.images, tile_names=tileset.names,
                       tile_solid=tileset.solid, objects=objects, object_layers=LAYERS, sprites=sprites,
                       mission=plan.mission(), solution=solve(plan) or [],
                       meta=self.meta(seed, extra={**hero_meta, "solver_states": proof.states}))

    def _hero(self, seed: int) -> tuple[dict[str, np.ndarray], dict]:
        """The hero's sheets (v1: ``hero``, 4 walk frames per direction; the spawn shows frame 0,
        facing down) and what ``meta.extra`` says of them (v1: their source)."""
        hero, source = pick_hero(self.config.hero, seed)
        return {"hero": hero.reshape(16, 64, 64, 4)}, {"hero": source}

    def _room(self, plan: Plan, i: int, seed: int) -> TileLevel:
        """A ``levels/zelda-v1`` room with doors on the sides the plan links."""
        doors = "".join(sorted(plan.sides(i)))
        gen = ws.make("levels/zelda-v1", doors=doors, ladder=False)  # a dungeon is walked, no items
        for k in range(ROOM_TRIES):
            room = gen(seed=child_seed(seed, k))
            if room.path and room.meta.extra.get("playable") and len(_open_floor(room)) >= MIN_FLOOR:
                return room
        raise ConfigError("rooms", f"rooms the zelda model can make with doors {doors!r}", self.config.rooms)


@dataclass(frozen=True)
class DungeonV2Config(DungeonConfig):
    """Config of ``scenes/dungeon-v2``: v1's, with a ``sprites/lpc-v3`` hero."""

    hero: str = hero_param(HERO_V3, " (walk, slash, hurt)")
    hero_source: ClassVar[str] = HERO_V3


class DungeonV2Generator(DungeonGenerator):
    """``scenes/dungeon-v2``: the v1 dungeon with a ``sprites/lpc-v3`` hero (walk, slash, hurt)."""

    id = "scenes/dungeon-v2"
    Config = DungeonV2Config
    test_config = {"rooms": 3, "keys": 1}

    def _hero(self, seed: int) -> tuple[dict[str, np.ndarray], dict]:
        sheets, source = hero_sheets(self.config.hero, seed)
        return sheets, {"hero": source, "hero_sheets": hero_sheet_info(sheets)}


def _origin(plan: Plan, i: int) -> tuple[int, int]:
    """Top-left tile (row, col) of room ``i`` in the map."""
    x, y = plan.rooms[i].cell
    return y * ROOM_H, x * ROOM_W


def _compose(plan: Plan, rooms: list[TileLevel], tileset) -> tuple[np.ndarray, list[list[tuple[int, int]]]]:
    """The map's gids (locked doors drawn shut) and each door's doorway cells (map row, col)."""
    w, h = plan.grid
    chars = rooms[0].vocab.chars
    table = np.array([tileset.gid(TILE_OF[c]) if TILE_OF[c] else 0 for c in chars], np.uint16)
    doorway = tileset.gid("doorway")
    tiles = np.zeros((h * ROOM_H, w * ROOM_W), np.uint16)
    for i, room in enumerate(rooms):
        grid = table[room.tiles]
        for side in plan.sides(i):
            inner, outer = EDGE[side]
            grid[outer][grid[inner] == doorway] = doorway
        r0, c0 = _origin(plan, i)
        tiles[r0:r0 + ROOM_H, c0:c0 + ROOM_W] = grid
    cells = [_door_cells(plan, tiles, d.a, d.b, doorway) + _door_cells(plan, tiles, d.b, d.a, doorway)
             for d in plan.doors]
    for d, door in zip(plan.doors, cells):
        if d.lock >= 0:
            tiles[tuple(np.array(door).T)] = tileset.gid("locked door")
    return tiles, cells


def _door_cells(plan: Plan, tiles: np.ndarray, room: int, other: int, doorway: int) -> list[tuple[int, int]]:
    """Doorway cells of ``room`` on its side facing ``other`` (inner and outer lines)."""
    r0, c0 = _origin(plan, room)
    view = tiles[r0:r0 + ROOM_H, c0:c0 + ROOM_W]
    cells = []
    for line in EDGE[plan.side(room, other)]:
        mask = np.zeros(view.shape, bool)
        mask[line] = True
        rows, cols = np.nonzero(mask & (view == doorway))
        cells += [(int(a) + r0, int(b) + c0) for a, b in zip(rows, cols)]
    return cells


def _open_floor(room: TileLevel) -> list[tuple[int, int]]:
    """Floor cells (row, col) the room's doors reach, in row order."""
    door = tuple(int(v) for v in np.argwhere(room.tiles == room.vocab.id("D"))[0])
    floor = room.vocab.id("F")
    reached = reachable(room.tiles, "zelda", door, ladder=False)
    return sorted(cell for cell in reached if room.tiles[cell] == floor)


def _floor(room: TileLevel, r: np.random.Generator, taken: set) -> tuple[int, int]:
    """A free floor cell the room's doors reach, near the middle of the room."""
    cells = [cell for cell in _open_floor(room) if cell not in taken]
    centre = np.array([ROOM_H / 2, ROOM_W / 2])
    cost = [float(np.abs(np.array(cell) - centre).sum() + 3 * r.random()) for cell in cells]
    return cells[int(np.argmin(cost))]


def _place(plan: Plan, i: int, cell: tuple[int, int], size: int = TILE) -> tuple[int, int]:
    """Pixel (x, bottom y) of an object ``size`` wide standing on ``cell`` of room ``i``."""
    r0, c0 = _origin(plan, i)
    return (c0 + cell[1]) * TILE + (TILE - size) // 2, (r0 + cell[0] + 1) * TILE


def _door_object(plan: Plan, index: int, cells: list[tuple[int, int]]) -> SceneObject:
    """The rectangle over a door's doorway cells, on layer ``locks`` or ``doors``."""
    d = plan.doors[index]
    (r0, c0), (r1, c1) = np.min(cells, 0), np.max(cells, 0)
    props = {"rooms": f"{d.a},{d.b}", "locked": d.lock >= 0}
    layer, name, kind = "doors", f"door {index + 1}", "door"
    if d.lock >= 0:
        props["key"] = f"key {d.lock + 1}"
        layer, name, kind = "locks", f"lock {d.lock + 1}", "locked_door"
    return SceneObject(layer, name, kind, int(c0) * TILE, (int(r1) + 1) * TILE, (int(c1 - c0) + 1) * TILE,
                       (int(r1 - r0) + 1) * TILE, properties=props)


def _objects(plan: Plan, rooms: list[TileLevel], doors: list[list[tuple[int, int]]], r: np.random.Generator,
             kinds: int) -> list[SceneObject]:
    out = [SceneObject("rooms", f"room {room.id}", room.role, _origin(plan, room.id)[1] * TILE,
                       (_origin(plan, room.id)[0] + ROOM_H) * TILE, ROOM_W * TILE, ROOM_H * TILE,
                       properties={"room": room.id, "segment": room.segment, "doors": plan.sides(room.id)})
           for room in plan.rooms]
    taken: dict[int, set] = {i: set() for i in range(len(rooms))}

    def put(layer: str, name: str, kind: str, i: int, sprite: str, size: int, **props) -> None:
        cell = _floor(rooms[i], r, taken[i])
        taken[i].add(cell)
        x, y = _place(plan, i, cell, size)
        out.append(SceneObject(layer, name, kind, x, y, size, size, sprite, properties=props))

    put("spawn", "hero", "spawn", plan.entrance, "hero", 2 * TILE, room=plan.entrance)
    put("goal", "treasure", "goal", plan.goal, "chest", TILE, room=plan.goal)
    for room in plan.rooms:
        if room.key >= 0:
            put("keys", f"key {room.key + 1}", "key", room.id, "key", TILE, opens=f"lock {room.key + 1}",
                room=room.id)
    out += [_door_object(plan, i, cells) for i, cells in enumerate(doors)]
    monsters = [(i, cell) for i, room in enumerate(rooms)
                for cell in map(tuple, np.argwhere(room.tiles == room.vocab.id("M")).tolist())]
    for n, (i, cell) in enumerate(monsters):
        k = int(r.integers(kinds))
        x, y = _place(plan, i, cell)
        out.append(SceneObject("monsters", f"monster {n + 1}", "monster", x, y, TILE, TILE, f"monster{k}",
                               properties={"species": k, "room": i}))
    return out
