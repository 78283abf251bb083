"""Biomes from height, slope and moisture, their colours, and the moisture field.

>>> h = np.array([[0.1, 0.36, 0.5, 0.9]], dtype=np.float32)
>>> t = Thresholds(sea_level=0.35, beach=0.03, mountain=0.7, snow=0.85, rock_slope=1.0,
...                forest_moisture=0.5)
>>> [BIOMES[b] for b in classify(h, np.zeros_like(h), np.ones_like(h), t)[0]]
['deep_water', 'beach', 'forest', 'snow']
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from worldsmith.scenes.terrain import _edt
from worldsmith.types.mesh import BAND

BIOMES = ("deep_water", "shallow_water", "beach", "grassland", "forest", "rock", "snow")
DEEP, SHALLOW, BEACH, GRASS, FOREST, ROCK, SNOW = range(len(BIOMES))

#: sRGB colour of each biome (vertex colours, render, splat palette)
COLORS = np.array([
    [22, 58, 110],     # deep water (sea floor seen through water)
    [52, 120, 160],    # shallow water
    [222, 205, 150],   # beach sand
    [118, 168, 74],    # grassland
    [52, 110, 48],     # forest floor
    [128, 120, 112],   # rock
    [240, 244, 248],   # snow
], dtype=np.uint8)


@dataclass(frozen=True)
class Thresholds:
    """Biome boundaries. Heights are fractions of the height scale; ``rock_slope`` is a
    gradient (rise over run); ``forest_moisture`` is in [0, 1]."""

    sea_level: float
    beach: float
    mountain: float
    snow: float
    rock_slope: float
    forest_moisture: float

    @property
    def shallow(self) -> float:
        """Height below which water counts as deep."""
        return self.sea_level - 0.06


def classify(height: np.ndarray, slope: np.ndarray, moisture: np.ndarray,
             t: Thresholds) -> np.ndarray:
    """(H, W) uint8 biome ids from normalised height, gradient magnitude and moisture."""
    biome = np.where(moisture > t.forest_moisture, FOREST, GRASS).astype(np.uint8)
    biome[(height > t.mountain) | (slope > t.rock_slope)] = ROCK
    biome[height > t.snow] = SNOW
    biome[(height < t.sea_level + t.beach) & (slope < t.rock_slope)] = BEACH
    biome[height < t.sea_level] = SHALLOW
    biome[height < t.shallow] = DEEP
    return biome


def moisture(noise: np.ndarray, height: np.ndarray, sea_level: float) -> np.ndarray:
    """(H, W) moisture in [0, 1]: a noise field, wetter near water and in lowlands (a band of
    :data:`~worldsmith.types.mesh.BAND` rows at a time, so its float64 temporaries stay in cache)."""
    dry = water_distance(height >= sea_level)                       # cells to the nearest water
    reach = 0.04 * height.shape[0]
    out = np.empty(height.shape, np.float32)
    for r in range(0, height.shape[0], BAND):
        rows = slice(r, r + BAND)
        near_water = np.exp(-dry[rows] / reach)
        lowland = np.clip(1.0 - (height[rows] - sea_level) * 2.0, 0.0, 1.0)
        wet = 0.55 + 0.9 * noise[rows] + 0.25 * near_water + 0.15 * lowland - 0.2
        out[rows] = np.clip(wet, 0.0, 1.0)
    return out


def water_distance(land: np.ndarray) -> np.ndarray:
    """(H, W) float64: per cell, the distance in cells to the nearest cell where ``land`` is
    False (0 there): ``scipy.ndimage.distance_transform_edt(land)``, the same bits, from the C
    kernel ``_edt.c`` at a flat cost per cell (scipy's grows 2-3x from 512 to 2,048 cells a side).

    >>> water_distance(np.array([[0, 1, 1, 1]], bool)).tolist()
    [[0.0, 1.0, 2.0, 3.0]]
    """
    out = np.empty(land.shape, np.float64)
    if land.size and _edt.edt(np.ascontiguousarray(land, np.uint8), out, *land.shape):
        return out
    from scipy import ndimage  # lazy: scipy.ndimage, start-up time (no water, or no cells: its answer)

    return ndimage.distance_transform_edt(land)


def shade(height: np.ndarray, t: Thresholds) -> np.ndarray:
    """(H, W) float32 factor in [0.5, 1] on the biome colours: darker with depth under water, a
    little lighter with height on land, so slopes and ridges read."""
    depth = np.clip((t.sea_level - height) / 0.3, 0.0, 1.0)
    land = np.clip((height - t.sea_level) / max(1.0 - t.sea_level, 1e-6), 0.0, 1.0)
    return np.where(height < t.sea_level, 1.0 - 0.5 * depth, 0.85 + 0.15 * land).astype(np.float32)

