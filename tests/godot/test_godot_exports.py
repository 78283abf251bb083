"""The Godot 3 exports (``.tres`` sprite frames, ``.tscn`` levels and 2D scenes) loaded by a real
headless Godot 3: animations, tiles, collision shapes and nodes as the assets have them, no
collider made of helper data, and a body dropped at a level's start lands on a solid tile."""
from __future__ import annotations

import json

import pytest

import worldsmith as ws
from tests.godot.harness import GodotProject
from worldsmith.levels.export import BLANK
from worldsmith.types.tiles import vocab

SPRITES = {"hero": ("sprites/lpc-v3", {"animations": ["walk", "hurt"]}, 1),
           "full": ("sprites/lpc-v3", {}, 1), "crowd": ("sprites/lpc-v2", {}, 2)}
MAPS = {"smb": ("levels/smb-v1", {}), "lr": ("levels/loderunner-v1", {}),
        "plat": ("scenes/platformer-v2", {"width": 64}), "dun": ("scenes/dungeon-v2", {})}

SUMMARY = """extends SceneTree

func names(nodes):
    var out = PoolStringArray()
    for n in nodes:
        out.append(n.name)
    return out.join("|")

func bodies(node):
    var n = 1 if node is CollisionObject2D else 0
    for c in node.get_children():
        n += bodies(c)
    return n

func sprite_frames(stem):
    var sf = load("res://%s.tres" % stem)
    var out = PoolStringArray()
    for a in sf.get_animation_names():
        var r = sf.get_frame(a, 0).region
        out.append("%s:%d:%s:%d:%d,%d" % [a, sf.get_frame_count(a), sf.get_animation_loop(a),
                                         round(sf.get_animation_speed(a) * 1000), r.position.x, r.position.y])
    print("CHECK %s.animations %s" % [stem, out.join(" ")])
    print("CHECK %s.sheet %s" % [stem, sf.get_frame(sf.get_animation_names()[0], 0).atlas.get_size()])

func tile_map(stem):
    var scene = load("res://%s.tscn" % stem).instance()
    var tm = scene.get_node("tiles")
    var ts = tm.tile_set
    var tiles = PoolStringArray()
    for i in ts.get_tiles_ids():
        tiles.append("%d:%s:%d" % [i, ts.tile_get_name(i), ts.tile_get_shape_count(i)])
    print("CHECK %s.tiles %s" % [stem, tiles.join("|")])
    print("CHECK %s.used %d" % [stem, tm.get_used_cells().size()])
    print("CHECK %s.children %s" % [stem, names(scene.get_children())])
    print("CHECK %s.bodies %d" % [stem, bodies(scene)])
    for c in scene.get_children():
        print("CHECK %s.count.%s %d" % [stem, c.name, c.get_child_count()])
        if c is Position2D:
            print("CHECK %s.at.%s %d,%d" % [stem, c.name, c.position.x, c.position.y])
    return scene

func _init():
    for stem in ["hero", "full", "crowd"]:
        sprite_frames(stem)
    for stem in ["smb", "lr"]:
        tile_map(stem)
    var plat = tile_map("plat")
    for bg in plat.get_node("background").get_children():
        print("CHECK plat.bg.%s %s %s" % [bg.name, bg.motion_scale, bg.motion_mirroring])
    var post = plat.get_node("checkpoints").get_child(0)
    print("CHECK plat.checkpoint %s %s %s" % [post.name, post.get_meta("beat"), post.get_meta("order")])
    var dun = tile_map("dun")
    var room = dun.get_node("rooms").get_child(0)
    print("CHECK dun.room %s %s %s" % [room.name, room.get_meta("type"), room.get_meta("width")])
    quit(0)
"""

