"""Differentiable augmentation (DiffAugment) of whole sheets, applied to real and fake alike.

Each op hits a sheet with probability ``p`` and uses one draw for all 16 cells, so it never
breaks the identity the critic checks across cells. Sheets are ``(B, 16, 4, H, W)`` in [-1, 1];
-1 everywhere is a transparent pixel.

>>> import torch
>>> x = torch.rand(3, 16, 4, 64, 48) * 2 - 1
>>> augment(x, torch.Generator().manual_seed(0)).shape
torch.Size([3, 16, 4, 64, 48])
"""
from __future__ import annotations

import torch
from torch.nn import functional as F


def _draw(gen: torch.Generator, *shape: int) -> torch.Tensor:
    return torch.rand(*shape, generator=gen)


def colour(x: torch.Tensor, gen: torch.Generator, p: float) -> torch.Tensor:
    """Random brightness, saturation and contrast of the RGB channels."""
    b = x.shape[0]
    on = (_draw(gen, b) < p).float().to(x.device)[:, None, None, None, None]
    bright = (_draw(gen, b).to(x.device) - 0.5)[:, None, None, None, None] * 0.5
    sat = (_draw(gen, b).to(x.device) * 2)[:, None, None, None, None]
    con = (_draw(gen, b).to(x.device) + 0.5)[:, None, None, None, None]
    rgb = x[:, :, :3]
    grey = rgb.mean(2, keepdim=True)                                      # (B, 16, 1, H, W)
    out = (rgb - grey) * sat + grey + bright                              # saturation, brightness
    mean = out.mean((1, 2, 3, 4), keepdim=True)
    out = (out - mean) * con + mean                                       # contrast
    rgb = rgb + on * (out - rgb)
    return torch.cat([rgb, x[:, :, 3:]], 2)


def translate(x: torch.Tensor, gen: torch.Generator, p: float, max_dy: int = 4, max_dx: int = 3) -> torch.Tensor:
    """Shift each sheet by whole pixels (same shift in every cell), filling with transparency."""
    b, c, ch, h, w = x.shape
    on = (_draw(gen, b) < p).float()
    dy = torch.round((_draw(gen, b) * 2 - 1) * max_dy) * on
    dx = torch.round((_draw(gen, b) * 2 - 1) * max_dx) * on
    theta = torch.zeros(b, 2, 3)
    theta[:, 0, 0] = theta[:, 1, 1] = 1
    theta[:, 0, 2], theta[:, 1, 2] = -2 * dx / w, -2 * dy / h
    grid = F.affine_grid(theta.to(x.device), [b, c * ch, h, w], align_corners=False)
    moved = F.grid_sample(x.reshape(b, c * ch, h, w) + 1, grid, mode="nearest",
                          padding_mode="zeros", align_corners=False) - 1  # (B, 16*4, H, W)
    return moved.view(b, c, ch, h, w)


def cutout(x: torch.Tensor, gen: torch.Generator, p: float) -> torch.Tensor:
    """Erase (make transparent) one random quarter-size rectangle per sheet."""
    b, _, _, h, w = x.shape
    on = _draw(gen, b) < p
    cy = (_draw(gen, b) * h).long()
    cx = (_draw(gen, b) * w).long()
    ys = torch.arange(h)[None, :, None]
    xs = torch.arange(w)[None, None, :]
    box = ((ys - cy[:, None, None]).abs() < h // 4) & ((xs - cx[:, None, None]).abs() < w // 4)
    box = (box & on[:, None, None]).to(x.device)[:, None, None]          # (B, 1, 1, H, W)
    return torch.where(box, torch.full_like(x, -1.0), x)


def augment(x: torch.Tensor, gen: torch.Generator, p: float = 0.5) -> torch.Tensor:
    """Colour, translation and cutout, each with probability ``p`` per sheet."""
    return cutout(translate(colour(x, gen, p), gen, p), gen, p)
