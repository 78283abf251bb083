"""Tiled maps (levels and 2D scenes, .tmx and .tmj) keep their tilesets in external .tsx files
named by content, shared by the maps of a folder and locked once by a bake; tile animations are
valid; helper objects carry the types engine importers make no walls of; Tiled's own renderer
(tmxrasterizer, when installed) draws the maps as worldsmith does."""
from __future__ import annotations

import json
import os
import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image

import worldsmith as ws
from worldsmith.bake import bake
from worldsmith.cli import main
from worldsmith.levels.render import ANIMATIONS
from worldsmith.types.tiles import vocab

pytiled_parser = pytest.importorskip("pytiled_parser", reason="pytiled-parser (dev extra) reads the maps back")

LEVELS = [("levels/smb-v1", {"width": 40}), ("levels/loderunner-v1", {}), ("levels/zelda-v1", {})]
SCENES = [("scenes/platformer-v2", {"width": 48}), ("scenes/dungeon-v2", {})]
TWO_MAPS = """
[[asset]]
id = "{first}"
seed = 1
config = {{ width = 40{hero} }}
outputs = ["a.tmx", "a.tmj"]

[[asset]]
id = "{second}"
seed = 2
config = {{ width = 40{hero} }}
outputs = ["b.tmx"]
"""


@pytest.fixture(scope="module")
def assets():
    return {gid: ws.make(gid, **config)(seed=3) for gid, config in LEVELS + SCENES}


def _export(asset, folder, ext):
    files = asset.export(folder / f"map.{ext}")
    return files[0], pytiled_parser.parse_map(files[0])


@pytest.mark.parametrize("ext", ["tmx", "tmj"])
@pytest.mark.parametrize("gid", [g for g, _ in LEVELS + SCENES])
def test_tilesets_are_external_content_named_and_animations_valid(assets, gid, ext, tmp_path):
    asset = assets[gid]
    path, m = _export(asset, tmp_path, ext)
    text = path.read_text()
    tsx = sorted(p.name for p in tmp_path.glob("*.tsx"))
    assert len(tsx) == len(m.tilesets) and all(f'"{name}"' in text for name in tsx)   # referenced, not embedded
    assert all((tmp_path / name).with_suffix(".png").is_file() for name in tsx)
    animated = {}
    for ts in m.tilesets.values():
        for tile in (ts.tiles or {}).values():
            for frame in tile.animation or []:
                assert 0 <= frame.tile_id < ts.tile_count and frame.duration > 0, (ts.name, tile.id, frame)
            if tile.animation:
                animated.setdefault(ts.name, []).append((tile.id, len(tile.animation)))
    if hasattr(asset, "game"):
        v = vocab(asset.game)
        assert sorted(animated.get(asset.game, [])) == sorted((v.id(ch), len(f))
                                                              for ch, f in ANIMATIONS.get(asset.game, {}).items())
    else:
        walk = asset.meta.extra["hero_sheets"]["hero"]["frames"]
        assert animated["hero"] == [(d * walk, walk) for d in range(4)]        # one walk loop per direction
        assert all(n == len(asset.sprites[name]) for name, loops in animated.items() if not name.startswith("hero")
                   for _, n in loops)


@pytest.mark.parametrize("gid", [g for g, _ in LEVELS + SCENES])
def test_helper_objects_are_areas_and_sprites_with_their_role(assets, gid, tmp_path):
    asset = assets[gid]
    _, m = _export(asset, tmp_path, "tmj")
    objects = [o for layer in m.layers for o in getattr(layer, "tiled_objects", [])]
    assert objects
    for o in objects:
        tile = isinstance(o, pytiled_parser.tiled_object.Tile)
        assert o.class_ == ("sprite" if tile else "area") and o.properties["role"], o
    if hasattr(asset, "game"):
        assert [(o.name, o.properties["role"]) for o in objects] == [("agent path", "path")]
    else:
        assert [o.properties["role"] for o in objects] == [o.type for layer in asset.layers()
                                                           for o in asset.layer(layer)]


def test_json_tilesets_always_list_their_tiles(assets, tmp_path):
    """vnen's Godot importer indexes ``tiles`` unchecked (``Invalid get index 'tiles'``)."""
    bundle = assets["scenes/platformer-v2"].export(tmp_path / "s.bundle")[0].parent
    tilesets = json.loads((bundle / "map.tmj").read_text())["tilesets"]
    assert tilesets and all(isinstance(ts["tiles"], list) and "image" in ts for ts in tilesets)
    hero = next(ts for ts in tilesets if ts["name"] == "hero")
    assert {"tileid", "duration"} == set(next(t for t in hero["tiles"] if "animation" in t)["animation"][0])


def test_maps_of_one_folder_share_equal_tilesets(assets, tmp_path):
    pytmx = pytest.importorskip("pytmx", reason="pytmx (dev extra) reads the .tmx maps")
    for seed in (1, 2):
        ws.make("levels/smb-v1", width=30)(seed=seed).export(tmp_path / f"l{seed}.tmx")
        ws.make("levels/smb-v1", width=30)(seed=seed).export(tmp_path / f"l{seed}.tmj")
    assets["levels/loderunner-v1"].export(tmp_path / "lr.tmx")
    assert sorted(p.name.split("-")[0] for p in tmp_path.glob("*.tsx")) == ["loderunner", "smb"]
    colliders = dict(pytmx.TiledMap(str(tmp_path / "l2.tmx")).get_tile_colliders())
    assert len(colliders) == int(vocab("smb").solid_mask().sum())


