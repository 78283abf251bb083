"""The island as one binary glTF scene that spec renderers (three.js, Blender, glTFast) and
Godot 3.2's importer show alike.

Node tree: ``island`` -> ``terrain``, ``water``, ``terrain_collision-colonly`` and ``props``;
``props`` holds one group node per prop variant (``tree_03``) whose children (``tree_03_0007``)
instance that variant's one mesh. No name holds ``/`` or ``.``, which Godot strips.

Colour: the terrain's material has a base-colour texture of the biome colours, one texel per
vertex at texel centres (bilinear filtering blends them across each grid cell as vertex colours
would), and ``COLOR_0`` (float RGBA) holds the per-vertex shade (depth under water, height on
land) as a grey linear factor, so spec renderers, which multiply the two, draw the shaded
colours, and Godot 3.2, which ignores ``COLOR_0``, still draws the biome colours. Props have no
vertex colours: each face's UV points at the middle of a 4 x 4 block of a small palette
texture. Water is a base-colour factor with alpha blending. The collision node, a grid of every
:func:`collision_step`-th vertex, has a fully transparent alpha-masked material, so spec renderers
draw nothing of it; Godot turns a node whose name ends ``-colonly`` into a StaticBody
(``terrain_collision``) with a ConcavePolygonShape and no mesh.

>>> import worldsmith as ws
>>> t = ws.make("scenes/terrain-v1", size=64)(seed=2)
>>> prop_nodes(t)[0][:2]
('tree_00', 'tree_00_0000')
>>> island_glb(t, "island")[:4]
b'glTF'
"""
from __future__ import annotations

from typing import Any

import numpy as np

from worldsmith.export import gltf
from worldsmith.export.png import png_bytes
from worldsmith.scenes.terrain import biomes as B
from worldsmith.scenes.terrain.config import TerrainConfig
from worldsmith.scenes.terrain.props import CATALOGUE, prop_mesh
from worldsmith.types.mesh import grid_faces, grid_positions, vertex_normals
from worldsmith.types.terrain import Terrain

COLLISION_STEP = 4     # the collision grid keeps at most every 4th vertex ...
COLLISION_CELL = 2.0   # ... with cells nearest 2 metres (every vertex where the grid's own are that wide)
COLLISION_NODE = "terrain_collision-colonly"
PALETTE_BLOCK = 4      # texels a side per palette colour: one BC/DXT block, exact under bilinear filtering
WATER_RGBA = (40, 110, 170, 170)


def thresholds(t: Terrain) -> B.Thresholds:
    """The biome thresholds of the config that made ``t``."""
    return TerrainConfig.from_dict(t.meta.config).thresholds


def terrain_shade(t: Terrain) -> np.ndarray:
    """(n, n) float32 shade of each vertex (see :func:`worldsmith.scenes.terrain.biomes.shade`)."""
    return B.shade(t.heightmap / float(t.meta.config["height_scale"]), thresholds(t))


def used_variants(t: Terrain) -> list[int]:
    """Catalogue indices of the prop variants on the map, ascending."""
    return sorted(set(int(v) for v in t.props.variant))


def prop_nodes(t: Terrain) -> list[tuple[str, str, int]]:
    """(variant, node name, prop index) of every prop in node order: by variant, then by index."""
    out = []
    for v in used_variants(t):
        for k, i in enumerate(np.nonzero(t.props.variant == v)[0].tolist()):
            out.append((CATALOGUE[v], f"{CATALOGUE[v]}_{k:04d}", i))
    return out


def _pow2(n: int) -> int:
    return 1 << max(int(n - 1).bit_length(), 0)


def _terrain(g: gltf.Glb, t: Terrain, prefix: str) -> int:
    n = t.heightmap.shape[0]
    side = _pow2(n)                          # power-of-two texture: mipmaps everywhere, padding repeats the edge
    albedo = np.pad(B.COLORS[t.biomes], ((0, side - n), (0, side - n), (0, 0)), mode="edge")
    texture = g.texture(png_bytes(albedo), gltf.LINEAR, gltf.LINEAR_MIPMAP_LINEAR)
    shade = gltf.srgb_to_linear(terrain_shade(t)).reshape(-1, 1)
    centre = (np.arange(n) + 0.5) / side
    uv = np.stack(np.meshgrid(centre, centre, indexing="xy"), axis=-1).reshape(-1, 2)
    attributes = {"POSITION": grid_positions(t.heightmap, t.world_size),
                  "NORMAL": vertex_normals(t.heightmap, t.cell).reshape(-1, 3), "TEXCOORD_0": uv,
                  "COLOR_0": np.hstack([shade, shade, shade, np.ones_like(shade)])}
    material = g.material(gltf.material(f"{prefix}_ground", texture=texture))
    return g.mesh("terrain", attributes, grid_faces(n), material)


def collision_step(cell: float) -> int:
    """Vertex step of the collision grid for a terrain grid of ``cell`` metres.

    >>> collision_step(8.1), collision_step(2.0), collision_step(1.002), collision_step(0.5), collision_step(0.25)
    (1, 1, 2, 4, 4)
    """
    return max(1, min(COLLISION_STEP, round(COLLISION_CELL / cell)))


