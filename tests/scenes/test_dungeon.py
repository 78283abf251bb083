"""scenes/dungeon-v1: lock-and-key missions laid out on a room grid, proved solvable by the
solver, walkable at tile level, exported as Tiled maps both readers load."""
from __future__ import annotations

import json

import numpy as np
import pytest

import worldsmith as ws
from worldsmith.cli import main
from worldsmith.core.errors import ConfigError
from worldsmith.scenes.tiled2d.checks import cell_of, dungeon_problems, load_tiled
from worldsmith.scenes.tiled2d.mission import Plan, layout
from worldsmith.scenes.tiled2d.solver import prove, solve

SEEDS = range(10)


@pytest.fixture(scope="module")
def dungeons():
    gen = ws.make("scenes/dungeon-v1", rooms=8, keys=2, hero="procedural")
    return [gen(seed=s) for s in SEEDS]


def test_every_dungeon_is_solved_and_walkable(dungeons):
    for d in dungeons:
        assert dungeon_problems(d) == [], d.meta.seed


def test_solution_picks_each_key_before_opening_its_lock(dungeons):
    for d in dungeons:
        plan = Plan.from_mission(d.mission)
        steps = d.solution
        assert steps[0]["room"] == plan.entrance and steps[-1]["room"] == plan.goal
        picked = [i for i, s in enumerate(steps) if s["key"] >= 0]
        opened = [i for i, s in enumerate(steps) if s["unlock"] >= 0]
        assert len(opened) == plan.keys == 2
        for i in opened:
            key = steps[i]["unlock"]
            assert any(steps[j]["key"] == key for j in picked if j < i)
        for a, b in zip(steps, steps[1:]):  # every step goes through a door of the plan
            assert {a["room"], b["room"]} in [{x.a, x.b} for x in plan.doors]


def test_mission_graph_has_lock_and_key_structure(dungeons):
    m = dungeons[0].mission
    kinds = [n["kind"] for n in m["nodes"]]
    assert kinds.count("entrance") == kinds.count("goal") == 1 and kinds.count("key") == kinds.count("lock") == 2
    unlocks = {(e["from"], e["to"]) for e in m["edges"] if e["kind"] == "unlocks"}
    assert unlocks == {("key 1", "lock 1"), ("key 2", "lock 2")}
    assert len(m["rooms"]) == 8


def test_objects_match_the_mission(dungeons):
    for d in dungeons:
        plan = Plan.from_mission(d.mission)
        assert [o.properties["opens"] for o in d.layer("keys")] == ["lock 1", "lock 2"]
        assert len(d.layer("locks")) == 2 and len(d.layer("rooms")) == len(plan.rooms)
        assert d.layer("spawn")[0].properties["room"] == plan.entrance
        solid = d.solid_mask()
        for o in d.layer("keys") + d.layer("goal") + d.layer("monsters") + d.layer("spawn"):
            assert not solid[cell_of(o)], o.name
        for o in d.layer("locks"):
            r0, c0 = o.y // 16 - o.height // 16, o.x // 16
            names = {d.tile_names[t - 1] for t in d.tiles[r0:o.y // 16, c0:c0 + o.width // 16].ravel()}
            assert names == {"locked door"}


def test_prover_catches_a_key_behind_its_own_lock():
    plan = layout(8, 1, 0.0, np.random.default_rng(3))
    assert prove(plan).ok
    goal = plan.goal
    key_room = next(r for r in plan.rooms if r.key == 0)
    key_room.key, key_room.role = -1, "room"
    plan.rooms[goal].key = 0  # the key now waits behind the lock it opens
    proof = prove(plan)
    assert not proof.ok and any("not reachable before lock 1" in e for e in proof.errors)
    assert solve(plan) is None


def test_tmx_and_tmj_load_in_both_tiled_readers(dungeons, tmp_path):
    d = dungeons[1]
    a = load_tiled(d.export(tmp_path / "dungeon.tmx")[0])
    b = load_tiled(d.export(tmp_path / "dungeon.tmj")[0])
    assert a["pytmx_objects"] == a["pytiled_objects"] == b["pytiled_objects"] == len(d.objects)
    assert a["pytmx_layers"] == b["pytiled_layers"] == 1 + len(d.layers())
    assert a["pytmx_sprite_images"] == a["pytmx_sprites"] > 0


def test_json_round_trips_and_carries_the_solution(dungeons, tmp_path):
    path = dungeons[2].export(tmp_path / "dungeon.json")[0]
    assert ws.load(path) == dungeons[2]
    data = json.loads(path.read_text())
    assert data["solution"] == dungeons[2].solution and data["mission"]["rooms"]


def test_rooms_use_the_nes_orientation_and_tile_the_map(dungeons):
    d = dungeons[3]
    w, h = d.mission["grid"]
    assert d.shape == (h * 11, w * 16)
    for o in d.layer("rooms"):
        assert (o.width, o.height) == (256, 176)


def test_bad_config_is_one_clear_error(capsys):
    with pytest.raises(ConfigError, match="keys: expected at most 2 keys for 6 rooms"):
        ws.make("scenes/dungeon-v1", rooms=6, keys=3)
    assert main(["generate", "scenes/dungeon-v1", "--seed", "1", "--set", "rooms=4", "--set", "keys=2",
                 "--out", "x.tmx"]) == 2
    err = capsys.readouterr().err
    assert "keys" in err and len(err.strip().splitlines()) == 1
