"""Data-parallel training under ``torchrun``: the same command line, one process or many.

``torchrun --nproc_per_node=2 -m worldsmith.cli train levels ...`` sets ``WORLD_SIZE``; the
training loops call :func:`setup` and wrap their model with :func:`wrap`. Without torchrun,
everything is a no-op (world size 1). CPU uses gloo, CUDA uses nccl.

>>> ctx = setup("cpu")
>>> (ctx.rank, ctx.world, ctx.is_main)
(0, 1, True)
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DistContext:
    """Rank, world size and device of this training process."""

    rank: int
    world: int
    device: Any

    @property
    def is_main(self) -> bool:
        """True on the process that writes checkpoints, logs and progress bars."""
        return self.rank == 0


def setup(device: Any) -> DistContext:
    """Initialise the process group when launched by torchrun; return this process's context."""
    import torch  # lazy: torch (1.2 s), start-up time
    import torch.distributed as dist  # lazy: torch (1.2 s), start-up time

    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world == 1:
        return DistContext(0, 1, torch.device(device))
    rank, local = int(os.environ["RANK"]), int(os.environ.get("LOCAL_RANK", "0"))
    cuda = torch.device(device).type == "cuda"
    if cuda:
        torch.cuda.set_device(local)
        device = torch.device("cuda", local)
    if not dist.is_initialized():
        dist.init_process_group("nccl" if cuda else "gloo")
    return DistContext(rank, world, torch.device(device))


def wrap(model: Any, ctx: DistContext, static_graph: bool = False) -> Any:
    """``DistributedDataParallel(model)`` when world > 1, else ``model``. ``static_graph`` lets
    a module run several forward passes before one backward (a GAN critic on real and fake)."""
    if ctx.world == 1:
        return model
    from torch.nn.parallel import DistributedDataParallel  # lazy: torch (1.2 s), start-up time

    ids = [ctx.device.index] if ctx.device.type == "cuda" else None
    return DistributedDataParallel(model, device_ids=ids, static_graph=static_graph)


def all_agree(flag: bool, ctx: DistContext) -> bool:
    """True only if ``flag`` is true on every rank (so all ranks stop at the same step)."""
    if ctx.world == 1:
        return flag
    import torch  # lazy: torch (1.2 s), start-up time
    import torch.distributed as dist  # lazy: torch (1.2 s), start-up time

    t = torch.tensor([1 if flag else 0], device=ctx.device)
    dist.all_reduce(t, op=dist.ReduceOp.MIN)
    return bool(t.item())


def teardown() -> None:
    """Destroy the process group if one was created."""
    import torch.distributed as dist  # lazy: torch (1.2 s), start-up time

    if dist.is_available() and dist.is_initialized():
        dist.barrier()            # every rank leaves together (rank 0 may still be writing files)
        dist.destroy_process_group()
