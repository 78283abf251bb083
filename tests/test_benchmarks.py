"""The benchmark scripts' reporting (issue 33), on fabricated results: a refactor that breaks a
table fails here. Nothing is timed."""
from __future__ import annotations

import importlib.util

from tests.conftest import REPO


def _load(name: str):
    """``benchmarks/<name>.py`` as a module (the folder is not a package)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", REPO / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_startup_table_has_a_row_per_command_with_both_sides_and_the_ratio():
    startup = _load("startup")
    results = {"runs": 1, "baseline": "abc1234", "rows": {
        "new": {"worldsmith list": {"seconds": 0.2, "peak_mib": 38, "torch": False},
                "worldsmith --version": {"seconds": 0.15, "peak_mib": 38, "torch": False},
                "generate x": {"seconds": 1.5, "peak_mib": 250, "torch": True}},
        "baseline": {"worldsmith list": {"seconds": 0.4, "peak_mib": 220, "torch": True},
                     "worldsmith --version": {"error": "['-m', 'worldsmith.cli', '--version']: exit 2"},
                     "generate x": {"seconds": 1.5, "peak_mib": 251, "torch": True}}}}
    lines = startup.markdown(results).splitlines()
    assert lines[2] == "| command | new s (peak MiB, torch?) | baseline `abc1234` s (peak MiB, torch?) | ratio |"
    rows = [line for line in lines if line.startswith("| `")]
    assert rows == ["| `worldsmith list` | 0.20 s (38 MiB) | 0.40 s (220 MiB, torch) | 0.50x |",
                    "| `worldsmith --version` | 0.15 s (38 MiB) | error (exit 2) | - |",
                    "| `generate x` | 1.50 s (250 MiB, torch) | 1.50 s (251 MiB, torch) | 1.00x |"]


def test_startup_table_without_a_baseline():
    startup = _load("startup")
    text = startup.markdown({"runs": 5, "baseline": None,
                             "rows": {"new": {"import worldsmith": {"seconds": 0.12, "peak_mib": 36, "torch": False}}}})
    assert "| `import worldsmith` | 0.12 s (36 MiB) | - | - |" in text.splitlines()
