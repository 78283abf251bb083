"""The platformer: its grid moves, the autoplay bot on 20 generated levels, and the game loop
driven headless with synthetic keys."""
from __future__ import annotations

import time

import numpy as np
import pygame
import pytest
from conftest import pixels, press
from platformer_game.bot import Bot
from platformer_game.world import HURT_STEPS, SLASH_STEPS, Input, World, move

import worldsmith as ws
from worldsmith.levels.physics import moves

SMALL_LEVEL = {"width": 80}


def grid(rows: list[str]) -> list[list[bool]]:
    """Clear cells of a picture where X is solid."""
    return [[ch != "X" for ch in row] for row in rows]


def test_moves_walk_jump_bump_and_fall():
    m = moves()
    open_ = grid(["......"] * 6 + ["XXXXXX"])
    assert move(open_, 5, 1, 0, 0, Input(1)) == (5, 2, 0, 0, None)
    r, c, phase, steer, _ = move(open_, 5, 1, 0, 0, Input(0, True))       # take off
    assert (r, c, phase, steer) == (5, 1, m.jump, m.steer[m.jump])
    rows = [r]
    while phase:                                                         # a full jump straight up
        r, c, phase, steer, _ = move(open_, r, c, phase, steer, Input(0, True))
        rows.append(r)
    assert min(rows) == 5 - 4 and (r, c) == (5, 1)                       # 4 rows up, and back down
    walled = grid(["......", ".X....", "..X...", "XXXXXX"])
    assert move(walled, 2, 1, 0, 0, Input(0, True))[4] == (1, 1)         # head bump
    assert move(walled, 2, 1, 0, 0, Input(1))[:2] == (2, 1)              # a wall stops the walk
    pit = grid(["....", "....", "X..X"])
    r, c, phase, steer, _ = move(pit, 1, 0, 0, 0, Input(1))               # walks off the ledge
    assert (r, c, phase) == (1, 1, m.drop)
    assert move(pit, 1, 1, phase, 0, Input(0))[:3] == (2, 1, m.next[m.drop])
    assert move(pit, 2, 1, m.next[m.drop], 0, Input(0))[0] == 3          # fell out of the level


def test_stomp_from_above_and_hurt_from_the_side():
    tiles = ws.TileLevel(np.full((5, 8), 2, np.uint8), "smb")
    v = tiles.vocab
    tiles.tiles[4] = v.id("X")
    tiles.tiles[3, 4] = v.id("E")
    tiles.tiles[3, 6] = v.id("o")
    world = World(tiles)
    assert world.hero.r == 3 and len(world.enemies) == 1
    world.hero.r, world.hero.c = 2, 4
    world.tick(Input(0))
    assert world.stats.stomps == 1 and not world.enemies
    world.enemies.append(type(world.hero)(3, 5, face=-1))
    world.tick(Input(1))
    assert world.stats.hurts == 1
    world.tick(Input(1))                           # feet reach the ground: he lands
    world.tick(Input(1))
    assert world.stats.coins == 1 and (3, 6) not in world.coins


def test_slash_defeats_the_enemy_in_reach_once_per_swing():
    tiles = ws.TileLevel(np.full((5, 8), 2, np.uint8), "smb")
    v = tiles.vocab
    tiles.tiles[4] = v.id("X")
    tiles.tiles[3, [2, 4]] = v.id("E")
    world = World(tiles)
    world.hero.r, world.hero.c, world.hero.face = 3, 3, 1
    assert world.attack() and world.slash == SLASH_STEPS
    assert world.stats.slashes == 1 and [(e.r, e.c) for e in world.enemies] == [(3, 2)]
    world.hero.face = -1
    assert not world.attack()                      # one swing at a time
    for _ in range(SLASH_STEPS):
        world.tick(Input(0))
    world.enemies[0].c = 2                         # it walked off meanwhile: back within reach
    assert world.slash == 0 and world.attack() and world.stats.slashes == 2 and not world.enemies


def test_hero_poses_follow_the_hit_and_the_slash():
    from platformer_game.draw import HURT_FRAMES, hero_pose

    tiles = ws.TileLevel(np.full((5, 8), 2, np.uint8), "smb")
    tiles.tiles[4] = tiles.vocab.id("X")
    world = World(tiles)
    assert hero_pose(world, 0.0) == ("walk", 0)
    world.attack()
    poses = []
    for _ in range(SLASH_STEPS):
        poses += [hero_pose(world, 0.0), hero_pose(world, 0.5)]
        world.tick(Input(0))
    assert {p[0] for p in poses} == {"slash"} and hero_pose(world, 0.0) == ("walk", 0)
    indices = [p[1] for p in poses]
    assert indices == sorted(indices) and set(indices) == set(range(6))  # all six frames, in order
    world = World(tiles)
    world.hurt = HURT_STEPS
    seen = []
    while world.hurt:
        seen.append(hero_pose(world, 0.0))
        world.tick(Input(0))
    assert seen[:HURT_FRAMES] == [("hurt", i) for i in range(HURT_FRAMES)]
    assert {p[0] for p in seen[HURT_FRAMES:]} == {"walk"}


