"""Erosion and props placement helpers."""
from __future__ import annotations

import numpy as np
import torch
from scipy.spatial.distance import pdist

from worldsmith.scenes.terrain.erosion import hydraulic, thermal
from worldsmith.scenes.terrain.props import poisson_disk


def _hill(n: int = 48) -> torch.Tensor:
    axis = torch.linspace(-1, 1, n)
    return 12.0 * torch.exp(-(axis[None] ** 2 + axis[:, None] ** 2) * 3)


def test_thermal_conserves_mass_and_limits_slopes():
    h = _hill()
    h[20, 20] += 15.0                                        # a spike far steeper than the talus
    out = thermal(h, steps=60, talus=1.0)
    assert abs(float(out.sum() - h.sum())) < 1e-2
    steep = lambda t: (t[1:] - t[:-1]).abs().max()           # noqa: E731
    assert steep(out) < steep(h)


def test_hydraulic_is_deterministic_and_carves():
    h = _hill()
    a, b = hydraulic(h, steps=40), hydraulic(h, steps=40)
    assert torch.equal(a, b)
    assert (a - h).abs().max() > 0.01 and torch.isfinite(a).all()
    assert float(a.sum()) <= float(h.sum()) + 1e-2           # water can only carry material off the map


def test_hydraulic_stays_stable_on_rough_ground():
    rough = _hill(64) + torch.from_numpy(np.random.default_rng(0).normal(0, 2, (64, 64))).float()
    out = hydraulic(rough, steps=60)
    assert torch.isfinite(out).all() and out.max() <= rough.max() + 1 and out.min() >= rough.min() - 1


def test_poisson_disk_spacing_and_thinning():
    rng = np.random.default_rng(3)
    pts = poisson_disk(rng, 20.0, 1.0)
    assert pdist(pts).min() >= 1.0 and len(pts) > 200
    left = poisson_disk(np.random.default_rng(3), 20.0, 1.0, keep=lambda p: p[:, 0] < 10)
    assert (left[:, 0] < 10).all() and len(left) < len(pts)


def _whole_map_reference(h: torch.Tensor, steps: int, sea: float | None
                         ) -> tuple[torch.Tensor, torch.Tensor]:
    """Hydraulic and thermal erosion over the whole map at once (the arithmetic the banded code
    must reproduce bit for bit)."""
    def nb(x):
        p = torch.nn.functional.pad(x[None, None], (1, 1, 1, 1), mode="replicate")[0, 0]
        return torch.stack([p[1:-1, :-2], p[1:-1, 2:], p[:-2, 1:-1], p[2:, 1:-1]])

    def incoming(out):
        inc = torch.zeros_like(out[..., 0, :, :])
        inc[..., :, :-1] += out[..., 0, :, 1:]
        inc[..., :, 1:] += out[..., 1, :, :-1]
        inc[..., :-1, :] += out[..., 2, 1:, :]
        inc[..., 1:, :] += out[..., 3, :-1, :]
        return inc

    g, water, sediment = h.clone(), torch.zeros_like(h), torch.zeros_like(h)
    rainfall = 0.02 if sea is None else 0.02 * (h > sea).to(h.dtype)
    for _ in range(steps):
        water = water + rainfall
        surface = g + water
        drop = (surface[None] - nb(surface)).clamp_min(0)
        steepest = drop.amax(0)
        moved = torch.minimum(water, 0.5 * steepest)
        direction = drop / drop.sum(0).clamp_min(1e-12)
        sent = sediment * (moved / water.clamp_min(1e-12))
        arriving = incoming(direction[None] * torch.stack([moved, sent])[:, None])
        water = water - moved + arriving[0]
        sediment = sediment - sent + arriving[1]
        carry = 0.6 * moved * steepest.clamp(0.01, 2.0)
        change = torch.where(sediment < carry, 0.3 * (carry - sediment), -0.3 * (sediment - carry))
        change = torch.minimum(change, 0.5 * steepest)
        g = g - change
        sediment = sediment + change
        water = water * (1 - 0.04)
    t = h.clone()
    for _ in range(steps):
        excess = (t[None] - nb(t) - 1.0).clamp_min(0)
        out = excess * (0.4 * 0.5 * excess.amax(0) / excess.sum(0).clamp_min(1e-12))
        t = t - out.sum(0) + incoming(out)
    return g + sediment, t


def test_banded_erosion_gives_the_whole_map_bytes_for_any_band():
    gen = torch.Generator().manual_seed(5)
    for rows, cols in [(1, 1), (1, 7), (7, 1), (2, 3), (37, 41), (64, 64)]:
        h = torch.rand(rows, cols, generator=gen) * 20
        for sea in (None, 5.0):
            want_h, want_t = _whole_map_reference(h, 9, sea)
            for band_cells in (None, 0, 1, 4 * cols, 9 * cols + 5):
                got_h = hydraulic(h, 9, sea=sea, band_cells=band_cells)
                got_t = thermal(h, 9, talus=1.0, band_cells=band_cells)
                assert got_h.numpy().tobytes() == want_h.numpy().tobytes(), (rows, cols, sea,
                                                                             band_cells)
                assert got_t.numpy().tobytes() == want_t.numpy().tobytes(), (rows, cols, band_cells)
