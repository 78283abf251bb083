"""Training data for the level VAEs: levels per game, a whole-level validation split, samples.

SMB levels become 14x16 windows (stride 1); Lode Runner levels are used whole (22x32);
Zelda dungeons are cut into 16x11 rooms. Validation levels (whole files) never reach training.

>>> import numpy as np
>>> split_names(["a", "b", "c", "d"], holdout=1, seed=0)
(['a', 'b', 'c'], ['d'])
>>> samples("smb", [np.zeros((14, 20), np.uint8)]).shape
(5, 14, 16)
"""
from __future__ import annotations

import hashlib
import os

import numpy as np

from worldsmith.core.data import data_path
from worldsmith.core.errors import FormatError
from worldsmith.core.seeding import rng
from worldsmith.levels.tiles import ROOM, read_folder, zelda_rooms
from worldsmith.types.tiles import vocab

#: the sample shape the VAE of each game sees
SHAPES = {"smb": (14, 16), "loderunner": (22, 32), "zelda": ROOM}
#: whole files held out for validation
HOLDOUT = {"smb": 2, "loderunner": 15, "zelda": 2}


def load_levels(game: str, folder: str | os.PathLike | None = None) -> dict[str, np.ndarray]:
    """Levels of ``game`` by file name from ``folder`` (default ``$WORLDSMITH_DATA/vglc/<game>``)."""
    v = vocab(game)
    folder = folder if folder is not None else data_path("vglc", v.folder)
    levels = read_folder(folder, v)
    h, w = SHAPES[game]
    for name, tiles in levels.items():
        too_small = tiles.shape[0] != h or tiles.shape[1] < w if game == "smb" else \
            tiles.shape[0] < h or tiles.shape[1] < w
        if too_small or (game == "loderunner" and tiles.shape != (h, w)):
            raise FormatError(f"{folder}/{name}: {tiles.shape[0]}x{tiles.shape[1]} tiles; "
                              f"{game} needs {h} rows and at least {w} columns")
    return levels


def split_names(names: list[str], holdout: int, seed: int) -> tuple[list[str], list[str]]:
    """Split file names into (train, validation), ``holdout`` whole files to validation."""
    names = sorted(names)
    holdout = min(holdout, max(0, len(names) - 1))
    order = rng(seed).permutation(len(names)) if seed else np.arange(len(names))
    val = sorted(names[i] for i in order[len(names) - holdout:])
    return [n for n in names if n not in val], val


def samples(game: str, levels: list[np.ndarray]) -> np.ndarray:
    """The ``(N, H, W)`` training samples of ``game`` cut from whole ``levels``."""
    h, w = SHAPES[game]
    if game == "smb":
        parts = [lv[:, c:c + w] for lv in levels for c in range(lv.shape[1] - w + 1)]
    elif game == "zelda":
        parts = [room for lv in levels for room in zelda_rooms(lv)]
    else:
        parts = list(levels)
    return np.stack(parts).astype(np.uint8) if parts else np.zeros((0, h, w), np.uint8)


def augment(game: str, x: np.ndarray) -> np.ndarray:
    """Mirror images that stay valid levels: Lode Runner left-right, Zelda both ways."""
    if game == "loderunner":
        return np.concatenate([x, x[:, :, ::-1]])
    if game == "zelda":
        return np.concatenate([x, x[:, :, ::-1], x[:, ::-1], x[:, ::-1, ::-1]])
    return x


def unit_hash(tiles: np.ndarray) -> str:
    """A short content hash of a tile array (its shape and tiles)."""
    return hashlib.sha1(repr(tiles.shape).encode() + tiles.astype(np.uint8).tobytes()).hexdigest()[:16]


def copy_hashes(game: str, levels: list[np.ndarray]) -> list[str]:
    """Sorted hashes of every training unit and its mirrors (whole levels and rooms only): the
    generator re-samples a level that hashes to one of these, so it never hands out a copy."""
    if game == "smb":
        return []
    return sorted({unit_hash(u) for u in augment(game, samples(game, levels))})
