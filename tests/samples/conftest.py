"""Headless pygame drivers for the samples: put samples/ on the path, post synthetic keys."""
from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import numpy as np
import pygame
import pytest

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
sys.path.insert(0, str(SAMPLES))


def press(key: int, mod: int = 0) -> None:
    """Queue a key press (down and up) as if typed."""
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=mod, unicode="", scancode=0))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=key, mod=mod, unicode="", scancode=0))


def pixels(surface: pygame.Surface, rect: pygame.Rect | None = None) -> np.ndarray:
    """An (H, W, 3) copy of ``surface`` (or of ``rect`` within it)."""
    sub = surface.subsurface(rect) if rect is not None else surface
    return pygame.surfarray.array3d(sub).swapaxes(0, 1).copy()


@pytest.fixture
def viewer_factory(tmp_path, monkeypatch):
    """Make viewers with a temporary save folder and small sprite batches; closes them after."""
    import viewer
    import viewer_views.sprites as sprites

    small = dataclasses.replace(sprites.SpritesView.sources[0], n=3)
    monkeypatch.setattr(sprites.SpritesView, "sources", (small,))

    made = []

    def make(view: str, seed: int = 1):
        v = viewer.Viewer(seed=seed, view=view, save_dir=tmp_path / "saved", size=(1024, 640))
        made.append(v)
        return v

    yield make
    for v in made:
        v.close()
