"""Checks of composed 2D scenes, on the scene itself and on its exported Tiled files.

- :func:`platformer_route`: the SMB agent's route over the scene's solid tiles from the spawn
  to the goal flag's pole (``None`` if there is none).
- :func:`dungeon_problems`: the room-level proof of the mission (re-read from the scene) plus a
  tile-level walk: with locks open the hero reaches every room, key and the goal; with locks
  shut the goal is out of reach.
- :func:`load_tiled`: load a ``.tmx`` in pytmx (with pygame images) and pytiled-parser, or a
  ``.tmj`` in pytiled-parser, and count what they read.

>>> import worldsmith as ws
>>> s = ws.make("scenes/platformer-v1", width=40, hero="procedural")(seed=1)
>>> platformer_route(s)[0] == cell_of(s.layer("spawn")[0])
True
"""
from __future__ import annotations

import os
from collections import deque
from pathlib import Path
from typing import Any

import numpy as np

from worldsmith.core.errors import MissingDependencyError
from worldsmith.levels.agents import smb_path
from worldsmith.scenes.tiled2d.mission import Plan
from worldsmith.scenes.tiled2d.solver import prove
from worldsmith.types.scene import TILE, Scene2D, SceneObject
from worldsmith.types.tiles import SMB

POLE = 4  # tiles of flag pole the hero may touch


def cell_of(o: SceneObject) -> tuple[int, int]:
    """The (row, col) cell an object stands on: the cell under its bottom edge, one tile in from
    its left edge (sprites wider than a tile are centred on their cell, or start at column 0)."""
    return o.y // TILE - 1, (o.x + TILE // 2) // TILE


def platformer_route(scene: Scene2D) -> list[tuple[int, int]] | None:
    """The agent's route from the spawn to the flag pole, or ``None``."""
    flag_row, flag_col = cell_of(scene.layer("goal")[0])
    solid = scene.solid_mask()[:, :flag_col + 1].copy()
    pole = np.zeros(len(solid), bool)
    pole[max(flag_row - POLE + 1, 0):flag_row + 1] = True
    solid[~pole, -1] = True  # the agent's goal column: only the pole's cells are open
    route = smb_path(np.where(solid, SMB.id("X"), SMB.id("-")).astype(np.uint8))
    return route if route and route[0] == cell_of(scene.layer("spawn")[0]) else None


def _reach(walk: np.ndarray, start: tuple[int, int]) -> np.ndarray:
    """Cells 4-connected to ``start`` through ``walk``."""
    seen = np.zeros_like(walk)
    seen[start] = True
    queue = deque([start])
    h, w = walk.shape
    while queue:
        r, c = queue.popleft()
        for r2, c2 in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
            if 0 <= r2 < h and 0 <= c2 < w and walk[r2, c2] and not seen[r2, c2]:
                seen[r2, c2] = True
                queue.append((r2, c2))
    return seen


def dungeon_problems(scene: Scene2D) -> list[str]:
    """What is wrong with a dungeon scene (empty when it is solvable as laid out)."""
    problems = list(prove(Plan.from_mission(scene.mission)).errors)
    locked = scene.tiles == scene.tile_names.index("locked door") + 1
    walk = ~scene.solid_mask() & (scene.tiles > 0)
    start = cell_of(scene.layer("spawn")[0])
    open_reach = _reach(walk | locked, start)
    for o in scene.layer("keys") + scene.layer("goal"):
        if not open_reach[cell_of(o)]:
            problems.append(f"{o.name} cannot be reached even with every lock open")
    for o in scene.layer("rooms"):
        r0, c0 = o.y // TILE - o.height // TILE, o.x // TILE
        if not open_reach[r0:r0 + o.height // TILE, c0:c0 + o.width // TILE].any():
            problems.append(f"{o.name} cannot be entered")
    if scene.layer("locks") and _reach(walk, start)[cell_of(scene.layer("goal")[0])]:
        problems.append("the goal can be reached without opening a lock")
    return problems


def load_tiled(path: str | os.PathLike) -> dict[str, Any]:
    """Load a Tiled map with every reader that handles it; counts of layers, objects, images."""
    path = Path(path)
    try:
        import pytiled_parser  # optional: pytiled-parser (dev extra)
    except ImportError as e:
        raise MissingDependencyError(f"pytiled-parser is needed to check {path} ({e})") from None
    parsed = pytiled_parser.parse_map(path)
    objects = sum(len(getattr(layer, "tiled_objects", [])) for layer in parsed.layers)
    out: dict[str, Any] = {"pytiled_layers": len(parsed.layers), "pytiled_objects": objects}
    if path.suffix == ".tmx":
        out.update(_load_pytmx(path))
    return out


def _load_pytmx(path: Path) -> dict[str, Any]:
    """pytmx with pygame surfaces (a dummy display is opened if none is)."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    try:
        import pygame  # lazy: pygame, start-up time
        from pytmx import TiledObjectGroup  # optional: pytmx (dev extra)
        from pytmx.util_pygame import load_pygame  # optional: pytmx (dev extra)
    except ImportError as e:
        raise MissingDependencyError(f"pytmx and pygame are needed to check {path} ({e})") from None
    if not pygame.display.get_init() or pygame.display.get_surface() is None:
        pygame.display.init()
        pygame.display.set_mode((1, 1))
    m = load_pygame(str(path))
    # pytmx also lists each tile's collision group (embedded tileset) as a nameless map layer
    layers = [layer for layer in m.layers if layer.name is not None]
    objects = [o for layer in layers if isinstance(layer, TiledObjectGroup) for o in layer]
    return {"pytmx_layers": len(layers), "pytmx_objects": len(objects),
            "pytmx_colliders": len(list(m.get_tile_colliders())),
            "pytmx_sprite_images": sum(o.image is not None for o in objects if o.gid),
            "pytmx_sprites": sum(bool(o.gid) for o in objects)}