def collision_rows(t: Terrain) -> np.ndarray:
    """Grid rows (and columns) the collision mesh keeps: every :func:`collision_step`-th and the last."""
    n = t.heightmap.shape[0]
    return np.unique(np.r_[np.arange(0, n, collision_step(t.cell)), n - 1])


def _collision(g: gltf.Glb, t: Terrain, prefix: str) -> int:
    keep = collision_rows(t)
    axis = keep * t.cell - t.world_size / 2
    x, z = np.meshgrid(axis, axis, indexing="xy")
    positions = np.stack([x, t.heightmap[np.ix_(keep, keep)], z], axis=-1).reshape(-1, 3)
    hidden = g.material(gltf.material(f"{prefix}_collision", base_color=(1, 1, 1, 0), alpha_mode="MASK"))
    return g.mesh("terrain_collision", {"POSITION": positions}, grid_faces(len(keep)), hidden)


def _water(g: gltf.Glb, t: Terrain, prefix: str) -> int:
    half = t.world_size / 2
    corners = np.array([[-half, t.sea_level, -half], [half, t.sea_level, -half],
                        [-half, t.sea_level, half], [half, t.sea_level, half]])
    rgba = (*gltf.srgb_to_linear(np.array(WATER_RGBA[:3]) / 255).tolist(), WATER_RGBA[3] / 255)
    material = g.material(gltf.material(f"{prefix}_water", base_color=rgba, alpha_mode="BLEND"))
    return g.mesh("water", {"POSITION": corners, "NORMAL": np.tile([0.0, 1.0, 0.0], (4, 1))},
                  np.array([0, 2, 1, 2, 3, 1]), material)


def _props(g: gltf.Glb, t: Terrain, prefix: str) -> dict[str, int]:
    """One mesh per used variant, all drawn with one palette texture; mesh index by variant."""
    meshes = {CATALOGUE[v]: prop_mesh(CATALOGUE[v], t.prop_seed) for v in used_variants(t)}
    if not meshes:
        return {}
    rgb = {name: m.visual.vertex_colors[:, :3].astype(np.int64) for name, m in meshes.items()}
    keys = np.unique(np.concatenate([(c[:, 0] << 16) | (c[:, 1] << 8) | c[:, 2] for c in rgb.values()]))
    colors = np.stack([keys >> 16, (keys >> 8) & 255, keys & 255], axis=1).astype(np.uint8)
    width = _pow2(PALETTE_BLOCK * len(keys))
    palette = np.zeros((PALETTE_BLOCK, width, 3), np.uint8)
    palette[:, :PALETTE_BLOCK * len(keys)] = np.repeat(colors, PALETTE_BLOCK, axis=0)[None]
    texture = g.texture(png_bytes(palette), gltf.NEAREST, gltf.NEAREST)
    material = g.material(gltf.material(f"{prefix}_props", texture=texture))
    out = {}
    for name, mesh in meshes.items():
        slot = np.searchsorted(keys, (rgb[name][:, 0] << 16) | (rgb[name][:, 1] << 8) | rgb[name][:, 2])
        uv = np.stack([(slot + 0.5) * PALETTE_BLOCK / width, np.full(len(slot), 0.5)], axis=1)
        normals = mesh.vertex_normals / np.linalg.norm(mesh.vertex_normals, axis=1, keepdims=True)
        out[name] = g.mesh(name, {"POSITION": mesh.vertices, "NORMAL": normals, "TEXCOORD_0": uv},
                           mesh.faces, material)
    return out


def _prop_node_tree(t: Terrain, mesh_of: dict[str, int], first: int) -> list[dict[str, Any]]:
    """Group nodes (indices from ``first``), then their instance nodes."""
    nodes = prop_nodes(t)
    groups = {variant: {"name": variant, "children": []} for variant, _, _ in nodes}
    p = t.props
    instances = []
    for variant, name, i in nodes:
        half = float(p.yaw[i]) / 2
        groups[variant]["children"].append(first + len(groups) + len(instances))
        instances.append({"name": name, "mesh": mesh_of[variant],
                          "translation": np.round(p.position[i].astype(np.float64), 4).tolist(),
                          "rotation": [0.0, float(np.sin(half)), 0.0, float(np.cos(half))],
                          "scale": [round(float(p.scale[i]), 4)] * 3})
    return [*groups.values(), *instances]


def island_glb(t: Terrain, prefix: str) -> bytes:
    """The island's ``.glb``; material names start with ``prefix`` (the file's stem), since
    Godot saves imported materials as ``<name>.material`` beside the file and keeps the first."""
    g = gltf.Glb()
    terrain, water, collision = _terrain(g, t, prefix), _water(g, t, prefix), _collision(g, t, prefix)
    props = _prop_node_tree(t, _props(g, t, prefix), first=5)
    groups = [i for i, node in enumerate(props) if "children" in node]
    nodes = [{"name": "island", "children": [1, 2, 3, 4]}, {"name": "terrain", "mesh": terrain},
             {"name": "water", "mesh": water}, {"name": COLLISION_NODE, "mesh": collision},
             {"name": "props", **({"children": [5 + i for i in groups]} if groups else {})}, *props]
    return g.glb(nodes, "scene", f"worldsmith {t.meta.generator}")