def test_a_two_level_bake_writes_and_locks_the_shared_tileset_once(tmp_path, monkeypatch):
    from worldsmith.bake import staging

    written, real = [], staging.write_atomic
    monkeypatch.setattr(staging, "write_atomic",
                        lambda path, data, **kw: (written.append(path.name), real(path, data, **kw))[1])
    (tmp_path / "m.toml").write_text(TWO_MAPS.format(first="levels/smb-v1", second="levels/smb-v1", hero=""))
    lock = bake(tmp_path / "m.toml", tmp_path / "out")
    assets = [w for w in written if w not in ("assets.lock.json", "PUBLISHING")]   # the bake's own files
    assert sorted(assets) == sorted(set(assets)) and len(assets) == 5     # a.tmx a.tmj b.tmx + tsx + png
    shared = sorted(p.name for p in (tmp_path / "out").glob("smb-*"))
    assert len(shared) == 2 and sorted(lock["shared"]) == shared
    for a in lock["assets"]:
        assert a["shared"] == shared and not set(a["files"]) & set(shared)
    assert sorted(lock["assets"][0]["files"]) == ["a.tmj", "a.tmx"] and list(lock["assets"][1]["files"]) == ["b.tmx"]
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]   # no staging left
    for i in range(2):
        bake(tmp_path / "m.toml", tmp_path / "sharded", shard=(i, 2))
    assert main(["bake", "merge", "--out", str(tmp_path / "sharded")]) == 0
    merged = (tmp_path / "sharded" / "assets.lock.json").read_bytes()
    assert merged == (tmp_path / "out" / "assets.lock.json").read_bytes()


def test_two_different_files_under_one_shared_name_fail_before_writing(tmp_path, monkeypatch, capsys):
    from worldsmith.export import tiled

    monkeypatch.setattr(tiled, "_digest", lambda data: "00000000")     # every tileset named alike
    (tmp_path / "m.toml").write_text(TWO_MAPS.format(first="scenes/platformer-v1", second="scenes/platformer-v1",
                                                        hero=', hero = "procedural"'))
    assert main(["bake", str(tmp_path / "m.toml"), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "asset[1] writes other bytes than asset[0]" in err and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def _tiled(tool: str, *args) -> None:
    """Run one of Tiled's command-line tools without a display."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    subprocess.run([tool, *map(str, args)], check=True, env=env, capture_output=True, timeout=120)


def _rasterize(path, out, *args: str) -> np.ndarray:
    _tiled("tmxrasterizer", *args, path, out)
    return np.asarray(Image.open(out).convert("RGB"))


@pytest.mark.skipif(shutil.which("tiled") is None, reason="Tiled (apt-get install tiled) is not installed")
@pytest.mark.parametrize("ext", ["tmx", "tmj"])
def test_tiled_reads_the_external_tileset_back(assets, ext, tmp_path):
    """Tiled itself loads the map and its .tsx and writes them back as one JSON map."""
    level = assets["levels/smb-v1"]
    path, _ = _export(level, tmp_path, ext)
    _tiled("tiled", "--export-map", "--embed-tilesets", path, tmp_path / "back.tmj")
    back = json.loads((tmp_path / "back.tmj").read_text())
    (ts,) = back["tilesets"]
    assert sum("animation" in t for t in ts["tiles"]) == len(ANIMATIONS["smb"])
    assert sum("objectgroup" in t for t in ts["tiles"]) == int(vocab("smb").solid_mask().sum())
    (path_object,) = back["layers"][1]["objects"]
    assert path_object["type"] == "area" and path_object["properties"][0]["value"] == "path"


@pytest.mark.skipif(shutil.which("tmxrasterizer") is None,
                    reason="tmxrasterizer (Tiled's renderer, apt-get install tiled) is not installed")
@pytest.mark.parametrize("ext", ["tmx", "tmj"])
def test_tiled_draws_the_level_as_worldsmith_and_animates_its_tiles(assets, ext, tmp_path):
    level = assets["levels/smb-v1"]
    path, _ = _export(level, tmp_path, ext)
    want = np.asarray(Image.open(level.export(tmp_path / "want.png")[0]).convert("RGB"))
    drawn = _rasterize(path, tmp_path / "t0.png", "--hide-layer", "path")
    assert np.array_equal(drawn, want)
    later = _rasterize(path, tmp_path / "t1.png", "--hide-layer", "path", "--advance-animations", "300")
    changed = (later != want).any(-1).reshape(level.shape[0], 16, level.shape[1], 16).any((1, 3))
    v = vocab("smb")
    assert changed.any() and np.isin(level.tiles[changed], [v.id(ch) for ch in ANIMATIONS["smb"]]).all()


@pytest.mark.skipif(shutil.which("tmxrasterizer") is None,
                    reason="tmxrasterizer (Tiled's renderer, apt-get install tiled) is not installed")
@pytest.mark.parametrize("ext", ["tmx", "tmj"])
def test_tiled_draws_the_platformer_scene_as_worldsmith(assets, ext, tmp_path):
    scene = assets["scenes/platformer-v2"]
    path, _ = _export(scene, tmp_path, ext)
    want = np.asarray(Image.open(scene.export(tmp_path / "want.png")[0]).convert("RGB")).astype(int)
    drawn = _rasterize(path, tmp_path / "t.png").astype(int)
    assert drawn.shape == want.shape and (np.abs(drawn - want).max(-1) > 8).mean() < 0.005
