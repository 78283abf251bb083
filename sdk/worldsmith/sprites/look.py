"""A sprite config's "look": the cleanup, palette and outline steps of :mod:`worldsmith.pixels.image`
it asks for, checked, listed in order and applied to one character's frames. Shared by the sprite
generators (``sprites/lpc-v1``, ``sprites/lpc-v2``), whose configs carry the same look options.

>>> import numpy as np
>>> from types import SimpleNamespace
>>> cfg = SimpleNamespace(palette="none", outline="#000000", cleanup=True, orphans=False, colors=8,
...                       interpolate=[], variations_of=None)
>>> check_look(cfg)
>>> [step.__name__ for step, _ in look_steps(cfg)]
['remove_specks', 'outline']
>>> apply_steps(look_steps(cfg), np.zeros((16, 8, 6, 4), np.uint8)).shape
(16, 8, 6, 4)
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from worldsmith.core.errors import ConfigError
from worldsmith.core.seeding import check_seed
from worldsmith.pixels import image as post


def check_look(cfg: Any) -> None:
    """Check the options sprite generators share (palette, outline, interpolate, variations_of)."""
    if isinstance(cfg.palette, str) and cfg.palette not in ("auto", "none"):
        post.palette_colors(cfg.palette)
    elif isinstance(cfg.palette, list):
        post.palette_colors(cfg.palette)
    if cfg.outline != "off":
        post.parse_color(cfg.outline, "outline")
    if cfg.interpolate:
        if len(cfg.interpolate) != 2:
            raise ConfigError("interpolate", "two seeds [a, b] (or [])", cfg.interpolate)
        for s in cfg.interpolate:
            check_seed(s, "interpolate")
    if cfg.variations_of is not None and cfg.interpolate:
        raise ConfigError("variations_of", "not together with interpolate", cfg.variations_of)


def look_steps(cfg: Any) -> list[tuple[Callable, dict[str, Any]]]:
    """The cleanup, palette and outline steps of :mod:`worldsmith.pixels.image` that a sprite
    config asks for, in order, with their parameters (each is recorded in ``meta.post``)."""
    steps: list[tuple[Callable, dict[str, Any]]] = []
    if cfg.cleanup:
        steps.append((post.remove_specks, {"min_size": 3}))
    if cfg.palette == "auto":
        steps.append((post.quantize, {"palette": None, "colors": cfg.colors}))
    elif cfg.palette != "none":
        steps.append((post.quantize, {"palette": cfg.palette}))
    if cfg.cleanup and cfg.orphans:
        steps.append((post.remove_orphans, {}))
    if cfg.outline != "off":
        steps.append((post.outline, {"color": cfg.outline}))
    return steps


def apply_steps(steps: list[tuple[Callable, dict[str, Any]]], sheet: np.ndarray) -> np.ndarray:
    """``steps`` applied in order to one character's frames ``(16, H, W, 4)``."""
    for step, params in steps:
        sheet = step(sheet, **params)
    return sheet
