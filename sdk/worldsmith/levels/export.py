"""Exporters for :class:`TileLevel`: ``.txt`` (VGLC), ``.json`` (exact, with a reader), ``.png``,
and Tiled ``.tmx`` / ``.tmj`` maps with the game's tileset beside them (``<game>-<hash>.tsx`` and
its ``.png``, named by content and so shared by every map of that game in a folder; animated
enemies, blocks, coins and gold) and the agent path as a polyline of type ``area`` (property
``role`` = ``path``), which engine importers make no wall of; and a Godot 3 ``.tscn`` scene (a
``TileMap`` with a ``TileSet`` sidecar, start and goal markers). Every level read is checked by
:func:`check_level`.

>>> import numpy as np
>>> from worldsmith.types.level import TileLevel
>>> lv = TileLevel(tiles=np.array([[2, 0]], np.uint8), game="smb", path=[(0, 0)])
>>> files = write_tmx(lv, "a.tmx")
>>> list(files)[0], sorted(n[:4] + "<hash>" + n[-4:] for n in files.shared)
('a.tmx', ['smb-<hash>.png', 'smb-<hash>.tsx'])
>>> check_level(TileLevel(np.zeros((2, 3), np.uint8), "smb", path=[(1, 2)]), "x.json") is None
True
>>> try:
...     check_level(TileLevel(np.zeros((2, 3), np.uint8), "smb", path=[(5, 0)]), "x.json")
... except Exception as e:
...     print(e)
x.json: path cell (5, 0) lies outside the 2 x 3 map
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from worldsmith.core.errors import ConfigError, FormatError
from worldsmith.core.formats import Files, check_grid, register_check, register_reader, register_writer
from worldsmith.core.seeding import seed_to_json
from worldsmith.export import godot, tiled
from worldsmith.export.png import png_bytes
from worldsmith.levels.render import TILE, animated_tileset, render_indexed, tileset
from worldsmith.levels.tiles import transposed
from worldsmith.types.base import AssetMeta
from worldsmith.types.level import TileLevel
from worldsmith.types.tiles import parse_text, vocab


def write_txt(level: TileLevel, name: str) -> dict[str, bytes]:
    """The VGLC text file."""
    return {name: level.text().encode()}


def write_png(level: TileLevel, name: str) -> dict[str, bytes]:
    """The level drawn with the original tileset, 16 px per tile."""
    image, palette = render_indexed(level.tiles, level.game)
    return {name: png_bytes(image, palette=palette)}


#: Zelda rooms are written as the game shows them; JSON files without this ``orientation`` hold
#: rooms as VGLC stores them (rows and columns swapped) and are turned on reading
ZELDA_ORIENTATION = "game"


def write_json(level: TileLevel, name: str) -> dict[str, bytes]:
    """Rows of VGLC text, the agent path and the metadata (read back exactly by ``read_json``);
    Zelda rooms say ``"orientation": "game"``."""
    data = {"type": "TileLevel", "game": level.game, "rows": level.text().splitlines(),
            "path": [list(map(int, p)) for p in level.path], "meta": level.meta.to_dict()}
    if level.game == "zelda":
        data["orientation"] = ZELDA_ORIENTATION
    return {name: (json.dumps(data, indent=1) + "\n").encode()}


def read_json(path: Path) -> TileLevel:
    """Inverse of :func:`write_json`. A Zelda room without ``orientation`` (written before rooms
    came out as the game shows them) is transposed, path and all, to the game's orientation."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        game, rows = data["game"], data["rows"]
        path_cells = [(int(r), int(c)) for r, c in data["path"]]
        meta = AssetMeta.from_dict(data["meta"])
        orientation = data.get("orientation", "vglc" if game == "zelda" else ZELDA_ORIENTATION)
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise FormatError(f"{path}: not a TileLevel JSON ({type(e).__name__}: {e})") from None
    if orientation not in ("vglc", ZELDA_ORIENTATION):
        raise FormatError(f"{path}: orientation {orientation!r}; expected {ZELDA_ORIENTATION!r} (or none: an "
                          "older Zelda room, as VGLC stores it)")
    tiles = parse_text("\n".join(rows), vocab(game), source=str(path))
    if orientation == "vglc" and game == "zelda":
        tiles, path_cells = transposed(tiles, path_cells)
    return TileLevel(tiles=tiles, game=game, path=path_cells, meta=meta)


