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
from xml.sax.saxutils import quoteattr

import numpy as np
from PIL import Image

from worldsmith.core.errors import FormatError
from worldsmith.export.registry import register_reader, register_writer
from worldsmith.levels.render import TILE, render, tileset
from worldsmith.levels.tiles import parse_text, vocab
from worldsmith.types.base import AssetMeta
from worldsmith.types.level import TileLevel

TILED_VERSION = "1.10.2"


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


def write_tmx(level: TileLevel, name: str) -> dict[str, bytes]:
    """A Tiled XML map (CSV tile layer, ``path`` object layer) plus the tileset PNG."""
    h, w = level.shape
    v = vocab(level.game)
    image = _tileset_name(name)
    csv = ",\n".join(",".join(str(int(t) + 1) for t in row) for row in level.tiles)
    points = " ".join(f"{x},{y}" for x, y in _path_points(level))
    path_xml = (f'  <object id="1" name="agent path" x="0" y="0">\n   <polyline points="{points}"/>\n'
                f"  </object>\n" if points else "")
    xml = (f'<?xml version="1.0" encoding="UTF-8"?>\n'
           f'<map version="1.10" tiledversion="{TILED_VERSION}" orientation="orthogonal" '
           f'renderorder="right-down" width="{w}" height="{h}" tilewidth="{TILE}" tileheight="{TILE}" '
           f'infinite="0" nextlayerid="3" nextobjectid="2">\n'
           f' <properties>\n  <property name="game" value={quoteattr(level.game)}/>\n'
           f'  <property name="generator" value={quoteattr(level.meta.generator)}/>\n'
           f'  <property name="seed" value="{level.meta.seed}"/>\n </properties>\n'
           f' <tileset firstgid="1" name="{level.game}" tilewidth="{TILE}" tileheight="{TILE}" '
           f'tilecount="{v.size}" columns="{v.size}">\n'
           f'  <image source={quoteattr(image)} width="{TILE * v.size}" height="{TILE}"/>\n'
           + "".join(f'  <tile id="{i}" type={quoteattr(n)}/>\n' for i, n in enumerate(v.names))
           + f' </tileset>\n <layer id="1" name="tiles" width="{w}" height="{h}">\n'
           f'  <data encoding="csv">\n{csv}\n</data>\n </layer>\n'
           f' <objectgroup id="2" name="path">\n{path_xml} </objectgroup>\n</map>\n')
    return {name: xml.encode(), image: _png(tileset(level.game))}


def write_tmj(level: TileLevel, name: str) -> dict[str, bytes]:
    """A Tiled JSON map (same content as the ``.tmx``) plus the tileset PNG."""
    h, w = level.shape
    v = vocab(level.game)
    image = _tileset_name(name)
    objects = []
    if level.path:
        objects.append({"id": 1, "name": "agent path", "type": "", "x": 0, "y": 0, "width": 0,
                        "height": 0, "rotation": 0, "visible": True,
                        "polyline": [{"x": x, "y": y} for x, y in _path_points(level)]})
    data = {
        "type": "map", "version": "1.10", "tiledversion": TILED_VERSION, "orientation": "orthogonal",
        "renderorder": "right-down", "width": w, "height": h, "tilewidth": TILE, "tileheight": TILE,
        "infinite": False, "nextlayerid": 3, "nextobjectid": 2, "compressionlevel": -1,
        "properties": [{"name": "game", "type": "string", "value": level.game},
                       {"name": "generator", "type": "string", "value": level.meta.generator},
                       {"name": "seed", "type": "int", "value": int(level.meta.seed or 0)}],
        "tilesets": [{"firstgid": 1, "name": level.game, "tilewidth": TILE, "tileheight": TILE,
                      "tilecount": v.size, "columns": v.size, "margin": 0, "spacing": 0,
                      "image": image, "imagewidth": TILE * v.size, "imageheight": TILE,
                      "tiles": [{"id": i, "type": n} for i, n in enumerate(v.names)]}],
        "layers": [
            {"id": 1, "name": "tiles", "type": "tilelayer", "width": w, "height": h, "x": 0, "y": 0,
             "opacity": 1, "visible": True, "data": (np.asarray(level.tiles, int) + 1).ravel().tolist()},
            {"id": 2, "name": "path", "type": "objectgroup", "draworder": "topdown", "x": 0, "y": 0,
             "opacity": 1, "visible": True, "objects": objects},
        ],
    }
    return {name: (json.dumps(data, indent=1) + "\n").encode(), image: _png(tileset(level.game))}


for _fmt, _writer in (("txt", write_txt), ("png", write_png), ("json", write_json),
                      ("tmx", write_tmx), ("tmj", write_tmj)):
    register_writer(TileLevel, _fmt, _writer)
register_reader(TileLevel, "json", read_json)
