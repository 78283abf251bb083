"""Erosion and props placement helpers."""
from __future__ import annotations

import numpy as np
import torch
from scipy.spatial.distance import pdist

from worldsmith.scenes.erosion import hydraulic, thermal
from worldsmith.scenes.props import poisson_disk


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
