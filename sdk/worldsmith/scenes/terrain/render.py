"""A top-down shaded render of a terrain scene (numpy + Pillow), for previews and docs.

Land takes its biome colour lit by the sun (Lambert on the mesh normals, light from the
north-west), water is tinted by depth with a light shore line, and props are drawn as small
shapes: trees as dark canopies, bushes as light dots, rocks as grey dots.

>>> import worldsmith as ws
>>> img = render(ws.make("scenes/terrain-v1", size=64)(seed=1))
>>> img.size, img.mode
((512, 512), 'RGB')
"""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from worldsmith.scenes.terrain import biomes as B
from worldsmith.scenes.terrain.props import CATALOGUE, spacing
from worldsmith.types.mesh import vertex_normals

_SUN = np.array([-0.5, 0.75, -0.45])
_WATER_SHALLOW = np.array([70, 160, 200], dtype=np.float32)
_WATER_DEEP = np.array([18, 50, 110], dtype=np.float32)
_PROP_STYLE = {"tree": ((28, 78, 36), (16, 48, 22), 0.45),
               "bush": ((120, 190, 80), (60, 110, 45), 0.32),
               "rock": ((170, 166, 160), (80, 78, 74), 0.32)}


def _shaded_ground(terrain) -> np.ndarray:
    """(n, n, 3) float32 colours: biome colour times sun light, water tinted by depth."""
    h = terrain.heightmap
    normals = vertex_normals(h, terrain.cell)
    light = np.clip(normals @ (_SUN / np.linalg.norm(_SUN)), 0.0, 1.0)[..., None]
    ground = B.COLORS[terrain.biomes].astype(np.float32) * (0.35 + 0.8 * light)
    depth = np.clip((terrain.sea_level - h) / max(terrain.sea_level, 1e-6) * 2.5, 0.0, 1.0)[..., None]
    water = _WATER_SHALLOW * (1 - depth) + _WATER_DEEP * depth
    shore = np.clip(1 - (terrain.sea_level - h) / 0.6, 0, 1)[..., None] * 0.35
    water = water * (1 - shore) + 255 * shore
    return np.where((h < terrain.sea_level)[..., None], 0.25 * ground + 0.75 * water, ground)


def render(terrain, pixels: int | None = None) -> Image.Image:
    """The scene seen from above, ``pixels`` wide (default: the grid size, at least 512)."""
    n = terrain.heightmap.shape[0]
    pixels = pixels or max(n, 512)
    ground = np.clip(_shaded_ground(terrain), 0, 255).astype(np.uint8)
    img = Image.fromarray(ground, "RGB").resize((pixels, pixels), Image.Resampling.BILINEAR)
    draw = ImageDraw.Draw(img)
    to_px = pixels / terrain.world_size
    unit = spacing(terrain.world_size) * to_px                          # prop spacing in pixels
    props = terrain.props
    order = np.argsort(props.position[:, 2], kind="stable")              # far to near
    for i in order:
        kind = CATALOGUE[props.variant[i]].split("_")[0]
        fill, outline, size = _PROP_STYLE[kind]
        r = max(1.0, unit * size * float(props.scale[i]))
        x = (float(props.position[i, 0]) + terrain.world_size / 2) * to_px
        y = (float(props.position[i, 2]) + terrain.world_size / 2) * to_px
        draw.ellipse((x - r, y - r, x + r, y + r), fill=fill, outline=outline)
    return img
