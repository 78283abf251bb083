"""The command line a newcomer meets: defaults in every help, progress (bars on a terminal, JSON
lines, quiet), torch threads, training logs and curves."""
from __future__ import annotations

import argparse
import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios

import pytest
import torch

import worldsmith as ws
from tests.conftest import require_data
from worldsmith.cli import THREADS, _parser, main


def _parsers() -> dict[str, argparse.ArgumentParser]:
    from worldsmith.levels.train import _parser as levels_parser
    from worldsmith.sprites.train_cli import parser as sprites_parser

    subs = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    return {**subs.choices, "train levels": levels_parser(), "train sprites": sprites_parser()}


@pytest.mark.parametrize("name", sorted(_parsers()))
def test_every_help_shows_every_default_and_its_text(name):
    parser = _parsers()[name]
    text = " ".join(parser.format_help().split())
    for action in parser._actions:
        if not action.option_strings or action.default in (None, argparse.SUPPRESS, [], "==SUPPRESS=="):
            continue
        if action.default is False or action.default is True:  # flags
            continue
        assert f"default: {action.default}" in text or f"default {action.default}" in text, (name, action.dest)
    for action in parser._actions:  # a bare % in a help text makes argparse print the action's dict
        if action.help and action.help != argparse.SUPPRESS:
            shown = " ".join(parser._get_formatter()._expand_help(action).split())
            assert "option_strings" not in shown and shown in text, (name, action.dest)


def _on_terminal(argv: list[str], cwd) -> tuple[int, str, str]:
    """Run the CLI with stderr on a pseudo-terminal; (exit code, terminal text, stdout)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 24 rows, 100 columns
    proc = subprocess.Popen([sys.executable, "-m", "worldsmith.cli", *argv], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not data:
            break
        chunks.append(data)
    out = proc.stdout.read().decode()
    proc.wait(timeout=120)
    os.close(master)
    return proc.returncode, b"".join(chunks).decode(errors="replace"), out


@pytest.mark.slow
def test_a_batch_shows_a_bar_on_a_terminal_only(tmp_path):
    argv = ["generate", "levels/zelda-v1", "--seed", "1", "--n", "130", "--out", "room.json"]
    code, terminal, out = _on_terminal(argv, tmp_path)
    assert code == 0 and "levels/zelda-v1:" in terminal and "0/130" in terminal, terminal
    assert json.loads(out)["files"][129]["path"] == "room_129.json"
    code, terminal, _ = _on_terminal(argv + ["--quiet"], tmp_path)
    assert code == 0 and terminal == "", terminal
    piped = subprocess.run([sys.executable, "-m", "worldsmith.cli", *argv], cwd=tmp_path, capture_output=True,
                           text=True)
    assert piped.returncode == 0 and piped.stderr == ""


def _json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_json_progress_lines_for_build_tools(tmp_path, capsys):
    out = str(tmp_path / "room.json")
    assert main(["generate", "levels/zelda-v1", "--seed", "1", "--n", "70", "--out", out, "--json"]) == 0
    lines = _json_lines(capsys.readouterr().err)
    assert lines[0] == {"event": "progress", "label": "levels/zelda-v1", "done": 0, "total": 70, "unit": "item"}
    assert lines[-1]["done"] == 70
    manifest = tmp_path / "m.toml"
    manifest.write_text("".join(f'[[asset]]\nid = "plots/quest-v1"\nseed = {s}\noutputs = ["q{s}.json"]\n'
                                for s in range(3)))
    assert main(["bake", str(manifest), "--out", str(tmp_path / "baked"), "--json"]) == 0
    lines = _json_lines(capsys.readouterr().err)
    done = [(r["done"], r["total"], r["unit"]) for r in lines]   # the first, the last, one each 0.5 s
    assert done[0] == (1, 3, "asset") and done[-1] == (3, 3, "asset") and done == sorted(done)
    assert main(["bake", str(manifest), "--out", str(tmp_path / "quiet"), "--quiet"]) == 0
    assert capsys.readouterr().err == ""


def test_threads_option_sets_torch_and_leaves_bytes_alone(tmp_path, capsys):
    before = torch.get_num_threads()
    hashes = []
    try:
        for threads in ("1", "2"):
            out = str(tmp_path / f"room{threads}.json")
            assert main(["generate", "levels/zelda-v1", "--seed", "4", "--n", "8", "--out", out,
                         "--threads", threads]) == 0
            assert torch.get_num_threads() == int(threads)
            hashes.append([f["sha256"] for f in json.loads(capsys.readouterr().out)["files"]])
    finally:
        torch.set_num_threads(before)
    assert hashes[0] == hashes[1] and THREADS == 1
    assert main(["generate", "plots/quest-v1", "--seed", "1", "--out", "q.json", "--threads", "0"]) == 2
    assert "--threads 0: expected a positive number" in capsys.readouterr().err


def test_training_writes_a_log_and_curves_and_reports_json(tmp_path, capsys):
    require_data("vglc", "super_mario_bros")
    pytest.importorskip("matplotlib")
    before = torch.get_num_threads()
    try:
        assert main(["train", "levels", "--game", "smb", "--steps", "60", "--batch", "8", "--hidden", "4",
                     "--z-dim", "4", "--out", str(tmp_path / "run"), "--json"]) == 0
    finally:
        torch.set_num_threads(before)
    err = _json_lines(capsys.readouterr().err)
    assert err[0] == {"event": "stage", "message": "loading smb levels"}
    assert err[-1]["done"] == err[-1]["total"] == 60 and {"loss", "recon", "kl"} <= set(err[-1])
    log = _json_lines((tmp_path / "run" / "log.jsonl").read_text())
    assert [r["step"] for r in log] == [50, 60]
    assert (tmp_path / "run" / "curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_time_budget_drives_the_bar():
    from worldsmith.core.progress import Budget, listening

    seen = []
    with listening(seen.append):
        budget = Budget("train", steps=1_000_000, minutes=1.0)
        budget.update(500_000)
    report = seen[-1]
    assert (report.total, report.unit, report.info["step"]) == (60.0, "s", 500_000)
    assert report.done == 30.0                     # half the steps: half the budget, whatever the clock
    assert not budget.over(999_999)
    budget.start -= 61
    assert budget.over(1)


def test_without_data_training_asks_for_worldsmith_data(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("WORLDSMITH_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    import worldsmith.core.data as data

    monkeypatch.setattr(data, "__file__", str(tmp_path / "site-packages" / "worldsmith" / "core" / "data.py"))
    assert main(["train", "levels", "--game", "smb", "--dry-run", "--out", str(tmp_path / "run")]) == 2
    assert "WORLDSMITH_DATA" in capsys.readouterr().err


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"worldsmith {ws.__version__}"
