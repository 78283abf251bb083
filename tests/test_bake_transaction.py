"""The bake as a transaction (issue 31): checked before anything is written, the lock always
describes the files on disk, one bake per folder at a time, merges of one manifest only, and
`generate` with several outputs writes all or nothing."""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from worldsmith.bake import bake, merge_locks
from worldsmith.bake import staging as staging_module
from worldsmith.bake.staging import run_lock
from worldsmith.cli import main
from worldsmith.core.errors import FormatError

QUEST = '[[asset]]\nid = "plots/quest-v1"\nseed = {seed}\noutputs = [{outputs}]\n'


def _manifest(path: Path, *assets: tuple[int, str]) -> Path:
    path.write_text("\n".join(QUEST.format(seed=seed, outputs=outputs) for seed, outputs in assets))
    return path


def lock_matches_disk(out: Path) -> bool:
    """Every file the lock names exists with the hash it gives (True when there is no lock)."""
    lock_path = out / "assets.lock.json"
    if not lock_path.exists():
        return True
    lock = json.loads(lock_path.read_text())
    named = {**{n: d for a in lock["assets"] for n, d in a["files"].items()}, **lock.get("shared", {})}
    return all((out / n).is_file() and hashlib.sha256((out / n).read_bytes()).hexdigest() == d
               for n, d in named.items())


@pytest.mark.parametrize("late", ['id = "plots/nope-v1"', 'config = { acts = 99 }', 'outputs = ["x.exe"]'])
def test_a_bad_entry_late_in_the_manifest_writes_nothing(tmp_path, late, capsys):
    text = "".join(QUEST.format(seed=s, outputs=f'"q{s}.json"') + "\n" for s in range(5))
    text += "[[asset]]\nseed = 9\n" + ('id = "plots/quest-v1"\n' if "id" not in late else "") \
        + ('outputs = ["z.json"]\n' if "outputs" not in late else "") + late + "\n"
    (tmp_path / "m.toml").write_text(text)
    assert main(["bake", str(tmp_path / "m.toml"), "--out", str(tmp_path / "out")]) == 2
    assert len(capsys.readouterr().err.splitlines()) == 1
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("first, second, message", [
    ('"x.png"', '"x.json"', None),                             # a sprite sheet's atlas against a quest JSON
    ('"assets.lock.png"', '"q.json"', "named like the bake's own"),  # an atlas named like the lock
])
def test_outputs_that_collide_through_side_files_fail_before_publishing(tmp_path, first, second, message):
    (tmp_path / "m.toml").write_text(
        f'[[asset]]\nid = "sprites/lpc-v2"\nseed = 1\noutputs = [{first}]\n\n'
        f'[[asset]]\nid = "plots/quest-v1"\nseed = 1\noutputs = [{second}]\n')
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("old")
    with pytest.raises(FormatError, match=message or "writes other bytes than asset"):
        bake(tmp_path / "m.toml", out)
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]


def test_a_bake_killed_while_publishing_is_finished_by_the_next_run(tmp_path, monkeypatch):
    out = tmp_path / "out"
    bake(_manifest(tmp_path / "m.toml", (1, '"a.json", "a.ink"'), (2, '"b.json"')), out)
    changed = _manifest(tmp_path / "m2.toml", (7, '"a.json", "a.ink"'), (8, '"b.json"'))
    moves = []
    real = os.replace

    def dies_on_the_second_move(src, dst):
        if Path(src).parent.name.startswith(".bake-") and not Path(dst).parent.name.startswith(".bake-"):
            moves.append(dst)
            if len(moves) == 2:
                raise KeyboardInterrupt                        # as a kill between two renames
        return real(src, dst)

    monkeypatch.setattr(staging_module.os, "replace", dies_on_the_second_move)
    with pytest.raises(KeyboardInterrupt):
        bake(changed, out)
    monkeypatch.setattr(staging_module.os, "replace", real)
    assert not (out / "assets.lock.json").exists()              # half published: no lock that could lie
    staging_module.recover(out, "")                             # what the next bake does first
    lock = json.loads((out / "assets.lock.json").read_text())
    assert [a["seed"] for a in lock["assets"]] == ["7", "8"] and lock_matches_disk(out)
    assert not list(out.glob(".bake*"))


