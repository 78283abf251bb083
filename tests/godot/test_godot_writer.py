"""``export/godot.py`` without Godot: values written as Godot 3's VariantWriter writes them, node
names made valid and unique, documents laid out in Godot's section order, the same bytes every
time, and bad input refused with a message naming it."""
from __future__ import annotations

import math
import re

import numpy as np
import pytest

import worldsmith as ws
from worldsmith.export.godot import (
    Color,
    Document,
    PoolIntArray,
    PoolVector2Array,
    Rect2,
    Ref,
    Transform2D,
    Vector2,
    node_name,
    sprite_frames,
    tile_data,
    tile_set,
    value,
)


@pytest.mark.parametrize("v,text", [
    (True, "true"), (False, "false"), (None, "null"), (3, "3"), (np.int64(-7), "-7"), (2.0, "2.0"), (0.25, "0.25"),
    (1e-7, "1e-07"), (np.float32(0.5), "0.5"), ("a", '"a"'), ('q"\\\n\t', r'"q\"\\\n\t"'), ("héllo", '"héllo"'),
    (Vector2(16, 8.5), "Vector2( 16, 8.5 )"), (Rect2(0, 0, 64, 64), "Rect2( 0, 0, 64, 64 )"),
    (Color(1, 0.5, 0), "Color( 1, 0.5, 0, 1 )"), (Transform2D(ox=8), "Transform2D( 1, 0, 0, 1, 8, 0 )"),
    (PoolIntArray([]), "PoolIntArray(  )"), (PoolIntArray(np.array([1, 65536])), "PoolIntArray( 1, 65536 )"),
    (PoolVector2Array([(8, 8), (24.5, 8)]), "PoolVector2Array( 8, 8, 24.5, 8 )"),
    ([], "[  ]"), ([1, "a", [True]], '[ 1, "a", [ true ] ]'), ({}, "{\n}"),
    ({"b": 1, "a": Ref("ExtResource", 2)}, '{\n"a": ExtResource( 2 ),\n"b": 1\n}'),
])
def test_values_are_written_as_godot_writes_them(v, text):
    assert value(v) == text


@pytest.mark.parametrize("bad,message", [
    (math.nan, "not finite"), (Vector2(math.inf, 0), "not finite"), (Vector2(True, 0), "expected an int or a float"),
    ({1: 2}, "keys must be strings"), (object(), "cannot write object"), ({1, 2}, "cannot write set"),
])
def test_values_godot_cannot_read_are_refused(bad, message):
    with pytest.raises((TypeError, ValueError), match=message):
        value(bad)


def test_node_names_are_valid_and_unique_among_siblings():
    doc = Document()
    assert doc.node("level 1.5", "Node2D", None) == "."
    layer = doc.node("rooms", "Node2D")
    assert [doc.node(n, "Position2D", layer) for n in ("door", "door", "a/b:c@d", "")] == \
        ["rooms/door", "rooms/door 2", "rooms/a_b_c_d", "rooms/node"]
    assert doc.node("door", "Node2D") == "door"                           # another parent: no clash
    text = doc.text()
    assert '[node name="level 1_5" type="Node2D"]' in text
    assert '[node name="door 2" type="Position2D" parent="rooms"]' in text
    assert node_name(' "x%" ') == "_x__"


def test_a_scene_has_exactly_one_root():
    with pytest.raises(ValueError, match="first node and only it is the root"):
        Document().node("a", "Node2D")
    doc = Document()
    doc.node("root", "Node2D", None)
    with pytest.raises(ValueError, match="root"):
        doc.node("again", "Node2D", None)


