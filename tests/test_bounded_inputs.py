"""Bounded inputs (issue 31): huge numbers, deep nesting and negative search targets give one
clear error (exit 2 in the CLI), never a traceback or an exhausted machine."""
from __future__ import annotations

import pytest

from worldsmith.cli import main

HUGE_FLOAT = "1" + "0" * 400
HUGE_INT = "9" * 5000
DEEP = "[" * 3000 + "]" * 3000


@pytest.mark.parametrize("setting, message", [
    (f"temperature={HUGE_FLOAT}", "temperature: expected a finite number"),
    (f"width={HUGE_INT}", "width: expected a number of at most 4300 digits"),
    (f"width={DEEP}", "nested at most 16 deep"),
    ("search=enemies=-5", "search: expected a finite number >= 0 for enemies"),
    ("search=" + "x" * 200_000, "at most 100000 characters"),
])
def test_a_bad_set_value_is_one_line_and_exit_2(setting, message, tmp_path, capsys):
    assert main(["generate", "levels/smb-v1", "--seed", "1", "--set", setting, "--out", str(tmp_path / "a.json")]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.splitlines()) == 1 and len(err) < 300
    assert not list(tmp_path.iterdir())


def test_nesting_is_bounded_for_list_fields(tmp_path, capsys):
    deep = "[" * 20 + '"walk"' + "]" * 20
    assert main(["generate", "sprites/lpc-v3", "--seed", "1", "--set", f"animations={deep}",
                 "--out", str(tmp_path / "a.png")]) == 2
    assert "nested at most 16 deep" in capsys.readouterr().err
