"""``Scene2D``: a composed 2D game scene (a platformer level or a dungeon) ready for a game engine.

A scene is one tile layer drawn with its own RGBA tileset, named object layers (spawn, enemies,
items, checkpoints, keys, doors...) whose objects may show a frame of a sprite sheet, parallax
background images, and the story that runs through it: a :class:`PlotGraph` bound to
checkpoints (platformer) or a lock-and-key mission graph with its solution (dungeon).

Tile ids in ``tiles`` are Tiled-style: ``0`` is no tile, ``k`` is ``tileset[k - 1]``.

>>> import numpy as np
>>> s = Scene2D(kind="demo", tiles=np.array([[0, 1]], np.uint16),
...             tileset=np.zeros((1, 16, 16, 4), np.uint8), tile_names=["ground"],
...             tile_solid=[True], objects=[SceneObject("spawn", "hero", "spawn", 0, 16, 16, 16)])
>>> s.shape, s.pixel_size, s.layer("spawn")[0].name
((1, 2), (32, 16), 'hero')
>>> s.solid_mask().tolist()
[[False, True]]
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from worldsmith.types.base import Asset, AssetMeta
from worldsmith.types.plot import PlotGraph

TILE = 16


@dataclass
class SceneObject:
    """A point or box of an object layer, in pixels (``y`` is the bottom edge, as Tiled tile
    objects have it). ``sprite`` names a sheet in ``Scene2D.sprites`` and ``frame`` its frame;
    an empty ``sprite`` makes a plain rectangle (a region such as a room or a checkpoint)."""

    layer: str
    name: str
    type: str
    x: int
    y: int
    width: int
    height: int
    sprite: str = ""
    frame: int = 0
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass
class Background:
    """A horizontally tileable RGBA image drawn behind the tiles, scrolling at ``parallax``
    times the camera speed (0 = fixed sky, 1 = moves with the tiles)."""

    name: str
    image: np.ndarray
    parallax: float


@dataclass(eq=False)
class Scene2D(Asset):
    """A composed 2D scene: tiles + tileset, objects + sprite sheets, backgrounds, story."""

    kind: str
    tiles: np.ndarray
    tileset: np.ndarray
    tile_names: list[str]
    tile_solid: list[bool]
    objects: list[SceneObject] = field(default_factory=list)
    object_layers: list[str] = field(default_factory=list)
    sprites: dict[str, np.ndarray] = field(default_factory=dict)
    backgrounds: list[Background] = field(default_factory=list)
    plot: PlotGraph | None = None
    mission: dict[str, Any] = field(default_factory=dict)
    solution: list[dict[str, Any]] = field(default_factory=list)
    meta: AssetMeta = field(default_factory=AssetMeta)

    @property
    def shape(self) -> tuple[int, int]:
        """``(rows, columns)`` of the tile layer."""
        return tuple(self.tiles.shape)  # type: ignore[return-value]

    @property
    def pixel_size(self) -> tuple[int, int]:
        """``(width, height)`` of the whole scene in pixels."""
        h, w = self.shape
        return w * TILE, h * TILE

    def layers(self) -> list[str]:
        """Names of the object layers: ``object_layers`` (kept even when empty), then any other
        layer an object names, in first-use order."""
        return list(dict.fromkeys([*self.object_layers, *(o.layer for o in self.objects)]))

    def layer(self, name: str) -> list[SceneObject]:
        """The objects of layer ``name``."""
        return [o for o in self.objects if o.layer == name]

    def solid_mask(self) -> np.ndarray:
        """``(H, W)`` bool: True where a tile blocks movement."""
        table = np.array([False, *self.tile_solid])
        return table[self.tiles]
