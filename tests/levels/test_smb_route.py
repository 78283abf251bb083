"""The A* route (``agent="route"``, ``levels/smb-v2``'s default): the A* agent's jump from a
standstill, no platform footholds over wide pits, steps before high walls."""
from __future__ import annotations

import numpy as np
import pytest

from worldsmith.levels.agents import smb_path
from worldsmith.levels.agents.smb import ground_columns
from worldsmith.levels.agents.smb_route import (
    WIDE,
    _climbs,
    blocked_climbs,
    footholds,
    high_wall,
    mend,
    route_fails,
    steps,
)
from worldsmith.types.tiles import SMB

from .test_smb_astar import AIR, GROUND, flat


def heights(tiles: np.ndarray) -> list[int]:
    return ground_columns(SMB.solid_mask()[tiles]).sum(0).tolist()


@pytest.mark.parametrize("gap", [1, 3, 5])
def test_crosses_pits_up_to_five(gap):
    tiles = flat()
    tiles[12:, 20:20 + gap] = AIR
    assert route_fails(tiles) is None


@pytest.mark.parametrize("gap", [6, 7])
def test_stops_at_wider_pits_that_the_tile_search_crosses(gap):
    tiles = flat()
    tiles[12:, 20:20 + gap] = AIR
    assert smb_path(tiles) is not None                 # the NES tile search jumps 7
    assert 20 <= route_fails(tiles) < 20 + gap


@pytest.mark.parametrize("height, passes", [(3, True), (4, True), (5, False)])
def test_climbs_steps_of_four(height, passes):
    tiles = flat()
    tiles[12 - height:12, 20:] = GROUND
    assert (route_fails(tiles) is None) == passes


def bridge(pit: int) -> np.ndarray:
    """A pit ``pit`` wide from column 10, with a platform over it a jump above the ground."""
    tiles = flat(pit + 24)
    tiles[12:, 10:10 + pit] = AIR
    tiles[9, 8:12 + pit] = GROUND
    return tiles


def test_platforms_carry_over_narrow_pits_only():
    assert route_fails(bridge(WIDE - 1)) is None       # the platform carries him over
    wide = bridge(WIDE)
    assert smb_path(wide) is not None                  # the tile search walks the platform
    assert 10 <= route_fails(wide) < 10 + WIDE         # the route must cross along the ground


def test_mend_sets_stones_in_a_wide_pit():
    wide = bridge(WIDE + 3)
    wide[8], wide[9] = wide[9], AIR                    # the platform a row higher: clear of the stones
    mended = mend(wide)
    assert route_fails(mended) is None
    stones = heights(mended)[10:10 + WIDE + 3]
    assert 0 in stones and max(stones) == 2            # stones with pit between them, not a filled pit
    assert (mended[:12] == wide[:12]).all()            # nothing above the ground changed


def wall(height: int) -> np.ndarray:
    tiles = flat()
    tiles[12 - height:12, 20:] = GROUND
    return tiles


def test_steps_before_a_high_wall():
    tiles = wall(7)                                    # 9 high on ground 2 high: a rise of 7
    assert route_fails(tiles) is not None
    stepped = steps(tiles)
    assert heights(stepped)[17:22] == [2, 2, 5, 9, 9]
    assert high_wall(stepped) is None and route_fails(stepped) is None
    assert (steps(wall(4)) == wall(4)).all()           # a climbable wall is left alone


def test_a_wall_that_cannot_be_stepped_stops_the_route():
    tiles = wall(7)
    tiles[9, 14:16] = tiles[6, 16:18] = GROUND         # platforms lead up over the wall,
    tiles[8, 19] = GROUND                              # and a brick stands where the step would go
    assert smb_path(tiles) is not None
    assert (steps(tiles) == tiles).all()
    assert high_wall(tiles) == 19
    assert route_fails(tiles) == 19                    # the A* agent stands stuck there: re-sample


def test_generator_levels_have_a_route():
    import worldsmith as ws  # lazy: loads the shipped model only for this test

    gen = ws.make("levels/smb-v2", width=84)
    plain = ws.make("levels/smb-v1", width=84)                 # the tile search alone, as before v2
    levels = [gen(seed=s) for s in range(4)]
    assert all(route_fails(lv.tiles) is None and lv.path for lv in levels)
    routes = [route_fails(plain(seed=s).tiles) is None for s in range(4)]
    assert [lv.tiles.tolist() for lv, ok in zip(levels, routes) if ok] == \
        [plain(seed=s).tiles.tolist() for s, ok in enumerate(routes) if ok]   # a level with a route is kept
    assert not all(routes)                             # and some tile-search levels lack one


