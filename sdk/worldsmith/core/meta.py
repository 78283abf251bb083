"""The metadata every asset carries, and the deep equality assets compare by.

>>> m = AssetMeta(generator="plots/quest-v1", seed=7, config={"acts": 3})
>>> m.with_post("outline", color="#000000").post
[{'name': 'outline', 'color': '#000000'}]

In JSON its seeds are decimal strings (:func:`worldsmith.core.seeding.seed_to_json`): ``seed``, and
the ``SEED_KEYS`` of ``extra`` and of each post-processing step.

>>> d = AssetMeta(seed=2**63 - 1, extra={"level_seed": 5}).to_dict()
>>> d["seed"], d["extra"]
('9223372036854775807', {'level_seed': '5'})
>>> AssetMeta.from_dict(d).seed == 2**63 - 1, AssetMeta.from_dict({"seed": 7}).seed
(True, 7)
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from worldsmith.core.seeding import Seed, seed_from_json, seed_to_json

#: keys of ``extra`` and of post-processing steps whose values are seeds
SEED_KEYS = frozenset({"level_seed", "like"})


@dataclass
class AssetMeta:
    """Where an asset came from: generator id, seed, config, version and post-processing steps."""

    generator: str = ""
    seed: Seed = None
    config: dict[str, Any] = field(default_factory=dict)
    version: str = "0.1.0"
    post: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def with_post(self, name: str, **params: Any) -> "AssetMeta":
        """A copy with post-processing step ``name(**params)`` appended."""
        return dataclasses.replace(self, post=[*self.post, {"name": name, **params}])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict, its seeds as decimal strings."""
        return _convert_seeds(dataclasses.asdict(self), seed_to_json)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "AssetMeta":
        """Inverse of :meth:`to_dict` (unknown keys go to ``extra``); seeds may be strings or ints."""
        names = {f.name for f in dataclasses.fields(cls)}
        known = {k: v for k, v in data.items() if k in names}
        extra = {k: v for k, v in data.items() if k not in names}
        return cls(**_convert_seeds({**known, "extra": {**known.get("extra", {}), **extra}}, seed_from_json))


def _convert_seeds(meta: dict[str, Any], convert: Callable[[Any], Any]) -> dict[str, Any]:
    """``meta`` with ``convert`` applied to its ``seed`` and to the seeds in ``extra`` and ``post``."""
    def keys(d: Any) -> Any:
        return {k: convert(v) if k in SEED_KEYS else v for k, v in d.items()} if isinstance(d, dict) else d

    out = {**meta, "extra": keys(meta["extra"]), **({"seed": convert(meta["seed"])} if "seed" in meta else {})}
    return {**out, "post": [keys(step) for step in meta["post"]]} if "post" in meta else out


def assets_equal(a: Any, b: Any) -> bool:
    """Deep equality over dataclasses, dicts, lists and numpy arrays.

    >>> assets_equal({"a": np.zeros(2)}, {"a": np.zeros(2)}), assets_equal([1], (1,))
    (True, False)
    """
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
