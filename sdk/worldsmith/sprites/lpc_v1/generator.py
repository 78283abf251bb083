"""``sprites/lpc-v1``: character walk sheets from the trained sheet generator plus pixel-art cleanup.

One seed -> one latent -> one character's 4 directions x 4 walk frames. Default post-processing:
binary alpha, speck removal and a per-character palette of ``colors`` colours (an octree, so all
16 frames share their colours); ``orphans=True`` adds a majority filter that repaints orphan pixels
(flatter art, but it erases the one-pixel eyes and hair strands the characters are told apart by).

>>> import worldsmith as ws
>>> heroes = ws.make("sprites/lpc-v1")(seed=5, n=2)
>>> heroes.images.shape, heroes.images.dtype.name
((2, 4, 4, 64, 64, 4), 'uint8')
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from worldsmith.core.config import Config, param
from worldsmith.core.device import ieee_fp32, resolve_device
from worldsmith.core.generator import NeuralGenerator
from worldsmith.core.seeding import rng, torch_generator
from worldsmith.core.weights import build_checked, building, cache_key, load_folder
from worldsmith.pixels import image as post
from worldsmith.sprites.data import uncrop
from worldsmith.sprites.look import apply_steps, check_look, look_steps
from worldsmith.types.sprite import SpriteBatch

_MODELS: dict[tuple[str, float], Any] = {}
#: the default network batch on a GPU (see :meth:`SpriteGenerator.net_batch`)
CUDA_NET_BATCH = 16


@dataclass(frozen=True)
class SpriteConfig(Config):
    """Options of ``sprites/lpc-v1``."""

    weights: str = param("sprites-lpc-v1", help="model folder: a shipped name or a path")
    truncation: float = param(1.0, lo=0.0, hi=1.0, help="scale the spread of the latent prior "
                                                       "(lower: safer, less varied)")
    palette: str | list = param("auto", help="'auto' (an octree palette of `colors`), 'none', 'pico8', "
                                             "'db32' or a list of '#rrggbb'")
    colors: int = param(24, lo=2, hi=256, help="colours per character for palette='auto'")
    outline: str = param("off", help="'off' or a 1-px outline colour '#rrggbb'")
    cleanup: bool = param(True, help="remove specks (and, with orphans, orphan pixels)")
    orphans: bool = param(False, help="with cleanup: repaint orphan pixels by majority (flatter; "
                                      "erases one-pixel details)")
    variations_of: int | None = param(None, lo=0, help="a seed: make small variations of its character")
    variation: float = param(0.3, lo=0.0, hi=2.0, help="latent step size for variations_of")
    interpolate: list = param([], help="two seeds [a, b]: characters on the latent path from a to b")
    mix: float | None = param(None, lo=0.0, hi=1.0, help="position on the interpolate path (default: "
                                                          "drawn from each seed)")
    device: str = param("cpu", choices=("cpu", "auto", "cuda"), help="torch device")
    net_batch: int | None = param(None, lo=1, hi=256, help="sheets per network call, always this shape "
                                  "(zero rows fill a short batch), so a sheet's bytes do not depend on "
                                  "the batch; default: 1 on the CPU (no faster per sheet in bigger "
                                  "calls there), 16 on CUDA")

    def check(self) -> None:
        check_look(self)


def load_model(weights: str | Path, device: str = "cpu"):
    """The generator network of a model folder (verified, cached per folder and device), in eval
    mode on ``device``."""
    import torch  # lazy: torch, start-up time (`info` and `generate --help` load this class)

    from worldsmith.sprites.lpc_v1.model import GanConfig  # lazy: torch, start-up time
    from worldsmith.sprites.lpc_v1.model import Generator as Net  # lazy: torch, start-up time

    folder, stamp = cache_key(weights)
    key = (*stamp, str(resolve_device(device)))
    if key not in _MODELS:
        config, state = load_folder(folder)
        with building(weights, "sprite GAN"):
            gan = GanConfig(**config["gan"])
        net = build_checked(weights, "sprite GAN", lambda: Net(gan), {k: v.float() for k, v in state.items()})
        # channels_last: oneDNN's fast convolution layout (about 20% less time per CPU sheet)
        _MODELS[key] = net.eval().requires_grad_(False).to(key[2], memory_format=torch.channels_last)
    return _MODELS[key]


def _slerp(a: np.ndarray, b: np.ndarray, t: float) -> np.ndarray:
    cos = float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))
    omega = math.acos(max(-1.0, min(1.0, cos)))
    if omega < 1e-6:
        return (1 - t) * a + t * b
    return (math.sin((1 - t) * omega) * a + math.sin(t * omega) * b) / math.sin(omega)


class SpriteGenerator(NeuralGenerator):
    """Character walk sheets from the LPC-trained sheet GAN."""

    item_bytes = 3 * 4 * 4 * 64 * 64 * 4  # the RGBA sheets, a working copy and the joined batch

    id = "sprites/lpc-v1"
    Config = SpriteConfig
    asset_type = SpriteBatch
    test_config = {"colors": 8}

    def __init__(self, **config: Any):
        super().__init__(**config)
        self.device = self.config.device
        #: sheets an inexact runner (onnxruntime) left unsure and the torch network made again
        self.recomputed = 0

    def _net(self):
        return load_model(self.config.weights, self.device)

    @property
    def network(self):
        """The sheet network: latents ``(B, z)`` from :meth:`latents` -> sheets ``(B, 16, 4, h, w)``
        in [-1, 1] (for ONNX export, runners and benchmarks)."""
        return self._net()

    def latents(self, seeds: Sequence[int]):
        """``(n, z)`` float32 tensor of latents, row ``i`` from ``seeds[i]`` and the config
        (truncation, variations, interpolation): exactly what the network is fed."""
        import torch  # lazy: torch, start-up time

        cfg, net = self.config, self._net()

        def draw(seed: int) -> torch.Tensor:
            return net.latent(torch_generator(seed), cfg.truncation)

        if cfg.variations_of is not None:
            base, step = draw(cfg.variations_of), cfg.variation * net.latent_scale()
            return torch.stack([base + step * torch.randn(base.shape, generator=torch_generator(s))
                                for s in seeds])
        if cfg.interpolate:
            a, b = (draw(s).numpy() for s in cfg.interpolate)
            ts = [cfg.mix if cfg.mix is not None else float(rng(s).random()) for s in seeds]
            return torch.from_numpy(np.stack([_slerp(a, b, t) for t in ts]).astype(np.float32))
        return torch.stack([draw(s) for s in seeds])

    @staticmethod
    def combine(items: list[SpriteBatch]) -> SpriteBatch:
        """Single-character batches -> the one batch ``n=`` returns."""
        return SpriteBatch.concat(items)

    @staticmethod
    def quantise(raw):
        """Raw sheets -> the uint8 RGBA pixels an asset holds, as a tensor (what bf16 must not change)."""
        import torch  # lazy: torch, start-up time

        from worldsmith.sprites.lpc_v1.model import to_uint8  # lazy: torch, start-up time

        return torch.from_numpy(to_uint8(raw))

    def net_batch(self) -> int:
        """Rows of every network call: the config's ``net_batch``, else 1 on the CPU and
        :data:`CUDA_NET_BATCH` on a GPU."""
        if self.config.net_batch is not None:
            return self.config.net_batch
        return CUDA_NET_BATCH if resolve_device(self.device).type == "cuda" else 1

    def render(self, z) -> np.ndarray:
        """Latents ``(n, z)`` (from :meth:`latents`, or fitted) -> the post-processed, cropped
        sheets ``(n, 16, 64, 48, 4)`` uint8 an asset is made of.

        The network always runs on :meth:`net_batch` rows (a short batch is filled with zero
        rows): a row's output depends on the call's shape, not on the other rows or on its
        position (tested), so a sheet's bytes do not depend on the batch it was made in.
        A plugged-in runner that is not exact (``runner.exact`` False: onnxruntime) rounds a few
        values differently from torch; a sheet where that could change the pixels (see
        :func:`unsure`) is made again with the torch network, so it gets the torch path's bytes.

        >>> import worldsmith as ws
        >>> gen = ws.make("sprites/lpc-v1")
        >>> gen.render(gen.latents([5])).shape
        (1, 16, 64, 48, 4)
        """
        import torch  # lazy: torch, start-up time

        from worldsmith.sprites.lpc_v1.model import to_uint8  # lazy: torch, start-up time

        net = self._net()
        size, run, rows = net.cfg.size, self.runner or net, self.net_batch()
        careful = run is not net and not getattr(run, "exact", True)
        steps = self.post_steps()

        def finish(sheet: np.ndarray) -> np.ndarray:                              # (16, h, w, 4)
            return apply_steps(steps, sheet if size == 64 else post.upscale(sheet, 64 // size))

        z = z.to(self.device)
        out = []
        with torch.inference_mode(), ieee_fp32():
            for i in range(0, len(z), rows):
                part = z[i:i + rows]
                batch = torch.cat([part, part.new_zeros(rows - len(part), z.shape[1])])  # (rows, z)
                raw, exact = run(batch), None                                          # (rows, 16, 4, h, w)
                for j in range(len(part)):
                    sheet = finish(to_uint8(raw[j:j + 1])[0])
                    if careful and unsure(raw[j:j + 1], sheet, finish):
                        self.recomputed += 1
                        exact = net(batch) if exact is None else exact
                        sheet = finish(to_uint8(exact[j:j + 1])[0])
                    out.append(sheet)
        return np.stack(out)

    def _generate(self, seeds: Sequence[int]) -> SpriteBatch:
        sheets = self.render(self.latents(seeds))
        meta = self.meta(list(seeds)).with_post("binary_alpha", threshold=128)
        for step, params in self.post_steps():
            meta = meta.with_post(step.__name__, **params)
        return SpriteBatch(uncrop(sheets).reshape(len(seeds), 4, 4, 64, 64, 4), meta)

    def post_steps(self) -> list[tuple[Callable, dict[str, Any]]]:
        """The configured cleanup, palette and outline steps (see :func:`worldsmith.sprites.look.look_steps`)."""
        return look_steps(self.config)


#: how far a raw value of an inexact runner (onnxruntime) may lie from torch's and still count
#: as rounding like it: (RGB, alpha). Measured with tools/backend_agreement.py on an AVX-512 host:
#: |onnxruntime - torch| reaches 1.4e-5 on RGB (most values under 1e-7) and 6.8e-5 on alpha,
#: and about 4 values a sheet round the other way; without re-making, 19 of 448 sheets differed
#: (1 to 701 pixels: a flipped value can move a palette colour). The alpha margin covers the
#: largest difference three times over (no alpha value came within it of the threshold on 64
#: seeds). A margin covering every RGB difference would re-make nearly every sheet, so the RGB
#: one is measured: with 2e-6, 0 of 576 sheets differed (448 default, 128 colors=8) and 27% were
#: re-made (23% with colors=8); with 1e-6, 2 of 448 differed (17% re-made); 3e-6 re-made 35%.
ORT_MARGIN = (2e-6, 2e-4)


def unsure(raw, sheet: np.ndarray, finish: Callable[[np.ndarray], np.ndarray],
           margin: tuple[float, float] = ORT_MARGIN) -> bool:
    """True when rounding ``raw`` (a runner's ``(1, 16, 4, h, w)`` output) to ``sheet`` (``finish``
    of its uint8 pixels) might not give torch's pixels: an alpha value within ``margin[1]`` of
    the opacity threshold, or RGB values of opaque pixels within ``margin[0]`` of a rounding step
    whose rounding all the other way (all down, or all up) changes the finished sheet.

    >>> import torch
    >>> from worldsmith.sprites.lpc_v1.model import to_uint8
    >>> keep = lambda u: u                              # no post-processing
    >>> raw = torch.full((1, 16, 4, 2, 2), 0.5)         # every value far from a rounding step
    >>> unsure(raw, to_uint8(raw)[0], keep)
    False
    >>> raw[0, 0, 0, 0, 0] = 100.5 / 127.5 - 1          # one red value halfway from 100 to 101
    >>> unsure(raw, to_uint8(raw)[0], keep)
    True
    """
    import torch  # lazy: torch, start-up time

    from worldsmith.sprites.lpc_v1.model import to_uint8  # lazy: torch, start-up time

    rgb, alpha = margin
    tol = torch.tensor([rgb, rgb, rgb, alpha], dtype=raw.dtype).view(1, 1, 4, 1, 1)
    lo, hi = to_uint8(raw - tol)[0], to_uint8(raw + tol)[0]
    if np.array_equal(lo, hi):                     # no opaque value near a step: nothing to flip
        return False
    if not np.array_equal(lo[..., 3], hi[..., 3]):
        return True
    return not (np.array_equal(finish(lo), sheet) and np.array_equal(finish(hi), sheet))
