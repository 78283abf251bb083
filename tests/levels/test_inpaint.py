"""Continuation and inpainting (``source=``, ``keep=``, ``extend=``): kept tiles unchanged, the
rest regenerated and the whole level playable, on real VGLC levels; bad input as one ConfigError."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import worldsmith as ws
from worldsmith.cli import main
from worldsmith.core.errors import ConfigError
from worldsmith.levels.agents import solve
from worldsmith.levels.inpaint import keep_mask
from worldsmith.levels.tiles import read_level, zelda_rooms
from worldsmith.types.tiles import LODERUNNER, SMB, ZELDA, to_text

FLAT = ["-" * 40] * 13 + ["X" * 40]


def _write(path: Path, rows: list[str]) -> str:
    path.write_text("\n".join(rows) + "\n")
    return str(path)


def _smb(vglc: Path, name: str) -> tuple[str, np.ndarray]:
    path = vglc / "super_mario_bros" / f"{name}.txt"
    return str(path), read_level(path, SMB)


def _played(level: ws.TileLevel) -> bool:
    return bool(level.path) and solve(level) == level.path


def test_keep_names_columns_and_rectangles():
    mask = keep_mask("0:3, 5:", (14, 8))
    assert mask[:, [0, 1, 2, 5, 6, 7]].all() and not mask[:, 3:5].any()
    rect = keep_mask("2:4/1:3", (14, 8))
    assert rect.sum() == 4 and rect[2:4, 1:3].all()


@pytest.mark.parametrize("config, field", [
    ({"keep": "0:10"}, "source"),                                    # keep without a source
    ({"extend": 10}, "source"),
    ({"source": "missing.txt", "extend": 10}, "source"),
    ({"source": "LR", "keep": "0:10"}, "source"),                   # a Lode Runner level
    ({"source": "FLAT", "keep": "0:50"}, "keep"),                   # past the source's 40 columns
    ({"source": "FLAT", "keep": "10"}, "keep"),
    ({"source": "FLAT", "keep": "3:20/0:4"}, "keep"),               # rows past the 14
    ({"source": "FLAT"}, "keep"),                                    # nothing to regenerate
    ({"source": "FLAT", "keep": "0:40"}, "keep"),
    ({"source": "FLAT", "extend": -1}, "extend"),
    ({"source": "FLAT", "extend": 4090}, "extend"),
    ({"source": "FLAT", "extend": 10, "search": "enemies=3"}, "search"),
    ({"source": "FLAT", "extend": 10, "playable": False}, "playable"),
])
def test_bad_inpaint_configs_name_the_field(tmp_path, config, field):
    files = {"FLAT": _write(tmp_path / "flat.txt", FLAT),
             "LR": _write(tmp_path / "lr.txt", ["." * 32] * 21 + ["B" * 32])}
    config = {k: files.get(v, v) if k == "source" else v for k, v in config.items()}
    with pytest.raises(ConfigError, match=f"^{field}: "):
        ws.make("levels/smb-v1", **config)


def test_kept_tiles_that_block_mario_are_an_error(tmp_path):
    pit = [r[:14] + "-" * 12 + r[26:] if i == 13 else r for i, r in enumerate(FLAT)]  # 12 wide: too wide
    source = _write(tmp_path / "pit.txt", pit)
    with pytest.raises(ConfigError, match="^source: .*stuck at column"):
        ws.make("levels/smb-v1", source=source, keep="10:30", extend=20)(seed=1)


def test_cli_continues_a_level_and_refuses_bad_input(tmp_path, capsys):
    source = _write(tmp_path / "flat.txt", FLAT)
    out = tmp_path / "out.json"
    assert main(["generate", "levels/smb-v1", "--seed", "1", "--set", f"source={source}", "--set", "extend=30",
                 "--out", str(out)]) == 0
    level = ws.load(out)
    assert level.shape == (14, 70) and (level.tiles[:, :40] == SMB.id("-")).sum() == 13 * 40
    assert main(["generate", "levels/smb-v1", "--seed", "1", "--set", f"source={tmp_path / 'no.txt'}",
                 "--set", "extend=30", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "source" in err


def test_smb_inpainting_keeps_tiles_and_plays(vglc):
    source, real = _smb(vglc, "mario-1-1")
    gen = ws.make("levels/smb-v1", source=source, keep=":60,100:")
    a, b = gen(seed=1), gen(seed=2)
    for level in (a, b):
        assert level.shape == real.shape and _played(level)
        assert (level.tiles[:, :60] == real[:, :60]).all() and (level.tiles[:, 100:] == real[:, 100:]).all()
        assert (level.tiles[:, 60:100] != real[:, 60:100]).sum() > 20       # the free columns were redrawn
    assert (a.tiles != b.tiles).any()                                       # by the seed
    assert (gen(seed=1).tiles == a.tiles).all()                             # deterministically


def test_smb_continuation_joins_the_old_columns(vglc, tmp_path):
    source, real = _smb(vglc, "mario-6-3")
    w = real.shape[1]
    level = ws.make("levels/smb-v1", source=source, extend=48)(seed=3)
    assert level.shape == (14, w + 48) and (level.tiles[:, :w] == real).all() and _played(level)
    cols = [c for _, c in level.path]
    assert cols[0] == 0 and cols[-1] == w + 47 and all(b - a <= 1 for a, b in zip(cols, cols[1:]))
    assert (level.tiles[:, w:] != SMB.id("-")).any(axis=0).sum() > 40      # new ground and set pieces
    info = level.meta.extra["inpaint"]
    assert info["keep"] == f"0:{w}" and len(info["source_sha256"]) == 64
    level.export(tmp_path / "cont.json")                                    # the result is its own source
    again = ws.make("levels/smb-v1", source=str(tmp_path / "cont.json"), keep=info["keep"])(seed=3)
    assert (again.tiles == level.tiles).all()


def test_loderunner_inpainting_keeps_the_top_half(vglc):
    path = vglc / "lode_runner" / "Level 1.txt"
    real = read_level(path, LODERUNNER)
    level = ws.make("levels/loderunner-v1", source=str(path), keep="0:11/:")(seed=1)
    assert (level.tiles[:11] == real[:11]).all() and _played(level)
    assert (level.tiles == LODERUNNER.id("M")).sum() == 1
    assert (level.tiles[11:] != real[11:]).any()


def test_zelda_inpainting_of_a_held_out_room(vglc, tmp_path):
    room = zelda_rooms(read_level(vglc / "zelda" / "tloz9_1.txt", ZELDA))[3]
    source = _write(tmp_path / "room.txt", to_text(room, ZELDA).splitlines())
    level = ws.make("levels/zelda-v1", source=source, keep="0:8/:")(seed=2)
    assert (level.tiles[:8] == room[:8]).all() and _played(level)
    assert (level.tiles[8:] != room[8:]).any()


def test_open_ended_keep_is_written_out_for_the_replay(vglc, tmp_path):
    source, real = _smb(vglc, "mario-1-2")
    w = real.shape[1]
    level = ws.make("levels/smb-v1", source=source, keep=":30,150:", extend=20)(seed=5)
    assert level.meta.extra["inpaint"]["keep"] == f"0:30,150:{w}" and _played(level)
    assert (level.tiles[:, 150:w] == real[:, 150:]).all() and (level.tiles[:, :30] == real[:, :30]).all()
    level.export(tmp_path / "l.json")
    again = ws.make("levels/smb-v1", source=str(tmp_path / "l.json"), keep=f"0:30,150:{w}")(seed=5)
    assert (again.tiles == level.tiles).all()


def test_a_json_level_of_another_game_is_refused(tmp_path):
    ws.make("levels/zelda-v1")(seed=1).export(tmp_path / "room.json")
    with pytest.raises(ConfigError, match=r"^source: .*\(a zelda level\)"):
        ws.make("levels/smb-v1", source=str(tmp_path / "room.json"), extend=10)
    level = ws.make("levels/zelda-v1", source=str(tmp_path / "room.json"), keep="0:11/0:5")(seed=1)
    assert _played(level) and level.meta.extra["inpaint"]["keep"] == "0:5"


def test_a_zelda_room_as_the_game_shows_it_stays_that_way(vglc, tmp_path):
    room = np.ascontiguousarray(zelda_rooms(read_level(vglc / "zelda" / "tloz9_2.txt", ZELDA))[0].T)  # 11 x 16
    source = _write(tmp_path / "wide.txt", to_text(room, ZELDA).splitlines())
    level = ws.make("levels/zelda-v1", source=source, keep="0:8", doors="NS")(seed=1)
    assert level.shape == (11, 16) and (level.tiles[:, :8] == room[:, :8]).all() and _played(level)
    assert level.meta.extra["inpaint"]["keep"] == "0:8"
    assert (level.tiles[:, 8:] != room[:, 8:]).any()
