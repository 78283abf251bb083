"""``TileLevel``: a tile grid of one game plus the path a playability agent found through it.

>>> import numpy as np
>>> lv = TileLevel(tiles=np.full((2, 3), 2, np.uint8), game="smb")
>>> lv.text()
'---\\n---\\n'
>>> lv.shape, lv.vocab.game
((2, 3), 'smb')
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from worldsmith.types.base import Asset, AssetMeta
from worldsmith.types.tiles import Vocab, to_text, vocab


@dataclass(eq=False)
class TileLevel(Asset):
    """A ``(H, W)`` uint8 grid of tile ids of ``game`` (``smb``, ``loderunner``, ``zelda``).

    ``path`` holds the ``(row, col)`` cells of the route the game's playability agent found
    (empty when the level was not checked or no route exists); viewers draw and follow it.
    """

    tiles: np.ndarray
    game: str
    path: list[tuple[int, int]] = field(default_factory=list)
    meta: AssetMeta = field(default_factory=AssetMeta)

    @property
    def vocab(self) -> Vocab:
        """The game's :class:`~worldsmith.types.tiles.Vocab` (tile characters and names)."""
        return vocab(self.game)

    @property
    def shape(self) -> tuple[int, int]:
        """``(rows, columns)``."""
        return tuple(self.tiles.shape)  # type: ignore[return-value]

    def text(self) -> str:
        """The level as VGLC text."""
        return to_text(self.tiles, self.vocab)
