"""Exporters for :class:`Terrain`: ``.glb``, ``.obj``, ``.png`` (render + heightmap + biome map)
and ``.json`` (metadata; no reader, as it leaves out the heightmap).

The glb holds one node tree: ``island`` -> ``terrain``, ``water`` and ``props``; ``props`` holds
one group node per prop variant (``props/tree_03``) whose children (``props/tree_03/0007``)
instance that variant's single mesh with their own translation, yaw and scale.

>>> import worldsmith as ws
>>> t = ws.make("scenes/terrain-v1", size=64)(seed=2)
>>> sorted(write_png(t, "island.png"))
['island-biomes.png', 'island-height.png', 'island.png']
>>> write_glb(t, "island.glb")["island.glb"][:4]
b'glTF'
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import trimesh
from PIL import Image

from worldsmith.core.formats import register_writer
from worldsmith.export import gltf
from worldsmith.export.png import png_bytes
from worldsmith.scenes.terrain import biomes as B
from worldsmith.scenes.terrain.props import CATALOGUE, prop_mesh
from worldsmith.scenes.terrain.render import render
from worldsmith.types.mesh import grid_faces, grid_positions, vertex_normals
from worldsmith.types.terrain import Terrain

_WATER_RGBA = (40, 110, 170, 170)


def _terrain_mesh(t: Terrain) -> trimesh.Trimesh:
    n = t.heightmap.shape[0]
    thresholds = _thresholds(t)
    colors = B.vertex_colors(t.biomes, t.heightmap / _height_scale(t), thresholds)
    return trimesh.Trimesh(vertices=grid_positions(t.heightmap, t.world_size), faces=grid_faces(n),
                           vertex_normals=vertex_normals(t.heightmap, t.cell).reshape(-1, 3),
                           vertex_colors=colors.reshape(-1, 4), process=False)


def _water_mesh(t: Terrain) -> trimesh.Trimesh:
    half = t.world_size / 2
    corners = np.array([[-half, t.sea_level, -half], [half, t.sea_level, -half],
                        [-half, t.sea_level, half], [half, t.sea_level, half]], dtype=np.float32)
    return trimesh.Trimesh(vertices=corners, faces=[[0, 2, 1], [2, 3, 1]],
                           vertex_normals=np.tile([0.0, 1.0, 0.0], (4, 1)),
                           vertex_colors=np.tile(_WATER_RGBA, (4, 1)), process=False)


def _height_scale(t: Terrain) -> float:
    return float(t.meta.config["height_scale"])


def _thresholds(t: Terrain) -> B.Thresholds:
    from worldsmith.scenes.terrain.generator import TerrainConfig  # lazy: torch, start-up time

    return TerrainConfig.from_dict(t.meta.config).thresholds


def _used_variants(t: Terrain) -> list[int]:
    return sorted(set(int(v) for v in t.props.variant))


def _instance_nodes(t: Terrain, mesh_index: dict[str, int]) -> list[dict[str, Any]]:
    """Group nodes (one per used variant) followed by their instance nodes; children indices
    are relative to the first returned node and fixed up by the caller."""
    translation = np.round(t.props.position.astype(np.float64), 4).tolist()
    half_yaw = t.props.yaw.astype(np.float64) / 2
    rotation = np.stack([np.zeros_like(half_yaw), np.sin(half_yaw), np.zeros_like(half_yaw),
                         np.cos(half_yaw)], axis=1).tolist()
    scale = np.round(t.props.scale.astype(np.float64), 4).tolist()
    groups: list[dict[str, Any]] = []
    instances: list[dict[str, Any]] = []
    for v in _used_variants(t):
        name = CATALOGUE[v]
        group = {"name": f"props/{name}", "children": []}
        for k, i in enumerate(np.nonzero(t.props.variant == v)[0].tolist()):
            group["children"].append(len(instances))
            instances.append({"name": f"props/{name}/{k:04d}", "mesh": mesh_index[name],
                              "translation": translation[i], "rotation": rotation[i],
                              "scale": [scale[i]] * 3})
        groups.append(group)
    return groups + instances


def _nodes(t: Terrain):
    """The glb's node tree: ``island`` -> ``terrain``, ``water`` and ``props`` -> variant groups
    -> instances (see :func:`_instance_nodes`)."""

    def nodes(mesh_index: dict[str, int]) -> list[dict[str, Any]]:
        props = _instance_nodes(t, mesh_index)
        groups = [p for p in props if "children" in p]
        first = 4                                        # island, terrain, water, props
        for g in groups:
            g["children"] = [first + len(groups) + c for c in g["children"]]
        return [
            {"name": "island", "children": [1, 2, 3]},
            {"name": "terrain", "mesh": mesh_index["terrain"]},
            {"name": "water", "mesh": mesh_index["water"]},
            {"name": "props", "children": list(range(first, first + len(groups)))},
            *props,
        ]

    return nodes


def _scene(t: Terrain) -> trimesh.Scene:
    scene = trimesh.Scene()
    scene.add_geometry(_terrain_mesh(t), geom_name="terrain", node_name="terrain")
    scene.add_geometry(_water_mesh(t), geom_name="water", node_name="water")
    for v in _used_variants(t):
        scene.add_geometry(prop_mesh(CATALOGUE[v], t.prop_seed), geom_name=CATALOGUE[v],
                           node_name=CATALOGUE[v])
    return scene


def write_glb(t: Terrain, name: str) -> dict[str, bytes]:
    """Binary glTF 2.0: terrain (vertex colours, normals), water plane, instanced props."""
    materials = [gltf.material("ground"), {**gltf.material("water"), "alphaMode": "BLEND"}]
    data = gltf.glb_bytes(_scene(t), _nodes(t), "island", f"worldsmith {t.meta.generator} via trimesh", materials,
                          lambda mesh: int(mesh == "water"))
    return {name: data}


def _baked_props(t: Terrain) -> trimesh.Trimesh | None:
    """All prop instances as one mesh in world space (for formats without instancing)."""
    vertices, faces, colors, count = [], [], [], 0
    for v in _used_variants(t):
        mesh = prop_mesh(CATALOGUE[v], t.prop_seed)
        idx = np.nonzero(t.props.variant == v)[0]
        yaw = t.props.yaw[idx].astype(np.float64)
        cos, sin = np.cos(yaw)[:, None], np.sin(yaw)[:, None]                # (k, 1)
        local = mesh.vertices[None] * t.props.scale[idx, None, None]        # (k, m, 3)
        x = cos * local[..., 0] + sin * local[..., 2]                       # yaw about +y
        z = -sin * local[..., 0] + cos * local[..., 2]
        world = np.stack([x, local[..., 1], z], axis=-1) + t.props.position[idx, None, :]
        vertices.append(world.reshape(-1, 3))
        faces.append((mesh.faces[None] + count + len(mesh.vertices) * np.arange(len(idx))[:, None, None])
                     .reshape(-1, 3))
        colors.append(np.tile(mesh.visual.vertex_colors, (len(idx), 1)))
        count += len(idx) * len(mesh.vertices)
    if not vertices:
        return None
    return trimesh.Trimesh(vertices=np.concatenate(vertices), faces=np.concatenate(faces),
                           vertex_colors=np.concatenate(colors), process=False)


def write_obj(t: Terrain, name: str) -> dict[str, bytes]:
    """Wavefront OBJ with vertex colours: objects ``terrain``, ``water`` and ``props`` (baked)."""
    scene = trimesh.Scene()
    scene.add_geometry(_terrain_mesh(t), geom_name="terrain", node_name="terrain")
    scene.add_geometry(_water_mesh(t), geom_name="water", node_name="water")
    baked = _baked_props(t)
    if baked is not None:
        scene.add_geometry(baked, geom_name="props", node_name="props")
    return {name: gltf.obj_bytes(scene)}


def heightmap_png(t: Terrain) -> Image.Image:
    """16-bit greyscale: 0 = the lowest point, 65535 = the highest (range in the .json)."""
    h = t.heightmap.astype(np.float64)
    span = max(float(h.max() - h.min()), 1e-9)
    return Image.fromarray(np.rint((h - h.min()) / span * 65535).astype(np.uint16))


def biome_png(t: Terrain) -> Image.Image:
    """Palette image: each pixel's index is its biome id, the palette its biome colour."""
    img = Image.frombytes("P", t.biomes.shape[::-1], np.ascontiguousarray(t.biomes).tobytes())
    img.putpalette(B.COLORS.reshape(-1).tolist())
    return img


