"""Typed assets: numpy arrays (or graphs, meshes) plus :class:`AssetMeta`, exportable by extension."""
from worldsmith.types.base import Asset, AssetMeta

__all__ = ["Asset", "AssetMeta"]
