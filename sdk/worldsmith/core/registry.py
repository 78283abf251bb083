"""The generator registry: versioned ids (``family/name-vN``) mapped to lazy entry points.

Entry points are ``"module:Class"`` strings imported on first use, Gymnasium style, so listing
generators imports no model code.

>>> "plots/quest-v1" in list_generators()
True
>>> make("plots/quest-vv1")
Traceback (most recent call last):
...
worldsmith.core.errors.UnknownGeneratorError: unknown generator 'plots/quest-vv1' (did you mean 'plots/quest-v1'?)
"""
from __future__ import annotations

import difflib
import importlib
import re
from dataclasses import dataclass
from typing import Any

from worldsmith.core.errors import ConfigError, UnknownGeneratorError

ID_PATTERN = re.compile(r"^[a-z0-9_]+/[a-z0-9_-]+-v\d+$")


@dataclass(frozen=True)
class GeneratorSpec:
    """A registered generator: its id, entry point and one-line summary."""

    id: str
    entry_point: str
    summary: str = ""

    def load(self) -> type:
        """Import and return the generator class."""
        module, _, name = self.entry_point.partition(":")
        return getattr(importlib.import_module(module), name)


_REGISTRY: dict[str, GeneratorSpec] = {}


def register(id: str, entry_point: str, summary: str = "") -> None:
    """Register generator ``id`` (``family/name-vN``) at ``"module:Class"``."""
    if not ID_PATTERN.match(id):
        raise ConfigError("id", "a versioned id like 'family/name-v1'", id)
    if id in _REGISTRY and _REGISTRY[id].entry_point != entry_point:
        raise ConfigError("id", "an id not registered yet", id)
    _REGISTRY[id] = GeneratorSpec(id, entry_point, summary)


def list_generators() -> list[str]:
    """All registered generator ids, sorted."""
    _ensure_builtin()
    return sorted(_REGISTRY)


def spec(id: str) -> GeneratorSpec:
    """The :class:`GeneratorSpec` of ``id``; unknown ids raise with a "did you mean"."""
    _ensure_builtin()
    if not isinstance(id, str) or id not in _REGISTRY:
        close = difflib.get_close_matches(str(id), list(_REGISTRY), n=1, cutoff=0.5)
        hint = f" (did you mean {close[0]!r}?)" if close else f"; known: {', '.join(sorted(_REGISTRY))}"
        raise UnknownGeneratorError(f"unknown generator {id!r}{hint}")
    return _REGISTRY[id]


def make(id: str, **config: Any):
    """Build generator ``id`` with ``config`` (validated); call it with ``seed=`` (and ``n=``)."""
    cls = spec(id).load()
    return cls(**config)


def _ensure_builtin() -> None:
    import worldsmith.registrations  # noqa: F401  (registers the built-in generators)
