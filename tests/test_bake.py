"""bake: lock files, byte-identical re-runs, sharding and merging, CLI errors."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from worldsmith.bake import bake, merge_locks
from worldsmith.cli import main

MANIFEST = """
[[asset]]
id = "plots/quest-v1"
seed = 1
outputs = ["a/q1.json", "a/q1.ink"]

[[asset]]
id = "plots/quest-v1"
seed = 2
config = { acts = 2 }
outputs = ["q2.yarn"]

[[asset]]
id = "plots/quest-v1"
seed = 3
config = { theme = "noir" }
outputs = ["q3.twee"]
"""


@pytest.fixture
def manifest(tmp_path):
    path = tmp_path / "m.toml"
    path.write_text(MANIFEST)
    return path


def _tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_bake_twice_is_byte_identical(manifest, tmp_path):
    bake(manifest, tmp_path / "one")
    bake(manifest, tmp_path / "two")
    assert _tree(tmp_path / "one") == _tree(tmp_path / "two")
    lock = json.loads((tmp_path / "one" / "assets.lock.json").read_text())
    assert [a["seed"] for a in lock["assets"]] == ["1", "2", "3"]   # strings: 64 bits in any JSON parser
    assert lock["assets"][1]["config"]["acts"] == 2 and lock["assets"][0]["version"]
    assert set(lock["assets"][0]["files"]) == {"a/q1.json", "a/q1.ink"}


def test_shards_merge_into_the_single_bake(manifest, tmp_path):
    bake(manifest, tmp_path / "single")
    for i in range(2):
        bake(manifest, tmp_path / "sharded", shard=(i, 2))
    shard0 = json.loads((tmp_path / "sharded" / "assets.lock.0-of-2.json").read_text())
    assert [a["index"] for a in shard0["assets"]] == [0, 2]
    merge_locks(tmp_path / "sharded")
    for p in (tmp_path / "sharded").glob("assets.lock.*-of-*.json"):
        p.unlink()
    assert _tree(tmp_path / "single") == _tree(tmp_path / "sharded")


def test_merge_refuses_incomplete_shards(manifest, tmp_path):
    bake(manifest, tmp_path / "s", shard=(0, 3))
    with pytest.raises(Exception, match="incomplete"):
        merge_locks(tmp_path / "s")


@pytest.mark.slow
def test_cli_bake_shards_in_processes(manifest, tmp_path):
    out = tmp_path / "par"
    procs = [subprocess.run([sys.executable, "-m", "worldsmith.cli", "bake", str(manifest), "--out", str(out),
                             "--shard", f"{i}/3"], capture_output=True, text=True) for i in range(3)]
    assert all(p.returncode == 0 for p in procs), [p.stderr for p in procs]
    assert main(["bake", "merge", "--out", str(out)]) == 0
    bake(manifest, tmp_path / "single")
    assert (out / "assets.lock.json").read_bytes() == (tmp_path / "single" / "assets.lock.json").read_bytes()


@pytest.mark.parametrize("argv, message", [
    (["generate", "plots/quest-v9", "--seed", "1", "--out", "x.ink"], "did you mean 'plots/quest-v1'"),
    (["generate", "plots/quest-v1", "--seed", "1", "--set", "acts=99", "--out", "x.ink"], "acts"),
    (["generate", "plots/quest-v1", "--seed", "1", "--set", "nope", "--out", "x.ink"], "KEY=VALUE"),
    (["generate", "plots/quest-v1", "--seed", "1", "--out", "x.unknown"], "format"),
    (["generate", "plots/quest-v1", "--out", "x.ink"], "--seed"),
    (["bake", "missing.toml", "--out", "o"], "missing.toml"),
    (["bake", "m.toml", "--out", "o", "--shard", "3/2"], "--shard"),
    (["info", "levels/smb-v9"], "did you mean"),
    (["frobnicate"], "invalid choice"),
])
def test_cli_errors_are_one_line_exit_2(argv, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.toml").write_text(MANIFEST)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_cli_generate_prints_json_with_hashes(tmp_path, capsys):
    assert main(["generate", "plots/quest-v1", "--seed", "4", "--out", str(tmp_path / "q.json")]) == 0
    line = json.loads(capsys.readouterr().out)
    assert line["id"] == "plots/quest-v1" and line["seed"] == "4"
    assert len(line["files"]) == 1 and len(line["files"][0]["sha256"]) == 64


def test_a_bad_output_extension_fails_before_generating(tmp_path, capsys, monkeypatch):
    from worldsmith.cli import main as cli
    from worldsmith.scenes.terrain.generator import TerrainGenerator

    def never(self, seeds):
        raise AssertionError("generated before the output names were checked")

    monkeypatch.setattr(TerrainGenerator, "_generate", never)
    for out in ("island.tmx", "island"):
        assert cli(["generate", "scenes/terrain-v1", "--seed", "1", "--out", str(tmp_path / out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and ".glb" in err[0] and "not .tmx" in err[0] and "without an extension" in err[1]
    assert not any(tmp_path.iterdir())


QUEST = '[[asset]]\nid = "plots/quest-v1"\nseed = 1\noutputs = [{}]\n'


@pytest.mark.parametrize("text, message", [
    ("asset = [1, 2]\n", "expected an [[asset]] table"),
    (QUEST.format('"q\\u0000.ink"'), "control character"),
    (QUEST.format('"assets.lock.json"'), "lock file"),
    (QUEST.format('"q.ink"') + QUEST.format('"q.ink"'), "also written by asset[0]"),
])
def test_bad_manifests_are_one_format_error(tmp_path, capsys, text, message):
    (tmp_path / "m.toml").write_text(text)
    assert main(["bake", str(tmp_path / "m.toml"), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and not (tmp_path / "out").exists()


def test_outputs_cannot_escape_through_a_link_or_an_empty_out(tmp_path, capsys, monkeypatch):
    (tmp_path / "m.toml").write_text(QUEST.format('"sub/q.ink"'))
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "sub").symlink_to(elsewhere)
    assert main(["bake", str(tmp_path / "m.toml"), "--out", str(out)]) == 2
    monkeypatch.chdir(tmp_path)
    assert main(["bake", "m.toml", "--out", ""]) == 2
    err = capsys.readouterr().err.splitlines()
    assert "outside" in err[0] and "--out" in err[1] and not any(elsewhere.iterdir())
    assert not (tmp_path / "q.ink").exists()


@pytest.mark.parametrize("lock", ["{not json", '{"worldsmith": "0.1.0", "manifest": "m.toml", "shard": "0/2"}',
                                  '{"worldsmith": "0.1.0", "manifest": "m.toml", "shard": "0/x", "assets": []}'])
def test_merge_of_a_damaged_shard_lock_is_one_error(tmp_path, capsys, lock):
    (tmp_path / "assets.lock.0-of-2.json").write_text(lock)
    (tmp_path / "assets.lock.1-of-2.json").write_text('{"worldsmith": "0.1.0", "manifest": "m.toml", '
                                                      '"shard": "1/2", "assets": []}')
    assert main(["bake", "merge", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "assets.lock.0-of-2.json" in err


def test_a_killed_writes_temp_file_is_cleaned_and_errors_name_the_target(tmp_path):
    from worldsmith.core.atomic import write_atomic

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()                # a process that has exited
    stale = tmp_path / f".q.ink.{dead}-abc123.tmp"               # what a kill -9 mid-write leaves
    stale.write_bytes(b"x" * 1000)
    running = tmp_path / f".other.json.{os.getpid()}-xyz.tmp"    # a live writer's: never touched
    running.write_bytes(b"y")
    write_atomic(tmp_path / "q.ink", b"new")
    assert not stale.exists() and running.exists() and (tmp_path / "q.ink").read_bytes() == b"new"
    (tmp_path / "afile").write_text("a file where a folder should be")
    with pytest.raises(OSError, match=r"afile/q\.ink"):
        write_atomic(tmp_path / "afile" / "q.ink", b"x")


@pytest.mark.slow
def test_ctrl_c_stops_a_long_generate_cleanly(tmp_path):
    import signal
    import time

    proc = subprocess.Popen([sys.executable, "-m", "worldsmith.cli", "generate", "scenes/terrain-v1", "--seed", "1",
                             "--set", "size=2048", "--set", "erosion_steps=500", "--out", str(tmp_path / "t.glb")],
                            stderr=subprocess.PIPE, text=True,     # Ctrl-C as in a terminal, even when the tests run
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # in the background
    try:
        time.sleep(8)                      # inside the erosion (minutes of work), past the imports
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130 and "interrupted" in err and "Traceback" not in err, err
    assert not any(tmp_path.iterdir())


def test_help_describes_ids_formats_and_options(capsys):
    with pytest.raises(SystemExit) as e:
        main(["generate", "--help"])
    out = capsys.readouterr().out
    assert e.value.code == 0
    assert "sprites/lpc-v2" in out and ".tmx" in out and "the same bytes" in out and "child seed" in out
    assert main(["train", "--help"]) == 0 and "levels, sprites" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["bake", "--help"])
    assert "bake merge --out DIR" in capsys.readouterr().out
