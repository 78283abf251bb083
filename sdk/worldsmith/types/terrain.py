"""The 3D terrain scene asset: heightmap, biome map, props and spawn points.

World coordinates are glTF's: y is up, the map spans ``[-world_size/2, world_size/2]`` in x
(columns) and z (rows), and vertex (row r, column c) sits at
``x = c * cell - world_size/2``, ``z = r * cell - world_size/2`` with ``cell = world_size/(n-1)``.

>>> import worldsmith as ws
>>> t = ws.make("scenes/terrain-v1", size=64)(seed=1)
>>> t.heightmap.shape, t.biomes.dtype.name
((64, 64), 'uint8')
>>> half = t.world_size / 2
>>> bool(t.height_at(-half, -half) == t.heightmap[0, 0])
True
>>> t.normal_at([0.0, 1.0], [0.0, 2.0]).shape
(2, 3)
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from worldsmith.types.base import Asset, AssetMeta, assets_equal
from worldsmith.types.mesh import surface_height, surface_normal


@dataclass(eq=False)
class Props:
    """Prop instances: ``variant`` (N,) indexes ``worldsmith.scenes.terrain.props.CATALOGUE``
    (``"tree_03"``...), ``position`` (N, 3) float32 x, y, z of the base, ``yaw`` (N,) radians
    about +y, ``scale`` (N,) uniform scale."""

    variant: np.ndarray
    position: np.ndarray
    yaw: np.ndarray
    scale: np.ndarray

    def __eq__(self, other: object) -> bool:
        return assets_equal(self, other)

    def __len__(self) -> int:
        return len(self.variant)


@dataclass(eq=False)
class Terrain(Asset):
    """An island scene: ``heightmap`` (n, n) float32 metres (y of each vertex), ``biomes``
    (n, n) uint8 ids into ``worldsmith.scenes.terrain.biomes.BIOMES``, ``props``, ``spawns`` (K, 3)
    float32 flat open points on land, ``world_size`` and ``sea_level`` in metres, and
    ``prop_seed``, from which the prop meshes are built."""

    heightmap: np.ndarray
    biomes: np.ndarray
    props: Props
    spawns: np.ndarray
    world_size: float
    sea_level: float
    prop_seed: int
    meta: AssetMeta

    @property
    def cell(self) -> float:
        """Distance between neighbouring vertices, in metres."""
        return self.world_size / (self.heightmap.shape[0] - 1)

    def height_at(self, x, z):
        """Surface height (y) at world ``x, z`` (scalars or arrays), interpolated over the
        mesh's own triangles, so it is exactly the rendered surface; clamped at the edges."""
        return surface_height(self.heightmap, self.world_size, x, z)

    def normal_at(self, x, z):
        """Unit surface normal(s) (..., 3) at world ``x, z``: the mesh's vertex normals blended
        over the triangle under the point."""
        return surface_normal(self.heightmap, self.world_size, x, z)
