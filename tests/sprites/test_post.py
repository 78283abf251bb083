"""Pixel-art post-processing: each step on arrays and on a SpriteBatch (recorded in meta.post)."""
from __future__ import annotations

import numpy as np
import pytest

from worldsmith.core.errors import ConfigError
from worldsmith.pixels import image as post
from worldsmith.types.base import AssetMeta
from worldsmith.types.sprite import SpriteBatch


def noisy(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    img = rng.integers(0, 256, (2, 16, 16, 4)).astype(np.uint8)
    img[..., 3] = 0
    img[:, 4:12, 4:12, 3] = rng.integers(100, 256, (2, 8, 8))
    return img


def test_binary_alpha_zeroes_transparent_rgb():
    out = post.binary_alpha(noisy(), threshold=128)
    assert set(np.unique(out[..., 3])) <= {0, 255}
    assert (out[out[..., 3] == 0][:, :3] == 0).all()


def test_remove_specks_keeps_big_islands_only():
    img = post.binary_alpha(noisy())
    img[:, 0, 0] = (9, 9, 9, 255)                      # a one-pixel island
    out = post.remove_specks(img, min_size=3)
    assert (out[:, 0, 0, 3] == 0).all()
    assert (out[:, 4:12, 4:12, 3] == img[:, 4:12, 4:12, 3]).all()


def test_specks_do_not_join_across_frames():
    frames = np.zeros((3, 6, 6, 4), np.uint8)
    frames[:, 2, 2:4] = (9, 9, 9, 255)                 # a 2-pixel island at one place in each frame
    frames[2, 4, 0:3] = (9, 9, 9, 255)                 # and a 3-pixel one in the last frame only
    out = post.remove_specks(frames, min_size=3)
    assert (out[:, 2, 2:4, 3] == 0).all()              # stacked, they would be a 6-pixel island
    assert (out[2, 4, 0:3, 3] == 255).all()


def test_orphan_pixel_is_repainted():
    img = np.zeros((5, 5, 4), np.uint8)
    img[1:4, 1:4] = (10, 20, 30, 255)
    img[2, 2] = (250, 0, 0, 255)
    out = post.remove_orphans(img)
    assert out[2, 2].tolist() == [10, 20, 30, 255]
    assert (out[..., 3] == img[..., 3]).all()


@pytest.mark.parametrize("palette", ["pico8", "db32", ["#112233", "#ffeedd"]])
def test_quantize_to_named_or_listed_palette(palette):
    img = post.binary_alpha(noisy())
    out = post.quantize(img, palette)
    allowed = {tuple(c) for c in post.palette_colors(palette).tolist()}
    assert {tuple(c) for c in out[out[..., 3] > 0][:, :3].tolist()} <= allowed


def test_quantize_to_k_colours():
    img = post.binary_alpha(noisy())
    out = post.quantize(img, None, colors=5)
    assert len(np.unique(out[out[..., 3] > 0][:, :3], axis=0)) <= 5


def test_outline_rings_the_silhouette():
    img = noisy()
    img[:, 4:12, 4:12, 3] = 255
    out = post.outline(img, "#ff0000")
    ring = (out[..., 3] > 0) & (img[..., 3] == 0)
    assert ring.sum() == 2 * 32 and (out[ring][:, :3] == [255, 0, 0]).all()


def test_upscale_is_nearest():
    img = noisy()[0]
    big = post.upscale(img, 3)
    assert big.shape == (48, 48, 4) and (big[::3, ::3] == img).all()


def test_asset_steps_record_meta_and_share_a_palette_per_character():
    images = np.zeros((2, 4, 4, 64, 64, 4), np.uint8)
    images[..., 20:40, 20:40, :] = np.random.default_rng(1).integers(0, 256, (2, 4, 4, 20, 20, 4))
    batch = post.binary_alpha(SpriteBatch(images, AssetMeta(seed=[1, 2])), threshold=100)
    out = post.quantize(batch, None, colors=4)
    assert [p["name"] for p in out.meta.post] == ["binary_alpha", "quantize"]
    assert out.meta.post[1] == {"name": "quantize", "palette": None, "colors": 4}
    for sheet in out.images:
        assert len(np.unique(sheet[sheet[..., 3] > 0][:, :3], axis=0)) <= 4


@pytest.mark.parametrize("call", [lambda i: post.quantize(i, "gameboy"), lambda i: post.quantize(i, ["#12"]),
                                  lambda i: post.outline(i, "red"), lambda i: post.upscale(i, 0)])
def test_bad_options_raise_config_error(call):
    with pytest.raises(ConfigError):
        call(post.binary_alpha(noisy()))
