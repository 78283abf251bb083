"""The GPU path gives the CPU's assets: direct calls on CUDA and the AssetService's CUDA graphs.

These need a CUDA device; CI has none, so they run where one is lent (``tools/gpu_session.sh run``).
"""
from __future__ import annotations

import pytest
import torch

import worldsmith as ws
from worldsmith.core.seeding import child_seeds
from worldsmith.runtime import AssetService

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")

NEURAL = [("sprites/lpc-v1", {}), ("levels/smb-v1", {"width": 200}), ("levels/zelda-v1", {}),
          ("levels/loderunner-v1", {})]


@pytest.mark.parametrize("gid, config", NEURAL)
def test_direct_cuda_call_equals_cpu(gid, config):
    cpu = ws.make(gid, **config)(seed=11, n=32)
    assert ws.make(gid, **config).to("cuda")(seed=11, n=32) == cpu


@pytest.mark.parametrize("gid, config", NEURAL)
def test_cuda_service_equals_cpu(gid, config):
    direct = ws.make(gid, **config)
    with AssetService(device="cuda") as svc:
        futures = [svc.request(gid, seed=s, **config) for s in child_seeds(11, 64)]
        got = [f.result(timeout=300) for f in futures]
    assert [a == direct(seed=s) for a, s in zip(got, child_seeds(11, 64))] == [True] * 64


def test_cuda_sheet_bytes_do_not_depend_on_the_batch():
    """On CUDA the sheet network runs on fixed calls of 16 (``net_batch``): a sheet made in a
    batch of 20 equals the sheet made alone."""
    gen = ws.make("sprites/lpc-v1").to("cuda")
    batch = gen(seed=4, n=20).images
    for i, seed in enumerate(child_seeds(4, 20)):
        assert (gen(seed=seed).images[0] == batch[i]).all(), i