def test_an_unfinished_staging_folder_is_rolled_back(tmp_path):
    out = tmp_path / "out"
    bake(_manifest(tmp_path / "m.toml", (1, '"a.json"')), out)
    before = (out / "a.json").read_bytes()
    stale = out / ".bake-all-x1"
    stale.mkdir()
    (stale / "a.json").write_text("half")                       # staged, never marked for publishing
    bake(tmp_path / "m.toml", out)
    assert (out / "a.json").read_bytes() == before and not stale.exists() and lock_matches_disk(out)


def test_one_bake_per_folder_at_a_time_but_shards_share(tmp_path):
    manifest = _manifest(tmp_path / "m.toml", (1, '"a.json"'), (2, '"b.json"'))
    out = tmp_path / "out"
    out.mkdir()
    with run_lock(out):                                          # a bake is running
        for shard in ((0, 1), (0, 2)):
            with pytest.raises(FormatError, match="another bake is running"):
                bake(manifest, out, shard)
    with run_lock(out, "1-of-2"):                                # shard 1 is running: shard 0 may too
        bake(manifest, out, (0, 2))
        with pytest.raises(FormatError, match="another bake is running"):
            bake(manifest, out)
    bake(manifest, out, (1, 2))
    merge_locks(out)
    assert lock_matches_disk(out) and not list(out.glob(".bake*"))


def test_merge_refuses_shard_locks_of_another_manifest(tmp_path):
    out = tmp_path / "out"
    bake(_manifest(tmp_path / "m.toml", (1, '"a.json"'), (2, '"b.json"')), out, (0, 2))
    bake(_manifest(tmp_path / "m.toml", (1, '"a.json"'), (3, '"b.json"')), out, (1, 2))   # edited since
    with pytest.raises(FormatError, match="different manifests"):
        merge_locks(out)
    assert not (out / "assets.lock.json").exists()


def test_generate_with_several_outputs_writes_all_or_nothing(tmp_path, capsys):
    code = main(["generate", "plots/quest-v1", "--seed", "1", "--out", str(tmp_path / "a.json"),
                 "--out", "/proc/worldsmith-test/x.ink"])
    assert code == 2 and "/proc/worldsmith-test/x.ink" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("n, message", [(-1, "asset[1].n: expected an int >= 1"),
                                        (5_000_000, "asset[1].n: expected at most")])
def test_a_bad_n_late_in_the_manifest_writes_nothing(tmp_path, n, message, capsys):
    (tmp_path / "m.toml").write_text(QUEST.format(seed=1, outputs='"a.json"') + "\n"
                                     + QUEST.format(seed=2, outputs='"b.json"') + f"n = {n}\n")
    assert main(["bake", str(tmp_path / "m.toml"), "--out", str(tmp_path / "out")]) == 2
    assert message in capsys.readouterr().err and not (tmp_path / "out").exists()


def test_png_optimize_gives_smaller_files_with_the_same_pixels(tmp_path):
    from worldsmith.export.png import png_array

    (tmp_path / "m.toml").write_text('[[asset]]\nid = "sprites/lpc-v2"\nseed = 3\noutputs = ["hero.png"]\n')
    fast = bake(tmp_path / "m.toml", tmp_path / "fast")
    small = bake(tmp_path / "m.toml", tmp_path / "small", png_optimize=True)
    assert fast["assets"][0]["files"]["hero.png"] != small["assets"][0]["files"]["hero.png"]
    a, b = (tmp_path / "fast" / "hero.png").read_bytes(), (tmp_path / "small" / "hero.png").read_bytes()
    assert len(b) < len(a) and (png_array(a) == png_array(b)).all()
    assert main(["generate", "sprites/lpc-v2", "--seed", "3", "--png-optimize", "--out", str(tmp_path / "g.png")]) == 0
    assert (tmp_path / "g.png").read_bytes() == b


def test_a_missing_renderer_is_exit_2_before_anything_is_made(tmp_path, monkeypatch, capsys):
    from worldsmith.export import dot

    monkeypatch.setattr(dot.shutil, "which", lambda name: None)          # no Graphviz on this machine
    assert main(["generate", "plots/quest-v1", "--seed", "1", "--out", str(tmp_path / "q.json"),
                 "--out", str(tmp_path / "q.png")]) == 2
    err = capsys.readouterr().err
    assert "needs Graphviz' `dot`" in err and len(err.splitlines()) == 1 and list(tmp_path.iterdir()) == []
    _manifest(tmp_path / "m.toml", (1, '"a.json"'), (2, '"b.png"'))
    assert main(["bake", str(tmp_path / "m.toml"), "--out", str(tmp_path / "out")]) == 2
    assert "needs Graphviz' `dot`" in capsys.readouterr().err and not (tmp_path / "out").exists()