def _path_points(level: TileLevel) -> list[tuple[int, int]]:
    """Agent path cell centres in pixels."""
    return [(c * TILE + TILE // 2, r * TILE + TILE // 2) for r, c in level.path]


def _tiled_map(level: TileLevel) -> tuple[tiled.TiledMap, dict[str, bytes]]:
    """The level as a Tiled map (its tileset external, the ``tiles`` layer and the ``path``
    polyline) and the tileset's two files."""
    h, w = level.shape
    v = vocab(level.game)
    sheet, animations = animated_tileset(level.game)
    ts = tiled.Tileset(level.game, "", sheet.width, TILE, TILE, TILE, sheet.width // TILE,
                       types=dict(enumerate(v.names)), solid=frozenset(np.flatnonzero(v.solid_mask()).tolist()),
                       animations=animations)
    ts, shared = tiled.external(ts, png_bytes(sheet))
    path = [tiled.TiledObject(1, "agent path", tiled.AREA, 0, 0, 0, 0, properties={"role": "path"},
                              points=_path_points(level))] if level.path else []
    props = {"game": level.game, "generator": level.meta.generator, "seed": seed_to_json(level.meta.seed or 0)}
    if "ladder" in level.meta.config:  # Zelda: whether the path needs the stepladder over water
        props["ladder"] = bool(level.meta.config["ladder"])
    layers = [tiled.TileLayer("tiles", np.asarray(level.tiles, int) + 1), tiled.ObjectGroup("path", path)]
    return tiled.TiledMap(w, h, TILE, TILE, props, [ts], layers), shared


def write_tmx(level: TileLevel, name: str) -> Files:
    """A Tiled XML map (CSV tile layer, ``path`` object layer) plus the shared tileset files."""
    m, shared = _tiled_map(level)
    return Files({name: tiled.to_tmx(m).encode(), **shared}, shared=shared)


def write_tmj(level: TileLevel, name: str) -> Files:
    """A Tiled JSON map (same content as the ``.tmx``) plus the shared tileset files."""
    m, shared = _tiled_map(level)
    return Files({name: tiled.to_tmj(m).encode(), **shared}, shared=shared)


def _tileset_name(name: str) -> str:
    return f"{Path(name).stem}-tiles.png"


BLANK = {"smb": "-", "loderunner": ".", "zelda": "-"}  # the tile that draws nothing (sky, backdrop, void)


def write_tscn(level: TileLevel, name: str) -> dict[str, bytes]:
    """A Godot 3 scene: a root ``Node2D`` holding the ``tiles`` ``TileMap`` (every cell but the
    game's blank tile), the agent path as a hidden ``Line2D`` ``path`` (cell centres) and
    ``Position2D`` ``start`` and ``goal`` at its first and last cell; plus ``<stem>-tileset.tres``
    (one tile per tileset frame, a whole-tile collision shape on the solid ones) and the tileset
    PNG. The path is a drawing, never a collider.

    >>> import numpy as np
    >>> files = write_tscn(TileLevel(np.array([[2, 0]], np.uint8), "smb", path=[(0, 0)]), "a.tscn")
    >>> list(files), files["a.tscn"].count(b"[node ")
    (['a.tscn', 'a-tileset.tres', 'a-tiles.png'], 5)
    """
    stem, image, tile_set = Path(name).stem, _tileset_name(name), f"{Path(name).stem}-tileset.tres"
    v = vocab(level.game)
    doc = godot.Document()
    props = {"game": level.game, "generator": level.meta.generator, "seed": seed_to_json(level.meta.seed or 0)}
    doc.node(stem, "Node2D", None, {"__meta__": props})
    tiles = np.asarray(level.tiles, int)
    doc.node("tiles", "TileMap", ".", godot.tile_map(doc.ext(tile_set, "TileSet"),
                                                    np.where(tiles == v.id(BLANK[level.game]), -1, tiles), TILE))
    if level.path:
        points = _path_points(level)
        doc.node("path", "Line2D", ".", {"visible": False, "points": godot.PoolVector2Array(points), "width": 2.0,
                                         "default_color": godot.Color(1, 0.2, 0.2, 1)})
        doc.node("start", "Position2D", ".", {"position": godot.Vector2(*points[0])})
        doc.node("goal", "Position2D", ".", {"position": godot.Vector2(*points[-1])})
    ts = godot.tile_set(image, v.size, v.names, v.solid_mask().tolist(), TILE)
    return {name: doc.text().encode(), tile_set: ts.encode(), image: png_bytes(tileset(level.game, BLANK[level.game]))}


MAX_SIDE = 4096  # tiles: the longest SMB level a config may ask for; every other side is far shorter


def check_level(level: TileLevel, where: str) -> None:
    """A level's tiles are ids of its game's vocabulary and its path stays on the map."""
    try:
        size = vocab(level.game).size
    except (ConfigError, TypeError):                       # an unknown game name, or not a name
        raise FormatError(f"{where}: unknown game {level.game!r}") from None
    check_grid("tiles", where, level.tiles, size)
    h, w = level.tiles.shape
    if h > MAX_SIDE or w > MAX_SIDE:
        raise FormatError(f"{where}: a {w} x {h} level is larger than any generator makes (at most "
                          f"{MAX_SIDE} tiles a side)")
    for cell in level.path:
        if not (isinstance(cell, (tuple, list)) and len(cell) == 2 and all(isinstance(v, int) for v in cell)
                and 0 <= cell[0] < h and 0 <= cell[1] < w):
            raise FormatError(f"{where}: path cell {tuple(cell) if isinstance(cell, (list, tuple)) else cell!r} "
                              f"lies outside the {h} x {w} map")


for _fmt, _writer in (("txt", write_txt), ("png", write_png), ("json", write_json),
                      ("tmx", write_tmx), ("tmj", write_tmj)):
    register_writer(TileLevel, _fmt, _writer)
register_reader(TileLevel, "json", read_json)
register_check(TileLevel, check_level)
register_writer(TileLevel, "tscn", write_tscn)
