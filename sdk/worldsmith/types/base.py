"""The asset base class. The metadata every asset carries, :class:`AssetMeta`, and
:func:`assets_equal` live in :mod:`worldsmith.core.meta` and are re-exported here."""
from __future__ import annotations

import os

from worldsmith.core import formats
from worldsmith.core.formats import export_files, formats_for
from worldsmith.core.meta import AssetMeta, assets_equal

__all__ = ["Asset", "AssetMeta", "assets_equal"]


class Asset:
    """Mixin for asset dataclasses: ``export`` by extension and deep equality.

    The family that declares a type in its manifest names the module that registers its
    writers and readers (see :mod:`worldsmith.core.formats`).
    """

    meta: AssetMeta

    def __eq__(self, other: object) -> bool:
        return assets_equal(self, other)

    def export(self, path: str | os.PathLike | None = None, *, fmt: str | None = None,
               png_optimize: bool = False):
        """Write the asset to ``path`` (format from its extension, or ``fmt``) and return the
        list of files written; with ``path=None`` return the main file's bytes instead.
        ``png_optimize``: smaller PNGs, slower to encode, the same pixels."""
        with formats.png_optimize(png_optimize):
            return export_files(self, path, fmt)

    @classmethod
    def formats(cls) -> list[str]:
        """The formats (extensions) this asset type exports to."""
        return formats_for(cls)
