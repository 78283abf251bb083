"""The base class of every generator: config handling, seeds, batches and metadata.

A subclass sets ``id``, ``Config`` and ``asset_type`` and implements ``_generate(seeds)``, which
makes one asset per seed. Calling the generator with ``seed=s`` makes one asset from ``s``; with
``n=k`` it makes ``k`` assets, item ``i`` from ``child_seed(s, i)``. A batch therefore equals its
items made one by one.
"""
from __future__ import annotations

from typing import Any, ClassVar, Sequence

from worldsmith.core.config import Config
from worldsmith.core.errors import ConfigError
from worldsmith.core.seeding import check_seed, child_seeds

VERSION = "0.1.0"


class Generator:
    """Base generator. ``gen = SomeGenerator(**config); asset = gen(seed=7)``."""

    id: ClassVar[str]
    Config: ClassVar[type[Config]]
    asset_type: ClassVar[type]
    #: a small, fast config used by the conformance tests
    test_config: ClassVar[dict[str, Any]] = {}
    #: the most items one call may make
    max_n: ClassVar[int] = 100_000

    def __init__(self, **config: Any):
        self.config = self.Config.from_dict(config)
        self.device = "cpu"
        #: neural generators: what maps latents to raw network output; None means their torch
        #: ``network`` on ``device`` (the runtime plugs in CUDA graphs or onnxruntime here)
        self.runner = None

    def to(self, device: str) -> "Generator":
        """Run the generator's networks on ``device`` from now on (drops a plugged-in runner)."""
        self.device, self.runner = str(device), None
        return self

    def __call__(self, *, seed: int, n: int | None = None):
        """Make one asset from ``seed``, or ``n`` assets from its child seeds."""
        seed = check_seed(seed)
        if n is None:
            return self._single(self._generate([seed]))
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= self.max_n:
            raise ConfigError("n", f"an int in [1, {self.max_n}]", n)
        return self._generate(child_seeds(seed, n))

    def _generate(self, seeds: Sequence[int]):
        """Make one asset per seed: a list of assets (or a batch asset type)."""
        raise NotImplementedError

    @staticmethod
    def combine(items: list) -> Any:
        """Join single-item results into what ``n=`` returns (a list; batch types override)."""
        return list(items)

    @staticmethod
    def _single(items: Any) -> Any:
        return items[0] if isinstance(items, list) else items

    def meta(self, seed: int, **extra: Any):
        """The :class:`AssetMeta` for an asset made from ``seed`` by this generator."""
        from worldsmith.types.base import AssetMeta

        return AssetMeta(generator=self.id, seed=seed, config=self.config.to_dict(),
                         version=VERSION, **extra)

    @classmethod
    def formats(cls) -> list[str]:
        """File extensions this generator's assets export to."""
        from worldsmith.export.registry import formats_for

        return formats_for(cls.asset_type)
