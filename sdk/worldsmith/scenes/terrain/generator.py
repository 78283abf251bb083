"""``scenes/terrain-v1``: islands from warped Perlin fBm, eroded, with biomes and props.

Pipeline per seed: fBm heightmap (:mod:`.noise`, ``base=0``, the seed chooses the domain
offsets) -> island falloff -> hydraulic then thermal erosion (:mod:`.erosion`) -> biomes from
height, slope and a moisture field (:mod:`.biomes`) -> Poisson-disk props with per-biome rules
(:mod:`.props`) -> spawn points.

>>> import worldsmith as ws
>>> t = ws.make("scenes/terrain-v1", size=64, erosion_steps=4)(seed=3)
>>> bool((t.biomes == 0).any() and (t.biomes >= 2).any()), len(t.spawns)
(True, 4)
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import torch

from worldsmith.core.device import resolve_device
from worldsmith.core.generator import Generator
from worldsmith.core.seeding import rng as make_rng
from worldsmith.scenes.terrain import biomes as B
from worldsmith.scenes.terrain import erosion, props
from worldsmith.scenes.terrain.config import TerrainConfig
from worldsmith.scenes.terrain.noise import FbmParams, fbm_field
from worldsmith.types.mesh import BAND, gradient_magnitude
from worldsmith.types.terrain import Props, Terrain

#: Domain offsets are multiples of 1/256 in [0, 192): exact in float32, and small enough that
#: the finest octave still resolves (a game replays them with ``noise.pnoise2``).
_OFFSET_RANGE = 192 * 256


def noise_recipe(config: TerrainConfig, seed: int, layer: int = 0) -> FbmParams:
    """The fBm recipe of ``seed``'s heightmap (layer 0) or moisture field (layer 1)."""
    ox, oy = np.random.default_rng([seed, layer]).integers(0, _OFFSET_RANGE, 2) / 256.0
    if layer == 0:
        return FbmParams(scale=config.noise_scale, offset_x=float(ox), offset_y=float(oy),
                         octaves=config.octaves, persistence=config.persistence,
                         lacunarity=config.lacunarity, warp=config.warp)
    return FbmParams(scale=config.noise_scale * 1.5, offset_x=float(ox), offset_y=float(oy), octaves=3)


def island_mask(size: int, strength: float) -> torch.Tensor:
    """(size, size) in [0, 1]: 1 in the middle, falling to ``1 - strength`` at the edges (in
    float64, a band of :data:`~worldsmith.types.mesh.BAND` rows at a time, kept in cache)."""
    axis = torch.linspace(-1.0, 1.0, size, dtype=torch.float64)
    out = torch.empty(size, size)
    for r in range(0, size, BAND):
        d = torch.sqrt(axis[None, :] ** 2 + axis[r:r + BAND, None] ** 2) / 0.95
        smooth = (d.clamp(0.5, 1.0) - 0.5) / 0.5
        out[r:r + BAND] = 1 - strength * smooth * smooth * (3 - 2 * smooth)
    return out


def heightmap(config: TerrainConfig, seed: int, device: torch.device) -> torch.Tensor:
    """(size, size) normalised heights (sea level ``config.sea_level``, peaks near 1)."""
    n = config.size
    field = fbm_field(n, noise_recipe(config, seed), device)
    mask = island_mask(n, config.island).to(device)
    peaks = 0.5 + 1.15 * field + 1.2 * field.clamp_min(0) ** 2
    h = (peaks * mask + 0.1 * (mask - 1)).clamp(-0.2, 1.2)
    to_cells = config.height_scale / (config.world_scale / (n - 1))   # erosion works in cells
    relief = erosion.hydraulic(h * to_cells, config.erosion_steps, sea=config.sea_level * to_cells)
    relief = erosion.thermal(relief, config.erosion_steps // 3, talus=config.rock_slope * 1.2)
    return relief / to_cells


def spawn_points(rng: np.random.Generator, biome: np.ndarray, slope: np.ndarray,
                 heights: np.ndarray, world_size: float, count: int = 4) -> np.ndarray:
    """(count, 3) float32: flat grass or beach points, spread out by farthest-point sampling."""
    n = biome.shape[0]
    ok = np.isin(biome, (B.GRASS, B.BEACH)) & (slope < 0.15)
    if not ok.any():
        ok = biome >= B.BEACH
    if not ok.any():
        ok = heights == heights.max()
    rows, cols = np.nonzero(ok)
    picked = [int(rng.integers(len(rows)))]
    dist = np.full(len(rows), np.inf)
    for _ in range(count - 1):
        dist = np.minimum(dist, (rows - rows[picked[-1]]) ** 2 + (cols - cols[picked[-1]]) ** 2)
        picked.append(int(np.argmax(dist)))
    r, c = rows[picked], cols[picked]
    cell = world_size / (n - 1)
    return np.stack([c * cell - world_size / 2, heights[r, c], r * cell - world_size / 2],
                    axis=1).astype(np.float32)


class TerrainGenerator(Generator):
    """Island scenes with biomes, water and props, exported as glTF."""

    id = "scenes/terrain-v1"
    Config = TerrainConfig
    asset_type = Terrain
    test_config = {"size": 64, "erosion_steps": 5}

    @property
    def item_bytes(self) -> int:  # type: ignore[override]
        """About 80 bytes a heightmap cell: heights, biomes, and the mesh's vertices, normals,
        colours and faces."""
        return self.config.size ** 2 * 80

    def _generate(self, seeds: Sequence[int]) -> list[Terrain]:
        device = resolve_device(self.config.device)
        with torch.inference_mode():
            return [self._one(seed, device) for seed in seeds]

    def _one(self, seed: int, device: torch.device) -> Terrain:
        cfg = self.config
        h = heightmap(cfg, seed, device).cpu().numpy().astype(np.float32)      # (n, n) fraction
        metres = (h * cfg.height_scale).astype(np.float32)
        cell = cfg.world_scale / (cfg.size - 1)
        slope = gradient_magnitude(metres, cell)
        wet_noise = fbm_field(cfg.size, noise_recipe(cfg, seed, layer=1), device).cpu().numpy()
        wet = B.moisture(wet_noise, h, cfg.sea_level)
        biome = B.classify(h, slope, wet, cfg.thresholds)
        rng = make_rng(seed)
        variant, position, yaw, scale = props.place(rng, biome, slope, metres, cfg.world_scale,
                                                    cfg.prop_density, cfg.tree_slope)
        spawns = spawn_points(rng, biome, slope, metres, cfg.world_scale)
        return Terrain(heightmap=metres, biomes=biome, props=Props(variant, position, yaw, scale),
                       spawns=spawns, world_size=cfg.world_scale,
                       sea_level=float(cfg.sea_level * cfg.height_scale),
                       prop_seed=int(rng.integers(0, 2**31)), meta=self.meta(seed))