def test_v1_keeps_the_tile_search_and_v2_is_v1_with_the_route():
    import worldsmith as ws

    assert ws.make("levels/smb-v1").config.agent == "search"
    assert ws.make("levels/smb-v2").config.agent == "route"
    v2 = ws.make("levels/smb-v2", width=56)(seed=5)
    assert v2.tiles.tolist() == ws.make("levels/smb-v1", width=56, agent="route")(seed=5).tiles.tolist()
    assert v2.meta.generator == "levels/smb-v2"


def test_inpainting_refuses_the_a_star_agent():
    import worldsmith as ws
    from worldsmith.core.errors import ConfigError

    with pytest.raises(ConfigError, match="agent"):
        ws.make("levels/smb-v1", source="level.txt", agent="both")


def capped_climb() -> np.ndarray:
    """A rise of 4 tiles at column 20 with ``?`` blocks over its take-off, and bricks leading
    up and over it."""
    tiles = wall(4)
    tiles[7, 17:20] = SMB.id("?")
    tiles[9, 10:12] = tiles[5, 13:15] = GROUND
    return tiles


def test_a_climb_capped_by_blocks_stops_the_route_and_is_cleared():
    from worldsmith.levels.agents.smb_astar import astar_run

    tiles = capped_climb()
    assert smb_path(tiles) is not None and blocked_climbs(tiles) == [19]
    assert route_fails(tiles) == 19                    # the A* agent stands stuck under the blocks
    mended = mend(tiles)
    assert route_fails(mended) is None and blocked_climbs(mended) == []
    assert (mended != tiles).sum() == 3 and (mended[7, 17:20] == AIR).all()   # only the blocks went
    assert astar_run(mended).finished


def test_stones_give_way_to_ground_under_a_low_platform():
    from worldsmith.levels.agents.smb_astar import astar_run

    tiles = bridge(WIDE + 9)                           # a pit 20 wide from column 10
    tiles[9] = AIR
    tiles[10, 20:26] = GROUND                          # a platform a row over a stone's head
    mended = mend(tiles)
    assert route_fails(mended) is None
    assert heights(mended)[20:26] == [2] * 6           # ground under the platform
    assert 0 in heights(mended)[10:20]                 # stones before it
    assert astar_run(mended).finished


def test_a_climb_after_a_pit_is_taken_off_from_the_ground():
    tiles = wall(4)
    tiles[12:, 17:19] = AIR                            # a pit before the take-off column 19
    tiles[3, 17] = GROUND                              # a brick high over the pit: no take-off
    assert blocked_climbs(tiles) == []
    tiles[7, 19] = SMB.id("?")                         # a block over the take-off column
    assert blocked_climbs(tiles) == [19]


def _numpy_climbs(tiles: np.ndarray) -> list[tuple[int, int, int, int, int]]:
    """The numpy code ``_smbkernels.climbs`` replaced, as ``(c, a, nxt, top, bottom)``: the oracle."""
    solid = SMB.solid_mask()[tiles]
    grounded = ground_columns(solid)
    height = grounded.sum(0)
    h, w = tiles.shape
    columns = np.flatnonzero(height)
    c, nxt = columns[:-1], columns[1:]
    rise = height[nxt] - height[c]
    keep = (nxt - c - 1 <= 5) & (rise >= 2) & (rise <= 4) & (nxt + 2 <= w)
    c, nxt = c[keep], nxt[keep]
    a, low = c.copy(), height[c].copy()
    for k in range(1, 3):
        on = (c - k >= 0) & (height[np.maximum(c - k, 0)] > 0)
        a = np.where(on, c - k, a)
        low = np.where(on, np.minimum(low, height[np.maximum(c - k, 0)]), low)
    top, bottom = np.maximum(0, h - height[nxt] - 3), h - low
    sums = np.zeros((h + 1, w + 1), np.int32)
    sums[1:, 1:] = (solid & ~grounded).cumsum(0).cumsum(1)
    count = sums[bottom, nxt + 1] - sums[top, nxt + 1] - sums[bottom, a] + sums[top, a]
    return [(int(c[i]), int(a[i]), int(nxt[i]), int(top[i]), int(bottom[i])) for i in np.flatnonzero(count)]