def test_documents_count_load_steps_and_share_external_resources():
    doc = Document("TileSet")
    assert doc.ext("a.png", "Texture") == doc.ext("a.png", "Texture") == Ref("ExtResource", 1)
    assert doc.ext("b.png", "Texture").id == 2
    assert doc.sub("RectangleShape2D", {"extents": Vector2(8, 8)}).id == 1
    text = doc.text()
    assert text.startswith('[gd_resource type="TileSet" load_steps=4 format=2]\n\n[ext_resource path="a.png"')
    assert text.endswith("[resource]\n") and text.count("[ext_resource") == 2
    assert Document().text() == "[gd_scene format=2]\n"
    with pytest.raises(ValueError, match="a scene has nodes"):
        Document(resource={"a": 1}).text()


def test_tile_data_packs_row_column_id_and_autotile_coordinate():
    cells = -np.ones((3, 70000 // 1000), int)
    cells[2, 5], cells[0, 69] = 4, 0
    assert tile_data(cells).values == [69, 0, 0, (2 << 16) | 5, 4, 0]
    with pytest.raises(ValueError, match="32767"):
        tile_data(np.zeros((1, 40000), int))


def test_tile_set_puts_one_shape_on_each_solid_tile_and_cuts_regions_by_columns():
    text = tile_set("t.png", 2, ["a", "b", "c"], [True, False, True])
    shapes = dict(re.findall(r"^(\d+)/shapes = (\[  \]|\[ \{)", text, re.M))
    assert shapes == {"0": "[ {", "1": "[  ]", "2": "[ {"}
    assert "2/region = Rect2( 0, 16, 16, 16 )" in text and text.count('[sub_resource type="ConvexPolygonShape2D"') == 1
    with pytest.raises(ValueError, match="3 names but 2 solid flags"):
        tile_set("t.png", 2, ["a", "b", "c"], [True, False])


def _atlas(direction: str = "forward", **tag) -> dict:
    frames = {f"f{i}": {"frame": {"x": 8 * i, "y": 0, "w": 8, "h": 8}, "duration": d} for i, d in enumerate([100, 300])}
    return {"frames": frames, "meta": {"frameTags": [{"name": "t", "from": 0, "to": 1, "direction": direction, **tag}]}}


def test_sprite_frames_speed_is_the_mean_frame_rate_and_repeat_stops_the_loop():
    text = sprite_frames(_atlas(), "s.png")
    assert '"speed": 5.0' in text and '"loop": true' in text and "region = Rect2( 8, 0, 8, 8 )" in text
    assert '"loop": false' in sprite_frames(_atlas(repeat="1"), "s.png")
    assert '"loop": true' in sprite_frames(_atlas(repeat="0"), "s.png")
    with pytest.raises(ValueError, match="'t': direction 'pingpong'"):
        sprite_frames(_atlas("pingpong"), "s.png")


@pytest.mark.parametrize("gid,config,ext", [("levels/loderunner-v1", {}, "tscn"), ("scenes/dungeon-v2", {}, "tscn"),
                                            ("sprites/lpc-v3", {"animations": ["hurt"]}, "tres")])
def test_exports_are_the_same_bytes_every_time_and_hold_no_bodies(gid, config, ext):
    first = ws.make(gid, **config)(seed=4).export(fmt=ext)
    assert first == ws.make(gid, **config)(seed=4).export(fmt=ext)
    text = first.decode()
    assert text.startswith(("[gd_scene load_steps=", "[gd_resource type=\"SpriteFrames\" load_steps="))
    assert not re.search(r"Body2D|Area2D|CollisionShape2D|CollisionPolygon2D", text)


@pytest.mark.parametrize("gid", ["levels/smb-v1", "scenes/platformer-v2"])
def test_scenes_name_their_side_files_after_themselves_by_relative_path(gid, tmp_path):
    files = ws.make(gid)(seed=4).export(tmp_path / "w1.tscn")
    names = [f.name for f in files]
    assert names[:3] == ["w1.tscn", "w1-tileset.tres", "w1-tiles.png"] and all(n.startswith("w1") for n in names)
    paths = re.findall(r'\[ext_resource path="([^"]+)"', files[0].read_text() + files[1].read_text())
    assert set(paths) <= set(names) and "w1-tiles.png" in paths
