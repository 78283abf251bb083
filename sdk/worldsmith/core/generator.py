"""The base class of every generator: config handling, seeds, batches and metadata.

A subclass sets ``id``, ``Config`` and ``asset_type`` and implements ``_generate(seeds)``, which
makes one asset per seed. Calling the generator with ``seed=s`` makes one asset from ``s``; with
``n=k`` it makes ``k`` assets, item ``i`` from ``child_seed(s, i)``. A batch therefore equals its
items made one by one. A generator whose assets come from one network subclasses
:class:`NeuralGenerator`, the interface the runtime and ONNX export use.
"""
from __future__ import annotations

import abc
import os
from typing import Any, Callable, ClassVar, Sequence

from worldsmith.core.config import Config
from worldsmith.core.errors import ConfigError
from worldsmith.core.formats import formats_for
from worldsmith.core.meta import AssetMeta
from worldsmith.core.seeding import check_seed, child_seeds
from worldsmith.core.threads import ensure as ensure_threads

VERSION = "0.1.0"
CHUNK = 64  # items per step at most when a call reports progress
PROGRESS_STEPS = 20  # reports per call (fewer when CHUNK caps the step)


class Generator:
    """Base generator. ``gen = SomeGenerator(**config); asset = gen(seed=7)``."""

    id: ClassVar[str]
    Config: ClassVar[type[Config]]
    asset_type: ClassVar[type]
    #: a small, fast config used by the conformance tests
    test_config: ClassVar[dict[str, Any]] = {}
    #: the most items one call may make
    max_n: ClassVar[int] = 100_000
    #: about how many bytes one item takes while a batch is made and returned (None: small)
    item_bytes: ClassVar[int | None] = None

    def __init__(self, **config: Any):
        self.config = self.Config.from_dict(config)
        self.device = "cpu"

    def to(self, device: str) -> "Generator":
        """Run the generator's networks on ``device`` from now on."""
        self.device = str(device)
        return self

    def __call__(self, *, seed: int, n: int | None = None, progress: Callable[[int], None] | None = None):
        """Make one asset from ``seed``, or ``n`` assets from its child seeds; with ``progress``,
        in about 20 chunks of at most ``CHUNK`` items, calling ``progress(items_done)`` after each
        (same result)."""
        seed = check_seed(seed)
        ensure_threads()
        if n is None:
            return self._single(self._generate([seed]))
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= self.max_n:
            raise ConfigError("n", f"an int in [1, {self.max_n}]", n)
        self.check_fits(n)
        seeds = child_seeds(seed, n)
        if progress is None:
            return self._generate(seeds)
        parts, step = [], min(CHUNK, -(-n // PROGRESS_STEPS))
        for i in range(0, n, step):
            parts.append(self._generate(seeds[i:i + step]))
            progress(min(n, i + step))
        if all(isinstance(p, list) for p in parts):
            return [item for part in parts for item in part]
        return self.combine(parts)

    def warm(self) -> None:
        """Fill the caches a first call would fill as it goes (default: none), so the first
        assets cost what later ones do; :class:`~worldsmith.runtime.AssetService` calls it at load."""

    def check_fits(self, n: int) -> None:
        """Raise :class:`ConfigError` before any work if ``n`` items cannot fit in the memory
        this machine has free (``item_bytes`` each, half the free memory at most)."""
        if not self.item_bytes:
            return
        free = available_memory()
        most = max(1, free // 2 // self.item_bytes)
        if n > most:
            raise ConfigError("n", f"at most {most} items in one call here (about {self.item_bytes / 2**20:.1f} MiB "
                                   f"each, {free / 2**30:.1f} GiB free); make them in smaller batches", n)

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

    def meta(self, seed: int, **extra: Any) -> AssetMeta:
        """The :class:`AssetMeta` for an asset made from ``seed`` by this generator."""
        return AssetMeta(generator=self.id, seed=seed, config=self.config.to_dict(),
                         version=VERSION, **extra)

    @classmethod
    def formats(cls) -> list[str]:
        """File extensions this generator's assets export to."""
        return formats_for(cls.asset_type)


class NeuralGenerator(Generator, abc.ABC):
    """A generator whose assets come from one network: ``latents(seeds)`` feeds ``network``,
    whose raw output ``quantise`` turns into what an asset holds (pixels, tile ids), then
    procedural steps finish the asset. The runtime plugs a faster ``runner`` in (CUDA graphs,
    bf16, onnxruntime) and ONNX export traces ``network`` on ``latents``. Torch is imported by
    the subclasses, not here."""

    def __init__(self, **config: Any):
        super().__init__(**config)
        #: what maps latents to raw network output; None means the torch ``network`` on ``device``
        self.runner: Callable[[Any], Any] | None = None

    def to(self, device: str) -> "NeuralGenerator":
        """Run the network on ``device`` from now on (drops a plugged-in runner)."""
        super().to(device)
        self.runner = None
        return self

    @property
    @abc.abstractmethod
    def network(self) -> Any:
        """The torch module mapping latents ``(B, ...)`` to raw output ``(B, ...)``."""

    @abc.abstractmethod
    def latents(self, seeds: Sequence[int]) -> Any:
        """``(len(seeds), ...)`` CPU float32 tensor: row ``i`` drawn from ``seeds[i]`` and the config."""

    @staticmethod
    @abc.abstractmethod
    def quantise(raw: Any) -> Any:
        """Raw network output -> the integer values an asset holds, as a tensor (what bf16 and
        other runners must not change)."""


def available_memory() -> int:
    """Bytes of memory free for new allocations (Linux ``MemAvailable``; else free physical pages)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 1 << 62  # unknown: do not refuse
