"""The pygame viewer driven headless with synthetic input (SDL dummy drivers)."""
from __future__ import annotations

import numpy as np
import pygame
import pytest
from conftest import pixels, press

import worldsmith as ws

VIEWS = ["Sprites", "Levels", "Scenes", "Plot"]


def ready_rects(view) -> list[pygame.Rect]:
    """Rects of the view's panels that show a generated asset."""
    return [r for s, r in zip(view.slots, view.rects) if s.asset is not None and s.error is None]


@pytest.mark.parametrize("name", VIEWS)
def test_view_renders_non_blank_frames_that_differ_between_seeds(viewer_factory, name):
    v = viewer_factory(name.lower(), seed=1)
    v.wait()
    v.step(1 / 60)
    rects = ready_rects(v.view)
    if not rects:
        pytest.skip(f"no {name} generator has landed: {[s.error for s in v.view.slots]}")
    first = [pixels(v.screen, r) for r in rects]
    for img in first:
        assert img.std() > 10 and len(np.unique(img.reshape(-1, 3), axis=0)) > 8
    seeds = [s.result.seed for s in v.view.slots if s.result]
    press(pygame.K_r)
    v.step(1 / 60)
    assert v.view.seed == 2
    v.wait()
    v.step(1 / 60)
    assert {s.result.seed for s in v.view.slots if s.result} == {2}
    assert seeds and set(seeds) == {1}
    second = [pixels(v.screen, r) for r in ready_rects(v.view)]
    assert any(not np.array_equal(a, b) for a, b in zip(first, second))


def test_unregistered_family_shows_not_available_panel(viewer_factory, monkeypatch):
    import viewer_views.scenes as scenes
    from _common import Source

    monkeypatch.setattr(scenes.ScenesView, "sources", (Source("Nothing", "scenes/nothing-v9"),))
    v = viewer_factory("scenes")
    v.wait()
    v.step(1 / 60)
    slot = v.view.slots[0]
    assert slot.asset is None and "not registered" in slot.error
    assert pixels(v.screen, v.view.rects[0]).std() > 5  # the panel is drawn, nothing crashed


def test_save_key_exports_the_views_assets(viewer_factory, tmp_path):
    v = viewer_factory("plot", seed=4)
    v.wait()
    press(pygame.K_s)
    v.step(1 / 60)
    v.wait()  # the export runs on the generation worker
    files = sorted((tmp_path / "saved").iterdir())
    assert [f.name for f in files] == ["plots_quest-v1_seed4.ink"]
    assert files[0].read_bytes() == v.view.slots[0].asset.export(fmt="ink")
    assert "saved 1 file" in v.status


def test_number_keys_choose_in_the_plot_and_ctrl_switches_view(viewer_factory):
    v = viewer_factory("plot", seed=3)
    v.wait()
    play = v.view.play
    options = play.available()
    press(pygame.K_1)
    v.step(1 / 60)
    assert play.beat == options[0].target and play.history[-2:] == [play.graph.start, play.beat]
    press(pygame.K_BACKSPACE)
    v.step(1 / 60)
    assert play.beat == play.graph.start
    press(pygame.K_1, pygame.KMOD_CTRL)
    v.step(1 / 60)
    assert v.view.name == "Sprites" and play.beat == play.graph.start


def test_tabs_number_keys_and_help(viewer_factory):
    v = viewer_factory("plot")
    tab = v._tab_rects()[1]
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=tab.center, button=1))
    v.step(1 / 60)
    assert v.view.name == "Levels"
    press(pygame.K_3)
    press(pygame.K_F1)
    v.step(1 / 60)
    assert v.view.name == "Scenes" and v.show_help


def test_screenshot_command_line(tmp_path):
    import viewer

    out = tmp_path / "plot.png"
    assert viewer.main(["--screenshot", str(out), "--view", "plot", "--seed", "5", "--frames", "2"]) == 0
    img = pygame.image.load(str(out))
    assert img.get_size() == viewer.SIZE
    assert "plots/quest-v1" in ws.list_generators()


def test_sprites_view_animates_and_click_enlarges(viewer_factory, monkeypatch):
    """Runs on a hand-made batch, so it does not wait for sprites/lpc-v1."""
    from concurrent.futures import Future

    import viewer_views.sprites as sprites
    from _common import Result, Source

    monkeypatch.setattr(sprites.SpritesView, "sources", (Source("Hand-made", "sprites/none-v1", n=5),))
    images = np.zeros((5, 4, 4, 64, 64, 4), np.uint8)
    for i in range(5):
        for f in range(4):
            images[i, :, f, 10 + 4 * f:40 + 4 * f, 20:44] = (40 * i, 200 - 30 * f, 90, 255)
    v = viewer_factory("sprites")
    slot = v.view.slots[0]
    slot.future = Future()
    slot.future.set_result(Result(ws.SpriteBatch(images, ws.AssetMeta(seed=list(range(5)))), 1, 5.0, 10.0))
    v.step(1 / 60)
    assert len(v.view.frames) == 5 and len(v.view.palettes[2]) == 4
    before = pixels(v.screen, v.view.cells[0])
    v.step(0.1)  # 10 fps sheet: one frame later
    assert not np.array_equal(before, pixels(v.screen, v.view.cells[0]))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=v.view.cells[3].center, button=1))
    v.step(1 / 60)
    assert v.view.selected == 3


