"""scenes/terrain-v1: the generated island, its glTF (Khronos validator), runtime helpers."""
from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
import trimesh
from PIL import Image
from scipy import ndimage
from scipy.spatial.distance import pdist

import worldsmith as ws
from tests.conftest import node_available
from worldsmith.cli import main
from worldsmith.core.errors import ConfigError
from worldsmith.scenes.terrain import biomes as B
from worldsmith.scenes.terrain.props import CATALOGUE, spacing
from worldsmith.types.mesh import grid_faces, grid_positions, vertex_normals

VALIDATOR = Path(__file__).with_name("validate_gltf.js")


@pytest.fixture(scope="module")
def island():
    return ws.make("scenes/terrain-v1", size=64)(seed=4)


def _validate(paths: list[Path]) -> list[dict]:
    out = subprocess.run(["node", str(VALIDATOR), *map(str, paths)], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def test_island_has_sea_beach_land_and_props(island):
    counts = np.bincount(island.biomes.ravel(), minlength=len(B.BIOMES))
    assert counts[B.DEEP] and counts[B.BEACH] and counts[B.GRASS] + counts[B.FOREST]
    edge = np.concatenate([island.biomes[0], island.biomes[-1], island.biomes[:, 0], island.biomes[:, -1]])
    assert (edge <= B.SHALLOW).all()                       # an island: water all round
    assert island.heightmap.dtype == np.float32 and len(island.props) > 20
    assert (island.spawns[:, 1] > island.sea_level).all()


def test_props_follow_the_rules(island):
    p, n = island.props, island.heightmap.shape[0]
    assert pdist(p.position[:, [0, 2]]).min() >= spacing(island.world_size) - 1e-3   # not on each other
    rc = np.clip(np.rint((p.position[:, [2, 0]] / island.world_size + 0.5) * (n - 1)).astype(int), 0, n - 1)
    biome = island.biomes[rc[:, 0], rc[:, 1]]
    assert (biome > B.SHALLOW).all()                        # nothing in water
    slope = np.hypot(*np.gradient(island.heightmap.astype(np.float64), island.cell))
    trees = np.array([CATALOGUE[v].startswith("tree") for v in p.variant])
    assert trees.any() and (slope[rc[trees, 0], rc[trees, 1]] <= island.meta.config["tree_slope"]).all()
    assert np.allclose(p.position[:, 1], island.height_at(p.position[:, 0], p.position[:, 2]) - 0.1,
                       atol=1e-4)


def _gltf(data: bytes) -> tuple[dict, bytes]:
    """The JSON tree and the binary chunk of a glb."""
    length = int.from_bytes(data[12:16], "little")
    return json.loads(data[20:20 + length]), data[28 + length:]


def _view(tree: dict, binary: bytes, accessor: int) -> np.ndarray:
    acc = tree["accessors"][accessor]
    view = tree["bufferViews"][acc["bufferView"]]
    dtype = {5126: np.float32, 5125: np.uint32, 5123: np.uint16}[acc["componentType"]]
    width = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4}[acc["type"]]
    return np.frombuffer(binary, dtype, acc["count"] * width, view["byteOffset"]).reshape(acc["count"], width)


def _image(tree: dict, binary: bytes, texture: int) -> np.ndarray:
    view = tree["bufferViews"][tree["images"][tree["textures"][texture]["source"]]["bufferView"]]
    return np.asarray(Image.open(io.BytesIO(binary[view["byteOffset"]:view["byteOffset"] + view["byteLength"]])))


def _primitive(tree: dict, mesh: str) -> dict:
    return next(m for m in tree["meshes"] if m["name"] == mesh)["primitives"][0]


def test_glb_passes_the_khronos_validator_and_reloads(island, tmp_path):
    if not node_available():
        pytest.skip("node and node_modules (make node) are needed for the glTF validator")
    path = island.export(tmp_path / "island.glb")[0]
    report = _validate([path])[0]
    assert [report[k] for k in ("errors", "warnings", "infos", "hints")] == [0, 0, 0, 0], report["messages"]
    scene = trimesh.load(path)
    assert len(scene.geometry["terrain"].vertices) == 64 * 64
    names = set(scene.graph.nodes)
    assert {"island", "terrain", "water", "terrain_collision-colonly", "props"} <= names
    assert not any("/" in n or "." in n for n in names)                  # Godot strips both
    used = {CATALOGUE[v] for v in island.props.variant.tolist()}
    assert used <= names
    assert len([n for n in names if n[:-5] in used and n[-5] == "_"]) == len(island.props)


