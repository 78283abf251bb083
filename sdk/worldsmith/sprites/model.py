"""The sprite GAN: one latent draws a character's whole 4 x 4 walk sheet; the critic judges every
frame and the sheet as a whole.

Frames are cropped to ``size`` rows x 3/4 ``size`` columns (every LPC silhouette lies in columns
10..53 of the 64 x 64 frame, so the crop loses nothing and saves a quarter of the pixels); ``size``
is 64, or 32 for a model trained on the half-size data (upscaled 2x nearest when drawn). A sheet has 16 cells:
cell = 4 * direction + walk frame. The generator maps ``z`` to a style ``w`` shared by all 16 cells
(so identity is shared), and each cell adds a learned pose embedding. The discriminator encodes each
frame with shared convolutions, scores it conditioned on its cell (projection discriminator), and
scores the concatenation of all 16 frame codes, which is what penalises sheets whose cells show
different characters; that head also sees the minibatch standard deviation of the sheet codes
(StyleGAN's anti-collapse feature).

>>> import torch
>>> g, d = Generator(GanConfig(width=8)), Discriminator(GanConfig(width=8))
>>> sheets = g(torch.zeros(2, 128))
>>> tuple(sheets.shape), [tuple(s.shape) for s in d(sheets)]
((2, 16, 4, 64, 48), [(2, 16), (2,)])
>>> tuple(Generator(GanConfig(width=8, size=32))(torch.zeros(1, 128)).shape)
(1, 16, 4, 32, 24)
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

import torch
from torch import nn
from torch.nn import functional as F
from torch.nn.utils import spectral_norm

CELLS = 16
FRAME_H, FRAME_W = 64, 48
CROP_X = 8  # column of the 64 x 64 frame where the 48-column crop starts
SIZES = (32, 64)


@dataclass(frozen=True)
class GanConfig:
    """Architecture hyper-parameters; stored in the weights folder's config.json."""

    z_dim: int = 128
    w_dim: int = 128
    cell_dim: int = 32
    width: int = 32  # channels at full resolution; x2 per halving
    size: int = 64   # frame height drawn: 64, or 32 (frames are size x 3/4 size)
    pixel_norm: bool = True  # unit-scale z and w, so the style is not drowned by the cell code

    @property
    def levels(self) -> int:
        """2x upsampling steps from the 8 x 6 stem to the frame: 3 at 64, 2 at 32."""
        return SIZES.index(self.size) + 2

    @property
    def frame(self) -> tuple[int, int]:
        """(rows, columns) of a cropped frame."""
        return self.size, self.size * 3 // 4

    def to_dict(self) -> dict:
        """JSON-ready dict."""
        return asdict(self)


def _channels(cfg: GanConfig) -> list[int]:
    """Generator channels at 8x6, 16x12, ... up to the frame size (coarse to fine)."""
    return [cfg.width * 2 ** (cfg.levels - i) for i in range(cfg.levels + 1)]


class GBlock(nn.Module):
    """Nearest 2x upsample, 3x3 conv, per-sample GroupNorm, FiLM from the cell's code, LeakyReLU."""

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
        self.to_rgba = nn.Conv2d(ch[-1], 4, 3, padding=1)                # (M, 4, H, W)
        self.register_buffer("w_avg", torch.zeros(cfg.w_dim))            # running mean of w

    def style(self, z: torch.Tensor, truncation: float = 1.0) -> torch.Tensor:
        """``w`` for latents ``z``, pulled towards the mean style by ``truncation`` < 1."""
        if self.cfg.pixel_norm:
            z = z * torch.rsqrt(z.pow(2).mean(1, keepdim=True) + 1e-8)  # (B, z_dim)
        w = self.mapping(z)                                              # (B, w_dim)
        if self.cfg.pixel_norm:
            w = w * torch.rsqrt(w.pow(2).mean(1, keepdim=True) + 1e-8)  # (B, w_dim)
        return self.w_avg + truncation * (w - self.w_avg)

    def synthesis(self, w: torch.Tensor) -> torch.Tensor:
        """Styles ``w (B, w_dim)`` -> sheets ``(B, 16, 4, H, W)``."""
        b = w.shape[0]
        cells = self.cells.weight[None].expand(b, -1, -1)                # (B, 16, cell_dim)
        c = torch.cat([w[:, None].expand(-1, CELLS, -1), cells], 2)      # (B, 16, cond)
        c = c.reshape(b * CELLS, -1)                                     # (M = 16B, cond)
        x = F.leaky_relu(self.stem(c), 0.2).view(b * CELLS, -1, 8, 6)    # (M, c0, 8, 6)
        for block in self.blocks:
            x = block(x, c)                                              # ... (M, c_last, H, W)
        x = torch.tanh(self.to_rgba(x))                                  # (M, 4, H, W)
        return x.view(b, CELLS, 4, *self.cfg.frame)

    def forward(self, z: torch.Tensor, truncation: float = 1.0) -> torch.Tensor:
        return self.synthesis(self.style(z, truncation))


