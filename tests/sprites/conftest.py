"""Fixtures for the sprite tests: a tiny random-init model folder and synthetic PNG sheets."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.conftest import require_data


@pytest.fixture(scope="session")
def tiny_weights(tmp_path_factory) -> Path:
    """A width-4 random-init generator saved as a verified model folder."""
    import torch

    from worldsmith.core.weights import save_folder
    from worldsmith.sprites.lpc_v1.model import GanConfig, Generator

    torch.manual_seed(0)
    cfg = GanConfig(width=4)
    folder = tmp_path_factory.mktemp("weights") / "tiny"
    save_folder(folder, {"gan": cfg.to_dict(), "steps": 0, "seed": 0, "val_fraction": 0.1},
                Generator(cfg).state_dict(), "test model\n")
    return folder


def lpc_tool(repo: Path, name: str):
    """``tools/<name>.py`` loaded as a module; skips the test when the LPC data is absent."""
    import importlib.util

    require_data("sprites", "lpc_walk64.npz")
    spec = importlib.util.spec_from_file_location(name, repo / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sheet_image(seed: int, cols: int = 4) -> np.ndarray:
    """A 4 x ``cols`` sheet of 64x64 frames, each with a coloured body in the middle."""
    rng = np.random.default_rng(seed)
    img = np.zeros((256, cols * 64, 4), np.uint8)
    colour = rng.integers(0, 256, 3)
    for r in range(4):
        for c in range(cols):
            img[r * 64 + 16 + r: r * 64 + 60, c * 64 + 20: c * 64 + 44 + c % 2] = (*colour, 255)
    return img


@pytest.fixture
def sheet_folder(tmp_path: Path) -> Path:
    """Six 256x256 PNG sheets (4x4 grids)."""
    from PIL import Image

    folder = tmp_path / "sheets"
    folder.mkdir()
    for i in range(6):
        Image.fromarray(sheet_image(i)).save(folder / f"hero{i}.png")
    return folder
