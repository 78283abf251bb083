"""The torch Perlin fBm against the `noise` package's pnoise2, point by point."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from worldsmith.core.errors import ConfigError
from worldsmith.scenes.terrain.noise import FbmParams, fbm_field, pnoise2, pnoise2_grid

noise = pytest.importorskip("noise")

CASES = [
    {},
    {"octaves": 4},
    {"octaves": 6, "persistence": 0.65, "lacunarity": 2.3},
    {"octaves": 3, "repeatx": 4.0, "repeaty": 8.0},
    {"octaves": 5, "lacunarity": 1.7, "repeatx": 3.5, "repeaty": 5.0},
    {"octaves": 2, "base": 1},
]


def _reference(xs: np.ndarray, ys: np.ndarray, kw: dict) -> np.ndarray:
    return np.array([noise.pnoise2(float(x), float(y), **kw) for x, y in zip(xs, ys)])


@pytest.mark.parametrize("kw", CASES)
def test_points_match_pnoise2(kw):
    rng = np.random.default_rng(0)
    xs, ys = (rng.uniform(-300, 300, 1500).astype(np.float32) for _ in range(2))
    got = pnoise2(torch.from_numpy(xs), torch.from_numpy(ys), **kw).numpy()
    assert np.abs(got - _reference(xs, ys, kw)).max() < 1e-5


@pytest.mark.parametrize("kw", CASES)
def test_grid_matches_pnoise2(kw):
    rng = np.random.default_rng(1)
    xs = np.sort(rng.uniform(-40, 200, 37)).astype(np.float32)
    ys = np.sort(rng.uniform(-40, 200, 29)).astype(np.float32)
    got = pnoise2_grid(torch.from_numpy(xs), torch.from_numpy(ys), **kw).numpy()
    gx, gy = np.meshgrid(xs, ys)
    want = _reference(gx.ravel(), gy.ravel(), kw).reshape(gy.shape)
    assert got.shape == (29, 37)
    assert np.abs(got - want).max() < 1e-5


def test_base_matches_where_noise_reads_inside_its_table():
    """For base >= 2 noise's C reads past its 512-byte table in a few cells; elsewhere we agree."""
    rng = np.random.default_rng(2)
    xs, ys = (rng.uniform(0, 256, 3000).astype(np.float32) for _ in range(2))
    diff = np.abs(pnoise2(torch.from_numpy(xs), torch.from_numpy(ys), base=7).numpy()
                  - _reference(xs, ys, {"base": 7}))
    assert np.mean(diff < 1e-5) > 0.99


def test_field_replays_with_pnoise2_including_warp():
    """A game can recompute any grid value of the (warped) field with noise.pnoise2."""
    p = FbmParams(scale=3.0, offset_x=139.4765625, offset_y=18.0625, octaves=5, warp=0.4)
    field = fbm_field(48, p).numpy()
    xs, ys = p.coords(48)
    kw, w = p.noise_kwargs(), np.float32(p.warp)
    (ax, ay), (bx, by) = p.WARP_SHIFTS
    for r, c in [(0, 0), (5, 40), (47, 47), (23, 11)]:
        x, y = xs[c], ys[r]
        wx = np.float32(noise.pnoise2(float(x + np.float32(ax)), float(y + np.float32(ay)), **kw))
        wy = np.float32(noise.pnoise2(float(x + np.float32(bx)), float(y + np.float32(by)), **kw))
        value = noise.pnoise2(float(x + w * wx), float(y + w * wy), **kw)
        assert abs(value - field[r, c]) < 1e-5


def test_grid_and_points_agree_and_bad_args_raise():
    xs = torch.linspace(0, 9, 50)
    assert torch.allclose(pnoise2_grid(xs, xs, octaves=3), pnoise2(xs[None], xs[:, None], octaves=3),
                          atol=1e-6)
    with pytest.raises(ConfigError, match="octaves"):
        pnoise2(xs, xs, octaves=0)
    with pytest.raises(ConfigError, match="base"):
        pnoise2_grid(xs, xs, base=256)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
def test_cuda_matches_cpu():
    p = FbmParams(octaves=4, offset_x=12.5, warp=0.3)
    assert torch.allclose(fbm_field(64, p, "cuda").cpu(), fbm_field(64, p), atol=1e-5)
