"""Base class of generators backed by a trained network: latents -> network -> decode.

Subclasses load ``self.network`` (a ``torch.nn.Module`` mapping latents ``(B, ...)`` to raw
outputs), implement ``latents(seeds)`` (a CPU tensor drawn from per-seed generators, so a seed
gives the same asset on any device) and ``decode(raw, seeds)`` (raw CPU float32 outputs -> assets,
including procedural post-processing). The runtime swaps in a faster network runner
(:meth:`optimise`) without changing the assets.
"""
from __future__ import annotations

from typing import Any, Sequence

from worldsmith.core.generator import Generator


class NeuralGenerator(Generator):
    """A generator whose assets come from ``decode(network(latents(seeds)))``."""

    network: Any

    def __init__(self, **config: Any):
        super().__init__(**config)
        self._fast: Any = None

    def latents(self, seeds: Sequence[int]):
        """CPU tensor of latents, row ``i`` drawn from ``seeds[i]`` alone."""
        raise NotImplementedError

    def decode(self, raw, seeds: Sequence[int]) -> Any:
        """Turn raw network outputs (CPU float32) into assets."""
        raise NotImplementedError

    def run_network(self, z):
        """Raw network outputs for latents ``z``, as a CPU float32 tensor."""
        import torch

        if self._fast is not None:
            return self._fast(z).cpu()
        with torch.inference_mode():
            return self.network(z.to(self.device)).float().cpu()

    def _generate(self, seeds: Sequence[int]) -> Any:
        return self.decode(self.run_network(self.latents(seeds)), seeds)

    def to(self, device: str) -> "NeuralGenerator":
        """Move the network to ``device`` (drops any optimised runner)."""
        super().to(device)
        self.network = self.network.to(device)
        self._fast = None
        return self

    def optimise(self, bf16: bool = False, graphs: bool = True) -> "NeuralGenerator":
        """Run the network through :class:`~worldsmith.runtime.accel.FastNetwork`."""
        from worldsmith.runtime.accel import FastNetwork

        self._fast = FastNetwork(self.network, self.device, bf16=bf16, graphs=graphs)
        return self
