"""The ground route (``agent="route"``): footholds joined to the bottom row, the A* agent's jump
from a standstill."""
from __future__ import annotations

import pytest

from worldsmith.levels.agents import smb_path
from worldsmith.levels.agents.smb_route import ground_route_fails
from worldsmith.types.tiles import SMB

from .test_smb_astar import AIR, GROUND, flat, platforms


@pytest.mark.parametrize("gap", [1, 3, 5])
def test_crosses_pits_up_to_five(gap):
    tiles = flat()
    tiles[12:, 20:20 + gap] = AIR
    assert ground_route_fails(tiles) is None


@pytest.mark.parametrize("gap", [6, 7])
def test_stops_at_wider_pits_that_the_tile_search_crosses(gap):
    tiles = flat()
    tiles[12:, 20:20 + gap] = AIR
    assert smb_path(tiles) is not None                 # the NES tile search jumps 7
    assert 20 <= ground_route_fails(tiles) < 20 + gap


@pytest.mark.parametrize("height, passes", [(3, True), (4, True), (5, False)])
def test_climbs_steps_of_four(height, passes):
    tiles = flat()
    tiles[12 - height:12, 20:] = GROUND
    assert (ground_route_fails(tiles) is None) == passes


def test_platforms_are_no_footholds():
    tiles = platforms()                                # the way on is over the platforms only
    assert smb_path(tiles) is not None
    assert ground_route_fails(tiles) is not None
    bridged = tiles.copy()
    bridged[13, :] = GROUND                            # ground all the way: the route walks
    assert ground_route_fails(bridged) is None


def test_platform_over_a_pit_blocks_but_never_carries():
    tiles = flat()
    tiles[12:, 20:24] = AIR                            # a pit of 4: a jump from the ground crosses it
    tiles[8, 18:26] = SMB.id("S")                      # bricks low over it: the jump bumps, and no standing on them
    assert smb_path(tiles) is not None
    assert ground_route_fails(tiles) is not None


def test_generator_levels_have_a_route():
    import worldsmith as ws  # lazy: loads the shipped model only for this test

    gen = ws.make("levels/smb-v1", width=84, agent="route")
    plain = ws.make("levels/smb-v1", width=84)
    levels = [gen(seed=s) for s in range(4)]
    assert all(ground_route_fails(lv.tiles) is None and lv.path for lv in levels)
    routes = [ground_route_fails(plain(seed=s).tiles) is None for s in range(4)]
    assert [lv.tiles.tolist() for lv, ok in zip(levels, routes) if ok] == \
        [plain(seed=s).tiles.tolist() for s, ok in enumerate(routes) if ok]   # a level with a route is kept
    assert not all(routes)                             # and some default levels lack one


def test_inpainting_refuses_a_second_check():
    import worldsmith as ws
    from worldsmith.core.errors import ConfigError

    for agent in ("route", "both"):
        with pytest.raises(ConfigError, match="agent"):
            ws.make("levels/smb-v1", source="level.txt", agent=agent)
