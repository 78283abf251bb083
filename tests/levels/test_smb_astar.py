"""The second SMB agent (Baumgarten's A* over simulated frames) and the ``agent="both"`` switch."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from worldsmith.levels import playable
from worldsmith.levels.agents import smb_path
from worldsmith.levels.agents.smb_astar import (
    _Level,
    astar_fails,
    astar_path,
    astar_run,
    start_world,
    tick,
)
from worldsmith.types.tiles import SMB, parse_text

AIR, GROUND, ENEMY = SMB.id("-"), SMB.id("X"), SMB.id("E")


def flat(width: int = 48) -> np.ndarray:
    tiles = np.full((14, width), AIR, np.uint8)
    tiles[12:] = GROUND
    return tiles


def corridor(width: int = 48, goomba: int = 24) -> np.ndarray:
    """A tunnel one tile high (Mario cannot jump) with two goombas walking toward him (one he
    may pass between two frames at full speed, as in the framework: collisions are checked after
    each frame's moves)."""
    tiles = flat(width)
    tiles[10, :width - 4] = GROUND
    tiles[11, goomba:goomba + 2] = ENEMY
    return tiles


#: the start of a worldsmith level (the second of seed 0's 500 in the agreement run) that the
#: tile search finishes (over the goombas' platform) and the A* agent does not (it falls)
PLATFORMS = """\
----------------------------------------
----------------------------------------
------------------oo------------------SS
----------------------E-EE-E------------
---------------------XXXXXXXXX----------
-------QQQS-----------------------------
---------------------------------oo-----
----------------------------------------
----------------XXXXX-------------------
--------SS------------------------------
----------------------------------------
--------------o-------------------------
----E-E------XXX------------------------
XXXXXXXXXXXXXX-------------------XXXX-XX
"""


def platforms() -> np.ndarray:
    return parse_text(PLATFORMS, SMB)


def test_finishes_a_flat_level():
    run = astar_run(flat())
    assert run.finished and run.cause == "win" and run.far == 47
    assert astar_path(flat())[-1][1] == 47


@pytest.mark.parametrize("gap", [3, 7, 10])
def test_jumps_gaps_it_can_cross(gap):
    tiles = flat(60)
    tiles[12:, 20:20 + gap] = AIR
    assert astar_run(tiles).finished


@pytest.mark.parametrize("gap", [11, 14])
def test_falls_into_a_gap_too_wide(gap):
    tiles = flat(60)
    tiles[12:, 20:20 + gap] = AIR
    run = astar_run(tiles)
    assert not run.finished and run.cause == "fell" and 20 <= run.far < 20 + gap
    assert astar_fails(tiles) == run.far


def test_stops_at_a_wall_too_high():
    tiles = flat(60)
    tiles[7:12, 25:27] = GROUND                        # 5 tiles: small Mario's jump tops out at 4.2
    run = astar_run(tiles, budget=100)
    assert not run.finished and run.cause == "stuck" and run.far < 25
    tiles[7] = AIR                                     # 4 tiles: climbable
    assert astar_run(tiles).finished


def test_walking_into_a_goomba_kills_mario():
    level = _Level(corridor())
    world = start_world(level)
    for _ in range(200):
        tick(level, world, (0, 1, 0, 0))               # walk right, never jump
        if world.status != "run":
            break
    assert world.status == "hurt" and 8 * 16 < world.mario[0] < 24 * 16


def test_stomping_a_goomba_kills_it():
    tiles = flat()
    tiles[11, 12] = ENEMY
    level = _Level(tiles)
    world = start_world(level)
    world.mario[0] = 12 * 16 + 12.0                    # just above the goomba (it walks right), falling
    world.mario[1] = 10 * 16 + 15.0
    world.mario[4] = world.mario[5] = False
    for _ in range(20):
        tick(level, world, (0, 0, 0, 0))
        if not world.goombas and world.spawned:
            break
    assert world.status == "run" and world.spawned == 1 and not world.goombas
    assert world.mario[3] < 0                          # the stomp bounced Mario up


def test_hops_in_a_tunnel_stomp_goombas():
    run = astar_run(corridor())                        # landing from a hop counts as a stomp
    assert run.finished


def test_a_level_only_the_tile_search_finishes():
    tiles = platforms()
    assert smb_path(tiles) is not None
    run = astar_run(tiles)
    assert not run.finished and run.cause == "fell" and run.far < 39


def test_goombas_walk_off_ledges_and_turn_at_walls():
    tiles = flat(40)
    tiles[11, 26] = ENEMY
    tiles[12:, 20:24] = AIR                            # a pit between Mario and the goomba
    level = _Level(tiles)
    world = start_world(level)
    world.mario[0] = 17 * 16.0                         # the goomba's column enters the camera
    tick(level, world, (0, 0, 0, 0))
    assert world.spawned == 1 and world.goombas[0][5] == -1        # spawned facing Mario
    for _ in range(100):
        tick(level, world, (0, 0, 0, 0))
    assert not world.goombas and world.status == "run"             # walked off the ledge, fell out
    tiles = flat(40)
    tiles[11, 34] = ENEMY
    tiles[8:12, 36] = GROUND                           # a wall right of the goomba
    level = _Level(tiles)
    world = start_world(level)
    world.mario[0] = 38 * 16.0                         # Mario beyond the wall: it walks right
    tick(level, world, (0, 0, 0, 0))
    assert world.goombas[0][5] == 1
    for _ in range(40):
        tick(level, world, (0, 0, 0, 0))
    assert world.goombas[0][5] == -1 and world.goombas[0][0] < 34 * 16 + 8   # turned at the wall


def test_deterministic():
    tiles = flat(80)
    tiles[12:, 30:36] = AIR
    tiles[11, 50] = ENEMY
    a, b = astar_run(tiles), astar_run(tiles)
    assert a.finished and a.trace == b.trace and a.nodes == b.nodes


def test_second_check_resamples_a_level_only_the_astar_agent_rejects():
    trap, clean = platforms(), flat(40)

    def decode(z: torch.Tensor) -> np.ndarray:
        return (trap if float(z[:, 0].sum()) < 0 else clean).copy()

    z = -torch.ones(4, 2)
    fresh = lambda k: torch.ones(k, 2)                 # noqa: E731 - new latents decode clean
    tiles, path, attempts = playable.smb(decode, z, fresh, 12, 8)
    assert path is not None and attempts == 1 and (tiles == ENEMY).any()       # first agent only
    tiles, path, attempts = playable.smb(decode, z, fresh, 12, 8, astar_fails)
    assert path is not None and attempts > 1 and astar_run(tiles).finished


def test_second_check_flattens_when_resampling_cannot_help():
    trap = platforms()
    tiles, path, attempts = playable.smb(lambda z: trap.copy(), torch.zeros(4, 2), lambda k: torch.zeros(k, 2),
                                         12, 2, astar_fails)
    assert path is not None and astar_run(tiles).finished


def test_generator_switch_changes_the_levels(monkeypatch):
    import worldsmith as ws  # lazy: loads the shipped model only for this test
    from worldsmith.levels import generator

    seen = []

    def rejects_the_first(tiles: np.ndarray) -> int | None:        # a stand-in A* agent
        seen.append(tiles.copy())
        return 30 if len(seen) == 1 else None

    default = ws.make("levels/smb-v1", width=56, agent="search")(seed=3)   # the tile search alone
    monkeypatch.setattr(generator, "astar_fails", rejects_the_first)
    both = ws.make("levels/smb-v1", width=56, agent="both")(seed=3)
    assert len(seen) >= 2 and np.array_equal(seen[0], default.tiles)   # the search's level, rejected
    assert not np.array_equal(both.tiles, default.tiles) and both.path
    assert both.meta.extra["attempts"] > default.meta.extra["attempts"]
    seen.clear()
    assert ws.make("levels/smb-v1", width=56, agent="search")(seed=3).tiles.tolist() == default.tiles.tolist() \
        and not seen


def test_a_visited_node_costs_one_penalty():
    """Baumgarten's ``SearchNode``: a node near one already expanded costs its simulated time
    plus the visited penalty once (the port added it twice before)."""
    from worldsmith.levels.agents.smb_astar import VISITED_PENALTY, _Node

    node = _Node(None, (0, 0, 0, 0), start_world(_Level(flat())))
    node.real = 100.0
    node.visited = True
    assert node.remaining() == 100.0 + VISITED_PENALTY