def write_png(t: Terrain, name: str) -> dict[str, bytes]:
    """The top-down render, plus ``<stem>-height.png`` (16-bit) and ``<stem>-biomes.png``."""
    stem = Path(name).stem
    return {name: png_bytes(render(t)), f"{stem}-height.png": png_bytes(heightmap_png(t)),
            f"{stem}-biomes.png": png_bytes(biome_png(t))}


def metadata(t: Terrain) -> dict[str, Any]:
    """Bounds, sea level, spawn points, props (node name, variant, transform), biome names,
    the heightmap PNG's value range and the noise recipe of the raw height field."""
    from worldsmith.scenes.terrain.generator import TerrainConfig, noise_recipe  # lazy: torch, start-up time

    positions = np.concatenate([grid_positions(t.heightmap, t.world_size), t.props.position])
    recipe = noise_recipe(TerrainConfig.from_dict(t.meta.config), t.meta.seed)
    names = _instance_nodes(t, {CATALOGUE[v]: 0 for v in _used_variants(t)})
    props = [n for n in names if "mesh" in n]
    return {
        "type": "Terrain", "meta": t.meta.to_dict(),
        "bounds": {"min": positions.min(0).round(4).tolist(), "max": positions.max(0).round(4).tolist()},
        "grid": {"size": int(t.heightmap.shape[0]), "cell": t.cell, "world_size": t.world_size},
        "sea_level": t.sea_level,
        "height_png": {"min": float(t.heightmap.min()), "max": float(t.heightmap.max())},
        "biomes": list(B.BIOMES),
        "spawns": t.spawns.round(4).tolist(),
        "props": [{"node": p["name"], "variant": p["name"].split("/")[1],
                   "position": p["translation"], "yaw": round(float(y), 5), "scale": p["scale"][0]}
                  for p, y in zip(props, _yaw_in_node_order(t))],
        "noise": {"function": "noise.pnoise2", "scale": recipe.scale, "offset_x": recipe.offset_x,
                  "offset_y": recipe.offset_y, "warp": recipe.warp, **recipe.noise_kwargs()},
    }


def _yaw_in_node_order(t: Terrain) -> np.ndarray:
    order = np.concatenate([np.nonzero(t.props.variant == v)[0] for v in _used_variants(t)] or
                           [np.zeros(0, dtype=np.int64)])
    return t.props.yaw[order]


def write_json(t: Terrain, name: str) -> dict[str, bytes]:
    """Scene metadata for game code (see :func:`metadata`)."""
    return {name: (json.dumps(metadata(t), indent=1) + "\n").encode()}


register_writer(Terrain, "glb", write_glb)
register_writer(Terrain, "obj", write_obj)
register_writer(Terrain, "png", write_png)
register_writer(Terrain, "json", write_json)
