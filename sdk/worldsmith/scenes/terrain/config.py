"""The config of ``scenes/terrain-v1``, importable without torch (``worldsmith info`` reads it).

>>> TerrainConfig(size=64).thresholds.sea_level
0.36
"""
from __future__ import annotations

from dataclasses import dataclass

from worldsmith.core.config import Config, param
from worldsmith.core.errors import ConfigError
from worldsmith.scenes.terrain import biomes as B


@dataclass(frozen=True)
class TerrainConfig(Config):
    """Configuration of ``scenes/terrain-v1``."""

    size: int = param(256, lo=64, hi=2048, help="vertices per side of the heightmap")
    world_scale: float = param(512.0, lo=16.0, hi=16384.0, help="map width in metres")
    height_scale: float = param(60.0, lo=1.0, hi=2000.0, help="metres from the lowest to the highest point")
    sea_level: float = param(0.36, lo=0.05, hi=0.9, help="sea level as a fraction of height_scale")
    noise_scale: float = param(3.0, lo=0.5, hi=32.0, help="noise lattice cells across the map")
    octaves: int = param(6, lo=1, hi=10, help="fBm octaves")
    persistence: float = param(0.5, lo=0.1, hi=0.9, help="amplitude ratio between octaves")
    lacunarity: float = param(2.0, lo=1.5, hi=3.0, help="frequency ratio between octaves")
    warp: float = param(0.35, lo=0.0, hi=2.0, help="domain warp strength, in lattice cells")
    island: float = param(1.0, lo=0.0, hi=1.0, help="strength of the island falloff toward the edges")
    erosion_steps: int = param(30, lo=0, hi=500, help="hydraulic erosion steps (thermal runs a third as many)")
    beach_height: float = param(0.035, lo=0.0, hi=0.2, help="beach band above sea level (fraction of height_scale)")
    mountain_height: float = param(0.72, lo=0.1, hi=1.0, help="rock above this height (fraction)")
    snow_height: float = param(0.86, lo=0.1, hi=1.5, help="snow above this height (fraction)")
    rock_slope: float = param(0.9, lo=0.05, hi=10.0, help="rock where the slope (rise/run) exceeds this")
    tree_slope: float = param(0.6, lo=0.05, hi=10.0, help="no trees where the slope exceeds this")
    forest_moisture: float = param(0.55, lo=0.0, hi=1.0, help="forest where moisture exceeds this")
    prop_density: float = param(0.5, lo=0.0, hi=1.0, help="share of the possible props placed")
    device: str = param("cpu", choices=("cpu", "auto", "cuda"), help="torch device for noise and erosion")

    def check(self) -> None:
        if not self.sea_level < self.mountain_height < self.snow_height:
            raise ConfigError("mountain_height", "sea_level < mountain_height < snow_height",
                              (self.sea_level, self.mountain_height, self.snow_height))

    @property
    def thresholds(self) -> B.Thresholds:
        """Biome thresholds, heights as fractions of ``height_scale``."""
        return B.Thresholds(self.sea_level, self.beach_height, self.mountain_height,
                            self.snow_height, self.rock_slope, self.forest_moisture)
