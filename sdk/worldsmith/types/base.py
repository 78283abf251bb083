"""The asset base class and the metadata every asset carries.

>>> m = AssetMeta(generator="plots/quest-v1", seed=7, config={"acts": 3})
>>> m.with_post("outline", color="#000000").post
[{'name': 'outline', 'color': '#000000'}]
"""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np


@dataclass
class AssetMeta:
    """Where an asset came from: generator id, seed, config, version and post-processing steps."""

    generator: str = ""
    seed: int | None = None
    config: dict[str, Any] = field(default_factory=dict)
    version: str = "0.1.0"
    post: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def with_post(self, name: str, **params: Any) -> "AssetMeta":
        """A copy with post-processing step ``name(**params)`` appended."""
        return dataclasses.replace(self, post=[*self.post, {"name": name, **params}])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "AssetMeta":
        """Inverse of :meth:`to_dict` (unknown keys go to ``extra``)."""
        names = {f.name for f in dataclasses.fields(cls)}
        known = {k: v for k, v in data.items() if k in names}
        extra = {k: v for k, v in data.items() if k not in names}
        return cls(**{**known, "extra": {**known.get("extra", {}), **extra}})


def assets_equal(a: Any, b: Any) -> bool:
    """Deep equality over dataclasses, dicts, lists and numpy arrays."""
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        return a.shape == b.shape and a.dtype == b.dtype and bool(np.array_equal(a, b))
    if dataclasses.is_dataclass(a):
        return all(assets_equal(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(assets_equal(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(assets_equal(x, y) for x, y in zip(a, b))
    return bool(a == b)


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
