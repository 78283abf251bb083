"""A family manifest: everything a generator family declares to the SDK, in one place.

Each built-in family package (``plots``, ``levels``, ``sprites``, ``scenes``) has a
``family.py`` whose ``FAMILY`` is a :class:`Family`; a third-party package ships one too and
names it in the ``worldsmith.families`` entry-point group (see :mod:`worldsmith.core.registry`).
Everything is a ``"module:attribute"`` string, imported only when used, so reading the
manifests imports no model code.

>>> toy = Family("toy", generators=(GeneratorSpec("toy/dots-v1", "collections:OrderedDict"),))
>>> toy.generators[0].load().__name__
'OrderedDict'
>>> load_ref("worldsmith.core.family:load_ref") is load_ref
True
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Mapping


def load_ref(ref: str) -> Any:
    """The object a ``"module:attribute"`` string names (the module is imported)."""
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


@dataclass(frozen=True)
class GeneratorSpec:
    """A registered generator: its id, entry point (``"module:Class"``) and one-line summary;
    ``neural`` marks a :class:`~worldsmith.core.generator.NeuralGenerator` (one network that
    maps latents to raw output: ONNX export, runtime backends). ``config`` and ``asset``
    (``"module:Class"`` of its config and asset type), when given, let ``worldsmith info``
    describe it without importing the generator's module (and torch with it)."""

    id: str
    entry_point: str
    summary: str = ""
    neural: bool = False
    config: str = ""
    asset: str = ""

    def load(self) -> type:
        """Import and return the generator class."""
        return load_ref(self.entry_point)

    def config_class(self) -> type:
        """The generator's config class (imported from ``config`` when given)."""
        return load_ref(self.config) if self.config else self.load().Config

    def asset_class(self) -> type:
        """The type of the generator's assets (imported from ``asset`` when given)."""
        return load_ref(self.asset) if self.asset else self.load().asset_type


@dataclass(frozen=True)
class Family:
    """What one generator family declares.

    - ``generators``: its generator ids with their entry points and summaries.
    - ``asset_types``: asset type name -> ``"module:Class"`` (``ws.TileLevel``, ``ws.load``).
    - ``exporters``: asset type name -> the module that registers that type's writers, readers
      and load checks with :mod:`worldsmith.core.formats` on import.
    - ``trainer``: ``"module:main"`` run by ``worldsmith train NAME ARGS`` (``main(argv) -> int``).
    - ``credits``: ``"module:function"`` that turns the art files a bake's assets drew into one
      credits text.
    - ``commands``: extra ``worldsmith`` sub-command name -> ``"module:function"``; the function
      gets the CLI's sub-parsers, adds its parser and sets its ``handler(args)`` default.
    """

    name: str
    generators: tuple[GeneratorSpec, ...] = ()
    asset_types: Mapping[str, str] = field(default_factory=dict)
    exporters: Mapping[str, str] = field(default_factory=dict)
    trainer: str | None = None
    credits: str | None = None
    commands: Mapping[str, str] = field(default_factory=dict)
