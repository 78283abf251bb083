"""The asset base class. The metadata every asset carries, :class:`AssetMeta`, and
:func:`assets_equal` live in :mod:`worldsmith.core.meta` and are re-exported here."""
from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar

from worldsmith.core.meta import AssetMeta, assets_equal

__all__ = ["Asset", "AssetMeta", "assets_equal", "suffix_of"]


class Asset:
    """Mixin for asset dataclasses: ``export`` by extension and deep equality.

    Subclasses set ``exporters`` to the module that registers their exporters.
    """

    exporters: ClassVar[str] = ""
    meta: AssetMeta

    def __eq__(self, other: object) -> bool:
        return assets_equal(self, other)

    def export(self, path: str | os.PathLike | None = None, *, fmt: str | None = None):
        """Write the asset to ``path`` (format from its extension, or ``fmt``) and return the
        list of files written; with ``path=None`` return the main file's bytes instead."""
        from worldsmith.export.registry import export_files

        return export_files(self, path, fmt)

    @classmethod
    def formats(cls) -> list[str]:
        """The formats (extensions) this asset type exports to."""
        from worldsmith.export.registry import formats_for

        return formats_for(cls)


def suffix_of(path: str | os.PathLike) -> str:
    """The lower-case extension of ``path`` without the dot (``"tmx"``); ``""`` if none."""
    return Path(path).suffix.lower().lstrip(".")
