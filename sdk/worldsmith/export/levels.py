"""Exporters for :class:`TileLevel`: ``.txt`` (VGLC), ``.json`` (exact, with a reader), ``.png``,
and Tiled ``.tmx`` / ``.tmj`` maps with a tileset image sidecar and the agent path as a polyline.

>>> import numpy as np
>>> from worldsmith.types.level import TileLevel
>>> lv = TileLevel(tiles=np.array([[2, 0]], np.uint8), game="smb", path=[(0, 0)])
>>> sorted(write_tmx(lv, "a.tmx"))
['a-tiles.png', 'a.tmx']
"""
from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
from PIL import Image

from worldsmith.core.errors import FormatError
from worldsmith.core.formats import register_check, register_reader, register_writer
from worldsmith.export import tiled
from worldsmith.export.checks import check_level
from worldsmith.levels.render import TILE, render, tileset
from worldsmith.types.base import AssetMeta
from worldsmith.types.level import TileLevel
from worldsmith.types.tiles import parse_text, vocab


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def write_txt(level: TileLevel, name: str) -> dict[str, bytes]:
    """The VGLC text file."""
    return {name: level.text().encode()}


def write_png(level: TileLevel, name: str) -> dict[str, bytes]:
    """The level drawn with the original tileset, 16 px per tile."""
    return {name: _png(Image.fromarray(render(level.tiles, level.game)))}


def write_json(level: TileLevel, name: str) -> dict[str, bytes]:
    """Rows of VGLC text, the agent path and the metadata (read back exactly by ``read_json``)."""
    data = {"type": "TileLevel", "game": level.game, "rows": level.text().splitlines(),
            "path": [list(map(int, p)) for p in level.path], "meta": level.meta.to_dict()}
    return {name: (json.dumps(data, indent=1) + "\n").encode()}


def read_json(path: Path) -> TileLevel:
    """Inverse of :func:`write_json`."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        game, rows = data["game"], data["rows"]
        path_cells = [(int(r), int(c)) for r, c in data["path"]]
        meta = AssetMeta.from_dict(data["meta"])
    except (ValueError, KeyError, TypeError) as e:
        raise FormatError(f"{path}: not a TileLevel JSON ({type(e).__name__}: {e})") from None
    tiles = parse_text("\n".join(rows), vocab(game), source=str(path))
    return TileLevel(tiles=tiles, game=game, path=path_cells, meta=meta)


def _tileset_name(name: str) -> str:
    return f"{Path(name).stem}-tiles.png"


def _path_points(level: TileLevel) -> list[tuple[int, int]]:
    """Agent path cell centres in pixels."""
    return [(c * TILE + TILE // 2, r * TILE + TILE // 2) for r, c in level.path]


def _tiled_map(level: TileLevel, image: str) -> tiled.TiledMap:
    """The level as a Tiled map: one tileset, the ``tiles`` layer and the ``path`` polyline."""
    h, w = level.shape
    v = vocab(level.game)
    ts = tiled.Tileset(level.game, image, TILE * v.size, TILE, TILE, TILE, v.size, types=dict(enumerate(v.names)))
    path = [tiled.TiledObject(1, "agent path", "", 0, 0, 0, 0, points=_path_points(level))] if level.path else []
    props = {"game": level.game, "generator": level.meta.generator, "seed": int(level.meta.seed or 0)}
    if "ladder" in level.meta.config:  # Zelda: whether the path needs the stepladder over water
        props["ladder"] = bool(level.meta.config["ladder"])
    layers = [tiled.TileLayer("tiles", np.asarray(level.tiles, int) + 1), tiled.ObjectGroup("path", path)]
    return tiled.TiledMap(w, h, TILE, TILE, props, [ts], layers)


def write_tmx(level: TileLevel, name: str) -> dict[str, bytes]:
    """A Tiled XML map (CSV tile layer, ``path`` object layer) plus the tileset PNG."""
    image = _tileset_name(name)
    return {name: tiled.to_tmx(_tiled_map(level, image)).encode(), image: _png(tileset(level.game))}


def write_tmj(level: TileLevel, name: str) -> dict[str, bytes]:
    """A Tiled JSON map (same content as the ``.tmx``) plus the tileset PNG."""
    image = _tileset_name(name)
    return {name: tiled.to_tmj(_tiled_map(level, image)).encode(), image: _png(tileset(level.game))}


for _fmt, _writer in (("txt", write_txt), ("png", write_png), ("json", write_json),
                      ("tmx", write_tmx), ("tmj", write_tmj)):
    register_writer(TileLevel, _fmt, _writer)
register_reader(TileLevel, "json", read_json)
register_check(TileLevel, check_level)
