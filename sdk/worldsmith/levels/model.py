"""A small convolutional VAE over one-hot tile grids (one model per game).

The input ``(B, C, H, W)`` one-hot grid is zero-padded to ``(Hp, Wp)``, multiples of 4; two
stride-2 convolutions bring it to ``(Hp/4, Wp/4)``; the decoder mirrors this and the logits are
cropped back to ``(H, W)``.

>>> import torch
>>> m = LevelVAE(channels=13, height=14, width=16, z_dim=8, hidden=8)
>>> logits, mu, logvar = m(torch.zeros(2, 13, 14, 16))
>>> tuple(logits.shape), tuple(mu.shape)
((2, 13, 14, 16), (2, 8))
"""
from __future__ import annotations

import copy
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from worldsmith.core.mixture import sample_mixture
from worldsmith.core.weights import build_checked


def _up4(n: int) -> int:
    return (n + 3) // 4 * 4


class LevelVAE(nn.Module):
    """Conv VAE: one-hot ``(B, C, H, W)`` -> latent ``(B, z_dim)`` -> logits ``(B, C, H, W)``."""

    def __init__(self, channels: int, height: int, width: int, z_dim: int = 32, hidden: int = 64,
                 prior: int = 0):
        super().__init__()
        self.config = {"channels": channels, "height": height, "width": width, "z_dim": z_dim,
                       "hidden": hidden, "prior": prior}
        if prior:  # a diagonal Gaussian mixture fitted to the training latents after training
            self.register_buffer("prior_weight", torch.full((prior,), 1 / prior))  # (K,)
            self.register_buffer("prior_mean", torch.zeros(prior, z_dim))         # (K, z)
            self.register_buffer("prior_std", torch.ones(prior, z_dim))           # (K, z)
        self.hp, self.wp = _up4(height), _up4(width)
        h4, w4 = self.hp // 4, self.wp // 4
        flat = 2 * hidden * h4 * w4
        self.encoder = nn.Sequential(
            nn.Conv2d(channels, hidden, 3, padding=1),            # (B, hid, Hp, Wp)
            nn.LeakyReLU(0.2),
            nn.Conv2d(hidden, hidden, 4, stride=2, padding=1),    # (B, hid, Hp/2, Wp/2)
            nn.BatchNorm2d(hidden),
            nn.LeakyReLU(0.2),
            nn.Conv2d(hidden, 2 * hidden, 4, stride=2, padding=1),  # (B, 2hid, Hp/4, Wp/4)
            nn.BatchNorm2d(2 * hidden),
            nn.LeakyReLU(0.2),
            nn.Flatten(),                                         # (B, 2hid*Hp/4*Wp/4)
        )
        self.to_stats = nn.Linear(flat, 2 * z_dim)                # (B, 2z): mean, log-variance
        self.from_z = nn.Linear(z_dim, flat)                      # (B, 2hid*Hp/4*Wp/4)
        self.decoder = nn.Sequential(
            nn.Unflatten(1, (2 * hidden, h4, w4)),                # (B, 2hid, Hp/4, Wp/4)
            nn.ReLU(),
            nn.ConvTranspose2d(2 * hidden, hidden, 4, stride=2, padding=1),  # (B, hid, Hp/2, Wp/2)
            nn.BatchNorm2d(hidden),
            nn.ReLU(),
            nn.ConvTranspose2d(hidden, hidden, 4, stride=2, padding=1),      # (B, hid, Hp, Wp)
            nn.BatchNorm2d(hidden),
            nn.ReLU(),
            nn.Conv2d(hidden, channels, 3, padding=1),            # (B, C, Hp, Wp) logits
        )

    @property
    def z_dim(self) -> int:
        """Latent size."""
        return self.config["z_dim"]

    def sample_prior(self, k: int, gen: torch.Generator, temperature: float = 1.0) -> torch.Tensor:
        """``(k, z)`` latents from ``gen``: the fitted mixture (a component, then its Gaussian
        with its spread scaled by ``temperature``) or, without one, ``N(0, temperature^2)``."""
        if not self.config["prior"]:
            return torch.randn(k, self.z_dim, generator=gen) * temperature
        return sample_mixture(self.prior_weight.cpu(), self.prior_mean.cpu(), self.prior_std.cpu(), k,
                              gen, temperature)

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """One-hot ``(B, C, H, W)`` -> mean and log-variance, each ``(B, z)``."""
        x = F.pad(x, (0, self.wp - x.shape[-1], 0, self.hp - x.shape[-2]))  # (B, C, Hp, Wp)
        mu, logvar = self.to_stats(self.encoder(x)).chunk(2, dim=1)
        return mu, logvar.clamp(-10, 10)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Latent ``(B, z)`` -> tile logits ``(B, C, H, W)``."""
        logits = self.decoder(self.from_z(z))                     # (B, C, Hp, Wp)
        return logits[:, :, :self.config["height"], :self.config["width"]]

    def forward(self, x: torch.Tensor, noise: torch.Tensor | None = None):
        """Reconstruction logits, mean and log-variance; ``noise`` ``(B, z)`` reparameterises."""
        mu, logvar = self.encode(x)
        z = mu if noise is None else mu + noise * torch.exp(0.5 * logvar)
        return self.decode(z), mu, logvar


class Decoder(nn.Module):
    """The VAE's decoding half as a module, for ONNX export and benchmarks.

    >>> Decoder(LevelVAE(13, 14, 16, z_dim=8, hidden=8))(torch.zeros(3, 8)).shape
    torch.Size([3, 13, 14, 16])
    """

    def __init__(self, vae: LevelVAE):
        super().__init__()
        self.vae = vae

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """Latents ``(B, z)`` -> tile logits ``(B, C, H, W)``."""
        return self.vae.decode(z)


def vae_loss(logits: torch.Tensor, target: torch.Tensor, mu: torch.Tensor, logvar: torch.Tensor,
             beta: float) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Total, reconstruction (cross-entropy per tile, summed per grid) and KL (per grid) losses."""
    recon = F.cross_entropy(logits, target, reduction="sum") / target.shape[0]
    kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp()) / target.shape[0]
    return recon + beta * kl, recon, kl


