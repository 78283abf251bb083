"""Reading VGLC level files and cutting Zelda dungeon maps into rooms (the tile vocabularies and
the text format are in :mod:`worldsmith.types.tiles`).

>>> import tempfile, pathlib
>>> from worldsmith.types.tiles import SMB
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "1.txt").write_text("--\\nXX\\n")
>>> read_folder(folder, SMB)["1.txt"].tolist()
[[2, 2], [0, 0]]
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from worldsmith.core.errors import ConfigError, FormatError
from worldsmith.types.tiles import ZELDA, Vocab, parse_text


def read_level(path: str | os.PathLike, v: Vocab) -> np.ndarray:
    """Read one VGLC text file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise FormatError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    return parse_text(text, v, source=str(path))


def read_folder(folder: str | os.PathLike, v: Vocab) -> dict[str, np.ndarray]:
    """Every ``*.txt`` level in ``folder`` by file name (sorted), skipping ``README.txt``."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ConfigError("data", "a folder of VGLC .txt levels", str(folder))
    files = sorted(p for p in folder.glob("*.txt") if p.name.lower() != "readme.txt")
    if not files:
        raise FormatError(f"{folder}: no VGLC .txt level files")
    return {p.name: read_level(p, v) for p in files}


ROOM = (16, 11)  # a Zelda room as VGLC stores it (and the model works on it): 16 rows by 11 columns
#: a door side of a room as the game shows it (11 rows by 16 columns) -> that side in VGLC's
#: transposed room (rows and columns swapped: north is VGLC's west, east its south)
VGLC_SIDE = {"N": "W", "E": "S", "S": "E", "W": "N"}


def transposed(tiles: np.ndarray, path: list) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """A Zelda room and its path with rows and columns swapped: VGLC's portrait room in the
    game's landscape orientation, and back.

    >>> t, p = transposed(np.arange(6, dtype=np.uint8).reshape(3, 2), [(2, 1)])
    >>> t.tolist(), p
    ([[0, 2, 4], [1, 3, 5]], [(1, 2)])
    """
    return np.ascontiguousarray(tiles.T), [(int(c), int(r)) for r, c in path]


def zelda_rooms(dungeon: np.ndarray) -> list[np.ndarray]:
    """The transcribed 16x11 rooms of a Zelda dungeon map, row by row.

    Skipped: grid slots that are all void (no room) and rooms whose whole interior (inside the
    two-tile wall ring) VGLC left void: walls and doors without content are missing data, not a
    layout. Rooms that are partly void stay.
    """
    h, w = ROOM
    void = ZELDA.id("-")
    rooms = []
    for r in range(0, dungeon.shape[0] - h + 1, h):
        for c in range(0, dungeon.shape[1] - w + 1, w):
            room = dungeon[r:r + h, c:c + w]
            if not (room[2:-2, 2:-2] == void).all():
                rooms.append(room.copy())
    return rooms
