"""VGLC parsing and writing."""
from __future__ import annotations

import pytest

from worldsmith.core.errors import ConfigError, FormatError
from worldsmith.levels.data import load_levels
from worldsmith.levels.tiles import read_folder, read_level, zelda_rooms
from worldsmith.types.tiles import LODERUNNER, SMB, ZELDA, parse_text, to_text, vocab


@pytest.mark.parametrize("v", [SMB, LODERUNNER, ZELDA])
def test_every_char_round_trips(v):
    text = v.chars + "\n" + v.chars[::-1] + "\n"
    tiles = parse_text(text, v)
    assert tiles.shape == (2, v.size) and to_text(tiles, v) == text


def test_unknown_char_names_file_line_column(tmp_path):
    f = tmp_path / "bad.txt"
    f.write_text("----\n--Z-\n")
    with pytest.raises(FormatError, match=r"bad.txt:2:3: unknown tile 'Z'"):
        read_level(f, SMB)


def test_ragged_rows_name_the_line(tmp_path):
    f = tmp_path / "ragged.txt"
    f.write_text("----\n---\n----\n")
    with pytest.raises(FormatError, match=r"ragged.txt:2:4: ragged row: 3 columns, expected 4"):
        read_level(f, SMB)


def test_empty_and_binary_files(tmp_path):
    (tmp_path / "e.txt").write_text("\n\n")
    with pytest.raises(FormatError, match="empty level"):
        read_level(tmp_path / "e.txt", SMB)
    (tmp_path / "b.txt").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(FormatError, match="not UTF-8"):
        read_level(tmp_path / "b.txt", SMB)


def test_unknown_game_and_folder(tmp_path):
    with pytest.raises(ConfigError, match="game"):
        vocab("tetris")
    with pytest.raises(FormatError, match="no VGLC"):
        read_folder(tmp_path, SMB)


def test_real_corpus_parses_and_writes_back(vglc):
    for game in ("smb", "loderunner", "zelda"):
        v = vocab(game)
        for name, tiles in load_levels(game).items():
            assert to_text(tiles, v) == (vglc / v.folder / name).read_text().rstrip("\n") + "\n"


def test_zelda_rooms_are_16x11_and_skip_void(vglc):
    rooms = [r for d in load_levels("zelda").values() for r in zelda_rooms(d)]
    assert len(rooms) == 379 and all(r.shape == (16, 11) for r in rooms)
    void = vocab("zelda").id("-")
    assert not any((r[2:-2, 2:-2] == void).all() for r in rooms)  # 35 untranscribed rooms skipped
