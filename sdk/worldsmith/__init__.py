"""worldsmith: game assets from trained generators plus procedural post-processing.

>>> import worldsmith as ws
>>> plot = ws.make("plots/quest-v1", acts=3, endings=3)(seed=7)
>>> plot == ws.make("plots/quest-v1", acts=3, endings=3)(seed=7)
True
"""
from __future__ import annotations

import importlib
import os
from typing import Any

from worldsmith.core.generator import VERSION as __version__
from worldsmith.core.registry import list_generators, make, spec
from worldsmith.types.base import Asset, AssetMeta

_LAZY = {
    "PlotGraph": "worldsmith.types.plot",
    "TileLevel": "worldsmith.types.level",
    "SpriteBatch": "worldsmith.types.sprite",
    "CharacterBatch": "worldsmith.types.character",
    "Terrain": "worldsmith.types.terrain",
    "Scene2D": "worldsmith.types.scene",
    "errors": "worldsmith.errors",
}

__all__ = ["make", "list_generators", "spec", "load", "Asset", "AssetMeta", "__version__", *_LAZY]


def load(path: str | os.PathLike, asset_type: type | None = None) -> Any:
    """Read an asset file written by ``export`` (JSON files carry their type)."""
    from worldsmith.export.registry import read_asset

    return read_asset(path, asset_type)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module = importlib.import_module(_LAZY[name])
        return module if name == "errors" else getattr(module, name)
    raise AttributeError(f"module 'worldsmith' has no attribute {name!r}")