def one_hot(tiles: torch.Tensor, channels: int) -> torch.Tensor:
    """``(B, H, W)`` int tiles -> ``(B, C, H, W)`` float one-hot."""
    return F.one_hot(tiles.long(), channels).permute(0, 3, 1, 2).float()


class FoldedDecoder(nn.Module):
    """:attr:`LevelVAE.decoder` with its BatchNorms folded away (:func:`for_inference`), run as
    plain functional calls: ``(B, 2hid*Hp/4*Wp/4)`` -> logits ``(B, C, Hp, Wp)``, the same
    kernels and bits as the layers, without a module call per layer (0.1 of the SMB decode's
    1.2 ms)."""

    def __init__(self, decoder: nn.Sequential):
        super().__init__()
        self.shape = tuple(decoder[0].unflattened_size)                   # (2hid, Hp/4, Wp/4)
        self.up1, self.up2, self.out = decoder[2], decoder[5], decoder[8]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.unflatten(1, self.shape).relu()                             # (B, 2hid, Hp/4, Wp/4)
        for up in (self.up1, self.up2):                                   # (B, hid, Hp/2, Wp/2), (B, hid, Hp, Wp)
            x = F.conv_transpose2d(x, up.weight, up.bias, up.stride, up.padding).relu_()
        return F.conv2d(x, self.out.weight, self.out.bias, self.out.stride, self.out.padding)  # (B, C, Hp, Wp)


def for_inference(model: LevelVAE) -> LevelVAE:
    """A copy of an eval-mode ``model`` for generation: every BatchNorm folded into the
    convolution before it (its scale into the weights of each output channel, its shift into the
    bias), the decoder a :class:`FoldedDecoder`, and the weights channels-last, oneDNN's fast
    layout (the SMB decode of 17 windows: about 2.0 -> 1.1 ms on one core). The logits move by
    float rounding only (~2e-5).

    >>> m = LevelVAE(channels=13, height=14, width=16, z_dim=8, hidden=8).eval()
    >>> z = torch.randn(3, 8)
    >>> bool(torch.allclose(for_inference(m).decode(z), m.decode(z), atol=1e-5))
    True
    """
    model = copy.deepcopy(model).eval()
    for seq in (model.encoder, model.decoder):
        layers = list(seq)
        for i, (conv, bn) in enumerate(zip(layers, layers[1:])):
            if isinstance(bn, nn.BatchNorm2d):
                scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)           # (out,)
                out_dim = 1 if isinstance(conv, nn.ConvTranspose2d) else 0      # (in, out, k, k) / (out, in, k, k)
                conv.weight.data *= scale.view([-1 if d == out_dim else 1 for d in range(4)])
                conv.bias.data = (conv.bias.data - bn.running_mean) * scale + bn.bias
                seq[i + 1] = nn.Identity()
    model.decoder = FoldedDecoder(model.decoder)
    return model.to(memory_format=torch.channels_last)


def build(config: dict[str, Any], state: dict[str, torch.Tensor] | None = None, name: str = "") -> LevelVAE:
    """A model from its config (and weights of folder ``name``, checked against the config's
    shapes before anything is allocated), in eval mode."""
    keys = ("channels", "height", "width", "z_dim", "hidden")
    args = {k: config[k] for k in keys}
    if state is None:
        return LevelVAE(**args, prior=config.get("prior", 0)).eval()
    return build_checked(name, "level VAE",
                         lambda: LevelVAE(**args, prior=config.get("prior", 0)), state).eval()
