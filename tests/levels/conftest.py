"""Fixtures for the level tests: tiny synthetic VGLC folders and the real corpus when present."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import require_data

SMB_LEVEL = ["-" * 24] * 9 + [
    "----------S?S-----------",
    "------------------<>----",
    "-----E------------[]----",
    "--------------E---[]--E-",
    "XXXXXXXXXXXX--XXXXXXXXXX",
]
LR_ROW = "." * 32


def _lr_level(gold_col: int) -> list[str]:
    rows = [LR_ROW] * 20 + ["." * 5 + "M" + "." * (gold_col - 6) + "G" + "." * (31 - gold_col), "B" * 32]
    return rows


@pytest.fixture
def smb_folder(tmp_path: Path) -> Path:
    """Four 14x24 SMB levels."""
    for i in range(4):
        rows = [r[i:] + r[:i] for r in SMB_LEVEL]
        (tmp_path / f"level-{i}.txt").write_text("\n".join(rows) + "\n")
    return tmp_path


@pytest.fixture
def lr_folder(tmp_path: Path) -> Path:
    """Three 22x32 Lode Runner levels."""
    for i in range(3):
        (tmp_path / f"Level {i}.txt").write_text("\n".join(_lr_level(10 + i)) + "\n")
    return tmp_path


@pytest.fixture(scope="session")
def vglc() -> Path:
    """The real VGLC copy, or skip."""
    return require_data("vglc", "super_mario_bros").parent