PHYSICS = """extends SceneTree

var drops = []
var frames = 0

func add_scene(stem, offset):
    var scene = load("res://%s.tscn" % stem).instance()
    scene.position = offset
    root.add_child(scene)
    return scene

func drop(stem, scene, centre):
    var shape = CollisionShape2D.new()
    shape.shape = RectangleShape2D.new()
    shape.shape.extents = Vector2(6, 7)
    var body = KinematicBody2D.new()
    body.add_child(shape)
    body.position = centre
    scene.add_child(body)
    drops.append({"stem": stem, "scene": scene, "body": body, "velocity": Vector2()})

func _initialize():
    var smb = add_scene("smb", Vector2())
    drop("smb", smb, smb.get_node("start").position)
    var plat = add_scene("plat", Vector2(0, 4096))
    var hero = plat.get_node("spawn").get_child(0)
    var size = hero.region_rect.size * hero.scale
    drop("plat", plat, hero.position + Vector2(size.x / 2, size.y - 8))

func _iteration(delta):
    for d in drops:
        d["velocity"].y += 980 * delta
        d["velocity"] = d["body"].move_and_slide(d["velocity"], Vector2.UP)
    frames += 1
    if frames == 60:
        for d in drops:
            var tm = d["scene"].get_node("tiles")
            var bottom = d["body"].position + Vector2(0, 7)
            var cell = tm.world_to_map(bottom + Vector2(0, 1))
            var tile = tm.get_cellv(cell)
            var solid = tile >= 0 and tm.tile_set.tile_get_shape_count(tile) == 1
            print("CHECK %s.floor %s %s %s" % [d["stem"], d["body"].is_on_floor(), solid, bottom.y - cell.y * 16])
        quit(0)
    return false
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """Every asset exported into one Godot project (one folder), imported once; and the assets."""
    proj = GodotProject(tmp_path_factory.mktemp("godot") / "proj")
    assets = {}
    for stem, (gid, config, n) in SPRITES.items():
        assets[stem] = ws.make(gid, **config)(seed=3, n=n)
        assets[stem].export(proj.root / f"{stem}.tres")
    for stem, (gid, config) in MAPS.items():
        assets[stem] = ws.make(gid, **config)(seed=5)
        assets[stem].export(proj.root / f"{stem}.tscn")
    proj.import_assets()
    return proj, assets


@pytest.fixture(scope="module")
def summary(project):
    return project[0].run(SUMMARY)


def _atlas(asset, tmp_path) -> dict:
    asset.export(tmp_path / "atlas.png")
    return json.loads((tmp_path / "atlas.json").read_text())


@pytest.mark.parametrize("stem", SPRITES)
def test_sprite_frames_have_the_atlas_animations(stem, project, summary, tmp_path):
    proj, assets = project
    atlas = _atlas(assets[stem], tmp_path)
    assert (tmp_path / "atlas.png").read_bytes() == (proj.root / f"{stem}.png").read_bytes()  # the same sheet
    frames = list(atlas["frames"].values())
    expected = []
    for tag in sorted(atlas["meta"]["frameTags"], key=lambda t: t["name"]):
        first = frames[tag["from"]]
        loop = "False" if "repeat" in tag else "True"
        expected.append(f"{tag['name']}:{tag['to'] - tag['from'] + 1}:{loop}:{round(1e6 / first['duration'])}:"
                        f"{first['frame']['x']},{first['frame']['y']}")
    assert summary[f"{stem}.animations"].split() == expected
    assert summary[f"{stem}.sheet"] == f"({atlas['meta']['size']['w']}, {atlas['meta']['size']['h']})"


def test_character_animations_are_the_tags_asked_for(summary):
    animations = {a.split(":")[0]: a.split(":")[2] for a in summary["hero.animations"].split()}
    assert sorted(animations) == sorted(["hurt", *(f"walk_{d}" for d in ("up", "left", "down", "right"))])
    assert animations.pop("hurt") == "False" and set(animations.values()) == {"True"}  # hurt plays once
    assert len(summary["full.animations"].split()) == 21
    assert {a.split(":")[0][:4] for a in summary["crowd.animations"].split()} == {"000_", "001_"}


def _tiles(asset) -> tuple[list[str], list[bool], int]:
    """Tile names, solid flags and the count of cells that hold a tile."""
    if hasattr(asset, "tile_solid"):
        return asset.tile_names, asset.tile_solid, int((asset.tiles > 0).sum())
    v = vocab(asset.game)
    return list(v.names), v.solid_mask().tolist(), int((asset.tiles != v.id(BLANK[asset.game])).sum())


@pytest.mark.parametrize("stem", MAPS)
def test_tile_maps_have_every_tile_and_shapes_on_the_solid_ones(stem, project, summary):
    names, solid, used = _tiles(project[1][stem])
    assert summary[f"{stem}.tiles"].split("|") == [f"{i}:{n}:{int(s)}" for i, (n, s) in enumerate(zip(names, solid))]
    assert int(summary[f"{stem}.used"]) == used > 0
    assert summary[f"{stem}.bodies"] == "0"  # path, rooms, doors and checkpoints are no colliders


@pytest.mark.parametrize("stem", ["smb", "lr"])
def test_levels_have_path_start_and_goal(stem, project, summary):
    level = project[1][stem]
    assert summary[f"{stem}.children"] == "tiles|path|start|goal"
    (r0, c0), (r1, c1) = level.path[0], level.path[-1]
    assert summary[f"{stem}.at.start"] == f"{c0 * 16 + 8},{r0 * 16 + 8}"
    assert summary[f"{stem}.at.goal"] == f"{c1 * 16 + 8},{r1 * 16 + 8}"


@pytest.mark.parametrize("stem", ["plat", "dun"])
def test_scenes_have_a_node_per_object_layer(stem, project, summary):
    scene = project[1][stem]
    head = ["background"] if scene.backgrounds else []
    assert summary[f"{stem}.children"].split("|") == [*head, "tiles", *scene.layers()]
    for layer in scene.layers():
        assert int(summary[f"{stem}.count.{layer}"]) == len(scene.layer(layer)), layer
    assert {"spawn", "goal"} <= set(scene.layers())


def test_scene_backgrounds_and_markers(project, summary):
    plat, dun = project[1]["plat"], project[1]["dun"]
    for bg in plat.backgrounds:
        assert summary[f"plat.bg.{bg.name}"] == f"({bg.parallax:g}, 1) ({bg.image.shape[1]}, 0)"
    post = plat.layer("checkpoints")[0]
    assert summary["plat.checkpoint"] == f"{post.name} {post.properties['beat']} {post.properties['order']}"
    room = dun.layer("rooms")[0]
    assert summary["dun.room"] == f"{room.name} {room.type} {room.width}"


def test_a_body_dropped_at_the_start_lands_on_a_solid_tile(project):
    checks = project[0].run(PHYSICS)
    for stem in ("smb", "plat"):
        on_floor, solid, gap = checks[f"{stem}.floor"].split()
        assert on_floor == "True" and solid == "True", checks
        assert abs(float(gap)) <= 1, checks


@pytest.mark.parametrize("stem", list(SPRITES) + list(MAPS))
def test_exports_are_byte_deterministic(stem, project, tmp_path):
    proj, assets = project
    ext = "tres" if stem in SPRITES else "tscn"
    assets[stem].export(tmp_path / f"{stem}.{ext}")
    for path in sorted(tmp_path.iterdir()):
        assert path.name.startswith(stem)  # side files are named after the map, so maps share a folder
        assert path.read_bytes() == (proj.root / path.name).read_bytes(), path.name
