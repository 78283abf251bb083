"""Exports: Tiled maps load in pytmx and pytiled-parser, JSON round-trips, text re-parses."""
from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

import worldsmith as ws
from worldsmith.core.errors import FormatError
from worldsmith.levels.render import TILE
from worldsmith.levels.render import tileset as tileset_image
from worldsmith.types.level import TileLevel
from worldsmith.types.tiles import parse_text, vocab


@pytest.fixture(scope="module")
def level():
    return ws.make("levels/smb-v1", width=40)(seed=2)


def test_tmx_loads_in_pytmx(level, tmp_path):
    pytmx = pytest.importorskip("pytmx")
    level.export(tmp_path / "l.tmx")
    m = pytmx.TiledMap(str(tmp_path / "l.tmx"))
    assert (m.width, m.height) == (40, 14)
    ids = np.array([[m.tiledgidmap[m.get_tile_gid(c, r, 0)] - 1 if m.get_tile_gid(c, r, 0) else -1
                     for c in range(40)] for r in range(14)])
    assert (ids == level.tiles).all()
    path = next(o for o in m.objects if o.name == "agent path")     # (besides the solid tiles' colliders)
    assert len(path.points) == len(level.path)


@pytest.mark.parametrize("fmt", ["tmx", "tmj"])
def test_tiled_maps_load_in_pytiled_parser(level, tmp_path, fmt):
    pytiled_parser = pytest.importorskip("pytiled_parser")
    files = level.export(tmp_path / f"l.{fmt}")
    m = pytiled_parser.parse_map(files[0])
    assert (m.map_size.width, m.map_size.height) == (40, 14)
    assert (np.array(m.layers[0].data) - 1 == level.tiles).all()
    (tileset,) = m.tilesets.values()
    sheet = np.asarray(Image.open(tileset.image))                  # the tiles, then animation frames
    assert np.array_equal(sheet[:, :TILE * vocab("smb").size], np.asarray(tileset_image("smb")))
    assert len(m.layers[1].tiled_objects[0].points) == len(level.path)


def test_json_round_trip_and_text(level, tmp_path):
    f = level.export(tmp_path / "l.json")[0]
    assert ws.load(f) == level
    txt = level.export(tmp_path / "l.txt")[0]
    assert (parse_text(txt.read_text(), vocab("smb")) == level.tiles).all()


def test_png_is_16px_per_tile(level, tmp_path):
    img = Image.open(level.export(tmp_path / "l.png")[0])
    assert img.size == (40 * TILE, 14 * TILE)


def test_malformed_json_is_a_format_error(tmp_path):
    f = tmp_path / "bad.json"
    f.write_text(json.dumps({"type": "TileLevel", "game": "smb", "rows": ["-Z"], "path": [], "meta": {}}))
    with pytest.raises(FormatError, match="1:2: unknown tile"):
        ws.load(f)
    f.write_text(json.dumps({"type": "TileLevel", "rows": []}))
    with pytest.raises(FormatError, match="not a TileLevel"):
        ws.load(f)


def test_every_game_exports_png(tmp_path):
    for game, shape in (("loderunner", (22, 32)), ("zelda", (16, 11))):
        lv = TileLevel(tiles=np.zeros(shape, np.uint8), game=game)
        assert Image.open(lv.export(tmp_path / f"{game}.png")[0]).size == (shape[1] * TILE, shape[0] * TILE)


def test_zelda_map_says_whether_its_path_needs_the_stepladder(tmp_path):
    pytmx = pytest.importorskip("pytmx")
    for ladder in (True, False):
        ws.make("levels/zelda-v1", ladder=ladder)(seed=3).export(tmp_path / f"{ladder}.tmx")
        assert pytmx.TiledMap(str(tmp_path / f"{ladder}.tmx")).properties["ladder"] is ladder


@pytest.mark.parametrize("game", ["smb", "loderunner", "zelda"])
def test_png_is_an_indexed_image_of_the_rendered_pixels(game, tmp_path):
    """The level PNG is palette-indexed (a third of the bytes to compress) and decodes to exactly
    the pixels :func:`render` draws."""
    from worldsmith.levels.render import render

    rng = np.random.default_rng(0)
    tiles = rng.integers(0, vocab(game).size, (11, 16)).astype(np.uint8)
    level = TileLevel(tiles=tiles, game=game)
    img = Image.open(level.export(tmp_path / f"{game}.png")[0])
    assert img.mode == "P"
    assert (np.asarray(img.convert("RGB")) == render(tiles, game)).all()