def _sn_conv(cin: int, cout: int, k: int, stride: int) -> nn.Module:
    return spectral_norm(nn.Conv2d(cin, cout, k, stride=stride, padding=(k - 1) // 2 if k == 3 else 1))


class Discriminator(nn.Module):
    """``sheets (B, 16, 4, H, W) -> (frame scores (B, 16), sheet scores (B,))``."""

    def __init__(self, cfg: GanConfig = GanConfig(), feat: int = 256):
        super().__init__()
        self.cfg = cfg
        ch = [cfg.width] + [cfg.width * 2 ** min(i + 1, cfg.levels) for i in range(cfg.levels + 1)]
        layers = [_sn_conv(4, ch[0], 3, 1), nn.LeakyReLU(0.2)]           # (M, w, H, W)
        for a, b in zip(ch, ch[1:]):                                     # halve down to 4 x 3
            layers += [_sn_conv(a, b, 4, 2), nn.LeakyReLU(0.2)]          # (M, c_i, H/2^i, W/2^i)
        self.encoder = nn.Sequential(
            *layers, nn.Flatten(),                                       # (M, c_last*12)
            spectral_norm(nn.Linear(ch[-1] * 12, feat)), nn.LeakyReLU(0.2))  # (M, feat)
        self.frame_head = spectral_norm(nn.Linear(feat, 1))              # (M, 1)
        self.cell_proj = spectral_norm(nn.Embedding(CELLS, feat))        # (16, feat)
        self.sheet_head = nn.Sequential(                                 # input: codes + batch std
            spectral_norm(nn.Linear(CELLS * feat + 1, 2 * feat)), nn.LeakyReLU(0.2),  # (B, 2feat)
            spectral_norm(nn.Linear(2 * feat, 1)))                      # (B, 1)

    def forward(self, sheets: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        b = sheets.shape[0]
        f = self.encoder(sheets.reshape(b * CELLS, 4, *self.cfg.frame))  # (M, feat)
        f = f.view(b, CELLS, -1)                                         # (B, 16, feat)
        cells = self.cell_proj(torch.arange(CELLS, device=f.device))     # (16, feat), via the SN hook
        frame = self.frame_head(f).squeeze(-1) + (f * cells).sum(-1)     # (B, 16)
        flat = f.reshape(b, -1)                                          # (B, 16*feat)
        spread = flat.std(0, unbiased=False).mean().expand(b, 1)         # (B, 1) minibatch std
        sheet = self.sheet_head(torch.cat([flat, spread], 1)).squeeze(-1)  # (B,)
        return frame, sheet


class Truncated(nn.Module):
    """A generator with a fixed truncation, as a one-input module (ONNX export, serving).

    >>> Truncated(Generator(GanConfig(width=8)), 0.8)(torch.zeros(2, 128)).shape
    torch.Size([2, 16, 4, 64, 48])
    """

    def __init__(self, net: "Generator", truncation: float):
        super().__init__()
        self.net, self.truncation = net, truncation

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """Latents ``(B, z)`` -> sheets ``(B, 16, 4, h, w)`` in [-1, 1]."""
        return self.net(z, self.truncation)


def to_uint8(sheets) -> np.ndarray:
    """Generator output ``(B, 16, 4, 64, 48)`` in [-1, 1] -> ``(B, 16, 64, 48, 4)`` uint8 with
    binary alpha and transparent pixels zeroed."""
    x = ((sheets.detach().float().clamp(-1, 1) + 1) * 127.5).round().byte()
    x = x.permute(0, 1, 3, 4, 2).cpu().numpy()
    opaque = x[..., 3] >= 128
    x[~opaque] = 0
    x[..., 3] = np.where(opaque, 255, 0)
    return x
