"""worldsmith: game assets from trained generators plus procedural post-processing.

>>> import worldsmith as ws
>>> plot = ws.make("plots/quest-v1", acts=3, endings=3)(seed=7)
>>> plot == ws.make("plots/quest-v1", acts=3, endings=3)(seed=7)
True
"""
from __future__ import annotations

import os
from typing import Any

from worldsmith import errors
from worldsmith.core import registry
from worldsmith.core.formats import read_asset
from worldsmith.core.generator import VERSION as __version__
from worldsmith.core.registry import list_generators, make, spec
from worldsmith.core.threads import set_threads
from worldsmith.types.base import Asset, AssetMeta

#: the asset types of the built-in families (``ws.TileLevel``...), loaded on first use
_TYPES = [name for family in registry.builtin_families() for name in family.asset_types]

__all__ = ["make", "list_generators", "spec", "load", "set_threads", "Asset", "AssetMeta", "__version__", "errors",
           *_TYPES]


def load(path: str | os.PathLike, asset_type: type | None = None) -> Any:
    """Read an asset file written by ``export`` (JSON files carry their type)."""
    return read_asset(path, asset_type)


def __getattr__(name: str) -> Any:
    """An asset type a family declares (``ws.TileLevel``), imported on first use."""
    cls = None if name.startswith("_") else registry.asset_type(name)
    if cls is None:
        raise AttributeError(f"module 'worldsmith' has no attribute {name!r}")
    return cls
