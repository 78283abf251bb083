"""Bounded inputs (issue 31): huge numbers, deep nesting and negative search targets give one
clear error (exit 2 in the CLI), never a traceback or an exhausted machine."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

import worldsmith as ws
from worldsmith.cli import main
from worldsmith.core.errors import FormatError

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


@pytest.fixture
def odd_files(tmp_path):
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    deep_toml = tmp_path / "deep.toml"
    deep_toml.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")
    deep_json = tmp_path / "deep.json"
    deep_json.write_text("[" * 100_000)
    return {"fifo": fifo, "zero": Path("/dev/zero"), "deep_toml": deep_toml, "deep_json": deep_json}


@pytest.mark.parametrize("name, message", [("zero", "not a regular file"), ("fifo", "not a regular file"),
                                           ("deep_toml", "nested deeper")])
def test_a_manifest_that_is_no_file_or_too_deep_is_one_line(odd_files, name, message, tmp_path, capsys):
    assert main(["bake", str(odd_files[name]), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.splitlines()) == 1
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name, message", [("zero", "not a regular file"), ("fifo", "not a regular file"),
                                           ("deep_json", "not a worldsmith JSON")])
def test_load_refuses_devices_fifos_and_deep_json(odd_files, name, message):
    with pytest.raises(FormatError, match=message):
        ws.load(odd_files[name])
