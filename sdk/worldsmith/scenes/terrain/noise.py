"""Perlin fBm in torch that reproduces the ``noise`` package's ``pnoise2`` (CPU and CUDA).

``pnoise2(x, y, ...)`` here evaluates the same field as ``noise.pnoise2`` (Casey Duncan's C
extension, "improved" Perlin noise with its 256-entry permutation and its octave, persistence,
lacunarity, repeat and base semantics) on tensors of points, to within float32 rounding (about
1e-7). ``pnoise2_grid`` evaluates it on the grid ``xs x ys`` much faster: the field is separable
per lattice cell, so all octaves fold into one matrix product. ``fbm_field`` adds domain warping
on top, from a :class:`FbmParams` recipe that a game can replay point by point with ``noise``.

About ``base``: the C code indexes its 512-entry table with ``PERM[A + j]`` where ``A + j`` can
reach ``510 + base``, so for ``base >= 2`` a few lattice cells read past the table (bytes of
``GRAD3``). This module extends the table periodically instead (``base`` and ``base + 256`` give
the same field); it equals ``noise`` everywhere for ``base`` 0 and 1, and everywhere but those
cells otherwise. Terrain generators therefore keep ``base=0`` and turn seeds into domain offsets.

>>> import noise
>>> v = pnoise2(torch.tensor([0.3]), torch.tensor([1.7]), octaves=4)
>>> abs(float(v[0]) - noise.pnoise2(0.3, 1.7, octaves=4)) < 1e-6
True
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from worldsmith.core.errors import ConfigError

# Ken Perlin's reference permutation, as in noise's _noise.h (its table is this one twice).
PERM = np.array([
    151, 160, 137, 91, 90, 15, 131, 13, 201, 95, 96, 53, 194, 233, 7, 225, 140, 36, 103, 30, 69,
    142, 8, 99, 37, 240, 21, 10, 23, 190, 6, 148, 247, 120, 234, 75, 0, 26, 197, 62, 94, 252, 219,
    203, 117, 35, 11, 32, 57, 177, 33, 88, 237, 149, 56, 87, 174, 20, 125, 136, 171, 168, 68, 175,
    74, 165, 71, 134, 139, 48, 27, 166, 77, 146, 158, 231, 83, 111, 229, 122, 60, 211, 133, 230,
    220, 105, 92, 41, 55, 46, 245, 40, 244, 102, 143, 54, 65, 25, 63, 161, 1, 216, 80, 73, 209, 76,
    132, 187, 208, 89, 18, 169, 200, 196, 135, 130, 116, 188, 159, 86, 164, 100, 109, 198, 173,
    186, 3, 64, 52, 217, 226, 250, 124, 123, 5, 202, 38, 147, 118, 126, 255, 82, 85, 212, 207, 206,
    59, 227, 47, 16, 58, 17, 182, 189, 28, 42, 223, 183, 170, 213, 119, 248, 152, 2, 44, 154, 163,
    70, 221, 153, 101, 155, 167, 43, 172, 9, 129, 22, 39, 253, 19, 98, 108, 110, 79, 113, 224, 232,
    178, 185, 112, 104, 218, 246, 97, 228, 251, 34, 242, 193, 238, 210, 144, 12, 191, 179, 162,
    241, 81, 51, 145, 235, 249, 14, 239, 107, 49, 192, 214, 31, 181, 199, 106, 157, 184, 84, 204,
    176, 115, 121, 50, 45, 127, 4, 150, 254, 138, 236, 205, 93, 222, 114, 67, 29, 24, 72, 243, 141,
    128, 195, 78, 66, 215, 61, 156, 180], dtype=np.int64)

# The x and y parts of noise's GRAD3 table (16 gradients, indexed by hash & 15).
_GRAD_X = np.array([1, -1, 1, -1, 1, -1, 1, -1, 0, 0, 0, 0, 1, -1, 0, 0], dtype=np.float64)
_GRAD_Y = np.array([1, 1, -1, -1, 0, 0, 0, 0, 1, -1, 1, -1, 0, 0, -1, 1], dtype=np.float64)
# Gradient of the corner whose second hash step lands on k: GRAD3[PERM[PERM[k]] & 15].
_CORNER_X = _GRAD_X[PERM[PERM] & 15]
_CORNER_Y = _GRAD_Y[PERM[PERM] & 15]
BLOCK = 1 << 15  # points evaluated together by pnoise2 (rows of them): about 1 MB a temporary, cache-sized


def _octaves(octaves: int, persistence: float, lacunarity: float):
    """The (frequency, amplitude) of each octave and the amplitude sum, in float32 as C does."""
    if isinstance(octaves, bool) or not isinstance(octaves, int) or octaves < 1:
        raise ConfigError("octaves", "an int >= 1", octaves)
    freq, amp, total = np.float32(1), np.float32(1), np.float32(0)
    steps = []
    for _ in range(octaves):
        steps.append((freq, amp))
        total = np.float32(total + amp)
        freq = np.float32(freq * np.float32(lacunarity))
        amp = np.float32(amp * np.float32(persistence))
    return steps, float(total)


def _check_base(base: int) -> int:
    if isinstance(base, bool) or not isinstance(base, (int, np.integer)) or not 0 <= base <= 255:
        raise ConfigError("base", "an int in [0, 255]", base)
    return int(base)


def _lattice(c: torch.Tensor, freq: np.float32, repeat: float, bound: float):
    """Cell index, next cell index (both wrapped like noise's C) and the fraction, for
    float32 coordinates ``c`` (all within ``bound`` of 0) at one octave."""
    cf = c * float(freq)                      # float32 product, as in C
    period = float(np.float32(np.float32(repeat) * freq))
    floor = torch.floor(cf)
    if bound * float(freq) + 2 < period:      # fmod(x, period) == x: skip the wrapping
        i = floor.long()
        return i, i + 1, cf - floor
    i = torch.floor(torch.fmod(cf, period))
    ii = torch.fmod(i + 1, period).trunc()
    return i.long(), ii.long(), cf - floor


def _fade(t: torch.Tensor) -> torch.Tensor:
    return t * t * t * (t * (t * 6 - 15) + 10)


def _tables(device: torch.device, dtype: torch.dtype):
    perm = torch.as_tensor(PERM, device=device)
    return perm, torch.as_tensor(_CORNER_X, device=device, dtype=dtype), \
        torch.as_tensor(_CORNER_Y, device=device, dtype=dtype)


def pnoise2(x: torch.Tensor, y: torch.Tensor, *, octaves: int = 1, persistence: float = 0.5,
            lacunarity: float = 2.0, repeatx: float = 1024.0, repeaty: float = 1024.0,
            base: int = 0) -> torch.Tensor:
    """``noise.pnoise2`` at each point of the (broadcast) float32 tensors ``x`` and ``y``.

    >>> pnoise2(torch.tensor([[0.0, 2.0]]), torch.tensor([[0.0, 5.0]])).tolist()
    [[0.0, 0.0]]
    """
    base = _check_base(base)
    x, y = torch.broadcast_tensors(x.float(), y.float())
    rows = max(1, BLOCK // max(1, x[0].numel())) if x.dim() else 0
    if x.dim() and len(x) > rows:                 # blocks of rows that stay in cache: the cost a point stays flat
        kw = dict(octaves=octaves, persistence=persistence, lacunarity=lacunarity, repeatx=repeatx,
                  repeaty=repeaty, base=base)
        return torch.cat([pnoise2(x[r:r + rows], y[r:r + rows], **kw) for r in range(0, len(x), rows)])
    perm, gx, gy = _tables(x.device, torch.float32)
    steps, total_amp = _octaves(octaves, persistence, lacunarity)
    total = torch.zeros_like(x)
    bound_x, bound_y = float(x.abs().max()), float(y.abs().max())
    for freq, amp in steps:
        i, ii, fx = _lattice(x, freq, repeatx, bound_x)
        j, jj, fy = _lattice(y, freq, repeaty, bound_y)
        a, b = perm[(i + base) & 255], perm[(ii + base) & 255]
        j, jj = (j & 255) + base, (jj & 255) + base

        def corner(h: torch.Tensor, dx: torch.Tensor, dy: torch.Tensor) -> torch.Tensor:
            k = h & 255
            return dx * gx[k] + dy * gy[k]

        u, v = _fade(fx), _fade(fy)
        lo = corner(a + j, fx, fy)
        lo = lo + u * (corner(b + j, fx - 1, fy) - lo)
        hi = corner(a + jj, fx, fy - 1)
        hi = hi + u * (corner(b + jj, fx - 1, fy - 1) - hi)
        total += (lo + v * (hi - lo)) * float(amp)
    return total / total_amp


def _axis_factors(c: torch.Tensor, freq: np.float32, repeat: float, base: int, perm: torch.Tensor,
                  x_axis: bool):
    """One axis of the separable form: lattice keys and the (n, L) weight matrices.

    Returns ``keys`` (L,) and two (n, L) matrices ``w_grad, w_plain``: for the x axis the weights
    multiply the gradient's x part (``w_grad`` = fade weight * distance) and its y part
    (``w_plain`` = fade weight); the y axis is the mirror image.
    """
    i, ii, f = _lattice(c, freq, repeat, float(c.abs().max()))
    ids, inv = torch.unique(torch.cat([i & 255, ii & 255]), return_inverse=True)  # (L,), (2n,)
    keys = perm[(ids + base) & 255] if x_axis else ids + base
    f64 = f.double()
    s = _fade(f64)
    near, far = inv[: len(c), None], inv[len(c):, None]
    w_dist = torch.zeros(len(c), len(ids), dtype=torch.float64, device=c.device)
    w_plain = torch.zeros_like(w_dist)
    w_dist.scatter_add_(1, near, ((1 - s) * f64)[:, None]).scatter_add_(1, far, (s * (f64 - 1))[:, None])
    w_plain.scatter_add_(1, near, (1 - s)[:, None]).scatter_add_(1, far, s[:, None])
    return keys, w_dist, w_plain


def pnoise2_grid(xs: torch.Tensor, ys: torch.Tensor, *, octaves: int = 1,
                 persistence: float = 0.5, lacunarity: float = 2.0, repeatx: float = 1024.0,
                 repeaty: float = 1024.0, base: int = 0) -> torch.Tensor:
    """``noise.pnoise2`` on the grid of float32 1-D ``xs`` (columns) and ``ys`` (rows): (ny, nx).

    Within a lattice cell the field is a sum of (x factor) * (y factor) * (corner gradient)
    terms, so each octave is ``Y0 @ Gx @ X0.T + Y1 @ Gy @ X1.T`` over the few lattice lines the
    grid touches; all octaves stack into one float64 matrix product.

    >>> xs = torch.arange(4, dtype=torch.float32) * 0.3
    >>> torch.allclose(pnoise2_grid(xs, xs), pnoise2(xs[None, :], xs[:, None]), atol=1e-6)
    True
    """
    base = _check_base(base)
    xs, ys = xs.float().reshape(-1), ys.float().reshape(-1)
    perm, gx, gy = _tables(xs.device, torch.float64)
    steps, total_amp = _octaves(octaves, persistence, lacunarity)
    lefts, rights = [], []
    for freq, amp in steps:
        kx, x_dist, x_plain = _axis_factors(xs, freq, repeatx, base, perm, x_axis=True)
        ky, y_dist, y_plain = _axis_factors(ys, freq, repeaty, base, perm, x_axis=False)
        k = (ky[:, None] + kx[None, :]) & 255                         # (Ly, Lx) corner hash
        lefts += [y_plain @ (gx[k] * float(amp)), y_dist @ (gy[k] * float(amp))]  # (ny, Lx) each
        rights += [x_dist, x_plain]                                    # (nx, Lx) each
    field = torch.cat(lefts, dim=1) @ torch.cat(rights, dim=1).T      # (ny, nx)
    return (field / total_amp).float()


@dataclass(frozen=True)
class FbmParams:
    """A replayable fBm recipe: grid point (row r, col c) of a size-n field sits at
    ``x = offset_x + c * scale / n``, ``y = offset_y + r * scale / n`` (float32), warped by
    ``warp`` times two more fBm fields sampled at ``(x + 5.25, y + 1.25)`` and
    ``(x + 1.75, y + 9.25)``."""

    scale: float = 4.0
    offset_x: float = 0.0
    offset_y: float = 0.0
    octaves: int = 4
    persistence: float = 0.5
    lacunarity: float = 2.0
    warp: float = 0.0
    base: int = 0

    WARP_SHIFTS = ((5.25, 1.25), (1.75, 9.25))

    def coords(self, size: int) -> tuple[np.ndarray, np.ndarray]:
        """The float32 x (columns) and y (rows) coordinates of a ``size`` x ``size`` field."""
        step = np.arange(size, dtype=np.float64) * (self.scale / size)
        return ((self.offset_x + step).astype(np.float32), (self.offset_y + step).astype(np.float32))

    def noise_kwargs(self) -> dict:
        """Keyword arguments for ``noise.pnoise2`` / :func:`pnoise2`."""
        return {"octaves": self.octaves, "persistence": self.persistence,
                "lacunarity": self.lacunarity, "base": self.base}


def fbm_field(size: int, params: FbmParams, device: str | torch.device = "cpu") -> torch.Tensor:
    """The (size, size) float32 fBm field of ``params`` on ``device``; values in about [-1, 1].

    >>> f = fbm_field(32, FbmParams(warp=0.5))
    >>> f.shape, bool(f.abs().max() < 1)
    (torch.Size([32, 32]), True)
    """
    xs, ys = (torch.from_numpy(a).to(device) for a in params.coords(size))
    kw = params.noise_kwargs()
    if params.warp == 0:
        return pnoise2_grid(xs, ys, **kw)
    (ax, ay), (bx, by) = params.WARP_SHIFTS
    wx = pnoise2_grid(xs + ax, ys + ay, **kw)                          # (size, size)
    wy = pnoise2_grid(xs + bx, ys + by, **kw)
    warp = np.float32(params.warp)
    return pnoise2(xs[None, :] + float(warp) * wx, ys[:, None] + float(warp) * wy, **kw)
