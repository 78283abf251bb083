"""How much float noise on a network's raw output changes the assets it makes.

The GPU path must give the CPU's assets after quantisation, so this measures the margin: for each
noise size, the share of assets (one per seed) that differ from the clean ones when Gaussian noise
of that standard deviation is added to the network's raw output (through the generator's
``runner`` hook, so post-processing runs exactly as in a real call). TF32's error is about 1e-3.

    python tools/output_tolerance.py --id sprites/lpc-v1 --seeds 32
"""
from __future__ import annotations

import argparse
import sys
from typing import Sequence

import torch

import worldsmith as ws

SIGMAS = (1e-6, 1e-5, 1e-4, 1e-3)


def changed(gid: str, seeds: Sequence[int], sigma: float) -> int:
    """How many of the assets for ``seeds`` change under output noise of ``sigma``."""
    gen = ws.make(gid)
    clean = [gen(seed=s) for s in seeds]
    net, noise = gen.network, torch.Generator().manual_seed(0)

    def noisy(z: torch.Tensor) -> torch.Tensor:
        out = net(z)
        return out + sigma * torch.randn(out.shape, generator=noise)

    gen.runner = noisy
    return sum(gen(seed=s) != c for s, c in zip(seeds, clean))


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--id", default="sprites/lpc-v1", help="a neural generator (sprites, levels)")
    p.add_argument("--seeds", type=int, default=32)
    args = p.parse_args(argv)
    torch.set_num_threads(2)
    seeds = list(range(args.seeds))
    for sigma in SIGMAS:
        print(f"{args.id}: noise {sigma:g}: {changed(args.id, seeds, sigma)} of {len(seeds)} assets change")
    return 0


if __name__ == "__main__":
    sys.exit(main())
