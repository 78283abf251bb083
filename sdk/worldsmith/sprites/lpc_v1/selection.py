"""Sharpen a sprite model's latent prior by selection, once, at export (no run-time cost).

The fitted mixture prior places latents near the training characters', but many draws land where
the generator renders an ambiguous character: its 16 frames do not agree on hair or clothing.
:func:`select_prior` probes every component with ``draws`` latents, scores each (the caller
renders it as the generator delivers it and asks a feature network how consistently it labels the
frames), and makes the ``keep`` best latents of each component new components, with the old
component's spread times ``bandwidth``, so every seed still gets its own character. The old
components' weights are kept, so the mix of character kinds stays the prior's (a global score
threshold skews it towards the kinds the generator draws best).

>>> import torch
>>> mean, std = torch.tensor([[0.0, 0.0], [10.0, 10.0]]), torch.ones(2, 2)
>>> w, m, s = select_prior(torch.tensor([0.25, 0.75]), mean, std, lambda z: -z.abs().sum(1).numpy(),
...                        draws=64, keep=2, bandwidth=0.5, gen=torch.Generator().manual_seed(0))
>>> w.tolist(), tuple(m.shape), s[0].tolist(), bool(m[:2].abs().max() < 0.5)
([0.125, 0.125, 0.375, 0.375], (4, 2), [0.5, 0.5], True)
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import torch


def select_prior(weight: torch.Tensor, mean: torch.Tensor, std: torch.Tensor,
                 score: Callable[[torch.Tensor], np.ndarray], draws: int, keep: int, bandwidth: float,
                 gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """A ``K * keep``-component mixture from the ``K``-component one (``weight (K,)``, ``mean`` and
    ``std (K, z)``): the ``keep`` highest-``score`` of ``draws`` latents per component, each with
    its component's ``std * bandwidth`` and ``weight / keep``. ``score`` maps latents ``(n, z)`` to
    ``(n,)`` (higher is better)."""
    if not 1 <= keep <= draws:
        raise ValueError(f"keep must lie in 1..draws ({draws}), got {keep}")
    k, dim = mean.shape
    eps = torch.randn(k, draws, dim, generator=gen)                    # (K, draws, z)
    z = mean[:, None] + std[:, None] * eps                             # (K, draws, z)
    scores = torch.as_tensor(np.asarray(score(z.reshape(k * draws, dim))), dtype=torch.float64)
    best = scores.view(k, draws).argsort(1, descending=True)[:, :keep]  # (K, keep)
    new_mean = z[torch.arange(k)[:, None], best].reshape(k * keep, dim)
    new_std = (std[:, None] * bandwidth).expand(k, keep, dim).reshape(k * keep, dim)
    new_weight = (weight[:, None] / keep).expand(k, keep).reshape(k * keep)
    return new_weight.contiguous(), new_mean.contiguous(), new_std.contiguous()
