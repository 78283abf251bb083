"""Per-game tile vocabularies (from the VGLC legends) and the VGLC text format: what a
:class:`~worldsmith.types.level.TileLevel` needs to name and print its tiles.

A level is a ``(H, W)`` uint8 array of tile ids; id ``i`` is character ``vocab.chars[i]``.
Parsing names the file, line and column of an unknown character or a ragged row.

>>> v = vocab("smb")
>>> t = parse_text("--<>\\nXX[]\\n", v)
>>> t.tolist(), to_text(t, v)
([[2, 2, 6, 7], [0, 0, 8, 9]], '--<>\\nXX[]\\n')
>>> parse_text("-Z\\n", v, source="a.txt")
Traceback (most recent call last):
...
worldsmith.core.errors.FormatError: a.txt:1:2: unknown tile 'Z' for smb (expected one of X S - ? Q E < > [ ] o B b)
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from worldsmith.core.errors import ConfigError, FormatError


@dataclass(frozen=True)
class Vocab:
    """One game's tiles: characters (channel order), names, the empty tile, solid and passable sets."""

    game: str
    chars: str
    names: tuple[str, ...]
    empty: str
    solid: str
    folder: str

    @property
    def size(self) -> int:
        """Number of tile kinds (one-hot channels)."""
        return len(self.chars)

    def id(self, char: str) -> int:
        """The id of tile character ``char``."""
        return self.chars.index(char)

    def ids(self, chars: str) -> list[int]:
        """The ids of every character in ``chars``."""
        return [self.chars.index(c) for c in chars]

    def solid_mask(self) -> np.ndarray:
        """Boolean lookup table: ``solid_mask()[tiles]`` is True where a tile blocks movement
        (one read-only array per vocabulary: the SMB checks ask for it about 50 times a level)."""
        return _solid_mask(self.chars, self.solid)

    def solid_bytes(self) -> bytes:
        """:meth:`solid_mask` as one byte per tile id, the lookup table the C kernels take."""
        return self.solid_mask().tobytes()


@lru_cache(maxsize=None)
def _solid_mask(chars: str, solid: str) -> np.ndarray:
    mask = np.array([c in solid for c in chars])
    mask.flags.writeable = False
    return mask


# MarioReader channel order (X S - ? Q E < > [ ] o B b), the de facto standard (MarioGAN).
SMB = Vocab("smb", "XS-?QE<>[]oBb",
            ("ground", "brick", "empty", "question", "used question", "enemy", "pipe top left",
             "pipe top right", "pipe left", "pipe right", "coin", "cannon top", "cannon"),
            empty="-", solid="XS?Q<>[]Bb", folder="super_mario_bros")
LODERUNNER = Vocab("loderunner", "Bb.-#GEM",
                   ("solid", "brick", "empty", "rope", "ladder", "gold", "enemy", "player"),
                   empty=".", solid="Bb", folder="lode_runner")
ZELDA = Vocab("zelda", "FBMPOIDSW-",
              ("floor", "block", "monster", "water", "water floor", "water block", "door", "stair",
               "wall", "void"),
              empty="F", solid="BPIW-", folder="zelda")
VOCABS = {v.game: v for v in (SMB, LODERUNNER, ZELDA)}


def vocab(game: str) -> Vocab:
    """The vocabulary of ``game`` (``smb``, ``loderunner``, ``zelda``)."""
    if game not in VOCABS:
        raise ConfigError("game", "one of " + ", ".join(VOCABS), game)
    return VOCABS[game]


def parse_text(text: str, v: Vocab, source: str = "<text>") -> np.ndarray:
    """Parse VGLC text (one row per line) into a ``(H, W)`` uint8 array of tile ids."""
    lookup = {c: i for i, c in enumerate(v.chars)}
    rows = [line.rstrip("\r") for line in text.split("\n")]
    while rows and not rows[-1]:
        rows.pop()
    if not rows:
        raise FormatError(f"{source}: empty level (no rows)")
    width = len(rows[0])
    out = np.zeros((len(rows), width), np.uint8)
    for r, line in enumerate(rows):
        if len(line) != width:
            raise FormatError(f"{source}:{r + 1}:{min(len(line), width) + 1}: ragged row: "
                              f"{len(line)} columns, expected {width} like line 1")
        for c, ch in enumerate(line):
            if ch not in lookup:
                raise FormatError(f"{source}:{r + 1}:{c + 1}: unknown tile {ch!r} for {v.game} "
                                  f"(expected one of {' '.join(v.chars)})")
            out[r, c] = lookup[ch]
    return out


def to_text(tiles: np.ndarray, v: Vocab) -> str:
    """VGLC text of a tile array (one line per row, trailing newline)."""
    table = np.array(list(v.chars))
    return "".join("".join(row) + "\n" for row in table[tiles])
