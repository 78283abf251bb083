"""A small model of a Tiled map and its writers: TMX (XML), TMJ (JSON) and TSX (a tileset file).

Orthogonal, finite maps with image tilesets (per-tile types, properties, collision rectangles and
animations), embedded in the map or external (:func:`external`: a ``.tsx`` and its image named by
their content, so equal tilesets of many maps in one folder are the same two files), CSV tile
layers, object groups (rectangles, polylines, or tile objects showing a tileset frame, with typed
properties) and image layers (with parallax factors and horizontal repeat; Tiled before 1.9.1
ignores ``repeatx`` in TMJ: tmxrasterizer 1.8.2 repeats a TMX background, not a TMJ one). Output
is byte-deterministic. Used by the level and the scene exporters.

Object ``type`` is what engine importers read: vnen's Godot importer makes a ``StaticBody2D``
(a wall) of every shape object unless its type is :data:`AREA` (an ``Area2D``), and a body of a
tile object whose tile has collision shapes unless its type is :data:`SPRITE`. The exporters
give helper objects (paths, rooms, checkpoints, markers) those types and keep what the object is
in the property ``role``.

>>> import numpy as np
>>> m = TiledMap(2, 1, 16, 16, tilesets=[Tileset("t", "t.png", 32, 16, 16, 16, 2)],
...              layers=[TileLayer("tiles", np.array([[1, 0]])),
...                      ObjectGroup("spawn", [TiledObject(1, "hero", "spawn", 0, 16, 16, 16, gid=2)])])
>>> '<object id="1" name="hero" type="spawn" x="0" y="16" width="16" height="16" gid="2"/>' in to_tmx(m)
True
>>> import json; json.loads(to_tmj(m))["layers"][1]["objects"][0]["gid"]
2
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from typing import Any, Union
from xml.sax.saxutils import quoteattr

import numpy as np

TILED_VERSION = "1.10.2"
AREA = "area"  # a shape object that detects but does not block (vnen's importer: Area2D)
SPRITE = "sprite"  # a tile object drawn, never a body (vnen's importer: Sprite)
Props = dict[str, Any]
Frames = list[tuple[int, int]]  # an animation: (frame index, duration in ms) in turn


@dataclass
class Tileset:
    """One tileset image cut into ``tile_w`` x ``tile_h`` frames; ``tiles`` holds per-frame
    properties and ``types`` per-frame type names (frame index -> value); each frame in ``solid``
    carries a whole-tile collision rectangle (Tiled's collision editor: an object group on the
    tile), which engine importers turn into collision shapes; a frame in ``animations`` is shown
    as its frames in turn. With ``source`` (a ``.tsx`` name) maps refer to the tileset there
    instead of embedding it."""

    name: str
    image: str
    image_w: int
    image_h: int
    tile_w: int
    tile_h: int
    columns: int
    tiles: dict[int, Props] = field(default_factory=dict)
    firstgid: int = 1
    types: dict[int, str] = field(default_factory=dict)
    solid: frozenset[int] = frozenset()
    animations: dict[int, Frames] = field(default_factory=dict)
    source: str = ""

    @property
    def count(self) -> int:
        """Number of frames."""
        return self.columns * (self.image_h // self.tile_h)


@dataclass
class TiledObject:
    """An object in pixels. With ``gid`` it shows that tile and ``y`` is its bottom edge (Tiled's
    rule for tile objects); with ``points`` it is a polyline through them (relative to x, y);
    otherwise a rectangle whose ``y`` is its top edge."""

    id: int
    name: str
    type: str
    x: float
    y: float
    width: float
    height: float
    gid: int = 0
    properties: Props = field(default_factory=dict)
    points: list[tuple[float, float]] = field(default_factory=list)


@dataclass
class TileLayer:
    """A ``(H, W)`` array of gids (0 = empty)."""

    name: str
    data: np.ndarray


@dataclass
class ObjectGroup:
    """A named object layer."""

    name: str
    objects: list[TiledObject]


@dataclass
class ImageLayer:
    """One image behind (or in front of) the tiles, scrolled at ``parallax`` and repeated along x."""

    name: str
    image: str
    image_w: int
    image_h: int
    parallax: float = 1.0
    repeatx: bool = True


Layer = Union[TileLayer, ObjectGroup, ImageLayer]


@dataclass
class TiledMap:
    """An orthogonal finite map of ``width`` x ``height`` tiles."""

    width: int
    height: int
    tile_w: int
    tile_h: int
    properties: Props = field(default_factory=dict)
    tilesets: list[Tileset] = field(default_factory=list)
    layers: list[Layer] = field(default_factory=list)

    def next_object_id(self) -> int:
        """One past the largest object id."""
        ids = [o.id for layer in self.layers if isinstance(layer, ObjectGroup) for o in layer.objects]
        return max(ids, default=0) + 1


def _ptype(value: Any) -> tuple[str, str]:
    """Tiled property type and its text."""
    if isinstance(value, bool):
        return "bool", "true" if value else "false"
    if isinstance(value, int):
        return "int", str(value)
    if isinstance(value, float):
        return "float", repr(value)
    return "string", str(value)


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def _props_xml(props: Props, indent: str) -> str:
    if not props:
        return ""
    rows = []
    for k, v in props.items():
        kind, text = _ptype(v)
        kind_attr = "" if kind == "string" else f' type="{kind}"'
        rows.append(f"{indent} <property name={quoteattr(k)}{kind_attr} value={quoteattr(text)}/>\n")
    return f"{indent}<properties>\n{''.join(rows)}{indent}</properties>\n"


def _tile_xml(ts: Tileset, i: int) -> str:
    kind = f" type={quoteattr(ts.types[i])}" if i in ts.types else ""
    body = _props_xml(ts.tiles.get(i, {}), "   ")
    if i in ts.solid:
        body += (f'   <objectgroup draworder="index" id="2">\n    <object id="1" x="0" y="0" '
                 f'width="{ts.tile_w}" height="{ts.tile_h}"/>\n   </objectgroup>\n')
    if i in ts.animations:
        frames = "".join(f'    <frame tileid="{f}" duration="{ms}"/>\n' for f, ms in ts.animations[i])
        body += f"   <animation>\n{frames}   </animation>\n"
    return f'  <tile id="{i}"{kind}>\n{body}  </tile>\n' if body else f'  <tile id="{i}"{kind}/>\n'


def _tile_ids(ts: Tileset) -> list[int]:
    """The frames the tileset says something about (type, properties, collision or animation)."""
    return sorted({*ts.tiles, *ts.types, *ts.solid, *ts.animations})


def _tileset_body(ts: Tileset) -> str:
    """The attributes after ``name`` and the children of a ``<tileset>`` element."""
    tiles = "".join(_tile_xml(ts, i) for i in _tile_ids(ts))
    return (f' tilewidth="{ts.tile_w}" tileheight="{ts.tile_h}" tilecount="{ts.count}" columns="{ts.columns}">\n'
            f'  <image source={quoteattr(ts.image)} width="{ts.image_w}" height="{ts.image_h}"/>\n{tiles}')


def _tileset_xml(ts: Tileset) -> str:
    if ts.source:
        return f' <tileset firstgid="{ts.firstgid}" source={quoteattr(ts.source)}/>\n'
    return f' <tileset firstgid="{ts.firstgid}" name={quoteattr(ts.name)}{_tileset_body(ts)} </tileset>\n'


def to_tsx(ts: Tileset) -> str:
    """The tileset as a Tiled tileset file (``.tsx``), its image path relative to that file.

    >>> print(to_tsx(Tileset("t", "t.png", 16, 16, 16, 16, 1, animations={0: [(0, 100)]})).splitlines()[1])
    <tileset version="1.10" tiledversion="1.10.2" name="t" tilewidth="16" tileheight="16" tilecount="1" columns="1">
    """
    body = _tileset_body(ts).replace("\n ", "\n")  # one level less indented than inside a map
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<tileset version="1.10" tiledversion="{TILED_VERSION}" '
            f'name={quoteattr(ts.name)}{body}</tileset>\n')


def _digest(data: bytes) -> str:
    """The content part of a shared file name."""
    return hashlib.sha1(data).hexdigest()[:8]


def external(ts: Tileset, png: bytes) -> tuple[Tileset, dict[str, bytes]]:
    """``ts`` kept in two files beside the map, ``<name>-<hash>.tsx`` and its image ``png`` as
    ``<name>-<hash>.png``, named by their content: maps with equal tilesets in one folder share
    the same two files. Returns the tileset that refers to them and the files.

    >>> ts, files = external(Tileset("t", "", 16, 16, 16, 16, 1), b"PNG")
    >>> ts.source, sorted(files) == sorted([ts.source, ts.image])
    ('t-c44033d2.tsx', True)
    """
    stem = f"{ts.name}-{_digest(png + to_tsx(replace(ts, image='')).encode())}"
    ts = replace(ts, image=f"{stem}.png", source=f"{stem}.tsx")
    return ts, {ts.source: to_tsx(ts).encode(), ts.image: png}


def _object_xml(o: TiledObject) -> str:
    gid = f' gid="{o.gid}"' if o.gid else ""
    head = (f'  <object id="{o.id}" name={quoteattr(o.name)} type={quoteattr(o.type)} x="{_num(o.x)}" '
            f'y="{_num(o.y)}" width="{_num(o.width)}" height="{_num(o.height)}"{gid}')
    line = f'   <polyline points="{" ".join(f"{_num(x)},{_num(y)}" for x, y in o.points)}"/>\n' if o.points else ""
    if not o.properties and not line:
        return head + "/>\n"
    return head + ">\n" + _props_xml(o.properties, "   ") + line + "  </object>\n"


def _layer_xml(layer: Layer, lid: int) -> str:
    name = quoteattr(layer.name)
    if isinstance(layer, TileLayer):
        h, w = layer.data.shape
        csv = ",\n".join(",".join(map(str, row)) for row in np.asarray(layer.data, int).tolist())
        return (f' <layer id="{lid}" name={name} width="{w}" height="{h}">\n'
                f'  <data encoding="csv">\n{csv}\n</data>\n </layer>\n')
    if isinstance(layer, ObjectGroup):
        return f' <objectgroup id="{lid}" name={name}>\n{"".join(map(_object_xml, layer.objects))} </objectgroup>\n'
    return (f' <imagelayer id="{lid}" name={name} parallaxx="{_num(layer.parallax)}" '
            f'repeatx="{int(layer.repeatx)}">\n'
            f'  <image source={quoteattr(layer.image)} width="{layer.image_w}" height="{layer.image_h}"/>\n'
            f" </imagelayer>\n")


def to_tmx(m: TiledMap) -> str:
    """The map as Tiled XML."""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<map version="1.10" tiledversion="{TILED_VERSION}" orientation="orthogonal" '
            f'renderorder="right-down" width="{m.width}" height="{m.height}" tilewidth="{m.tile_w}" '
            f'tileheight="{m.tile_h}" infinite="0" nextlayerid="{len(m.layers) + 1}" '
            f'nextobjectid="{m.next_object_id()}">\n'
            + _props_xml(m.properties, " ") + "".join(map(_tileset_xml, m.tilesets))
            + "".join(_layer_xml(layer, i + 1) for i, layer in enumerate(m.layers)) + "</map>\n")


def _props_json(props: Props) -> list[dict[str, Any]]:
    return [{"name": k, "type": _ptype(v)[0], "value": v} for k, v in props.items()]


def _layer_json(layer: Layer, lid: int) -> dict[str, Any]:
    base = {"id": lid, "name": layer.name, "x": 0, "y": 0, "opacity": 1, "visible": True}
    if isinstance(layer, TileLayer):
        h, w = layer.data.shape
        return {**base, "type": "tilelayer", "width": w, "height": h,
                "data": np.asarray(layer.data, int).ravel().tolist()}
    if isinstance(layer, ObjectGroup):
        objects = []
        for o in layer.objects:
            obj = {"id": o.id, "name": o.name, "type": o.type, "x": o.x, "y": o.y, "width": o.width,
                   "height": o.height, "rotation": 0, "visible": True}
            if o.gid:
                obj["gid"] = o.gid
            if o.properties:
                obj["properties"] = _props_json(o.properties)
            if o.points:
                obj["polyline"] = [{"x": x, "y": y} for x, y in o.points]
            objects.append(obj)
        return {**base, "type": "objectgroup", "draworder": "topdown", "objects": objects}
    return {**base, "type": "imagelayer", "image": layer.image, "imagewidth": layer.image_w,
            "imageheight": layer.image_h, "parallaxx": layer.parallax, "repeatx": layer.repeatx}


def _tile_json(ts: Tileset, i: int) -> dict[str, Any]:
    tile: dict[str, Any] = {"id": i}
    if i in ts.types:
        tile["type"] = ts.types[i]
    if ts.tiles.get(i):
        tile["properties"] = _props_json(ts.tiles[i])
    if i in ts.solid:
        box = {"id": 1, "name": "", "type": "", "x": 0, "y": 0, "width": ts.tile_w, "height": ts.tile_h,
               "rotation": 0, "visible": True}
        tile["objectgroup"] = {"draworder": "index", "id": 2, "name": "", "objects": [box], "opacity": 1,
                               "type": "objectgroup", "visible": True, "x": 0, "y": 0}
    if i in ts.animations:
        tile["animation"] = [{"tileid": f, "duration": ms} for f, ms in ts.animations[i]]
    return tile


def _tileset_json(ts: Tileset) -> dict[str, Any]:
    """An embedded tileset (always with a ``tiles`` list, which some importers index without
    checking), or the reference to an external one."""
    if ts.source:
        return {"firstgid": ts.firstgid, "source": ts.source}
    return {"firstgid": ts.firstgid, "name": ts.name, "tilewidth": ts.tile_w, "tileheight": ts.tile_h,
            "tilecount": ts.count, "columns": ts.columns, "margin": 0, "spacing": 0, "image": ts.image,
            "imagewidth": ts.image_w, "imageheight": ts.image_h,
            "tiles": [_tile_json(ts, i) for i in _tile_ids(ts)]}


def to_tmj(m: TiledMap) -> str:
    """The map as Tiled JSON."""
    data = {"type": "map", "version": "1.10", "tiledversion": TILED_VERSION, "orientation": "orthogonal",
            "renderorder": "right-down", "width": m.width, "height": m.height, "tilewidth": m.tile_w,
            "tileheight": m.tile_h, "infinite": False, "nextlayerid": len(m.layers) + 1,
            "nextobjectid": m.next_object_id(), "compressionlevel": -1,
            "properties": _props_json(m.properties), "tilesets": [_tileset_json(t) for t in m.tilesets],
            "layers": [_layer_json(layer, i + 1) for i, layer in enumerate(m.layers)]}
    return json.dumps(data, indent=1) + "\n"
