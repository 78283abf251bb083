"""Terrain mesh geometry: grid vertices, triangles, normals, and interpolation over the mesh.

Each grid quad (r, c)-(r+1, c+1) splits along the (r+1, c)-(r, c+1) diagonal into two
triangles wound counter-clockwise seen from +y, as glTF expects.

>>> h = np.zeros((3, 3), dtype=np.float32); h[1, 1] = 2.0
>>> grid_faces(3).shape, (vertex_normals(h, 1.0)[1, 1] + 0.0).tolist()
((8, 3), [0.0, 1.0, 0.0])
>>> float(surface_height(h, 2.0, 0.0, 0.0)), float(surface_height(h, 2.0, 0.5, 0.0))
(2.0, 1.0)
"""
from __future__ import annotations

import numpy as np


def grid_positions(heightmap: np.ndarray, world_size: float) -> np.ndarray:
    """(n*n, 3) float32 vertex positions x, y, z, row-major."""
    n = heightmap.shape[0]
    axis = (np.arange(n, dtype=np.float64) * (world_size / (n - 1)) - world_size / 2)
    x = np.broadcast_to(axis[None, :], (n, n))
    z = np.broadcast_to(axis[:, None], (n, n))
    return np.stack([x, heightmap, z], axis=-1).reshape(-1, 3).astype(np.float32)


def grid_faces(n: int) -> np.ndarray:
    """(2*(n-1)**2, 3) uint32 triangle vertex indices of an n x n grid."""
    idx = np.arange(n * n, dtype=np.uint32).reshape(n, n)
    a, b = idx[:-1, :-1], idx[:-1, 1:]          # (r, c), (r, c+1)
    c, d = idx[1:, :-1], idx[1:, 1:]            # (r+1, c), (r+1, c+1)
    first = np.stack([a, c, b], axis=-1)
    second = np.stack([c, d, b], axis=-1)
    return np.stack([first, second], axis=2).reshape(-1, 3)


def vertex_normals(heightmap: np.ndarray, cell: float) -> np.ndarray:
    """(n, n, 3) float32 unit normals from central differences (one-sided at the edges):
    ``normalize(-dh/dx, 1, -dh/dz)``, the normal of the surface the grid samples."""
    dz, dx = np.gradient(heightmap.astype(np.float64), cell)
    n = np.stack([-dx, np.ones_like(dx), -dz], axis=-1)
    return (n / np.linalg.norm(n, axis=-1, keepdims=True)).astype(np.float32)


def _locate(n: int, world_size: float, x, z):
    """Grid cell (row, col) and in-cell fractions (u along x, v along z) of world points."""
    cell = world_size / (n - 1)
    col = np.clip((np.asarray(x, dtype=np.float64) + world_size / 2) / cell, 0, n - 1)
    row = np.clip((np.asarray(z, dtype=np.float64) + world_size / 2) / cell, 0, n - 1)
    c0 = np.minimum(np.floor(col).astype(np.int64), n - 2)
    r0 = np.minimum(np.floor(row).astype(np.int64), n - 2)
    return r0, c0, col - c0, row - r0


def _triangle_weights(u: np.ndarray, v: np.ndarray):
    """Barycentric weights of corners (r,c), (r,c+1), (r+1,c), (r+1,c+1) for the triangle
    of the quad that holds (u, v): (..., 4)."""
    lower = (u + v) <= 1.0
    w = np.stack([1 - u - v, u, v, np.zeros_like(u)], axis=-1)
    upper = np.stack([np.zeros_like(u), 1 - v, 1 - u, u + v - 1], axis=-1)
    return np.where(lower[..., None], w, upper)


def surface_height(heightmap: np.ndarray, world_size: float, x, z):
    """Height of the triangulated surface at world ``x, z`` (clamped to the map)."""
    r0, c0, u, v = _locate(heightmap.shape[0], world_size, x, z)
    h = heightmap
    corners = np.stack([h[r0, c0], h[r0, c0 + 1], h[r0 + 1, c0], h[r0 + 1, c0 + 1]],
                       axis=-1).astype(np.float64)                    # (..., 4)
    return (corners * _triangle_weights(u, v)).sum(-1)


def _normals_at(heightmap: np.ndarray, cell: float, r: np.ndarray, c: np.ndarray) -> np.ndarray:
    """(..., 3) the :func:`vertex_normals` of vertices (r, c) only (same differences)."""
    n = heightmap.shape[0]
    h = heightmap
    left, right = np.maximum(c - 1, 0), np.minimum(c + 1, n - 1)
    up, down = np.maximum(r - 1, 0), np.minimum(r + 1, n - 1)
    dx = (h[r, right] - h[r, left]).astype(np.float64) / ((right - left) * cell)
    dz = (h[down, c] - h[up, c]).astype(np.float64) / ((down - up) * cell)
    normal = np.stack([-dx, np.ones_like(dx), -dz], axis=-1)
    return normal / np.linalg.norm(normal, axis=-1, keepdims=True)


def surface_normal(heightmap: np.ndarray, world_size: float, x, z) -> np.ndarray:
    """Unit normal (..., 3) at world ``x, z``: vertex normals blended over the triangle."""
    n = heightmap.shape[0]
    cell = world_size / (n - 1)
    r0, c0, u, v = _locate(n, world_size, x, z)
    corners = np.stack([_normals_at(heightmap, cell, r0 + dr, c0 + dc)
                        for dr, dc in ((0, 0), (0, 1), (1, 0), (1, 1))], axis=-2)   # (..., 4, 3)
    blend = (corners * _triangle_weights(u, v)[..., None]).sum(-2)
    return blend / np.linalg.norm(blend, axis=-1, keepdims=True)


BAND = 64  # rows a whole-map pass works on at a time: its float64 temporaries stay in cache


def gradient_magnitude(heightmap: np.ndarray, cell: float) -> np.ndarray:
    """(n, m) slope as rise over run (``|grad h|``), central differences (one-sided at the edges),
    worked out in bands of :data:`BAND` rows (each with a row of its neighbours either side:
    the same numbers as the whole map at once, at a flat cost per cell).

    >>> h = np.arange(12, dtype=np.float32).reshape(3, 4) ** 2
    >>> [round(v, 2) for v in gradient_magnitude(h, 1.0)[1].tolist()]
    [33.24, 41.23, 49.48, 57.49]
    """
    n = heightmap.shape[0]
    out = np.empty(heightmap.shape, np.float32)
    for r in range(0, n, BAND):
        lo, hi = max(0, r - 1), min(n, r + BAND + 1)
        dz, dx = np.gradient(heightmap[lo:hi].astype(np.float64), cell)
        out[r:r + BAND] = np.hypot(dx, dz)[r - lo:r - lo + min(BAND, n - r)]
    return out
