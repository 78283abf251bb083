"""Test setup: headless pygame, a quiet torch, and shared helpers."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

REPO = Path(__file__).resolve().parents[1]
NODE_MODULES = REPO / "node_modules"


def node_available() -> bool:
    """True when node and the npm test tools (``make node``) are installed."""
    return shutil.which("node") is not None and NODE_MODULES.is_dir()


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(autouse=True, scope="session")
def _torch_threads():
    try:
        import torch

        torch.set_num_threads(2)
    except ImportError:  # pragma: no cover
        pass