def test_glb_instances_share_one_mesh_per_variant(island):
    tree, _ = _gltf(island.export(fmt="glb"))
    used = {CATALOGUE[v] for v in island.props.variant.tolist()}
    assert [m["name"] for m in tree["meshes"]] == ["terrain", "water", "terrain_collision",
                                                   *sorted(used, key=CATALOGUE.index)]
    instances = [n for n in tree["nodes"] if "mesh" in n and n["name"][:-5] in used]
    assert len(instances) == len(island.props) and len({n["mesh"] for n in instances}) == len(used)
    assert [n["name"] for n in tree["nodes"][5:5 + len(used)]] == sorted(used, key=CATALOGUE.index)


def test_glb_colour_is_texture_times_shade_and_props_use_the_palette(island):
    """Spec renderers multiply the base-colour texture by COLOR_0; Godot 3.2 draws the texture
    alone. The product must be the shaded colours (the OBJ's vertex colours), each texel the
    biome colour, and every prop vertex's UV must land on its part's colour in the palette."""
    from worldsmith.export.gltf import srgb_to_linear
    from worldsmith.scenes.terrain.export import _terrain_mesh
    from worldsmith.scenes.terrain.props import prop_mesh

    tree, binary = _gltf(island.export(fmt="glb"))
    prim = _primitive(tree, "terrain")
    attrs = prim["attributes"]
    assert tree["accessors"][attrs["COLOR_0"]]["componentType"] == 5126                  # float, VEC4
    material = tree["materials"][prim["material"]]
    texture = _image(tree, binary, material["pbrMetallicRoughness"]["baseColorTexture"]["index"])
    uv = _view(tree, binary, attrs["TEXCOORD_0"])
    px = np.floor(uv * texture.shape[0]).astype(int)                                     # texel under each vertex
    texel = texture[px[:, 1], px[:, 0], :3]
    assert np.array_equal(texel, B.COLORS[island.biomes.ravel()])
    shaded = srgb_to_linear(texel / 255) * _view(tree, binary, attrs["COLOR_0"])[:, :3]
    expected = srgb_to_linear(_terrain_mesh(island).visual.vertex_colors[:, :3] / 255)
    assert np.abs(shaded - expected).max() < 0.02
    for variant in {CATALOGUE[v] for v in island.props.variant.tolist()}:
        prim = _primitive(tree, variant)
        palette = _image(tree, binary, tree["materials"][prim["material"]]["pbrMetallicRoughness"]
                         ["baseColorTexture"]["index"])
        uv = _view(tree, binary, prim["attributes"]["TEXCOORD_0"])
        px = np.floor(uv * palette.shape[1::-1]).astype(int)
        colours = prop_mesh(variant, island.prop_seed).visual.vertex_colors[:, :3]
        for dy in range(-2, 2):                                      # the whole 4 x 4 block around it
            for dx in range(-2, 2):
                assert np.array_equal(palette[px[:, 1] + dy, px[:, 0] + dx], colours)


@pytest.mark.parametrize("world, side", [(512.0, 64), (16.0, 17)])   # 8 m cells: all; 0.25 m: every 4th
def test_collision_grid_follows_the_terrain(world, side):
    island = ws.make("scenes/terrain-v1", size=64, world_scale=world, erosion_steps=3)(seed=4)
    tree, binary = _gltf(island.export(fmt="glb"))
    node = next(n for n in tree["nodes"] if n["name"] == "terrain_collision-colonly")
    prim = tree["meshes"][node["mesh"]]["primitives"][0]
    assert tree["materials"][prim["material"]]["alphaMode"] == "MASK"                  # invisible
    pos = _view(tree, binary, prim["attributes"]["POSITION"]).astype(np.float64)
    assert len(pos) == side * side
    assert np.allclose(island.height_at(pos[:, 0], pos[:, 2]), pos[:, 1], atol=1e-4)
    corners = pos[[0, side - 1, -side, -1]][:, [0, 2]]
    assert np.allclose(np.abs(corners), island.world_size / 2)


