"""Level and sprite training run data-parallel under torchrun (DDP over gloo on the CPU)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import require_data
from worldsmith.core import weights


@pytest.mark.slow
def test_torchrun_two_processes_train_and_rank0_writes(tmp_path):
    require_data("vglc", "zelda")
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node=2", "--master_port=29517",
           "-m", "worldsmith.cli", "train", "levels", "--game", "zelda", "--dry-run",
           "--out", str(tmp_path / "m")]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 1  # only rank 0 reports
    config, state = weights.load_folder(json.loads(lines[0])["model"])
    assert config["world_size"] == 2 and config["steps"] == 3 and state


@pytest.mark.slow
def test_torchrun_trains_the_sprite_gan_for_two_steps(tmp_path):
    data = require_data("sprites", "lpc_walk32.npz")
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node=2", "--master_port=29519",
           "-m", "worldsmith.cli", "train", "sprites", "--dry-run", "--out", str(tmp_path / "run"),
           "--data", str(data)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.count("trained 2 steps") == 1  # rank 0 reports and writes
    _, state = weights.load_folder(tmp_path / "run" / "model")
    assert state
