"""The sprite model: a sheet generator trained as a VAE-GAN (encoder + generator + critic).

Frames are cropped to ``size`` rows x 3/4 ``size`` columns (every LPC silhouette lies in columns
10..53 of the 64 x 64 frame, so the crop loses nothing and saves a quarter of the pixels); ``size``
is 64, or 32 for a model trained on the half-size data. A sheet has 16 cells:
cell = 4 * direction + walk frame.

- ``Generator``: ``z`` -> style ``w`` shared by all 16 cells (identity) + a learned pose code per
  cell, FiLM-conditioned convolutions at up to half resolution and a sub-pixel (pixel-shuffle)
  output layer, so the full-resolution frame costs no full-resolution convolution. Any subset of
  cells can be drawn (training draws 4 per sheet). After training it carries a Gaussian-mixture
  prior fitted to the encoder's posterior means of the training characters (``prior`` > 0),
  possibly sharpened by selection (:mod:`worldsmith.sprites.lpc_v1.selection`), and
  ``Generator.latent`` samples from it.
- ``Encoder``: the four standing frames of a sheet (one per direction) -> ``q(z | sheet)``. The
  reconstruction term it enables is what keeps the generator from collapsing to one character,
  which every pure-GAN run of this model family did on this data.
- ``Discriminator``: a spectral-norm frame critic with a projection on the frame's cell.

>>> import torch
>>> cfg = GanConfig(width=4)
>>> g, e, d = Generator(cfg), Encoder(cfg), Discriminator(cfg)
>>> sheets = g(torch.zeros(2, cfg.z_dim))
>>> tuple(sheets.shape)
(2, 16, 4, 64, 48)
>>> mu, logvar = e(sheets)
>>> tuple(mu.shape), tuple(d(sheets[:, :3], torch.tensor([[0, 5, 9]] * 2)).shape)
((2, 64), (2, 3))
>>> tuple(Generator(GanConfig(width=4, size=32))(torch.zeros(1, 64)).shape)
(1, 16, 4, 32, 24)
>>> tuple(g.latent(torch.Generator().manual_seed(0), temperature=0.8).shape)
(64,)
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F
from torch.nn.utils import spectral_norm

from worldsmith.core.mixture import sample_mixture
from worldsmith.sprites.data import CELLS

STANDING = (0, 4, 8, 12)  # the first walk frame of each direction: what the encoder sees
FRAME_H, FRAME_W = 64, 48
SIZES = (32, 64)


@dataclass(frozen=True)
class GanConfig:
    """Architecture hyper-parameters; stored in the weights folder's config.json."""

    z_dim: int = 64
    w_dim: int = 128
    cell_dim: int = 32
    width: int = 16  # generator channels at half the frame size; x2 per further halving
    size: int = 64   # frame height drawn: 64, or 32 (frames are size x 3/4 size)
    prior: int = 0   # components of the fitted latent mixture (0: sample N(0, I))
    spread: float = 0.0  # a latent coordinate's typical spread for variation steps (0: the prior's)

    @property
    def levels(self) -> int:
        """2x upsampling steps from the 8 x 6 stem to half the frame size: 2 at 64, 1 at 32."""
        return SIZES.index(self.size) + 1

    @property
    def frame(self) -> tuple[int, int]:
        """(rows, columns) of a cropped frame."""
        return self.size, self.size * 3 // 4

    def to_dict(self) -> dict:
        """JSON-ready dict."""
        return asdict(self)


def _channels(cfg: GanConfig) -> list[int]:
    """Generator channels at 8x6, 16x12, ... up to half the frame size (coarse to fine)."""
    return [cfg.width * 2 ** (cfg.levels - i) for i in range(cfg.levels + 1)]