def test_autoplay_bot_reaches_the_goal_on_20_seeds():
    levels = ws.make("levels/smb-v1", **SMALL_LEVEL)
    quests = ws.make("plots/quest-v1", acts=1, endings=2)
    for seed in range(20):
        level = levels(seed=seed)
        assert level.path, f"seed {seed}: the generator returned an unsolved level"
        world = World(level, quests(seed=seed))
        assert Bot(world).play(), f"seed {seed}: bot stopped at {world.hero} with {world.stats}"
        assert world.hero.c == level.shape[1] - 1 and world.stats.falls == 0
        assert any(e.startswith("chose") for e in world.stats.events)


@pytest.fixture
def game(monkeypatch):
    import platformer
    from _common import Source

    monkeypatch.setattr(platformer, "LEVEL", Source("Level", "levels/smb-v1", SMALL_LEVEL))
    monkeypatch.setattr(platformer, "CAST", Source("Cast", "sprites/lpc-v3", platformer.CAST.config, n=2))
    made = []

    def make(**kw):
        g = platformer.Platformer(size=(640, 480), **kw)
        made.append(g)
        g.wait()
        return g

    yield make
    for g in made:
        g.close()


def test_game_loop_autoplay_wins_and_moves_on(game):
    g = game(seed=5, autoplay=True)
    first = pixels(g.screen)
    assert first.std() > 10
    for _ in range(2000):
        g.step(0.1)  # one grid move per frame: the real loop, fast
        if g.world.won:
            break
    assert g.world.won
    deadline = time.monotonic() + 120  # the next level is still generating in the background
    while not g.levels_won and time.monotonic() < deadline:
        g.step(0.1)
        time.sleep(0.01)
    assert g.levels_won == 1
    g.wait()
    g.step(1 / 60)
    assert g.current.seed == 6
    assert not np.array_equal(first, pixels(g.screen))


def test_quest_box_takes_the_number_key(game):
    g = game(seed=2)
    world, bot = g.world, Bot(g.world)
    while world.dialog is None and not world.won:
        world.tick(bot.input())
    assert world.dialog is not None, "no checkpoint on the way"
    options = world.story.available()
    key = min(len(options), 2)
    press(pygame.K_0 + key)
    g.step(1 / 60)
    assert world.dialog is None and world.story.beat == options[key - 1].target


def test_n_key_switches_to_the_level_generated_meanwhile(game):
    g = game(seed=8)
    while not g.upcoming.ready:
        g.step(1 / 60)
    press(pygame.K_n)
    g.step(1 / 60)
    g.wait()
    g.step(1 / 60)
    assert g.current.seed == 9 and g.world.level.meta.seed == 9


def test_missing_level_generator_shows_a_panel(monkeypatch):
    import platformer
    from _common import Source

    monkeypatch.setattr(platformer, "LEVEL", Source("Level", "levels/nothing-v9"))
    g = platformer.Platformer(size=(640, 480))
    try:
        for _ in range(5):
            g.step(1 / 60)
        assert g.world is None and "not registered" in g.loading.slots["Level"].error
        assert pixels(g.screen).std() > 5
    finally:
        g.close()


def test_x_key_slashes_with_the_lpc_v3_hero_and_a_hit_knocks_him_down(game):
    from platformer_game.draw import hero_pose

    g = game(seed=2)
    world, cast = g.world, g.cast
    assert set(cast.hero[0]) == {"walk", "slash", "hurt"} and list(cast.hero[0]["hurt"]) == ["down"]
    walk = pixels(g.screen)
    press(pygame.K_x)
    for _ in range(10):
        g.step(1 / 60)
    assert world.slash and hero_pose(world, g.frac)[0] == "slash"
    assert not np.array_equal(walk, pixels(g.screen))
    right = [cast.frame(0, 1, 0, False, ("slash", i)) for i in range(6)]
    assert len({pygame.image.tobytes(f, "RGBA") for f in right}) == 6          # six distinct slash frames
    assert cast.frame(0, -1, 0, False, ("hurt", 5)) is cast.frame(0, 1, 0, False, ("hurt", 5))  # faces down
    world.enemies.append(type(world.hero)(world.hero.r, world.hero.c, face=-1))
    world.slash = 0
    world.tick(Input(0))                           # an enemy walked into him
    assert world.stats.hurts == 1 and hero_pose(world, 0.0) == ("hurt", 0)
