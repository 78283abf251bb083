"""The resumable SMB search: a search carried across changes (``update``/``retile``) and one
stopped part way (``run(until=)``) give a fresh search's verdict."""
from __future__ import annotations

import numpy as np
import pytest

from worldsmith.levels.agents.smb import SmbSearch, smb_cells
from worldsmith.levels.agents.smb_route import RouteCheck, route_fails, wall_columns
from worldsmith.types.tiles import SMB

AIR, GROUND, BRICK = SMB.id("-"), SMB.id("X"), SMB.id("S")


def random_level(rng: np.random.Generator, width: int = 90) -> np.ndarray:
    """Ground with pits, walls and floating bricks: levels some searches pass and some fail."""
    tiles = np.full((14, width), AIR, np.uint8)
    tiles[12:] = GROUND
    for _ in range(rng.integers(2, 7)):
        a = int(rng.integers(6, width - 12))
        tiles[12:, a:a + int(rng.integers(2, 9))] = AIR                       # a pit
    for _ in range(rng.integers(1, 5)):
        a = int(rng.integers(6, width - 6))
        tiles[12 - int(rng.integers(1, 7)):12, a:a + int(rng.integers(1, 4))] = GROUND   # a wall
    for _ in range(rng.integers(2, 8)):
        a, r = int(rng.integers(4, width - 8)), int(rng.integers(4, 10))
        tiles[r, a:a + int(rng.integers(2, 7))] = BRICK                       # a platform
    return tiles


def changed(tiles: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``tiles`` with a stretch redrawn, as a generator's re-sample does."""
    other = random_level(rng, tiles.shape[1])
    a = int(rng.integers(1, tiles.shape[1] - 20))
    out = tiles.copy()
    out[:, a:a + 16] = other[:, a:a + 16]
    return out


def verdict(search: SmbSearch) -> tuple[bool, int]:
    states, far = search.run()
    return states is not None, far


@pytest.mark.parametrize("seed", range(12))
def test_update_gives_a_fresh_searchs_verdict(seed):
    rng = np.random.default_rng(seed)
    tiles = random_level(rng)
    search = SmbSearch(tiles)
    verdict(search)
    for _ in range(4):
        new = changed(tiles, rng)
        search.update(tiles, new)
        tiles = new
        assert verdict(search) == verdict(SmbSearch(tiles))


def test_the_random_levels_both_pass_and_fail():
    rng = np.random.default_rng(0)
    passed = [SmbSearch(random_level(rng)).run()[0] is not None for _ in range(20)]
    assert any(passed) and not all(passed)             # the test above sees both verdicts


@pytest.mark.parametrize("seed", range(6))
def test_run_until_goes_on_to_the_same_verdict(seed):
    tiles = random_level(np.random.default_rng(seed))
    search = SmbSearch(tiles)
    states, far = search.run(until=30)
    fresh = verdict(SmbSearch(tiles))
    if states is None:                                 # stuck before column 30: so is a fresh search
        assert not fresh[0] and far < 30
    else:
        assert states == [] and far >= 30              # stopped at 30, nothing unwound
        assert verdict(search) == fresh


@pytest.mark.parametrize("seed", range(8))
def test_route_check_across_changes_matches_a_fresh_one(seed):
    rng = np.random.default_rng(100 + seed)
    tiles = random_level(rng)
    check = RouteCheck(lookback=None)
    check(tiles)
    for _ in range(4):
        tiles = changed(tiles, rng)
        assert check(tiles) == route_fails(tiles)


def test_route_check_keeps_the_walls_of_a_fresh_level():
    """The walls found again only where a change reaches equal those of the whole new level (300
    levels: a window that does not reach back over a pit before the change fails 2 of them)."""
    for seed in range(300):
        rng = np.random.default_rng(seed)
        tiles = random_level(rng)
        check = RouteCheck()
        check(tiles)
        for _ in range(6):
            tiles = changed(tiles, rng)
            check(tiles)
            assert check.walls.tolist() == wall_columns(tiles).tolist(), seed


def test_the_c_core_refuses_bad_input_with_clear_errors():
    """Tiles of the wrong size, a state outside the level, a level too big to number its states:
    each a Python error naming what was wrong, not a crash."""
    from worldsmith.levels.agents._smbcore import Core

    tiles = random_level(np.random.default_rng(0), width=30)
    search = SmbSearch(tiles)
    with pytest.raises(ValueError, match="expected 14 x 4 bytes"):
        search._core.set_tiles(np.zeros((14, 5), np.uint8), None, 0, 4)
    with pytest.raises(ValueError, match=r"columns \[20, 40\) outside a level 30 wide"):
        search._core.set_tiles(np.zeros((14, 20), np.uint8), None, 20, 40)
    with pytest.raises(IndexError, match="outside the level"):
        search._moves(14, 0, 0)
    with pytest.raises(ValueError, match="level size out of range"):
        Core(14, 10**6, 267, -1, 3, 1, b"", b"", b"", b"", False)
    assert search.run()[1] == SmbSearch(tiles).run()[1]            # still usable after the errors


def test_run_with_cells_gives_the_cells_of_the_states():
    """``cells=True`` (unwound in C) equals :func:`smb_cells` of the states, on passing levels."""
    passed = 0
    for seed in range(80):
        tiles = random_level(np.random.default_rng(seed))
        states = SmbSearch(tiles).run()[0]
        if states is not None:
            passed += 1
            assert SmbSearch(tiles).run(cells=True)[0] == smb_cells(states), seed
    assert passed >= 20
