"""scenes/platformer-v1: playable from spawn to flag, objects where the level put them, quest
beats on checkpoints, backgrounds, and Tiled files that pytmx and pytiled-parser load."""
from __future__ import annotations

import csv
import io
import json
import re

import numpy as np
import pytest

import worldsmith as ws
from worldsmith.cli import main
from worldsmith.core.errors import ConfigError
from worldsmith.scenes.tiled2d.checks import cell_of, load_tiled, platformer_route
from worldsmith.scenes.tiled2d.sprites2d import HERO
from worldsmith.types.scene import TILE

SEEDS = range(10)


@pytest.fixture(scope="module")
def scenes():
    gen = ws.make("scenes/platformer-v1", width=96, hero="procedural")
    return [gen(seed=s) for s in SEEDS]


def test_every_scene_is_playable_from_spawn_to_flag(scenes):
    for s in scenes:
        route = platformer_route(s)
        assert route is not None, s.meta.seed
        assert route[0] == cell_of(s.layer("spawn")[0])


def test_objects_stand_where_the_level_allows(scenes):
    for s in scenes:
        solid = s.solid_mask()
        h = s.shape[0]
        for o in s.layer("enemies") + s.layer("checkpoints") + s.layer("goal"):
            r, c = cell_of(o)
            assert not solid[r, c] and (r + 1 == h or solid[r + 1, c]), (o.name, r, c)
        for o in s.layer("items"):
            r, c = cell_of(o)
            name = s.tile_names[s.tiles[r, c] - 1] if s.tiles[r, c] else ""
            assert name == ("question" if o.type == "question_block" else ""), (o.name, name)
        assert {o.sprite for o in s.objects if o.sprite} <= set(s.sprites)


def test_quest_beats_are_bound_to_checkpoints_in_order(scenes):
    for s in scenes:
        posts = s.layer("checkpoints")
        beats = [p.properties["beat"] for p in posts]
        assert beats[0] == s.plot.start and beats[-1] in s.plot.endings
        assert [p.properties["order"] for p in posts] == list(range(len(posts)))
        assert [p.x for p in posts] == sorted(p.x for p in posts)
        for p in posts:
            assert p.properties["text"] == s.plot.beat(p.properties["beat"]).text


def test_backgrounds_scroll_slower_than_the_tiles_and_tile_seamlessly(scenes):
    bgs = scenes[0].backgrounds
    assert [b.name for b in bgs] == ["sky", "clouds", "hills"]
    assert [b.parallax for b in bgs] == sorted(b.parallax for b in bgs) and bgs[-1].parallax < 1
    assert all(b.image.shape[0] == scenes[0].pixel_size[1] for b in bgs)
    assert bgs[0].image[..., 3].min() == 255  # the sky is opaque
    hills = bgs[2].image[..., 3] > 0
    assert np.abs(hills[:, 0].sum() - hills[:, -1].sum()) <= 4  # the ridge continues across the seam


def test_tmx_and_tmj_load_in_both_tiled_readers(scenes, tmp_path):
    s = scenes[1]
    tmx = s.export(tmp_path / "level.tmx")[0]
    tmj = s.export(tmp_path / "level.tmj")[0]
    a, b = load_tiled(tmx), load_tiled(tmj)
    n_layers = len(s.backgrounds) + 1 + len(s.layers())
    assert a["pytmx_layers"] == a["pytiled_layers"] == b["pytiled_layers"] == n_layers
    assert a["pytmx_objects"] == a["pytiled_objects"] == b["pytiled_objects"] == len(s.objects)
    assert a["pytmx_sprite_images"] == a["pytmx_sprites"] == sum(bool(o.sprite) for o in s.objects)


