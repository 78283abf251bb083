"""The generator registry: versioned ids (``family/name-vN``) mapped to lazy entry points, and
the family manifests that declare them.

Each built-in family package (``plots``, ``levels``...) declares itself in its ``family.py``,
found by scanning the package's folders; third-party packages add theirs in the
``worldsmith.families`` entry-point group, as Gymnasium reads ``gymnasium.envs`` plugins::

    [project.entry-points."worldsmith.families"]
    mygame = "mygame.family:FAMILY"

Entry points are ``"module:Class"`` strings imported on first use, so listing generators
imports no model code.

>>> "plots/quest-v1" in list_generators()
True
>>> family_of("levels/smb-v1").trainer
'worldsmith.levels.train:main'
>>> make("plots/quest-vv1")
Traceback (most recent call last):
...
worldsmith.core.errors.UnknownGeneratorError: unknown generator 'plots/quest-vv1' (did you mean 'plots/quest-v1'?)
"""
from __future__ import annotations

import difflib
import re
import warnings
from pathlib import Path
from typing import Any

from worldsmith.core.errors import ConfigError, UnknownGeneratorError
from worldsmith.core.family import Family, GeneratorSpec, load_ref

ID_PATTERN = re.compile(r"^[a-z0-9_]+/[a-z0-9_-]+-v\d+$")
ENTRY_POINT_GROUP = "worldsmith.families"
CORE = Path(__file__).resolve().parent
PACKAGE = CORE.parent  # the worldsmith package folder

_REGISTRY: dict[str, GeneratorSpec] = {}
_FAMILIES: dict[str, Family] = {}
_loaded = False


def register(id: str, entry_point: str, summary: str = "", neural: bool = False) -> None:
    """Register generator ``id`` (``family/name-vN``) at ``"module:Class"`` (after the families,
    so a clash with one of theirs raises here)."""
    _ensure_loaded()
    _check_id(id, entry_point)
    _REGISTRY[id] = GeneratorSpec(id, entry_point, summary, neural)


def _check_id(id: str, entry_point: str) -> None:
    if not ID_PATTERN.match(id):
        raise ConfigError("id", "a versioned id like 'family/name-v1'", id)
    if id in _REGISTRY and _REGISTRY[id].entry_point != entry_point:
        raise ConfigError("id", "an id not registered yet", id)


def register_family(family: Family) -> None:
    """Register a family's generators and declarations (see :class:`~worldsmith.core.family.Family`)
    after the built-in and plugin families, so a clash with one of theirs raises here."""
    _ensure_loaded()
    if not isinstance(family, Family):
        raise ConfigError("family", "a worldsmith.core.family.Family", type(family).__name__)
    known = _FAMILIES.get(family.name)
    if known == family:
        return
    if known is not None:
        raise ConfigError("family", "a family name not registered yet", family.name)
    for other in _FAMILIES.values():
        for table in ("asset_types", "exporters", "commands"):
            clash = set(getattr(family, table)) & set(getattr(other, table))
            if clash:
                raise ConfigError(f"{family.name}.{table}", f"names the {other.name} family does not declare",
                                  ", ".join(sorted(clash)))
    for gen in family.generators:
        _check_id(gen.id, gen.entry_point)
    _REGISTRY.update((gen.id, gen) for gen in family.generators)
    _FAMILIES[family.name] = family


def builtin_families() -> list[Family]:
    """The ``FAMILY`` of each ``worldsmith.<package>.family`` module, by package name (core's
    ``family.py`` defines the manifest type itself). Only those modules and their packages'
    ``__init__`` are imported, so those stay light."""
    names = sorted(path.parent.name for path in PACKAGE.glob("*/family.py") if path.parent != CORE)
    return [load_ref(f"worldsmith.{name}.family:FAMILY") for name in names]


def plugin_families() -> list[Family]:
    """The families third-party packages declare in the ``worldsmith.families`` entry-point
    group; one that fails to load is skipped with a warning."""
    import importlib.metadata  # lazy: start-up time (30 ms), paid on the first registry query

    found = []
    for point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        try:
            found.append(point.load())
        except Exception as e:  # noqa: BLE001 - a broken plugin must not break the built-in families
            warnings.warn(f"worldsmith: skipping family plugin {point.name!r} ({point.value}): "
                          f"{type(e).__name__}: {e}", stacklevel=2)
    return found


def _ensure_loaded() -> None:
    """Register the built-in families, then the plugins (one that clashes is skipped with a warning)."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    for family in builtin_families():
        register_family(family)
    for family in plugin_families():
        try:
            register_family(family)
        except ConfigError as e:
            warnings.warn(f"worldsmith: skipping family plugin {getattr(family, 'name', family)!r}: {e}",
                          stacklevel=2)


def families() -> list[Family]:
    """Every registered family: the built-in ones by package name, then plugins."""
    _ensure_loaded()
    return list(_FAMILIES.values())


def family_of(id: str) -> Family | None:
    """The family that declares generator ``id`` (None for an id registered alone)."""
    spec(id)
    return next((f for f in families() if any(g.id == id for g in f.generators)), None)


def asset_type(name: str) -> type | None:
    """The asset type a family declares as ``name`` (``"TileLevel"``), or None."""
    ref = next((f.asset_types[name] for f in families() if name in f.asset_types), None)
    return load_ref(ref) if ref else None


def exporter_module(type_name: str) -> str | None:
    """The module that registers the writers and readers of asset type ``type_name``, or None."""
    return next((f.exporters[type_name] for f in families() if type_name in f.exporters), None)


def exporter_modules() -> list[str]:
    """Every family's exporter modules (what reading a file of unknown type tries)."""
    return list(dict.fromkeys(m for f in families() for m in f.exporters.values()))


def trainers() -> dict[str, str]:
    """Family name -> its trainer's ``"module:main"``, for the families that train a model."""
    return {f.name: f.trainer for f in families() if f.trainer}


def commands() -> dict[str, str]:
    """Extra ``worldsmith`` sub-command name -> the ``"module:function"`` that adds it."""
    return {name: ref for f in families() for name, ref in f.commands.items()}


def list_generators() -> list[str]:
    """All registered generator ids, sorted."""
    _ensure_loaded()
    return sorted(_REGISTRY)


def spec(id: str) -> GeneratorSpec:
    """The :class:`GeneratorSpec` of ``id``; unknown ids raise with a "did you mean"."""
    _ensure_loaded()
    if not isinstance(id, str) or id not in _REGISTRY:
        close = difflib.get_close_matches(str(id), list(_REGISTRY), n=1, cutoff=0.5)
        hint = f" (did you mean {close[0]!r}?)" if close else f"; known: {', '.join(sorted(_REGISTRY))}"
        raise UnknownGeneratorError(f"unknown generator {id!r}{hint}")
    return _REGISTRY[id]


def make(id: str, **config: Any):
    """Build generator ``id`` with ``config`` (validated); call it with ``seed=`` (and ``n=``)."""
    cls = spec(id).load()
    return cls(**config)
