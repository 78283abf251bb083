"""``sprites/lpc-v1``: character walk sheets from the trained sheet GAN plus pixel-art cleanup.

One seed -> one latent -> one character's 4 directions x 4 walk frames. Default post-processing:
binary alpha, speck removal, a per-character palette of ``colors`` colours (median cut, so all 16
frames share their colours) and a majority filter that repaints orphan pixels.

>>> import worldsmith as ws
>>> heroes = ws.make("sprites/lpc-v1")(seed=5, n=2)
>>> heroes.images.shape, heroes.images.dtype.name
((2, 4, 4, 64, 64, 4), 'uint8')
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from worldsmith.core.config import Config, param
from worldsmith.core.errors import ConfigError
from worldsmith.core.generator import Generator
from worldsmith.core.seeding import check_seed, rng, torch_generator
from worldsmith.post import image as post
from worldsmith.types.sprite import SpriteBatch

_MODELS: dict[tuple[str, float], Any] = {}


@dataclass(frozen=True)
class SpriteConfig(Config):
    """Options of ``sprites/lpc-v1``."""

    weights: str = param("sprites-lpc-v1", help="model folder: a shipped name or a path")
    truncation: float = param(0.8, lo=0.0, hi=1.0, help="pull styles towards the mean (safer, less varied)")
    palette: str | list = param("auto", help="'auto' (median cut to `colors`), 'none', 'pico8', 'db32' "
                                             "or a list of '#rrggbb'")
    colors: int = param(24, lo=2, hi=256, help="colours per character for palette='auto'")
    outline: str = param("off", help="'off' or a 1-px outline colour '#rrggbb'")
    cleanup: bool = param(True, help="remove specks and orphan pixels")
    variations_of: int | None = param(None, lo=0, help="a seed: make small variations of its character")
    variation: float = param(0.3, lo=0.0, hi=2.0, help="latent step size for variations_of")
    interpolate: list = param([], help="two seeds [a, b]: characters on the latent path from a to b")
    mix: float | None = param(None, lo=0.0, hi=1.0, help="position on the interpolate path (default: "
                                                          "drawn from each seed)")

    def check(self) -> None:
        if isinstance(self.palette, str) and self.palette not in ("auto", "none"):
            post.palette_colors(self.palette)
        elif isinstance(self.palette, list):
            post.palette_colors(self.palette)
        if self.outline != "off":
            post.parse_color(self.outline, "outline")
        if self.interpolate:
            if len(self.interpolate) != 2:
                raise ConfigError("interpolate", "two seeds [a, b] (or [])", self.interpolate)
            for s in self.interpolate:
                check_seed(s, "interpolate")
        if self.variations_of is not None and self.interpolate:
            raise ConfigError("variations_of", "not together with interpolate", self.variations_of)


def load_model(weights: str | Path):
    """The generator network of a model folder (verified, cached per folder), in eval mode."""
    import torch

    from worldsmith.core.weights import load_folder, resolve
    from worldsmith.sprites.model import GanConfig, Generator as Net

    folder = resolve(weights)
    key = (str(folder.resolve()), (folder / "MANIFEST").stat().st_mtime if (folder / "MANIFEST").exists() else 0.0)
    if key not in _MODELS:
        config, state = load_folder(folder)
        net = Net(GanConfig(**config["gan"]))
        net.load_state_dict({k: v.float() for k, v in state.items()})
        _MODELS[key] = net.eval().requires_grad_(False)
    return _MODELS[key]


def _latent(seed: int, dim: int) -> np.ndarray:
    import torch

    return torch.randn(dim, generator=torch_generator(seed)).numpy()


def _slerp(a: np.ndarray, b: np.ndarray, t: float) -> np.ndarray:
    cos = float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))
    omega = math.acos(max(-1.0, min(1.0, cos)))
    if omega < 1e-6:
        return (1 - t) * a + t * b
    return (math.sin((1 - t) * omega) * a + math.sin(t * omega) * b) / math.sin(omega)


class SpriteGenerator(Generator):
    """Character walk sheets from the LPC-trained sheet GAN."""

    id = "sprites/lpc-v1"
    Config = SpriteConfig
    asset_type = SpriteBatch
    test_config = {"colors": 8}

    @property
    def network(self):
        """The sheet network with this config's truncation: latents ``(B, z)`` -> sheets
        ``(B, 16, 4, h, w)`` in [-1, 1] (for ONNX export and benchmarks)."""
        from worldsmith.sprites.model import Truncated

        return Truncated(load_model(self.config.weights), self.config.truncation)

    def latents(self, seeds: Sequence[int]):
        """``(n, z)`` float32 tensor of latents, row ``i`` from ``seeds[i]`` (and the config)."""
        import torch

        return torch.from_numpy(self._latents(seeds, load_model(self.config.weights).cfg.z_dim))

    @staticmethod
    def combine(items: list[SpriteBatch]) -> SpriteBatch:
        """Single-character batches -> the one batch ``n=`` returns."""
        return SpriteBatch.concat(items)

    @staticmethod
    def quantise(raw):
        """Raw sheets -> the uint8 RGBA pixels an asset holds, as a tensor (what bf16 must not change)."""
        import torch

        from worldsmith.sprites.model import to_uint8

        return torch.from_numpy(to_uint8(raw))

    def _latents(self, seeds: Sequence[int], dim: int) -> np.ndarray:
        """``(n, dim)`` latents: one per seed, or variations / interpolations per the config."""
        cfg = self.config
        z = np.stack([_latent(s, dim) for s in seeds])
        if cfg.variations_of is not None:
            v = cfg.variation
            z = (_latent(cfg.variations_of, dim) + v * z) / math.sqrt(1 + v * v)
        elif cfg.interpolate:
            a, b = (_latent(s, dim) for s in cfg.interpolate)
            ts = [cfg.mix if cfg.mix is not None else float(rng(s).random()) for s in seeds]
            z = np.stack([_slerp(a, b, t) for t in ts])
        return z.astype(np.float32)

    def _generate(self, seeds: Sequence[int]) -> SpriteBatch:
        import torch

        from worldsmith.sprites.data import uncrop
        from worldsmith.sprites.model import to_uint8

        net = load_model(self.config.weights)
        z = torch.from_numpy(self._latents(seeds, net.cfg.z_dim))
        with torch.inference_mode():
            sheets = np.concatenate([to_uint8(net(z[i:i + 1], self.config.truncation))
                                     for i in range(len(seeds))])         # (n, 16, h, w, 4)
        if net.cfg.size != 64:
            sheets = post.upscale(sheets, 64 // net.cfg.size)
        images = uncrop(sheets).reshape(len(seeds), 4, 4, 64, 64, 4)
        batch = SpriteBatch(images, self.meta(list(seeds)).with_post("binary_alpha", threshold=128))
        return self.post(batch)

    def post(self, batch: SpriteBatch) -> SpriteBatch:
        """The configured cleanup, palette and outline steps, each recorded in ``meta.post``."""
        cfg = self.config
        if cfg.cleanup:
            batch = post.remove_specks(batch, min_size=3)
        if cfg.palette == "auto":
            batch = post.quantize(batch, None, colors=cfg.colors)
        elif cfg.palette != "none":
            batch = post.quantize(batch, cfg.palette)
        if cfg.cleanup:
            batch = post.remove_orphans(batch)
        if cfg.outline != "off":
            batch = post.outline(batch, cfg.outline)
        return batch
