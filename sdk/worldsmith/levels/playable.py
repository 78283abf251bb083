"""Make decoded levels playable: repair, then re-sample failing latents, then a sure fallback.

Each function takes ``decode`` (latents ``(k, z)`` -> raw tile array), the starting latents,
``fresh`` (``k`` -> new latents from the item's own generator) and returns
``(tiles, path, attempts)``: a level its agent solves, the path, and how many decodes it took.
With ``fresh=None`` they make one repaired attempt only (path ``None`` if it fails): the latent
search scores that.
"""
from __future__ import annotations

from typing import Callable, Optional

import numpy as np
import torch

from worldsmith.levels.agents import SmbSearch, loderunner_path, reachable, smb_search, zelda_path
from worldsmith.levels.placement import Chains, gold_spots, move_gold, place_start
from worldsmith.levels.repair import (
    SAFE,
    loderunner_start,
    smb_flatten,
    smb_repair,
    zelda_connect,
    zelda_sides,
    zelda_walls,
)
from worldsmith.types.tiles import LODERUNNER, ZELDA

Decode = Callable[[torch.Tensor], np.ndarray]
Fresh = Optional[Callable[[int], torch.Tensor]]
#: a second SMB check: tiles -> ``None`` if it finishes them, else the column where it failed
Second = Optional[Callable[[np.ndarray], Optional[int]]]
Result = tuple[np.ndarray, list, int]
BRIDGE = 6  # columns flattened past the furthest point reached, when re-sampling gives up
LOOKBACK = 16  # SMB: columns behind the furthest one searched before re-sampling there


def smb(decode: Decode, z: torch.Tensor, fresh: Fresh, stride: int, tries: int,
        second: Second = None, repair: Callable[[np.ndarray], np.ndarray] = smb_repair,
        second_first: bool = False) -> Result:
    """SMB: re-sample the two windows around the furthest column Mario reaches, ``tries`` times;
    then flatten a short stretch there until he gets through. One search runs on across the
    changes (:meth:`SmbSearch.update`: from the changed columns), so the cost grows with the
    width, not with the width times the re-samples; the path handed out is a fresh search's.
    With ``second`` (the A* agent, ``agent="both"``) a level the search finishes must pass it
    too: where it fails counts as where Mario got stuck (re-sampled, then flattened, further
    back each time it fails at the same column); ``second_first``: ``second`` is asked first
    (a check cheaper than the tile search and failing more often, so the tile search does not
    run to the end of the level after every re-sample). ``repair`` mends each decoded level (the
    ``agent="route"`` generator: :func:`~worldsmith.levels.repair.smb_repair`, then
    :func:`~worldsmith.levels.agents.smb_route.mend`)."""
    z = z.clone()
    tiles = repair(decode(z))
    if fresh is None:
        path = smb_search(tiles)[0]
        return tiles, None if path is None or second_fails(second, tiles) is not None else path, 1
    search = SmbSearch(tiles, lookback=LOOKBACK)

    def fails() -> tuple[int | None, list | None]:
        """Where the level fails (``None``: it passes) and the tile search's path if it passed.
        With ``second_first`` the tile search goes only as far as ``second`` got."""
        stuck = second_fails(second, tiles) if second_first else None
        cells = search.run(stuck, cells=True)[0]
        if cells is None:
            return search.far, None
        stuck = stuck if second_first else second_fails(second, tiles)
        return stuck, None if stuck is not None else cells

    (far, cells), attempt, flattened, last, same = fails(), 1, 0, -1, 0
    while far is not None and flattened < tiles.shape[1]:
        if attempt < tries:
            i = min(far // stride, len(z) - 1)
            z[i:i + 2] = fresh(len(z[i:i + 2]))
            new, attempt = repair(decode(z)), attempt + 1
        else:
            same = same + 1 if far == last else 0                  # the second agent: move back
            last, flattened = far, flattened + 1
            new = smb_flatten(tiles, max(SAFE, far - 1 - BRIDGE * same), far + BRIDGE)
        search.update(tiles, new)
        tiles = new
        far, cells = fails()
    if far is not None:
        return tiles, None, attempt
    fresh_path = attempt == 1 and not flattened                 # no retile: the search was a fresh one
    return tiles, cells if fresh_path else smb_search(tiles)[0], attempt


def second_fails(second: Second, tiles: np.ndarray) -> int | None:
    """Where ``second`` fails on ``tiles`` (``None``: it finishes them, or there is none)."""
    return None if second is None else second(tiles)


def _lr_gold(tiles: np.ndarray) -> tuple[np.ndarray, list | None]:
    """The start moved where most gold can be taken, if it is not; then gold off the start's
    best chain of places (:class:`~worldsmith.levels.placement.Chains`) moved to the nearest
    standing cell on it: the count stays (unless the chain is too short), none is dropped for
    being out of reach."""
    tiles, chains = tiles.copy(), Chains(tiles)
    cells = chains.mask(place_start(tiles, chains))
    moved = move_gold(tiles, cells, gold_spots(tiles, cells))
    return moved, loderunner_path(moved)


def _lr_last_resort(tiles: np.ndarray) -> tuple[np.ndarray, list]:
    """A start and a gold side by side on solid ground in the bottom rows."""
    out = np.where(np.isin(tiles, LODERUNNER.ids("MG")), LODERUNNER.id("."), tiles).astype(np.uint8)
    h, w = out.shape
    out[h - 1, w // 2:w // 2 + 2] = LODERUNNER.id("B")
    out[h - 2, w // 2:w // 2 + 2] = LODERUNNER.ids("MG")
    return out, loderunner_path(out)


def loderunner(decode: Decode, z: torch.Tensor, fresh: Fresh, rng: np.random.Generator,
               tries: int) -> Result:
    """Lode Runner: one start, gold moved to where the player reaches it (none dropped); re-sample
    when that fails; a start and a gold on the floor as the last resort."""
    for attempt in range(1, tries + 1):
        tiles = loderunner_start(decode(z), rng)
        path = loderunner_path(tiles)
        if path is None:
            tiles, path = _lr_gold(tiles)
        if path is not None or fresh is None:
            return tiles, path, attempt
        z = fresh(1)
    return (*_lr_last_resort(tiles), tries)


def _sides(raw: np.ndarray, doors: str, rng: np.random.Generator) -> str:
    if doors != "auto":
        return doors
    return zelda_sides(raw) or "NESW"[rng.integers(4)]


def zelda(decode: Decode, z: torch.Tensor, fresh: Fresh, rng: np.random.Generator, tries: int,
          doors: str, ladder: bool) -> Result:
    """Zelda: closed walls with doors on ``doors`` (or where the model drew them, ``"auto"``);
    re-sample until every door and floor tile connects (``ladder``: the hero may cross one tile
    of water); then carve corridors."""
    for attempt in range(1, tries + 1):
        raw = decode(z)
        tiles = zelda_walls(raw, _sides(raw, doors, rng))
        path = zelda_path(tiles, ladder)
        if path is not None or fresh is None:
            return tiles, path, attempt
        z = fresh(1)
    while path is None:
        first = tuple(int(v) for v in np.argwhere(tiles == ZELDA.id("D"))[0])
        tiles = zelda_connect(tiles, reachable(tiles, "zelda", first, ladder))
        path = zelda_path(tiles, ladder)
    return tiles, path, tries