def test_same_seed_same_bytes_and_config_changes_it():
    gen = ws.make("scenes/terrain-v1", size=64, erosion_steps=3)
    assert gen(seed=8).export(fmt="glb") == gen(seed=8).export(fmt="glb")
    flat = ws.make("scenes/terrain-v1", size=64, erosion_steps=0)(seed=8)
    assert not np.array_equal(flat.heightmap, gen(seed=8).heightmap)


def test_height_and_normal_follow_the_mesh(island):
    h, w = island.heightmap, island.world_size
    pos = grid_positions(h, w)
    assert np.allclose(island.height_at(pos[:, 0], pos[:, 2]), pos[:, 1], atol=1e-4)
    faces = grid_faces(h.shape[0])
    rng = np.random.default_rng(0)
    tri = pos[faces[rng.integers(0, len(faces), 200)]].astype(np.float64)    # (200, 3, 3)
    bary = rng.dirichlet([1, 1, 1], 200)
    inside = (tri * bary[:, :, None]).sum(1)                                # points on triangles
    assert np.allclose(island.height_at(inside[:, 0], inside[:, 2]), inside[:, 1], atol=1e-3)
    normals = vertex_normals(h, island.cell).reshape(-1, 3)
    assert np.allclose(island.normal_at(pos[:, 0], pos[:, 2]), normals, atol=1e-5)
    mesh = trimesh.Trimesh(pos, faces, process=False)
    cos = (mesh.vertex_normals * normals).sum(1)
    assert np.median(cos) > 0.999 and cos.min() > 0.9                       # agrees with the faces


def test_png_exports_height_biomes_splats_and_render(island, tmp_path):
    files = island.export(tmp_path / "island.png")
    assert [f.name for f in files] == ["island.png", "island-height.png", "island-biomes.png",
                                       "island-splat0.png", "island-splat1.png"]
    height = np.asarray(Image.open(files[1]))
    assert height.dtype == np.uint16 and height.max() == 65535 and height.min() == 0
    assert np.argmax(height) == np.argmax(island.heightmap)
    assert np.array_equal(np.asarray(Image.open(files[2])), island.biomes)
    render = Image.open(files[0])
    assert render.size == (512, 512)
    splat = np.concatenate([np.asarray(Image.open(f).convert("RGBA")) for f in files[3:]], axis=-1)
    assert splat.shape == (64, 64, 8) and (splat.sum(-1, dtype=np.int64) == 255).all()
    assert (splat[..., len(B.BIOMES):] == 0).all()
    same = ndimage.minimum_filter(island.biomes, 5) == ndimage.maximum_filter(island.biomes, 5)
    assert same.sum() > 1000 and (splat[same].argmax(-1) == island.biomes[same]).all()
    assert (splat[same].max(-1) == 255).all()                         # blended only near a boundary


def test_raw_heightmap_for_unity(island, tmp_path):
    path = island.export(tmp_path / "island.raw")[0]
    raw = np.frombuffer(path.read_bytes(), "<u2").reshape(65, 65)      # 64 -> the next 2^k + 1
    png = np.asarray(Image.open(island.export(tmp_path / "h.png")[1]))
    assert raw[0, 0] == png[0, 0] and raw[-1, -1] == png[-1, -1] and raw[0, -1] == png[0, -1]
    mid = np.linspace(0, 63, 65)[32]                                   # bilinear between columns 31, 32
    expected = png[0, 31] + (mid - 31) * (png[0, 32].astype(float) - png[0, 31])
    assert abs(int(raw[0, 32]) - expected) <= 1
    odd = ws.make("scenes/terrain-v1", size=65)(seed=4)
    data = np.frombuffer(odd.export(fmt="raw"), "<u2").reshape(65, 65)
    assert np.array_equal(data, np.asarray(Image.open(odd.export(tmp_path / "odd.png")[1])))   # no resampling


