"""The package's layers, read from its imports (module-level and inside functions, via ``ast``).

core < pixels < types < export < the families (plots, levels, sprites, scenes) < bake, runtime,
cli: core, pixels, types and export import only their own layer and those below it (so never a
family), and no chain of imports leads back to where it started.
"""
from __future__ import annotations

import ast
import re
import subprocess
import sys
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
#: the package's C extensions (``<package>/a/_b.c`` builds ``worldsmith.a._b``): leaves of the graph
EXTENSIONS = {module_name(p) for p in PACKAGE.rglob("*.c")}


def _owner(name: str) -> str:
    """The module of the package that ``import name`` runs (``a.b.func`` -> ``a.b``)."""
    while name not in MODULES and name not in EXTENSIONS and "." in name:
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


#: what a function-level import must say about itself: an optional extra, or a start-up cost
LAZY_NOTE = re.compile(r"# (lazy|optional): \S")


def function_level_imports(module: str) -> list[tuple[int, str]]:
    """``(line, source)`` of each import inside a function of ``module``."""
    path = MODULES[module]
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found = []
    for fn in ast.walk(ast.parse(source, str(path))):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found += [(node.lineno, "\n".join(lines[node.lineno - 1:node.end_lineno]))
                      for node in ast.walk(fn) if isinstance(node, (ast.Import, ast.ImportFrom))]
    return sorted(set(found))


def test_a_function_level_import_says_why_it_is_not_at_the_top():
    """Imports belong at module level; one inside a function is for an optional dependency or
    for start-up time (torch, scipy...), and its comment says which."""
    unexplained = [f"{MODULES[m].relative_to(PACKAGE.parent)}:{line}"
                   for m in MODULES
                   for line, text in function_level_imports(m) if not LAZY_NOTE.search(text)]
    assert unexplained == [], "add '# lazy: <module>, start-up time' or '# optional: the [extra] extra'"


def test_the_light_entry_points_do_not_import_torch():
    """``import worldsmith``, the CLI, bake, the registry and a plot made and exported stay
    torch-free (torch takes over a second to import)."""
    code = ("import sys, tempfile, worldsmith as ws, worldsmith.cli, worldsmith.bake\n"
            "ws.list_generators()\n"
            "ws.make('plots/quest-v1')(seed=1).export(tempfile.mkdtemp() + '/q.json')\n"
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False"]