def test_tiled_tile_data_and_properties_match_the_scene(scenes, tmp_path):
    import pytiled_parser

    s = scenes[2]
    m = pytiled_parser.parse_map(s.export(tmp_path / "level.tmj")[0])
    layer = next(layer for layer in m.layers if layer.name == "tiles")
    assert np.array_equal(np.array(layer.data), s.tiles)
    posts = next(layer for layer in m.layers if layer.name == "checkpoints").tiled_objects
    assert [o.properties["beat"] for o in posts] == [o.properties["beat"] for o in s.layer("checkpoints")]
    names = {p.name.rsplit("-", 1)[0] + p.suffix for p in tmp_path.iterdir()}     # <sheet>-<hash>.tsx/.png
    assert names >= {"tiles.tsx", "tiles.png", "hero.tsx", "hero.png", "level-bg.png"}


def test_bundle_is_a_folder_with_an_index_game_code_can_follow(scenes, tmp_path):
    s = scenes[3]
    files = s.export(tmp_path / "level1.bundle")
    assert files[0] == tmp_path / "level1" / "scene.json"
    index = json.loads(files[0].read_text())
    root = files[0].parent
    for rel in [*index["map"].values(), index["render"], *index["images"], *index["story"].values()]:
        assert (root / rel).is_file(), rel
    assert index["spawn"] == {"x": s.layer("spawn")[0].x, "y": s.layer("spawn")[0].y}
    assert index["draw_order"] == ["sky", "clouds", "hills", "tiles", *s.layers()]
    assert load_tiled(root / "map.tmx")["pytmx_objects"] == len(s.objects)
    ids = [row[0] for row in csv.reader(io.StringIO((root / index["story"]["strings"]).read_text()))][1:]
    assert ids and sorted(ids) == sorted(re.findall(r"#id:(\w+)", (root / index["story"]["ink"]).read_text()))


def test_png_render_shows_the_whole_level(scenes, tmp_path):
    from PIL import Image

    s = scenes[4]
    img = np.asarray(Image.open(s.export(tmp_path / "level.png")[0]))
    assert img.shape == (s.shape[0] * TILE, s.shape[1] * TILE, 3)
    assert len(np.unique(img.reshape(-1, 3), axis=0)) > 50


def test_json_round_trips_exactly(scenes, tmp_path):
    assert ws.load(scenes[5].export(tmp_path / "scene.json")[0]) == scenes[5]


def test_hero_source_is_recorded(scenes):
    assert scenes[0].meta.extra["hero"] == "procedural"
    assert scenes[0].sprites["hero"].shape == (16, 64, 64, 4)


def test_bad_config_is_one_clear_error(capsys):
    with pytest.raises(ConfigError, match="width"):
        ws.make("scenes/platformer-v1", width=8)
    if HERO not in ws.list_generators():
        with pytest.raises(ConfigError, match="hero"):
            ws.make("scenes/platformer-v1", hero="lpc")
    argv = ["generate", "scenes/platformer-v1", "--seed", "1", "--set", "enemy_kinds=9", "--out", "x.tmx"]
    assert main(argv) == 2
    assert "enemy_kinds" in capsys.readouterr().err


def test_paste_blends_only_partial_alpha_and_gives_the_full_blend():
    """Copying opaque pixels and leaving clear ones gives the blend formula's numbers exactly,
    clipped at the canvas edges too."""
    from worldsmith.scenes.tiled2d.export import _paste

    rng = np.random.default_rng(0)
    for x, y in ((0, 0), (-3, 5), (20, -4), (28, 10)):
        canvas = rng.random((16, 32, 3)).astype(np.float32) * 255
        img = rng.integers(0, 256, (12, 9, 4)).astype(np.uint8)
        img[..., 3] = rng.choice([0, 255, 17, 128], (12, 9))
        want = canvas.copy()
        x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + 9, 32), min(y + 12, 16)
        part = img[y0 - y:y1 - y, x0 - x:x1 - x].astype(np.float32)
        a = part[..., 3:] / 255.0
        want[y0:y1, x0:x1] = want[y0:y1, x0:x1] * (1 - a) + part[..., :3] * a
        _paste(canvas, img, x, y)
        assert np.array_equal(canvas, want), (x, y)
