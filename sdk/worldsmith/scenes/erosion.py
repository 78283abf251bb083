"""Hydraulic and thermal erosion of a heightmap, vectorised in torch and deterministic.

Both work on a (H, W) float32 tensor of heights in cells (a height of 1 equals one grid
spacing), exchange material with the 4 neighbours and conserve it: hydraulic erosion moves it
as sediment carried by flowing water (a "virtual pipe" shallow-water model after Mei, Decaudin
and Hu 2007), thermal erosion slides it down wherever the slope exceeds a talus angle.

>>> h = torch.zeros(16, 16); h[8, 8] = 10.0
>>> out = thermal(h, steps=20, talus=1.0)
>>> bool(out.max() < 10.0), round(float(out.sum()), 3)
(True, 10.0)
"""
from __future__ import annotations

import torch

from worldsmith.core.progress import advance

# Neighbour order in the (4, H, W) stacks below: west, east, north, south.


def _neighbours(h: torch.Tensor) -> torch.Tensor:
    """(4, H, W): each cell's west, east, north and south neighbour (edges repeat the cell)."""
    p = torch.nn.functional.pad(h[None, None], (1, 1, 1, 1), mode="replicate")[0, 0]
    return torch.stack([p[1:-1, :-2], p[1:-1, 2:], p[:-2, 1:-1], p[2:, 1:-1]])


def _incoming(out: torch.Tensor) -> torch.Tensor:
    """(..., H, W): the sum of what the neighbours send to each cell, from (..., 4, H, W)
    outflows. What a cell sends west arrives at its west neighbour, and so on; what crosses
    the map edge leaves the map.
    """
    inc = torch.zeros_like(out[..., 0, :, :])
    inc[..., :, :-1] += out[..., 0, :, 1:]      # from the east neighbour, sent west
    inc[..., :, 1:] += out[..., 1, :, :-1]      # from the west neighbour, sent east
    inc[..., :-1, :] += out[..., 2, 1:, :]      # from the south neighbour, sent north
    inc[..., 1:, :] += out[..., 3, :-1, :]      # from the north neighbour, sent south
    return inc


def thermal(h: torch.Tensor, steps: int, talus: float, rate: float = 0.4) -> torch.Tensor:
    """Slide material downhill wherever the drop to a neighbour exceeds ``talus`` (height per
    cell); each step moves ``rate`` of half the steepest excess. Mass is conserved."""
    h = h.clone()
    for step in range(steps):
        advance("thermal erosion", step + 1, steps)
        excess = (h[None] - _neighbours(h) - talus).clamp_min(0)       # (4, H, W)
        total = excess.sum(0)
        moved = rate * 0.5 * excess.amax(0)                              # (H, W)
        out = excess * (moved / total.clamp_min(1e-12))                  # (4, H, W)
        h = h - out.sum(0) + _incoming(out)
    return h


def hydraulic(h: torch.Tensor, steps: int, *, rain: float = 0.02, capacity: float = 0.6,
              dissolve: float = 0.3, deposit: float = 0.3, evaporation: float = 0.04,
              sea: float | None = None) -> torch.Tensor:
    """Rain, flowing water and sediment transport for ``steps`` steps.

    Each step every cell sends water to its lower neighbours, in proportion to the drop of the
    water surface and at most half the steepest drop (so flow never overshoots and the scheme is
    stable); sediment travels with the water. Water carries up to ``capacity * flow * slope``:
    below that it dissolves ground (``dissolve``, never below the lowest neighbour), above it
    drops the surplus (``deposit``). Cells below ``sea`` get no rain. Returns the new heights;
    material is conserved except what water carries off the map edge.

    >>> h = torch.linspace(0, 8, 32).repeat(32, 1)
    >>> bool((hydraulic(h, steps=10) - h).abs().max() > 0)
    True
    """
    h = h.clone()
    water = torch.zeros_like(h)
    sediment = torch.zeros_like(h)
    rainfall = rain if sea is None else rain * (h > sea).to(h.dtype)
    for step in range(steps):
        advance("hydraulic erosion", step + 1, steps)
        water = water + rainfall
        surface = h + water
        drop = (surface[None] - _neighbours(surface)).clamp_min(0)       # (4, H, W)
        steepest = drop.amax(0)                                          # (H, W) surface slope
        moved = torch.minimum(water, 0.5 * steepest)                     # water leaving
        direction = drop / drop.sum(0).clamp_min(1e-12)                  # (4, H, W) shares
        sent = sediment * (moved / water.clamp_min(1e-12))               # sediment leaving
        arriving = _incoming(direction[None] * torch.stack([moved, sent])[:, None])   # (2, H, W)
        water = water - moved + arriving[0]
        sediment = sediment - sent + arriving[1]
        carry = capacity * moved * steepest.clamp(0.01, 2.0)
        change = torch.where(sediment < carry, dissolve * (carry - sediment),
                             -deposit * (sediment - carry))               # >0: dissolve ground
        change = torch.minimum(change, 0.5 * steepest)
        h = h - change
        sediment = sediment + change
        water = water * (1 - evaporation)
    return h + sediment
