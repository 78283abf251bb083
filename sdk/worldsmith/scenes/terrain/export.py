"""Exporters for :class:`Terrain`: ``.glb`` (see :mod:`worldsmith.scenes.terrain.glb`), ``.obj``,
``.png`` (render, 16-bit heightmap, biome map, splat maps), ``.raw`` (Unity's 16-bit heightmap)
and ``.json`` (metadata; no reader, as it leaves out the heightmap).

>>> import worldsmith as ws
>>> t = ws.make("scenes/terrain-v1", size=64)(seed=2)
>>> sorted(write_png(t, "island.png"))
['island-biomes.png', 'island-height.png', 'island-splat0.png', 'island-splat1.png', 'island.png']
>>> write_glb(t, "island.glb")["island.glb"][:4], len(write_raw(t, "island.raw")["island.raw"])
(b'glTF', 8450)
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import trimesh

from worldsmith.core.formats import register_writer
from worldsmith.export import gltf
from worldsmith.export.png import png_bytes
from worldsmith.scenes.terrain import biomes as B
from worldsmith.scenes.terrain import maps
from worldsmith.scenes.terrain.glb import (
    COLLISION_NODE,
    WATER_RGBA,
    collision_step,
    island_glb,
    prop_nodes,
    terrain_shade,
    used_variants,
)
from worldsmith.scenes.terrain.props import CATALOGUE, prop_mesh
from worldsmith.scenes.terrain.render import render
from worldsmith.types.mesh import grid_faces, grid_positions, vertex_normals
from worldsmith.types.terrain import Terrain


def _terrain_mesh(t: Terrain) -> trimesh.Trimesh:
    colors = (B.COLORS[t.biomes] * terrain_shade(t)[..., None]).clip(0, 255).astype(np.uint8)
    rgba = np.concatenate([colors, np.full(colors.shape[:2] + (1,), 255, np.uint8)], axis=-1)
    return trimesh.Trimesh(vertices=grid_positions(t.heightmap, t.world_size), faces=grid_faces(t.heightmap.shape[0]),
                           vertex_normals=vertex_normals(t.heightmap, t.cell).reshape(-1, 3),
                           vertex_colors=rgba.reshape(-1, 4), process=False)


def _water_mesh(t: Terrain) -> trimesh.Trimesh:
    half = t.world_size / 2
    corners = np.array([[-half, t.sea_level, -half], [half, t.sea_level, -half],
                        [-half, t.sea_level, half], [half, t.sea_level, half]], dtype=np.float32)
    return trimesh.Trimesh(vertices=corners, faces=[[0, 2, 1], [2, 3, 1]],
                           vertex_normals=np.tile([0.0, 1.0, 0.0], (4, 1)),
                           vertex_colors=np.tile(WATER_RGBA, (4, 1)), process=False)


def write_glb(t: Terrain, name: str) -> dict[str, bytes]:
    """Binary glTF 2.0: terrain (biome texture, shade, normals), water plane, collision grid,
    instanced props (see :mod:`worldsmith.scenes.terrain.glb`)."""
    return {name: island_glb(t, Path(name).stem)}


def _baked_props(t: Terrain) -> trimesh.Trimesh | None:
    """All prop instances as one mesh in world space (for formats without instancing)."""
    vertices, faces, colors, count = [], [], [], 0
    for v in used_variants(t):
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


def write_png(t: Terrain, name: str) -> dict[str, bytes]:
    """The top-down render, plus ``<stem>-height.png`` (16-bit greyscale), ``<stem>-biomes.png``
    (palette index = biome id) and ``<stem>-splat0.png``, ``-splat1.png`` (biome weights, RGBA)."""
    stem = Path(name).stem
    splats = {f"{stem}-splat{m}.png": png_bytes(img) for m, img in enumerate(maps.splat_pngs(t))}
    return {name: png_bytes(render(t)), f"{stem}-height.png": png_bytes(maps.heightmap_png(t)),
            f"{stem}-biomes.png": png_bytes(maps.biome_png(t)), **splats}


def write_raw(t: Terrain, name: str) -> dict[str, bytes]:
    """The heightmap as Unity's Import Raw reads it: 16-bit little-endian, 2^k+1 a side."""
    return {name: maps.height_raw(t)}


def metadata(t: Terrain) -> dict[str, Any]:
    """Bounds, sea level, spawn points, props (glTF node name and path, variant, transform),
    biome names, the heightmaps' value range and RAW size, the splat maps' channels, the
    collision node and the noise recipe of the raw height field."""
    from worldsmith.scenes.terrain.generator import TerrainConfig, noise_recipe  # lazy: torch, start-up time

    positions = np.concatenate([grid_positions(t.heightmap, t.world_size), t.props.position])
    recipe = noise_recipe(TerrainConfig.from_dict(t.meta.config), t.meta.seed)
    heights = {"min": float(t.heightmap.min()), "max": float(t.heightmap.max())}
    p = t.props
    return {
        "type": "Terrain", "meta": t.meta.to_dict(),
        "bounds": {"min": positions.min(0).round(4).tolist(), "max": positions.max(0).round(4).tolist()},
        "grid": {"size": int(t.heightmap.shape[0]), "cell": t.cell, "world_size": t.world_size},
        "sea_level": t.sea_level,
        "height_png": {**heights, "bits": 16},
        "height_raw": {**heights, "size": maps.raw_size(t.heightmap.shape[0]), "bits": 16, "byte_order": "little"},
        "biomes": list(B.BIOMES),
        "splat_maps": {"channels": maps.splat_biomes(), "sigma_cells": maps.SPLAT_SIGMA,
                       "radius_cells": maps.SPLAT_RADIUS},
        "collision": {"node": COLLISION_NODE, "godot_static_body": COLLISION_NODE.removesuffix("-colonly"),
                      "vertex_step": collision_step(t.cell)},
        "spawns": t.spawns.round(4).tolist(),
        "props": [{"node": name, "path": f"island/props/{variant}/{name}", "variant": variant,
                   "position": np.round(p.position[i].astype(np.float64), 4).tolist(),
                   "yaw": round(float(p.yaw[i]), 5), "scale": round(float(p.scale[i]), 4)}
                  for variant, name, i in prop_nodes(t)],
        "noise": {"function": "noise.pnoise2", "scale": recipe.scale, "offset_x": recipe.offset_x,
                  "offset_y": recipe.offset_y, "warp": recipe.warp, **recipe.noise_kwargs()},
    }


def write_json(t: Terrain, name: str) -> dict[str, bytes]:
    """Scene metadata for game code (see :func:`metadata`)."""
    return {name: (json.dumps(metadata(t), indent=1) + "\n").encode()}


register_writer(Terrain, "glb", write_glb)
register_writer(Terrain, "obj", write_obj)
register_writer(Terrain, "png", write_png)
register_writer(Terrain, "raw", write_raw)
register_writer(Terrain, "json", write_json)