def test_json_metadata(island, tmp_path):
    data = json.loads(island.export(tmp_path / "island.json")[0].read_text())
    assert data["type"] == "Terrain" and len(data["props"]) == len(island.props)
    assert len(data["spawns"]) == 4 and data["sea_level"] == island.sea_level
    assert data["noise"]["base"] == 0 and data["props"][0]["node"] == "tree_00_0000"
    assert data["props"][0]["path"] == "island/props/tree_00/tree_00_0000"
    assert data["height_raw"]["size"] == 65 and data["height_raw"]["byte_order"] == "little"
    assert [b for m in data["splat_maps"]["channels"] for b in m if b] == list(B.BIOMES)
    assert data["collision"]["godot_static_body"] == "terrain_collision"


def test_obj_holds_terrain_water_and_baked_props(island, tmp_path):
    path = island.export(tmp_path / "island.obj")[0]
    text = path.read_text()
    assert text.count("\nv ") >= 64 * 64 + 4
    loaded = trimesh.load(path, force="mesh", process=False)
    assert loaded.bounds[1][1] >= island.props.position[:, 1].max() + 1.0   # prop tops


@pytest.mark.parametrize("bad, field", [({"size": 32}, "size"), ({"size": 4096}, "size"),
                                        ({"octaves": 0}, "octaves"),
                                        ({"sea_level": 0.8, "mountain_height": 0.7}, "mountain_height")])
def test_bad_config_raises(bad, field):
    with pytest.raises(ConfigError, match=field):
        ws.make("scenes/terrain-v1", **bad)


def test_cli_generates_glb_and_rejects_bad_size(tmp_path, capsys):
    out = tmp_path / "island.glb"
    assert main(["generate", "scenes/terrain-v1", "--seed", "4", "--set", "size=64", "--out", str(out)]) == 0
    assert out.read_bytes()[:4] == b"glTF"
    assert main(["generate", "scenes/terrain-v1", "--seed", "4", "--set", "size=4096",
                 "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "size" in err[0]


def test_obj_props_sit_where_the_glb_nodes_put_them(island):
    from worldsmith.scenes.terrain.export import _baked_props
    from worldsmith.scenes.terrain.props import prop_mesh

    scene = trimesh.load(trimesh.util.wrap_as_stream(island.export(fmt="glb")), file_type="glb")
    baked = _baked_props(island)
    first = int(np.argmin(island.props.variant))             # the first instance in baking order
    name = CATALOGUE[island.props.variant[first]]
    matrix, _ = scene.graph.get(f"{name}_0000")
    mesh = prop_mesh(name, island.prop_seed)
    placed = trimesh.transform_points(mesh.vertices, matrix)
    assert np.allclose(placed, baked.vertices[:len(mesh.vertices)], atol=1e-3)


@pytest.mark.parametrize("n", [2, 3, 64, 65, 129, 300])
def test_banded_whole_map_passes_give_the_whole_maps_numbers(n):
    """The slope and the island falloff, worked out a band of rows at a time, equal the whole map
    at once bit for bit (band edges, a last band of one row, maps narrower than a band)."""
    import torch

    from worldsmith.scenes.terrain.generator import island_mask
    from worldsmith.types.mesh import gradient_magnitude

    h = np.random.default_rng(n).random((n, n + 3)).astype(np.float32) * 90
    dz, dx = np.gradient(h.astype(np.float64), 0.37)
    assert np.array_equal(gradient_magnitude(h, 0.37), np.hypot(dx, dz).astype(np.float32))
    axis = torch.linspace(-1.0, 1.0, n, dtype=torch.float64)
    smooth = ((torch.sqrt(axis[None, :] ** 2 + axis[:, None] ** 2) / 0.95).clamp(0.5, 1.0) - 0.5) / 0.5
    assert torch.equal(island_mask(n, 0.8), (1 - 0.8 * smooth * smooth * (3 - 2 * smooth)).float())


def test_water_distance_is_scipys_distance_transform_bit_for_bit():
    """The C distance transform against scipy's on random masks of every density and shape (rows
    and columns of one cell, no water at all, water everywhere)."""
    rng = np.random.default_rng(0)
    shapes = [(1, 1), (1, 9), (9, 1), (3, 3)] + [tuple(rng.integers(1, 60, 2)) for _ in range(400)]
    for i, shape in enumerate(shapes):
        land = rng.random(shape) < [0.0, 0.05, 0.5, 0.95, 0.999, 1.0][i % 6]
        assert np.array_equal(B.water_distance(land), ndimage.distance_transform_edt(land)), shape
