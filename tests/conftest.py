"""Test setup: headless pygame, a quiet torch, and shared helpers."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from worldsmith.core.data import data_dir
from worldsmith.core.errors import ConfigError

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

REPO = Path(__file__).resolve().parents[1]
NODE_MODULES = REPO / "node_modules"


def node_available() -> bool:
    """True when node and the npm test tools (``make node``) are installed."""
    return shutil.which("node") is not None and NODE_MODULES.is_dir()


def data_present(*parts: str) -> bool:
    """True when ``$WORLDSMITH_DATA/<parts>`` exists; False when it does not or when there is no
    data folder at all, as in a clone without ``../shared``."""
    try:
        return data_dir().joinpath(*parts).exists()
    except ConfigError:
        return False


def require_data(*parts: str) -> Path:
    """``$WORLDSMITH_DATA/<parts>``; skips the calling test or fixture when it is missing, with the
    one reason every data test gives: what is missing and how to provide it."""
    if not data_present(*parts):
        pytest.skip(f"needs $WORLDSMITH_DATA/{'/'.join(parts)}, which is missing: set WORLDSMITH_DATA "
                    "to the training data folder (holding vglc/ and sprites/; a clone looks in ../shared/data)")
    return data_dir().joinpath(*parts)


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(autouse=True, scope="session")
def _torch_threads():
    """The suite runs torch on both cores of the CI machine (worldsmith's default is 1)."""
    import worldsmith

    worldsmith.set_threads(2)