def test_sprites_view_plays_every_lpc_v3_animation_and_keys_switch(viewer_factory, monkeypatch):
    """A hand-made CharacterBatch: A switches the animation (its name is drawn), D turns the
    enlarged character, and hurt (down only) shows one direction."""
    from concurrent.futures import Future

    import viewer_views.sprites as sprites
    from _common import Result, Source

    monkeypatch.setattr(sprites.SpritesView, "sources", (Source("Hand-made", "sprites/none-v3", n=2),))
    animations = ["walk", "slash", "hurt"]
    batch = ws.CharacterBatch(np.zeros((2, 66, 64, 64, 4), np.uint8), ws.AssetMeta(seed=[0, 1]),
                              animations=animations)
    for k, f in enumerate(batch.frames):  # a block that moves with the frame, coloured by animation
        colour = {"walk": (60, 200, 90, 255), "slash": (220, 60, 60, 255), "hurt": (60, 90, 220, 255)}
        batch.images[:, k, 10 + 3 * f.index:40 + 3 * f.index, 20:44] = colour[f.animation]
    v = viewer_factory("sprites")
    slot = v.view.slots[0]
    slot.future = Future()
    slot.future.set_result(Result(batch, 0, 5.0, {"walk": 10.0, "slash": 12.5, "hurt": 10.0}))
    v.step(1 / 60)
    view = v.view
    assert view.animations == animations and view.animation == "walk"
    assert view.directions == ["down", "left", "right", "up"]
    bar = pygame.Rect(view.cells[0].x, view.cells[0].y - sprites.BAR_H - 4, view.cells[0].w, sprites.BAR_H)
    walk_bar, walk_cell = pixels(v.screen, bar), pixels(v.screen, view.cells[0])
    assert (walk_cell == (60, 200, 90)).all(-1).any()
    press(pygame.K_a)
    v.step(1 / 60)
    assert view.animation == "slash" and view.time < 0.1
    assert not np.array_equal(walk_bar, pixels(v.screen, bar))  # the highlighted name moved
    assert (pixels(v.screen, view.cells[0]) == (220, 60, 60)).all(-1).any()
    before = pixels(v.screen, view.cells[0])
    v.step(0.08)  # 80 ms a slash frame: one frame later
    assert not np.array_equal(before, pixels(v.screen, view.cells[0]))
    press(pygame.K_d)
    v.step(1 / 60)
    assert view.facing == "left"
    press(pygame.K_a)
    v.step(1 / 60)
    assert view.animation == "hurt" and view.directions == ["down"] and view.facing == "down"
    press(pygame.K_a, pygame.KMOD_SHIFT)
    v.step(1 / 60)
    assert view.animation == "slash" and view.facing == "left"  # the chosen direction comes back


def test_sheet_timing_reads_each_animations_frame_rate():
    import viewer_views.sprites as sprites

    batch = ws.make("sprites/lpc-v3", animations=["walk", "slash", "hurt"])(seed=1)
    assert sprites.sheet_timing(batch) == {"walk": 10.0, "slash": 12.5, "hurt": 10.0}
    anims = sprites.animations_of(batch)[0]
    assert {a: {d: len(f) for d, f in dirs.items()} for a, dirs in anims.items()} == {
        "walk": dict.fromkeys(sprites.DIRECTIONS, 9), "slash": dict.fromkeys(sprites.DIRECTIONS, 6),
        "hurt": {"down": 6}}


def test_levels_view_shows_an_archive_grid_and_a_switches_back(viewer_factory, tmp_path):
    from worldsmith.levels import archive

    rooms = {f"cell-00{c}-00{r}.json": ws.make("levels/zelda-v1")(seed=c + 3 * r) for c, r in ((0, 0), (2, 1))}
    elites = [{"cell": [int(n[5:8]), int(n[9:12])], "measures": [0.0, 0.0], "objective": 1.5 + 0.1 * i, "file": n}
              for i, n in enumerate(rooms)]
    index = {"generator": "levels/zelda-v1", "measures": ["monsters", "blocks"], "ranges": [[0, 12], [0, 65]],
             "cells": [3, 2], "coverage": 2 / 6, "qd_score": 3.1, "elites": elites, "levels": rooms}
    archive.write(index, tmp_path / "arch")
    v = viewer_factory("levels", seed=1)
    v.view.load_archive(tmp_path / "arch")
    v.wait()
    v.step(1 / 60)
    grid = v.view.archive.draw(v.screen, pygame.Rect(8, 40, 1008, 560))
    cw, ch = grid.w // 3, grid.h // 2

    def cell(c, r):
        return pixels(v.screen, pygame.Rect(grid.x + c * cw, grid.bottom - (r + 1) * ch, cw, ch))

    filled, empty = cell(0, 0), cell(1, 0)
    assert filled.std() > 10 and len(np.unique(filled.reshape(-1, 3), axis=0)) > 8   # a room thumbnail
    assert len(np.unique(empty.reshape(-1, 3), axis=0)) <= 2                          # no elite there
    shown = pixels(v.screen)
    press(pygame.K_a)
    v.step(1 / 60)
    assert not v.view.show_archive and not np.array_equal(pixels(v.screen), shown)    # the levels again
    press(pygame.K_a)
    v.step(1 / 60)
    assert v.view.show_archive
