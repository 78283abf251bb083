"""Props: low-poly procedural meshes (trees, bushes, rocks) and their placement on the map.

Placement is Poisson-disk sampling (no two props closer than ``radius``, so trees never stand in
each other) computed in parallel rounds: uniform candidates with random priorities, each round
accepting every candidate that outranks all its live neighbours (this yields exactly the greedy
sequential result). Candidates are first thinned per biome, so forests fill up and rock fields
stay sparse; nothing stands in water and steep ground gets rocks instead of trees.

>>> pts = poisson_disk(np.random.default_rng(0), 10.0, 1.0)
>>> from scipy.spatial.distance import pdist
>>> len(pts) > 40, bool(pdist(pts).min() >= 1.0)
(True, True)
"""
from __future__ import annotations

import functools
import math

import numpy as np
import trimesh
from scipy.spatial import cKDTree

from worldsmith.scenes.terrain import biomes as B
from worldsmith.types.mesh import surface_height

TREES, BUSHES, ROCKS = 4, 3, 3
CATALOGUE = (tuple(f"tree_{i:02d}" for i in range(TREES)) + tuple(f"bush_{i:02d}" for i in range(BUSHES))
             + tuple(f"rock_{i:02d}" for i in range(ROCKS)))
KINDS = ("tree", "bush", "rock")
_FIRST = {"tree": 0, "bush": TREES, "rock": TREES + BUSHES}
_COUNT = {"tree": TREES, "bush": BUSHES, "rock": ROCKS}

# biome -> (share of candidates kept, probabilities of tree, bush, rock)
RULES = {
    B.DEEP: (0.0, (0.0, 0.0, 1.0)),
    B.SHALLOW: (0.0, (0.0, 0.0, 1.0)),
    B.BEACH: (0.12, (0.0, 0.45, 0.55)),
    B.GRASS: (0.35, (0.45, 0.45, 0.10)),
    B.FOREST: (1.0, (0.88, 0.12, 0.0)),
    B.ROCK: (0.25, (0.0, 0.1, 0.9)),
    B.SNOW: (0.06, (0.0, 0.0, 1.0)),
}
MAX_PROP_RADIUS = 2.7   # metres: the widest prop at scale 1.2 stays within half the spacing


def spacing(world_size: float) -> float:
    """Minimum distance between props, in metres."""
    return max(world_size / 96.0, 2 * MAX_PROP_RADIUS)


def poisson_disk(rng: np.random.Generator, size: float, radius: float,
                 keep=None) -> np.ndarray:
    """(N, 2) points in [0, size)^2, pairwise at least ``radius`` apart. ``keep(points) -> bool
    mask`` thins the candidates first (it may consume ``rng``)."""
    count = int(math.ceil(2.5 * (size / radius) ** 2))
    pts = rng.uniform(0.0, size, (count, 2))
    priority = rng.permutation(count)
    if keep is not None:
        mask = keep(pts)
        pts, priority = pts[mask], priority[mask]
    pairs = cKDTree(pts).query_pairs(radius, output_type="ndarray")     # (P, 2)
    a, b = pairs[:, 0], pairs[:, 1]
    alive = np.ones(len(pts), dtype=bool)
    chosen = np.zeros(len(pts), dtype=bool)
    while alive.any():
        live = alive[a] & alive[b]
        best = np.full(len(pts), -1, dtype=np.int64)                     # best live neighbour
        np.maximum.at(best, a[live], priority[b[live]])
        np.maximum.at(best, b[live], priority[a[live]])
        win = alive & (priority > best)
        chosen |= win
        beaten = np.zeros(len(pts), dtype=bool)
        beaten[b[live & win[a]]] = True
        beaten[a[live & win[b]]] = True
        alive &= ~(win | beaten)
    return pts[chosen]


def place(rng: np.random.Generator, biome: np.ndarray, slope: np.ndarray, heightmap: np.ndarray,
          world_size: float, density: float, tree_slope: float):
    """Props for a map: (variant, position (N, 3), yaw, scale) arrays."""
    n = biome.shape[0]
    keep_share = np.array([RULES[b][0] for b in range(len(B.BIOMES))]) * min(1.0, 2.0 * density)

    def cells(pts: np.ndarray):
        rc = np.clip(np.rint(pts / world_size * (n - 1)).astype(np.int64), 0, n - 1)
        return rc[:, 1], rc[:, 0]                                         # row (z), col (x)

    def keep(pts: np.ndarray) -> np.ndarray:
        r, c = cells(pts)
        return rng.random(len(pts)) < keep_share[biome[r, c]]

    pts = poisson_disk(rng, world_size, spacing(world_size), keep)
    r, c = cells(pts)
    probs = np.array([RULES[b][1] for b in range(len(B.BIOMES))])[biome[r, c]]   # (N, 3)
    kind = (rng.random(len(pts))[:, None] > np.cumsum(probs, axis=1)).sum(1).clip(0, 2)
    kind[(kind == 0) & (slope[r, c] > tree_slope)] = 2                   # steep: rock, not tree
    first = np.array([_FIRST[k] for k in KINDS])[kind]
    variant = (first + rng.integers(0, 1 << 30, len(pts)) % np.array([_COUNT[k] for k in KINDS])[kind])
    xz = pts - world_size / 2
    y = surface_height(heightmap, world_size, xz[:, 0], xz[:, 1]) - 0.1
    position = np.stack([xz[:, 0], y, xz[:, 1]], axis=1).astype(np.float32)
    yaw = rng.uniform(0, 2 * math.pi, len(pts)).astype(np.float32)
    scale = rng.uniform(0.8, 1.2, len(pts)).astype(np.float32)
    return variant.astype(np.int16), position, yaw, scale


