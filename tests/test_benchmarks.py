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


def test_levels_tables_give_both_sides_the_tail_the_batch_and_the_growth_per_column():
    levels = _load("levels")
    item = "Zelda room, 16x11"
    side = lambda p50, p90, batch, w200, w800: {  # noqa: E731
        "items": {item: {"p50": p50, "p90": p90, "alone_per_item": 2 * batch, "batch64_per_item": batch}},
        "smb_width": {"levels/smb-v2 200": w200, "levels/smb-v2 800": w800}}
    text = levels.markdown({"baseline_rev": "abc1234", "new": side(2.0, 3.0, 1.0, 4.0, 20.0),
                            "baseline": side(4.0, 10.0, 4.0, 8.0, 64.0)})
    lines = text.splitlines()
    assert lines[0] == "**One item and a batch of 64** (ms, 1 torch thread (before: `abc1234`))"
    assert f"| {item} | 2.00 (4.00) | 3.00 (10.00) | 1.50 (2.50) | 1.00 (4.00) | 2.00 (8.00) | 0.50 (0.50) |" in lines
    assert "| `levels/smb-v2` | 800 | 20.00 | 1.25x | 64.00 | 2.00x | 0.31x |" in lines
    alone = levels.markdown({"baseline_rev": None, "new": side(2.0, 3.0, 1.0, 4.0, 20.0)}).splitlines()
    assert f"| {item} | 2.00 | 3.00 | 1.50 | 1.00 | 2.00 | 0.50 |" in alone
    assert "| `levels/smb-v2` | 200 | 4.00 | 1.00x | - | - | - |" in alone


def test_pngs_table_gives_the_png_against_making_the_asset_now_and_before():
    pngs = _load("pngs")
    text = pngs.markdown({"baseline_rev": "abc1234", "new": {"levels/smb-v2": {"generate": 4.0, "png": 3.0}},
                          "baseline": {"levels/smb-v2": {"generate": 8.0, "png": 12.0}}})
    assert "| `levels/smb-v2` | 4.00 | 3.00 | 0.75x | 1.50x (12.00 / 8.00) |" in text.splitlines()
    alone = pngs.markdown({"baseline_rev": None, "new": {"levels/smb-v2": {"generate": 4.0, "png": 3.0}}})
    assert "| `levels/smb-v2` | 4.00 | 3.00 | 0.75x | - |" in alone.splitlines()


def test_batches_table_has_a_column_per_batch_size_and_marks_sizes_not_run():
    batches = _load("batches")
    results = {"switch_interval_s": 0.005, "n": 64, "cases": {
        "SMB": {"id": "levels/smb-v3", "network_us_per_row": {"1": 300.0, "4": 120.5, "64": 65.0},
                "batch_ms": 2.5, "two_threads_ms": 3.0, "ratio": 1.2},
        "sheet": {"id": "sprites/lpc-v1", "network_us_per_row": {"1": 11000.0, "256": 17000.0},
                  "batch_ms": 15.0, "two_threads_ms": 11.1, "ratio": 0.74}},
        "beside_python": {"network_s": 0.3, "python_s": 0.31, "both_s": 0.6, "overlap": 0.03}}
    lines = batches.markdown(results).splitlines()
    assert lines[2] == ("| item | network us/row, batch 1 | network us/row, batch 4 | network us/row, batch 64 | "
                        "network us/row, batch 256 | n=64 call, ms/item | same items on 2 threads, ms/item | ratio |")
    assert lines[4] == "| SMB | 300.0 | 120.5 | 65.0 | - | 2.50 | 3.00 | 1.20x |"
    assert lines[5] == "| sheet | 11000.0 | - | - | 17000.0 | 15.00 | 11.10 | 0.74x |"
    assert "(switch interval 5 ms)" in lines[7]
    assert lines[-1] == "| 0.300 s | 0.310 s | 0.600 s | 0.03 |"
