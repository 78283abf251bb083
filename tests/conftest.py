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


def data_present(*parts: str) -> bool:
    """True when ``$WORLDSMITH_DATA/<parts>`` exists; False (a test skips) when there is no data
    folder at all, as in a clone without ``../shared``."""
    from worldsmith.core.data import data_dir
    from worldsmith.core.errors import ConfigError

    try:
        return data_dir().joinpath(*parts).exists()
    except ConfigError:
        return False


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
