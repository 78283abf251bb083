"""Gaussian-mixture priors for latent spaces (ex-post density estimation, Ghosh et al. 2020).

A VAE's posterior means cover the data better than ``N(0, I)`` does; fitting a diagonal Gaussian
mixture to them after training and sampling from it gives samples from where the data is.

>>> import torch
>>> z = torch.cat([torch.zeros(50, 2) - 5, torch.zeros(50, 2) + 5]) + torch.randn(100, 2) * 0.1
>>> w, m, s = fit_mixture(z, 2, torch.Generator().manual_seed(0))
>>> sorted(round(v) for v in m[:, 0].tolist()), [round(v, 1) for v in w.tolist()]
([-5, 5], [0.5, 0.5])
>>> tuple(sample_mixture(w, m, s, 3, torch.Generator().manual_seed(1)).shape)
(3, 2)
"""
from __future__ import annotations

import torch


def fit_mixture(z: torch.Tensor, k: int, gen: torch.Generator, steps: int = 60) -> tuple[torch.Tensor, ...]:
    """Expectation-maximisation of a ``k``-component diagonal Gaussian mixture on latents
    ``(N, z)``: (weights ``(k,)``, means ``(k, z)``, stds ``(k, z)``)."""
    z = z.double()
    mean = z[torch.randperm(len(z), generator=gen)[:k]].clone()       # (K, z)
    var = z.var(0).expand(k, -1).clone()                               # (K, z)
    weight = torch.full((k,), 1 / k, dtype=torch.float64)              # (K,)
    for _ in range(steps):
        log_p = -0.5 * (((z[:, None] - mean) ** 2) / var + var.log()).sum(-1) + weight.log()  # (N, K)
        resp = log_p.softmax(1)                                        # (N, K)
        mass = resp.sum(0) + 1e-9                                      # (K,)
        weight = mass / len(z)
        mean = resp.T @ z / mass[:, None]
        var = (resp.T @ z.pow(2) / mass[:, None] - mean.pow(2)).clamp(min=0) + 1e-3
    return weight.float(), mean.float(), var.sqrt().float()


def sample_mixture(weight: torch.Tensor, mean: torch.Tensor, std: torch.Tensor, k: int,
                   gen: torch.Generator, temperature: float = 1.0) -> torch.Tensor:
    """``(k, z)`` draws from ``gen``: a component by weight, then its Gaussian with the spread
    scaled by ``temperature`` (noise first, then components: callers rely on that order)."""
    eps = torch.randn(k, mean.shape[1], generator=gen)
    i = torch.multinomial(weight, k, replacement=True, generator=gen)
    return mean[i] + temperature * std[i] * eps
