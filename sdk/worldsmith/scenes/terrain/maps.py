"""Per-cell maps of a :class:`Terrain` as engines' terrain tools take them: the 16-bit height
PNG, the RAW 16-bit heightmap Unity imports (2^k+1 a side), the biome index map and the splat
(weight) maps, four biomes to an RGBA map.

Heights in the PNG and the RAW file run from 0 (the lowest point, ``height_png.min`` in the
.json) to 65535 (the highest, ``height_png.max``); row 0 is the map's z = -world_size/2 edge.

>>> import worldsmith as ws
>>> t = ws.make("scenes/terrain-v1", size=64)(seed=2)
>>> raw_size(64), len(height_raw(t)) == 65 * 65 * 2
(65, True)
>>> w = splat_weights(t.biomes)
>>> w.shape, int(w.sum(axis=-1).min()), int(w.sum(axis=-1).max())
((64, 64, 8), 255, 255)
"""
from __future__ import annotations

import numpy as np
from PIL import Image
from scipy import ndimage

from worldsmith.scenes.terrain import biomes as B
from worldsmith.types.terrain import Terrain

SPLAT_SIGMA = 1.0      # cells: how far biome weights blend across a boundary ...
SPLAT_RADIUS = 2       # cells: ... and no farther (the Gaussian is cut there)
SPLAT_MAPS = -(-len(B.BIOMES) // 4)


def splat_biomes() -> list[list[str | None]]:
    """The biome in each channel (R, G, B, A) of each splat map; None where a channel is unused."""
    names = list(B.BIOMES) + [None] * (4 * SPLAT_MAPS - len(B.BIOMES))
    return [names[4 * m:4 * m + 4] for m in range(SPLAT_MAPS)]


def _unit_heights(t: Terrain) -> np.ndarray:
    h = t.heightmap.astype(np.float64)
    return (h - h.min()) / max(float(h.max() - h.min()), 1e-9)


def heightmap_png(t: Terrain) -> Image.Image:
    """16-bit greyscale: 0 = the lowest point, 65535 = the highest (range in the .json)."""
    return Image.fromarray(np.rint(_unit_heights(t) * 65535).astype(np.uint16))


def raw_size(n: int) -> int:
    """The smallest 2^k + 1 that is at least ``n`` (Unity's heightmap resolutions: 33 ... 4097)."""
    return (1 << max(int(n - 2).bit_length(), 5)) + 1


def height_raw(t: Terrain) -> bytes:
    """The heightmap resampled (bilinear, corners kept) to :func:`raw_size` a side, as 16-bit
    little-endian unsigned integers, row-major, 0..65535 as in the PNG."""
    n = t.heightmap.shape[0]
    m = raw_size(n)
    axis = np.linspace(0.0, n - 1, m)
    rows, cols = np.meshgrid(axis, axis, indexing="ij")
    h = ndimage.map_coordinates(_unit_heights(t), [rows, cols], order=1, mode="nearest")
    return np.rint(h * 65535).astype("<u2").tobytes()


def biome_png(t: Terrain) -> Image.Image:
    """Palette image: each pixel's index is its biome id, the palette its biome colour."""
    img = Image.frombytes("P", t.biomes.shape[::-1], np.ascontiguousarray(t.biomes).tobytes())
    img.putpalette(B.COLORS.reshape(-1).tolist())
    return img


def splat_weights(biomes: np.ndarray) -> np.ndarray:
    """(H, W, 4 * SPLAT_MAPS) uint8 biome weights, each pixel's summing to exactly 255: the
    one-hot biome map blurred by a Gaussian of ``SPLAT_SIGMA`` cells cut at ``SPLAT_RADIUS``, rounded by largest
    remainder (ties to the lower channel)."""
    channels = 4 * SPLAT_MAPS
    one_hot = (biomes[..., None] == np.arange(channels)).astype(np.float64)
    soft = ndimage.gaussian_filter(one_hot, sigma=(SPLAT_SIGMA, SPLAT_SIGMA, 0), mode="nearest",
                                   radius=(SPLAT_RADIUS, SPLAT_RADIUS, 0))
    scaled = soft / soft.sum(axis=-1, keepdims=True) * 255
    weights = np.floor(scaled)
    short = 255 - weights.sum(axis=-1, keepdims=True)                  # 0 .. channels - 1
    rank = np.argsort(np.argsort(weights - scaled, axis=-1, kind="stable"), axis=-1, kind="stable")
    return (weights + (rank < short)).astype(np.uint8)


def splat_pngs(t: Terrain) -> list[Image.Image]:
    """The splat maps as RGBA images, channels in :func:`splat_biomes` order."""
    w = splat_weights(t.biomes)
    return [Image.fromarray(np.ascontiguousarray(w[..., 4 * m:4 * m + 4]), "RGBA") for m in range(SPLAT_MAPS)]
