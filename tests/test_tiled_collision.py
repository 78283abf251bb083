"""Every Tiled map worldsmith writes (levels and 2D scenes, .tmx and .tmj) carries a whole-tile
collision rectangle on exactly its solid tiles (Tiled's per-tile collision object group, which
engine importers turn into collision shapes), read back by pytiled-parser and pytmx."""
from __future__ import annotations

import numpy as np
import pytest

import worldsmith as ws
from worldsmith.types.tiles import vocab

pytiled_parser = pytest.importorskip("pytiled_parser", reason="pytiled-parser (dev extra) reads the maps back")

CASES = [("levels/smb-v1", {}), ("levels/loderunner-v1", {}), ("levels/zelda-v1", {}),
         ("scenes/platformer-v2", {"width": 64}), ("scenes/dungeon-v2", {})]


def _solid_frames(asset) -> set[int]:
    if hasattr(asset, "tile_solid"):
        return {i for i, s in enumerate(asset.tile_solid) if s}
    return set(np.flatnonzero(vocab(asset.game).solid_mask()).tolist())


@pytest.mark.parametrize("gid,config", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("ext", ["tmx", "tmj"])
def test_solid_tiles_and_only_they_collide(gid, config, ext, tmp_path):
    asset = ws.make(gid, **config)(seed=5)
    asset.export(tmp_path / f"map.{ext}")
    tileset = list(pytiled_parser.parse_map(tmp_path / f"map.{ext}").tilesets.values())[0]
    colliding = {t.id for t in tileset.tiles.values() if t.objects and t.objects.tiled_objects}
    assert colliding == _solid_frames(asset) and colliding
    for t in tileset.tiles.values():
        if t.id in colliding:
            (box,) = t.objects.tiled_objects
            assert (box.coordinates.x, box.coordinates.y) == (0, 0)
            assert (box.size.width, box.size.height) == (tileset.tile_width, tileset.tile_height)


def test_pytmx_finds_a_collider_for_each_solid_tile(tmp_path):
    pytmx = pytest.importorskip("pytmx", reason="pytmx (dev extra) reads the map back")
    level = ws.make("levels/smb-v1")(seed=5)
    level.export(tmp_path / "map.tmx")
    colliders = dict(pytmx.TiledMap(str(tmp_path / "map.tmx")).get_tile_colliders())
    assert len(colliders) == int(vocab("smb").solid_mask().sum())
