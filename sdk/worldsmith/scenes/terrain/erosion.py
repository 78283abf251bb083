"""Hydraulic and thermal erosion of a heightmap, vectorised in torch and deterministic.

Both work on a (H, W) float32 tensor of heights in cells (a height of 1 equals one grid
spacing), exchange material with the 4 neighbours and conserve it: hydraulic erosion moves it
as sediment carried by flowing water (a "virtual pipe" shallow-water model after Mei, Decaudin
and Hu 2007), thermal erosion slides it down wherever the slope exceeds a talus angle.

With one torch thread on the CPU (the CLI's, the asset service's and the bake's default) each
step runs over bands of rows small enough for their temporaries to stay in the cache (each band
reads a 2-row halo of the previous step's state, so bands are independent), which keeps the time
per cell flat from 256 x 256 to 2048 x 2048. Done over the whole map at once, the ~20 full-size
temporaries of a step spill out of the cache: a 2048 map costs 2-3x as much per cell as a 256
one. The big buffers are reused from step to step, because the (4, H, W) ones pass glibc's 32 MiB
mmap threshold at 2048 and, allocated anew, would be mapped and zeroed by the OS on every step.
With more threads, and on other devices, the whole map is one band: each torch op is one
parallel region, and bands make many short ones, which collapse when another process holds a
core (bands with 2 threads beside one busy process measured 4-9x slower than the whole map). The
bands do exactly the whole-map arithmetic, element by element and in the same order, so the
result is the same bytes whatever the band height and thread count (tested against the
whole-map formulas).

>>> h = torch.zeros(16, 16); h[8, 8] = 10.0
>>> out = thermal(h, steps=20, talus=1.0)
>>> bool(out.max() < 10.0), round(float(out.sum()), 3)
(True, 10.0)
"""
from __future__ import annotations

import torch

from worldsmith.core.progress import advance

# Neighbour order in the (4, rows, W) stacks below: west, east, north, south.

#: Cells in one band of rows on the CPU with one torch thread (0.5 MiB a float32 map, ~10 MiB for
#: all of a band's temporaries). Measured on a 2-core Xeon: 32k-128k cells about equally fast,
#: 8k-16k slower from the per-op overhead, the whole 2048 map 2x slower from the cache misses.
BAND_CELLS = 1 << 17