class GBlock(nn.Module):
    """Nearest 2x upsample, 3x3 conv, per-frame GroupNorm, FiLM from the cell's code, LeakyReLU."""

    def __init__(self, cin: int, cout: int, cond: int, upsample: bool = True):
        super().__init__()
        self.upsample = upsample
        self.conv = nn.Conv2d(cin, cout, 3, padding=1)
        self.norm = nn.GroupNorm(min(8, cout // 4), cout, affine=False)
        self.film = nn.Linear(cond, 2 * cout)

    def forward(self, x: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
        if self.upsample:
            x = F.interpolate(x, scale_factor=2.0, mode="nearest")     # (M, cin, 2h, 2w)
        x = self.norm(self.conv(x))                                      # (M, cout, h', w')
        gamma, beta = self.film(c)[:, :, None, None].chunk(2, dim=1)     # (M, cout, 1, 1) each
        return F.leaky_relu(x * (1 + gamma) + beta, 0.2)                 # (M, cout, h', w')


class Generator(nn.Module):
    """``z (B, z_dim) -> sheets (B, 16, 4, H, W)`` in [-1, 1] (RGBA, alpha > 0 is opaque)."""

    def __init__(self, cfg: GanConfig = GanConfig()):
        super().__init__()
        self.cfg = cfg
        ch = _channels(cfg)
        cond = cfg.w_dim + cfg.cell_dim
        self.mapping = nn.Sequential(                                    # (B, z) -> (B, w)
            nn.Linear(cfg.z_dim, cfg.w_dim), nn.LeakyReLU(0.2),
            nn.Linear(cfg.w_dim, cfg.w_dim), nn.LeakyReLU(0.2))
        self.cells = nn.Embedding(CELLS, cfg.cell_dim)                   # (16, cell_dim)
        self.stem = nn.Linear(cond, ch[0] * 8 * 6)                       # (M, cond) -> (M, c0*8*6)
        self.blocks = nn.ModuleList(
            [GBlock(ch[0], ch[0], cond, upsample=False)]                 # (M, c0, 8, 6)
            + [GBlock(a, b, cond) for a, b in zip(ch, ch[1:])])          # (M, c_i, 8*2^i, 6*2^i)
        self.to_rgba = nn.Conv2d(ch[-1], 16, 3, padding=1)               # (M, 4*2*2, H/2, W/2)
        if cfg.prior:
            self.register_buffer("prior_weight", torch.full((cfg.prior,), 1 / cfg.prior))  # (K,)
            self.register_buffer("prior_mean", torch.zeros(cfg.prior, cfg.z_dim))       # (K, z)
            self.register_buffer("prior_std", torch.ones(cfg.prior, cfg.z_dim))         # (K, z)

    def latent(self, gen: torch.Generator, temperature: float = 1.0) -> torch.Tensor:
        """One latent ``(z_dim,)`` drawn from ``gen``: from the fitted mixture (its spread scaled
        by ``temperature``), or ``N(0, temperature^2 I)`` without one."""
        if not self.cfg.prior:
            return torch.randn(self.cfg.z_dim, generator=gen) * temperature
        return sample_mixture(self.prior_weight.cpu(), self.prior_mean.cpu(), self.prior_std.cpu(), 1,
                              gen, temperature)[0]

    def latent_scale(self) -> float:
        """The typical spread of one latent coordinate under the prior (for variation steps): the
        recorded ``spread``, else the components' mean std."""
        if self.cfg.spread:
            return self.cfg.spread
        return float(self.prior_std.mean()) if self.cfg.prior else 1.0

    def synthesis(self, w: torch.Tensor, cells: torch.Tensor | None = None) -> torch.Tensor:
        """Styles ``w (B, w_dim)`` -> frames ``(B, k, 4, H, W)`` of ``cells (B, k)`` (default: all
        16 in order, i.e. whole sheets)."""
        b = w.shape[0]
        if cells is None:
            pose = self.cells.weight[None].expand(b, -1, -1)             # (B, 16, cell_dim)
        else:
            pose = self.cells(cells)                                     # (B, k, cell_dim)
        k = pose.shape[1]
        c = torch.cat([w[:, None].expand(-1, k, -1), pose], 2)           # (B, k, cond)
        c = c.reshape(b * k, -1)                                         # (M = kB, cond)
        x = F.leaky_relu(self.stem(c), 0.2).view(b * k, -1, 8, 6)        # (M, c0, 8, 6)
        for block in self.blocks:
            x = block(x, c)                                              # ... (M, c_last, H/2, W/2)
        x = torch.tanh(F.pixel_shuffle(self.to_rgba(x), 2))              # (M, 4, H, W)
        return x.view(b, k, 4, *self.cfg.frame)

    def forward(self, z: torch.Tensor, cells: torch.Tensor | None = None) -> torch.Tensor:
        """Latents ``(B, z_dim)`` -> frames ``(B, k, 4, H, W)`` (whole sheets by default)."""
        return self.synthesis(self.mapping(z), cells)


def _frame_encoder(size: int, width: int, feat: int, norm=lambda m: m) -> nn.Sequential:
    """``(M, 4, H, W)`` frames -> ``(M, feat)`` codes: strided convs down to 4 x 3."""
    steps = SIZES.index(size) + 3                                        # halvings to 4 x 3
    ch = [width] + [width * 2 ** min(i + 1, 3) for i in range(steps)]
    layers = [norm(nn.Conv2d(4, ch[0], 3, padding=1)), nn.LeakyReLU(0.2)]  # (M, w, H, W)
    for a, b in zip(ch, ch[1:]):
        layers += [norm(nn.Conv2d(a, b, 4, stride=2, padding=1)), nn.LeakyReLU(0.2)]  # halve
    return nn.Sequential(*layers, nn.Flatten(),                          # (M, c_last * 12)
                         norm(nn.Linear(ch[-1] * 12, feat)), nn.LeakyReLU(0.2))  # (M, feat)


class Encoder(nn.Module):
    """``sheets (B, 16, 4, H, W) -> (mu, logvar)``, each ``(B, z_dim)``, from the standing frames."""

    def __init__(self, cfg: GanConfig = GanConfig(), width: int = 16, feat: int = 128):
        super().__init__()
        self.cfg = cfg
        self.frames = _frame_encoder(cfg.size, width, feat)              # (M, feat)
        self.head = nn.Sequential(                                       # (B, 4*feat) -> (B, 2z)
            nn.Linear(len(STANDING) * feat, 2 * feat), nn.LeakyReLU(0.2),
            nn.Linear(2 * feat, 2 * cfg.z_dim))

    def forward(self, sheets: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        b = sheets.shape[0]
        x = sheets[:, list(STANDING)].reshape(b * len(STANDING), 4, *self.cfg.frame)
        f = self.frames(x).view(b, -1)                                   # (B, 4*feat)
        mu, logvar = self.head(f).chunk(2, dim=1)                        # (B, z) each
        return mu, logvar.clamp(-12, 6)


class Discriminator(nn.Module):
    """``frames (B, k, 4, H, W), cells (B, k) -> scores (B, k)``: a projection critic per frame."""

    def __init__(self, cfg: GanConfig = GanConfig(), width: int = 16, feat: int = 256):
        super().__init__()
        self.cfg = cfg
        self.encoder = _frame_encoder(cfg.size, width, feat, spectral_norm)  # (M, feat)
        self.head = spectral_norm(nn.Linear(feat, 1))                    # (M, 1)
        self.cell_proj = spectral_norm(nn.Embedding(CELLS, feat))        # (16, feat)

    def forward(self, frames: torch.Tensor, cells: torch.Tensor) -> torch.Tensor:
        b, k = cells.shape
        f = self.encoder(frames.reshape(b * k, 4, *self.cfg.frame))      # (M, feat)
        proj = self.cell_proj(cells.reshape(-1))                         # (M, feat), via the SN hook
        return (self.head(f).squeeze(-1) + (f * proj).sum(-1)).view(b, k)


def to_uint8(sheets) -> np.ndarray:
    """Generator output ``(B, 16, 4, 64, 48)`` in [-1, 1] -> ``(B, 16, 64, 48, 4)`` uint8 with
    binary alpha and transparent pixels zeroed."""
    # channels last first: the CPU network's output already lies that way, so no copy is made
    x = sheets.detach().float().cpu().permute(0, 1, 3, 4, 2)                # (B, 16, H, W, 4)
    x = x.clamp(-1, 1).add(1).mul_(127.5).round_().to(torch.uint8)
    opaque = x[..., 3:] >= 128                                              # (B, 16, H, W, 1)
    return torch.cat([x[..., :3] * opaque, opaque.to(torch.uint8) * 255], -1).numpy()
