"""scenes/terrain-v1's glb in a real Godot 3.2: coloured terrain, prop names as island.json has
them, one shared mesh per prop variant, a StaticBody from the ``-colonly`` collision node, and the
.raw heightmap read with File.get_16 (Godot's own PNG loader cuts 16-bit PNGs to 8 bits)."""
from __future__ import annotations

import io
import json

import numpy as np
import pytest
from PIL import Image

import worldsmith as ws
from tests.godot.harness import GodotProject
from worldsmith.scenes.terrain.glb import collision_rows, used_variants

# Headless Godot (godot3-server) never finishes the editor's material previews, so an import
# that writes .material files beside the glb (the default) never quits; materials kept inside
# the imported scene import the same and let it quit.
BUILTIN_MATERIALS = '[remap]\n\nimporter="scene"\n\n[params]\n\nmaterials/storage=0\n'

CHECK = """extends SceneTree

func _init():
    var root = load("res://island.glb").instance()
    var island = root.get_node("island")
    var f = File.new()
    f.open("res://island.json", File.READ)
    var data = parse_json(f.get_as_text())
    f.close()
    var mat = island.get_node("terrain").mesh.surface_get_material(0)
    var img = mat.albedo_texture.get_data()
    img.lock()
    var sum = Color(0, 0, 0)
    for y in img.get_height():
        for x in img.get_width():
            var c = img.get_pixel(x, y)
            sum = Color(sum.r + c.r, sum.g + c.g, sum.b + c.b)
    img.unlock()
    var px = img.get_width() * img.get_height()
    print("CHECK terrain_texture %d %d" % [img.get_width(), img.get_height()])
    print("CHECK terrain_mean %.4f %.4f %.4f" % [sum.r / px, sum.g / px, sum.b / px])
    print("CHECK terrain_albedo_color %s" % mat.albedo_color.to_html())
    var props_mat = null
    var wrong = 0
    var meshes = {}
    for p in data["props"]:
        var node = root.get_node_or_null(p["path"])
        if node == null or node.name != p["node"] or not node is MeshInstance:
            wrong += 1
            continue
        meshes[node.mesh.get_instance_id()] = true
        props_mat = node.mesh.surface_get_material(0)
    var instances = 0
    for group in island.get_node("props").get_children():
        instances += group.get_child_count()
    print("CHECK props_json %d" % data["props"].size())
    print("CHECK props_wrong %d" % wrong)
    print("CHECK prop_instances %d" % instances)
    print("CHECK prop_meshes %d" % meshes.size())
    print("CHECK props_texture %d" % props_mat.albedo_texture.get_width())
    var water = island.get_node("water").mesh.surface_get_material(0)
    print("CHECK water %s %s" % [water.albedo_color.to_html(), water.flags_transparent])
    var body = island.get_node(data["collision"]["godot_static_body"])
    var shape = body.get_child(0)
    print("CHECK collision %s %s %s %d" % [body.get_class(), shape.get_class(), shape.shape.get_class(),
                                           shape.shape.get_faces().size() / 3])
    var raw = File.new()
    raw.open("res://island.raw", File.READ)
    print("CHECK raw_bytes %d" % raw.get_len())
    raw.seek(2 * (65 * 32 + 10))
    print("CHECK raw_row32_col10 %d" % raw.get_16())
    raw.close()
    var names = []
    for child in island.get_children():
        names.append(child.name + ":" + child.get_class())
    print("CHECK children %s" % PoolStringArray(names).join(","))
    quit(0)
"""


@pytest.fixture(scope="module")
def island():
    return ws.make("scenes/terrain-v1", size=64)(seed=4)


def test_godot_imports_a_coloured_island_with_named_props_and_collision(island, tmp_path):
    project = GodotProject(tmp_path / "proj")
    island.export(project.root / "island.glb")
    island.export(project.root / "island.json")
    raw = np.frombuffer(island.export(project.root / "island.raw")[0].read_bytes(), "<u2").reshape(65, 65)
    (project.root / "island.glb.import").write_text(BUILTIN_MATERIALS)
    project.import_assets()
    checks = project.run(CHECK, timeout=60)

    assert checks["terrain_texture"] == "64 64"
    mean = np.array(checks["terrain_mean"].split(), float)
    data = island.export(fmt="glb")
    tree = json.loads(data[20:20 + int.from_bytes(data[12:16], "little")])
    view = tree["bufferViews"][tree["images"][0]["bufferView"]]
    start = 28 + int.from_bytes(data[12:16], "little") + view["byteOffset"]
    texture = np.asarray(Image.open(io.BytesIO(data[start:start + view["byteLength"]])), float) / 255
    assert np.allclose(mean, texture.reshape(-1, 3).mean(0), atol=2e-3)     # Godot shows our texture
    assert mean.max() < 0.8 and mean.max() - mean.min() > 0.05              # coloured, not white
    assert checks["terrain_albedo_color"] == "ffffffff"                      # texture times white

    assert checks["props_wrong"] == "0" and checks["props_json"] == str(len(island.props))
    assert checks["prop_instances"] == str(len(island.props))
    assert checks["prop_meshes"] == str(len(used_variants(island)))          # instanced, not copied
    assert int(checks["props_texture"]) >= 4
    colour, transparent = checks["water"].split()
    assert colour == "aa286eaa" and transparent == "True"                     # ARGB: blended sea blue
    body, shape, kind, faces = checks["collision"].split()
    step_cells = len(collision_rows(island)) - 1
    assert (body, shape, kind, int(faces)) == ("StaticBody", "CollisionShape", "ConcavePolygonShape",
                                               2 * step_cells ** 2)
    assert checks["raw_bytes"] == str(65 * 65 * 2) and checks["raw_row32_col10"] == str(raw[32, 10])
    assert checks["children"] == ("terrain:MeshInstance,water:MeshInstance,terrain_collision:StaticBody,"
                                  "props:Spatial")
