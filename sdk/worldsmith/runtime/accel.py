"""Faster inference for a generator network: channels_last, bf16 and CUDA graphs per batch size.

A :class:`~worldsmith.core.generator.NeuralGenerator` exposes ``network`` (a module mapping
latents ``(B, ...)`` to raw outputs) and ``latents(seeds)`` (CPU tensor). :class:`FastNetwork`
wraps the network: on CUDA it captures one CUDA graph per power-of-two batch bucket (inputs
padded to the bucket) and can run in bf16; on the CPU it runs the plain network in inference
mode. :func:`bf16_is_exact` checks that bf16 does not change the quantised output before it is
used. fp32 on CUDA runs with TF32 off (cuDNN turns it on for convolutions by default, and its
10-bit mantissa changes quantised pixels).

>>> import torch
>>> fast = FastNetwork(torch.nn.Linear(4, 2), device="cpu")
>>> fast(torch.zeros(3, 4)).shape
torch.Size([3, 2])
"""
from __future__ import annotations

import copy
from typing import Callable

import torch

from worldsmith.core.device import ieee_fp32


def bucket(n: int) -> int:
    """The power-of-two batch bucket that holds ``n`` items."""
    return 1 << max(0, (n - 1).bit_length())


class FastNetwork:
    """Inference wrapper: CUDA graphs per batch bucket + optional bf16 and channels_last."""

    def __init__(self, network: torch.nn.Module, device: str = "cpu", bf16: bool = False,
                 channels_last: bool = True, graphs: bool = True):
        self.device = torch.device(device)
        self.cuda = self.device.type == "cuda"
        self.dtype = torch.bfloat16 if (bf16 and self.cuda) else torch.float32
        if self.dtype != torch.float32 or channels_last:
            network = _copy(network)  # Module.to() works in place: keep the caller's fp32 copy
        self.network = network.eval().to(self.device, dtype=self.dtype)
        if channels_last and self.cuda:
            self.network = self.network.to(memory_format=torch.channels_last)
        self.graphs = graphs and self.cuda
        self._captured: dict[tuple[int, ...], tuple[torch.cuda.CUDAGraph, torch.Tensor, torch.Tensor]] = {}

    @torch.inference_mode()
    def __call__(self, z: torch.Tensor) -> torch.Tensor:
        """Raw float32 network output for latents ``z`` (any batch size)."""
        z = z.to(self.device, non_blocking=True)
        if not self.graphs:
            with ieee_fp32():
                return self.network(z.to(self.dtype)).float()
        n = z.shape[0]
        size = bucket(n)
        graph, static_in, static_out = self._graph(size, tuple(z.shape[1:]))
        static_in[:n].copy_(z)
        if n < size:
            static_in[n:].zero_()
        graph.replay()
        return static_out[:n].float()

    def _graph(self, size: int, tail: tuple[int, ...]):
        key = (size, *tail)
        if key not in self._captured:  # kernels are chosen at capture: TF32 must be off by then
            with ieee_fp32():
                self._captured[key] = self._capture(size, tail)
        return self._captured[key]

    def _capture(self, size: int, tail: tuple[int, ...]):
        """Warm the network up on a side stream, then record one CUDA graph for ``size`` items."""
        static_in = torch.zeros((size, *tail), device=self.device, dtype=self.dtype)
        stream = torch.cuda.Stream()
        stream.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(stream):
            for _ in range(3):  # warm up kernels/allocator before capture
                self.network(static_in)
        torch.cuda.current_stream().wait_stream(stream)
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph):
            static_out = self.network(static_in)
        return graph, static_in, static_out


def bf16_is_exact(network: torch.nn.Module, z: torch.Tensor,
                  quantise: Callable[[torch.Tensor], torch.Tensor], device: str) -> bool:
    """True when bf16 gives the same quantised output as fp32 on latents ``z``."""
    fp32 = FastNetwork(network, device, bf16=False, graphs=False)(z)
    bf16 = FastNetwork(network, device, bf16=True, graphs=False)(z)
    return bool(torch.equal(quantise(fp32.cpu()), quantise(bf16.cpu())))


def _copy(network: torch.nn.Module) -> torch.nn.Module:
    return copy.deepcopy(network)