# ---- meshes -------------------------------------------------------------------------------
_Z_TO_Y = trimesh.transformations.rotation_matrix(-math.pi / 2, [1, 0, 0])


def _part(mesh: trimesh.Trimesh, color, lift: float = 0.0) -> trimesh.Trimesh:
    mesh.apply_transform(_Z_TO_Y)
    mesh.apply_translation([0, lift, 0])
    mesh.visual.vertex_colors = np.array([*color, 255], dtype=np.uint8)
    return mesh


def _jitter(mesh: trimesh.Trimesh, rng: np.random.Generator, amount: float) -> trimesh.Trimesh:
    mesh.vertices = mesh.vertices * (1 + rng.uniform(-amount, amount, mesh.vertices.shape))
    return mesh


def _shade(rng: np.random.Generator, base) -> tuple[int, int, int]:
    return tuple(int(v) for v in np.clip(np.array(base) * rng.uniform(0.85, 1.15), 0, 255))


def _trunk(rng, height: float) -> trimesh.Trimesh:
    return _part(trimesh.creation.cylinder(radius=0.22, height=height, sections=6),
                 _shade(rng, (110, 78, 50)), lift=height / 2)


def _tree(index: int, rng: np.random.Generator) -> list[trimesh.Trimesh]:
    if index in (0, 1):                     # conifers: stacked cones, the second one tall
        tiers, trunk = (3, 1.2) if index == 0 else (2, 2.0)
        color = _shade(rng, (34, 92, 50))
        parts = [_trunk(rng, trunk + 0.5)]
        for t in range(tiers):
            radius = 2.2 * (1 - t / (tiers + 1)) * (0.8 if index else 1.0)
            cone = trimesh.creation.cone(radius=radius, height=2.6 + rng.uniform(0, 0.6), sections=7)
            parts.append(_part(cone, color, lift=trunk + t * 1.5))
        return parts
    blobs = 1 if index == 2 else 3         # broadleaf: one or three jittered blobs on a trunk
    color = _shade(rng, (70, 140, 52))
    parts = [_trunk(rng, 2.6)]
    for k in range(blobs):
        radius = 1.9 if blobs == 1 else 1.2
        blob = _jitter(trimesh.creation.icosphere(subdivisions=1, radius=radius), rng, 0.12)
        dx, dz = (0.0, 0.0) if blobs == 1 else (0.9 * math.cos(2.1 * k), 0.9 * math.sin(2.1 * k))
        blob.apply_translation([dx, dz, 0.0])
        parts.append(_part(blob, color, lift=3.6 + 0.3 * k))
    return parts


def _bush(index: int, rng: np.random.Generator) -> list[trimesh.Trimesh]:
    color = _shade(rng, ((80, 150, 60), (60, 120, 50), (110, 150, 70))[index])
    parts = []
    for k in range(index + 1):
        blob = _jitter(trimesh.creation.icosphere(subdivisions=1, radius=0.9 - 0.15 * k), rng, 0.15)
        blob.apply_scale([1.0, 1.0, 0.7])
        blob.apply_translation([0.6 * k * math.cos(2.4 * k), 0.6 * k * math.sin(2.4 * k), 0.0])
        parts.append(_part(blob, color, lift=0.5))
    return parts


def _rock(index: int, rng: np.random.Generator) -> list[trimesh.Trimesh]:
    color = _shade(rng, ((132, 128, 120), (110, 106, 100), (150, 140, 125))[index])
    rock = _jitter(trimesh.creation.icosphere(subdivisions=1, radius=1.0 + 0.35 * index), rng, 0.25)
    rock.apply_scale([1.0 + 0.2 * index, 1.0, 0.6])
    return [_part(rock, color, lift=0.3)]


@functools.lru_cache(maxsize=64)
def prop_mesh(name: str, seed: int) -> trimesh.Trimesh:
    """The flat-shaded, vertex-coloured mesh of catalogue entry ``name``; base at y=0, metres.
    Cached: treat the result as read-only (``copy()`` it to change it).

    >>> m = prop_mesh("tree_03", 1)
    >>> m.bounds[1][1] > 4.0 and m.visual.kind == "vertex"
    True
    """
    kind, index = name.split("_")
    rng = np.random.default_rng([seed, CATALOGUE.index(name)])
    parts = {"tree": _tree, "bush": _bush, "rock": _rock}[kind](int(index), rng)
    mesh = trimesh.util.concatenate(parts)
    mesh.unmerge_vertices()
    return mesh