def _bands(h: torch.Tensor, band_cells: int | None) -> list[tuple[int, int]]:
    """Row ranges [a, b) covering ``h``: bands of about ``band_cells`` cells, or the whole map
    when ``band_cells`` is 0. None: :data:`BAND_CELLS` on the CPU with one torch thread, else 0
    (a GPU wants few big kernels; several CPU threads, few parallel regions)."""
    rows, cols = h.shape
    if band_cells is None:
        band_cells = BAND_CELLS if h.device.type == "cpu" and torch.get_num_threads() == 1 else 0
    step = max(rows, 1) if band_cells <= 0 else max(4, band_cells // max(cols, 1))
    return [(a, min(a + step, rows)) for a in range(0, rows, step)]


class _Scratch:
    """Buffers reused from step to step, one per name and shape: a band's big temporaries are
    allocated once per call instead of once per step (past 32 MiB, each new one is memory the
    OS maps and zeroes afresh)."""

    def __init__(self, like: torch.Tensor):
        self.like, self.buffers = like, {}

    def __call__(self, name: str, *shape: int) -> torch.Tensor:
        key = (name, shape)
        if key not in self.buffers:
            self.buffers[key] = self.like.new_empty(shape)
        return self.buffers[key]


def _drops(s: torch.Tensor, i0: int, i1: int, out: torch.Tensor) -> torch.Tensor:
    """``out`` (4, i1 - i0, W) = rows [i0, i1) of ``s`` minus their west, east, north and south
    neighbours, where a neighbour past the map edge is the cell itself (so the drop there is
    ``s - s``); rows ``i0 - 1`` and ``i1`` must exist in ``s`` unless they are past the map
    edge, which is when ``i0 == 0`` or ``i1 == len(s)``.
    """
    c = s[i0:i1]
    torch.sub(c[:, 1:], c[:, :-1], out=out[0, :, 1:])
    torch.sub(c[:, :1], c[:, :1], out=out[0, :, :1])
    torch.sub(c[:, :-1], c[:, 1:], out=out[1, :, :-1])
    torch.sub(c[:, -1:], c[:, -1:], out=out[1, :, -1:])
    if i0 > 0:
        torch.sub(c, s[i0 - 1:i1 - 1], out=out[2])
    else:
        torch.sub(c[:1], c[:1], out=out[2, :1])
        torch.sub(c[1:], c[:-1], out=out[2, 1:])
    if i1 < len(s):
        torch.sub(c, s[i0 + 1:i1 + 1], out=out[3])
    else:
        torch.sub(c[-1:], c[-1:], out=out[3, -1:])
        torch.sub(c[:-1], c[1:], out=out[3, :-1])
    return out


def _incoming(out: torch.Tensor, j0: int, j1: int, inc: torch.Tensor) -> torch.Tensor:
    """(..., j1 - j0, W): for rows [j0, j1) of (..., 4, rows, W) outflows, the sum of what the
    neighbours send to each cell. What a cell sends west arrives at its west neighbour, and so
    on; what crosses the map edge leaves the map, and ``out`` must hold rows ``j0 - 1`` and
    ``j1`` unless they are past the map edge (``j0 == 0``, ``j1 == rows``). Terms are added in a
    fixed order (from the east, west, south, north neighbour), so a cell's sum does not depend
    on the band it is in. ``inc`` is the (..., j1 - j0, W) buffer for the result.
    """
    rows = out.shape[-2]
    inc.zero_()
    inc[..., :, :-1] += out[..., 0, j0:j1, 1:]           # from the east neighbour, sent west
    inc[..., :, 1:] += out[..., 1, j0:j1, :-1]           # from the west neighbour, sent east
    k1 = min(j1 + 1, rows)                               # from the south neighbour, sent north
    inc[..., :k1 - j0 - 1, :] += out[..., 2, j0 + 1:k1, :]
    k0 = max(j0 - 1, 0)                                  # from the north neighbour, sent south
    inc[..., k0 - j0 + 1:, :] += out[..., 3, k0:j1 - 1, :]
    return inc


def _halo(a: int, b: int, rows: int) -> tuple[int, int, int, int]:
    """Rows ``[r0, r1)`` whose outflow reaches the band ``[a, b)``, and ``[s0, s1)`` with their
    neighbours: what a band step reads."""
    r0, r1 = max(a - 1, 0), min(b + 1, rows)
    return r0, r1, max(r0 - 1, 0), min(r1 + 1, rows)


def thermal(h: torch.Tensor, steps: int, talus: float, rate: float = 0.4, *,
            band_cells: int | None = None) -> torch.Tensor:
    """Slide material downhill wherever the drop to a neighbour exceeds ``talus`` (height per
    cell); each step moves ``rate`` of half the steepest excess. Mass is conserved.
    ``band_cells``: cells per band of rows (None: as :func:`_bands` chooses; 0: the whole map);
    the result does not depend on it."""
    h = h.clone()
    new = torch.empty_like(h)
    rows, cols = h.shape
    bands, scratch = _bands(h, band_cells), _Scratch(h)
    for step in range(steps):
        advance("thermal erosion", step + 1, steps)
        for a, b in bands:
            r0, r1, s0, s1 = _halo(a, b, rows)
            hs = h[s0:s1]
            excess = _drops(hs, r0 - s0, r1 - s0, scratch("excess", 4, r1 - r0, cols))
            excess.sub_(talus).clamp_min_(0)                                 # (4, r, W)
            moved = rate * 0.5 * excess.amax(0)
            out = excess.mul_(moved / excess.sum(0).clamp_min(1e-12))        # (4, r, W)
            j0, j1 = a - r0, b - r0
            inc = _incoming(out, j0, j1, scratch("inc", b - a, cols))
            new[a:b] = h[a:b] - out[:, j0:j1].sum(0) + inc
        h, new = new, h
    return h


def hydraulic(h: torch.Tensor, steps: int, *, rain: float = 0.02, capacity: float = 0.6,
              dissolve: float = 0.3, deposit: float = 0.3, evaporation: float = 0.04,
              sea: float | None = None, band_cells: int | None = None) -> torch.Tensor:
    """Rain, flowing water and sediment transport for ``steps`` steps.

    Each step every cell sends water to its lower neighbours, in proportion to the drop of the
    water surface and at most half the steepest drop (so flow never overshoots and the scheme is
    stable); sediment travels with the water. Water carries up to ``capacity * flow * slope``:
    below that it dissolves ground (``dissolve``, never below the lowest neighbour), above it
    drops the surplus (``deposit``). Cells below ``sea`` get no rain. Returns the new heights;
    material is conserved except what water carries off the map edge. ``band_cells``: cells per
    band of rows (None: as :func:`_bands` chooses; 0: the whole map); the result does not depend
    on it.

    >>> h = torch.linspace(0, 8, 32).repeat(32, 1)
    >>> bool((hydraulic(h, steps=10) - h).abs().max() > 0)
    True
    """
    h = h.clone()
    water = torch.zeros_like(h)
    sediment = torch.zeros_like(h)
    new_h, new_water, new_sediment = torch.empty_like(h), torch.empty_like(h), torch.empty_like(h)
    rainfall = rain if sea is None else rain * (h > sea).to(h.dtype)
    rows, cols = h.shape
    bands, scratch = _bands(h, band_cells), _Scratch(h)
    for step in range(steps):
        advance("hydraulic erosion", step + 1, steps)
        for a, b in bands:
            r0, r1, s0, s1 = _halo(a, b, rows)
            r = rainfall[s0:s1] if isinstance(rainfall, torch.Tensor) else rainfall
            wet = water[s0:s1] + r
            surface = h[s0:s1] + wet
            drop = _drops(surface, r0 - s0, r1 - s0, scratch("drop", 4, r1 - r0, cols))
            drop.clamp_min_(0)                                               # (4, r, W)
            steepest = drop.amax(0)                                          # surface slope
            wet = wet[r0 - s0:r1 - s0]
            flows = scratch("flows", 2, r1 - r0, cols)    # water and sediment leaving
            moved = torch.minimum(wet, 0.5 * steepest, out=flows[0])
            direction = drop.div_(drop.sum(0).clamp_min(1e-12))             # (4, r, W) shares
            sent = torch.mul(sediment[r0:r1], moved / wet.clamp_min(1e-12), out=flows[1])
            j0, j1 = a - r0, b - r0
            out = scratch("out", 2, 4, r1 - r0, cols)     # (2, 4, r, W) water, sediment sent
            torch.mul(direction[None], flows[:, None], out=out)
            arriving = _incoming(out, j0, j1, scratch("arriving", 2, b - a, cols))   # (2, b - a, W)
            w = wet[j0:j1] - moved[j0:j1] + arriving[0]
            sed = sediment[a:b] - sent[j0:j1] + arriving[1]
            slope = steepest[j0:j1]
            carry = capacity * moved[j0:j1] * slope.clamp(0.01, 2.0)
            change = torch.where(sed < carry, dissolve * (carry - sed),
                                 -deposit * (sed - carry))                   # >0: dissolve ground
            change = torch.minimum(change, 0.5 * slope)
            torch.sub(h[a:b], change, out=new_h[a:b])
            torch.add(sed, change, out=new_sediment[a:b])
            torch.mul(w, 1 - evaporation, out=new_water[a:b])
        h, new_h = new_h, h
        water, new_water = new_water, water
        sediment, new_sediment = new_sediment, sediment
    return h + sediment