def test_climbs_c_kernel_matches_the_numpy_code_it_replaced():
    """Stairs, pits of 0 to 7, bricks and blocks over the climbs, levels from 1 to 60 columns:
    the same climbs (at least 300 found over the levels) and their windows and boxes."""
    found = 0
    for seed in range(400):
        rng = np.random.default_rng(seed)
        w = int(rng.integers(1, 61))
        tiles = np.full((14, w), AIR, np.uint8)
        tiles[13 - rng.integers(0, 7, w)[None, :] <= np.arange(14)[:, None]] = GROUND   # ground of 1-7 tiles
        tiles[:, rng.random(w) < 0.15] = AIR                                           # pits
        cells = rng.random((14, w)) < 0.08
        tiles[cells & (tiles == AIR)] = rng.choice(SMB.ids("S?QX<[Bb"), int((cells & (tiles == AIR)).sum()))
        expected = _numpy_climbs(tiles)
        got = _climbs(tiles)
        assert [(c, box[1].start, box[1].stop - 1, box[0].start, box[0].stop) for c, _, box in got] == expected, seed
        assert all((window == tiles[:, box[1].start:box[1].stop + 1]).all() for _, window, box in got)
        found += len(expected)
    assert found >= 300


def _numpy_footholds(solid: np.ndarray) -> np.ndarray:
    """The numpy code ``_smbkernels.footholds`` replaced: the test's oracle."""
    from worldsmith.levels.agents.smb import standing_cells
    from worldsmith.levels.repair import runs

    wide = np.zeros(solid.shape[1], bool)
    for a, b in runs(~solid[-1]):
        if b - a >= WIDE:
            wide[max(0, a - 1):b + 1] = True
    return standing_cells(ground_columns(solid)) | (standing_cells(solid) & ~wide)


def test_footholds_c_kernel_matches_the_numpy_code_it_replaced():
    """Random solid masks of 1 to 14 rows and 1 to 60 columns, pits of every width at the ends
    too, platforms over them: the same cells, as a non-contiguous slice as well."""
    for seed in range(400):
        rng = np.random.default_rng(seed)
        h, w = int(rng.integers(1, 15)), int(rng.integers(1, 61))
        solid = rng.random((h, w)) < 0.3
        solid[-1] = rng.random(w) < (0.1 if seed % 2 else 0.8)
        assert (footholds(solid) == _numpy_footholds(solid)).all(), seed
        if w > 2:
            part = solid[:, 1:-1]
            assert (footholds(part) == _numpy_footholds(part)).all(), seed


def _walls(height: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """The numpy code the C walls kernel replaced (the test's oracle): the columns before a wall
    more than ``CLIMB`` above their take-off ground ``ref``."""
    from worldsmith.levels.agents.smb_route import CLIMB

    return np.flatnonzero((ref[:-1] > 0) & (height[1:] - np.maximum(ref[:-1], height[:-1]) > CLIMB))


def test_walls_c_kernel_matches_the_numpy_take_off_and_walls():
    """The C walls (``wall_columns``, ``steps``) against ``_walls(height, _take_off(height))``,
    ``_take_off`` being the numpy function ``steps`` still uses: random grounds of 0 to 13 tiles
    with pits, 1 to 60 columns."""
    from worldsmith.levels import _smbkernels
    from worldsmith.levels.agents.smb_route import CLIMB, TAKE_OFF, _take_off

    found = 0
    for seed in range(400):
        rng = np.random.default_rng(seed)
        w = int(rng.integers(1, 61))
        tiles = np.full((14, w), AIR, np.uint8)
        tiles[13 - rng.integers(-1, 13, w)[None, :] <= np.arange(14)[:, None]] = GROUND
        tiles[:, rng.random(w) < 0.2] = AIR
        height = heights(tiles)
        expected = _walls(np.array(height), _take_off(np.array(height))).tolist()
        assert _smbkernels.walls(tiles, SMB.solid_bytes(), CLIMB, TAKE_OFF) == expected, seed
        found += len(expected)
    assert found >= 200
