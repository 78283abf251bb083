"""The package's layers, read from its imports (module-level and inside functions, via ``ast``).

core < pixels < types < export < the families (plots, levels, sprites, scenes) < bake, runtime,
cli: core, pixels, types and export import only their own layer and those below it (so never a
family), and no chain of imports leads back to where it started.
"""
from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

import worldsmith

PACKAGE = Path(worldsmith.__file__).resolve().parent
#: what each lower layer may import from the package (besides itself)
ALLOWED = {"core": ("core",), "pixels": ("core", "pixels"), "types": ("core", "pixels", "types"),
           "export": ("core", "pixels", "types", "export")}


def module_name(path: Path) -> str:
    """``worldsmith.a.b`` for ``<package>/a/b.py`` (and ``<package>/a/b/__init__.py``)."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def _owner(name: str) -> str:
    """The module of the package that ``import name`` runs (``a.b.func`` -> ``a.b``)."""
    while name not in MODULES and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def _absolute(module: str, node: ast.ImportFrom) -> str:
    """The absolute module name a ``from ... import`` in ``module`` reads from."""
    if not node.level:
        return node.module or ""
    here = module.split(".") if MODULES[module].name == "__init__.py" else module.split(".")[:-1]
    return ".".join(here[:len(here) - node.level + 1] + ([node.module] if node.module else []))


def imports_of(module: str) -> set[str]:
    """The package's modules that ``module`` imports anywhere (top level or in a function), and
    the package ``__init__``s above them that importing them runs (not the importer's own)."""
    path = MODULES[module]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.update(f"{_absolute(module, node)}.{alias.name}" for alias in node.names)
    targets = {_owner(name) for name in names if name.split(".")[0] == "worldsmith"}
    parents = {".".join(t.split(".")[:i]) for t in targets for i in range(2, t.count(".") + 1)}
    parents = {p for p in parents & set(MODULES) if not module.startswith(p + ".")}
    return (targets | parents) - {module}


GRAPH = nx.DiGraph((m, t) for m in MODULES for t in imports_of(m))


def layer(module: str) -> str:
    """``core``, ``types``, ``plots``...: the top-level part of the package ``module`` is in."""
    return module.split(".")[1] if "." in module else ""


def test_the_walk_sees_function_level_imports():
    assert "worldsmith.sprites.lpc_v3.userpart" in imports_of("worldsmith.sprites.lpc_v3.command")  # in build_part
    assert "worldsmith.types.tiles" in imports_of("worldsmith.types.level")


def test_there_is_no_import_cycle():
    assert [c for c in nx.strongly_connected_components(GRAPH) if len(c) > 1] == []


def test_core_types_and_export_import_no_family_nor_anything_above_them():
    wrong = {(m, t) for m, t in GRAPH.edges if layer(m) in ALLOWED and layer(t) not in ALLOWED[layer(m)]}
    assert sorted(wrong) == []
