"""Godot 3 text resources (``.tres``) and scenes (``.tscn``), ``format=2``, byte-deterministic.

A :class:`Document` collects external resources (files referenced by a path relative to the
document, so an export folder can move as a whole), sub-resources, scene nodes and the
``[resource]`` properties, and :meth:`Document.text` writes them in the order Godot 3 does. Values
are written as Godot 3's ``VariantWriter`` writes them: Python ``bool``/``int``/``float``/``str``/
``None``/``list``/``dict`` and the value types here (:class:`Vector2`, :class:`Rect2`,
:class:`Color`, :class:`Transform2D`, :class:`PoolIntArray`, :class:`PoolVector2Array`).
Besides the writer, family-free builders: :func:`sprite_frames` (an Aseprite atlas as a
``SpriteFrames``), :func:`tile_set` (a tileset image as a ``TileSet`` with whole-tile collision
shapes) and :func:`tile_map` (a grid of tile ids as a ``TileMap`` node's properties).

>>> doc = Document("SpriteFrames")
>>> tex = doc.ext("hero.png", "Texture")
>>> frame = doc.sub("AtlasTexture", {"atlas": tex, "region": Rect2(0, 0, 64, 64)})
>>> doc.resource["animations"] = [{"frames": [frame], "loop": True, "name": "idle", "speed": 5.0}]
>>> print(doc.text(), end="")
[gd_resource type="SpriteFrames" load_steps=3 format=2]
<BLANKLINE>
[ext_resource path="hero.png" type="Texture" id=1]
<BLANKLINE>
[sub_resource type="AtlasTexture" id=1]
atlas = ExtResource( 1 )
region = Rect2( 0, 0, 64, 64 )
<BLANKLINE>
[resource]
animations = [ {
"frames": [ SubResource( 1 ) ],
"loop": true,
"name": "idle",
"speed": 5.0
} ]
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from numbers import Integral, Real
from typing import Any, NamedTuple, Sequence

import numpy as np

FORMAT = 2  # Godot 3's text resource format (Godot 4 writes format=3)
ONE_TILE = 0  # TileSet tile_mode: a single tile


class Vector2(NamedTuple):
    """``Vector2( x, y )``."""

    x: float
    y: float


class Rect2(NamedTuple):
    """``Rect2( x, y, w, h )``."""

    x: float
    y: float
    w: float
    h: float


class Color(NamedTuple):
    """``Color( r, g, b, a )``, channels 0..1."""

    r: float
    g: float
    b: float
    a: float = 1.0


class Transform2D(NamedTuple):
    """``Transform2D( xx, xy, yx, yy, ox, oy )``: the x and y axes and the origin."""

    xx: float = 1.0
    xy: float = 0.0
    yx: float = 0.0
    yy: float = 1.0
    ox: float = 0.0
    oy: float = 0.0


@dataclass(frozen=True)
class PoolIntArray:
    """``PoolIntArray( 1, 2, 3 )`` (32-bit ints)."""

    values: Sequence[int]


@dataclass(frozen=True)
class PoolVector2Array:
    """``PoolVector2Array( x0, y0, x1, y1 )`` of ``(x, y)`` points."""

    points: Sequence[tuple[float, float]]


@dataclass(frozen=True)
class Ref:
    """A reference to an ``ExtResource`` or a ``SubResource`` of the same document, by id."""

    kind: str
    id: int


_COMPOSITES = {Vector2: "Vector2", Rect2: "Rect2", Color: "Color", Transform2D: "Transform2D"}
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def number(x: Any) -> str:
    """A number as Godot writes it inside a composite value: integral values without ``.0``.

    >>> number(3), number(2.0), number(0.1), number(np.float32(0.5))
    ('3', '2', '0.1', '0.5')
    """
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, Real):
        raise TypeError(f"Godot number: expected an int or a float, got {x!r}")
    if isinstance(x, Integral):
        return str(int(x))
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"Godot number: {x} is not finite")
    return str(int(x)) if x.is_integer() and abs(x) < 2 ** 53 else repr(x)


def string(s: str) -> str:
    """A quoted string with Godot's escapes (one line; UTF-8 text is kept as is).

    >>> print(string('say "hi"\\n'))
    "say \\"hi\\"\\n"
    """
    return '"' + "".join(_ESCAPES.get(c, c) for c in s) + '"'


def value(v: Any) -> str:
    """``v`` as Godot 3 writes it in a text resource.

    >>> value(Vector2(16, 16)), value(Color(1, 0.5, 0)), value(PoolIntArray([0, 1, 0]))
    ('Vector2( 16, 16 )', 'Color( 1, 0.5, 0, 1 )', 'PoolIntArray( 0, 1, 0 )')
    >>> value(PoolVector2Array([(8, 8), (24, 8)])), value(Transform2D()), value([1.0, "a", None])
    ('PoolVector2Array( 8, 8, 24, 8 )', 'Transform2D( 1, 0, 0, 1, 0, 0 )', '[ 1.0, "a", null ]')
    >>> print(value({"b": False, "a": Ref("SubResource", 2)}))
    {
    "a": SubResource( 2 ),
    "b": false
    }
    """
    if v is None:
        return "null"
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, Integral):
        return str(int(v))
    if isinstance(v, Real):
        return number(v) + (".0" if float(v).is_integer() else "")
    if isinstance(v, str):
        return string(v)
    if type(v) in _COMPOSITES:
        return f"{_COMPOSITES[type(v)]}( {', '.join(map(number, v))} )"
    if isinstance(v, PoolIntArray):
        return f"PoolIntArray( {', '.join(map(number, v.values))} )"
    if isinstance(v, PoolVector2Array):
        return f"PoolVector2Array( {', '.join(number(c) for p in v.points for c in p)} )"
    if isinstance(v, Ref):
        return f"{v.kind}( {v.id} )"
    if isinstance(v, (list, tuple)):
        return f"[ {', '.join(map(value, v))} ]"
    if isinstance(v, dict):
        if not all(isinstance(k, str) for k in v):
            raise TypeError(f"Godot dictionary: keys must be strings, got {sorted(map(repr, v))}")
        entries = ",\n".join(f"{string(k)}: {value(v[k])}" for k in sorted(v))
        return "{\n" + entries + ("\n" if v else "") + "}"
    raise TypeError(f"Godot value: cannot write {type(v).__name__} {v!r}")


_BAD_NAME = str.maketrans({c: "_" for c in '.:@/"%'})


def node_name(name: str) -> str:
    """``name`` made a valid Godot node name (``. : @ / " %`` become ``_``; empty: ``node``).

    >>> node_name("door 1.5/a")
    'door 1_5_a'
    """
    return name.translate(_BAD_NAME).strip() or "node"


@dataclass
class _Section:
    header: str
    props: dict[str, Any]


@dataclass
class Document:
    """A Godot 3 text resource of ``type`` (``.tres``), or a scene (``.tscn``) when ``type`` is None."""

    type: str | None = None
    resource: dict[str, Any] = field(default_factory=dict)
    _ext: dict[tuple[str, str], Ref] = field(default_factory=dict)
    _subs: list[_Section] = field(default_factory=list)
    _nodes: list[_Section] = field(default_factory=list)
    _children: dict[str, set[str]] = field(default_factory=dict)

    def ext(self, path: str, type: str) -> Ref:
        """The external resource at ``path`` (relative to this document) of Godot ``type``."""
        return self._ext.setdefault((path, type), Ref("ExtResource", len(self._ext) + 1))

    def sub(self, type: str, props: dict[str, Any]) -> Ref:
        """A new sub-resource of Godot ``type`` with ``props``."""
        ref = Ref("SubResource", len(self._subs) + 1)
        self._subs.append(_Section(f'[sub_resource type="{type}" id={ref.id}]', props))
        return ref

    def node(self, name: str, type: str, parent: str | None = ".", props: dict[str, Any] | None = None) -> str:
        """Add a node under ``parent`` (a path from the root, ``"."`` for the root itself; None
        makes this node the root). ``name`` is made valid and unique among its siblings (``hero``,
        ``hero 2``...). Returns the new node's path, the ``parent`` of its children."""
        if (parent is None) != (not self._nodes):
            raise ValueError(f"Godot scene: node {name!r}: the first node and only it is the root (parent None)")
        taken = self._children.setdefault(parent or "", set())
        base = unique = node_name(name)
        n = 1
        while unique in taken:
            n += 1
            unique = f"{base} {n}"
        taken.add(unique)
        if parent is None:
            header, path = f'[node name={string(unique)} type="{type}"]', "."
        else:
            header = f'[node name={string(unique)} type="{type}" parent={string(parent)}]'
            path = unique if parent == "." else f"{parent}/{unique}"
        self._nodes.append(_Section(header, props or {}))
        return path

    def text(self) -> str:
        """The document, as Godot 3 writes it."""
        if (self.type is None and self.resource) or (self.type is not None and self._nodes):
            raise ValueError(f"Godot {self.type or 'scene'}: a scene has nodes, a resource [resource] properties")
        steps = len(self._ext) + len(self._subs) + 1
        kind = "gd_scene" if self.type is None else f'gd_resource type="{self.type}"'
        head = f"[{kind} load_steps={steps} format={FORMAT}]" if steps > 1 else f"[{kind} format={FORMAT}]"
        sections = [head]
        sections += [f"[ext_resource path={string(p)} type=\"{t}\" id={r.id}]" for (p, t), r in self._ext.items()]
        sections += [_section(s.header, s.props) for s in self._subs]
        if self.type is None:
            sections += [_section(s.header, s.props) for s in self._nodes]
        else:
            sections.append(_section("[resource]", self.resource))
        return "\n\n".join(sections) + "\n"


def _section(header: str, props: dict[str, Any]) -> str:
    return "\n".join([header, *(f"{k} = {value(v)}" for k, v in props.items())])


def sprite_frames(atlas: dict[str, Any], texture: str) -> str:
    """A ``SpriteFrames`` resource of an Aseprite "JSON hash" ``atlas`` whose sheet is the file
    ``texture``: one ``AtlasTexture`` per atlas frame, one animation per ``frameTags`` tag (same
    name, frames ``from..to``, ``speed`` from the frames' mean duration). A tag with ``repeat``
    set (Aseprite: play that many times) plays once (``loop`` false); the others loop.

    >>> frames = {"a_0": {"frame": {"x": 0, "y": 0, "w": 8, "h": 8}, "duration": 100}}
    >>> tags = [{"name": "a", "from": 0, "to": 0, "direction": "forward", "repeat": "1"}]
    >>> text = sprite_frames({"frames": frames, "meta": {"frameTags": tags}}, "a.png")
    >>> '"loop": false' in text and '"speed": 10.0' in text
    True
    """
    doc = Document("SpriteFrames")
    tex = doc.ext(texture, "Texture")
    cells = list(atlas["frames"].values())
    refs = [doc.sub("AtlasTexture", {"atlas": tex, "region": Rect2(*(c["frame"][k] for k in "xywh"))})
            for c in cells]
    animations = []
    for tag in atlas["meta"]["frameTags"]:
        if tag.get("direction", "forward") != "forward":
            raise ValueError(f"atlas tag {tag['name']!r}: direction {tag['direction']!r}; Godot export reads "
                             "forward tags only")
        span = range(tag["from"], tag["to"] + 1)
        ms = sum(cells[i]["duration"] for i in span) / len(span)
        animations.append({"frames": [refs[i] for i in span], "loop": int(tag.get("repeat", "0")) == 0,
                           "name": tag["name"], "speed": 1000.0 / ms})
    doc.resource["animations"] = animations
    return doc.text()


def tile_set(texture: str, columns: int, names: Sequence[str], solid: Sequence[bool], tile: int = 16) -> str:
    """A ``TileSet`` resource of the tileset image ``texture`` (``tile`` px frames, ``columns``
    per row, frame ``i`` is tile id ``i`` named ``names[i]``); each solid tile carries one
    whole-tile ``ConvexPolygonShape2D`` collision shape (shared), the others none.

    >>> text = tile_set("t.png", 2, ["sky", "ground"], [False, True])
    >>> text.count("/shapes = [ {"), "1/region = Rect2( 16, 0, 16, 16 )" in text
    (1, True)
    """
    if len(names) != len(solid):
        raise ValueError(f"Godot tile set: {len(names)} names but {len(solid)} solid flags")
    doc = Document("TileSet")
    tex = doc.ext(texture, "Texture")
    box = doc.sub("ConvexPolygonShape2D", {"points": PoolVector2Array([(0, 0), (tile, 0), (tile, tile), (0, tile)])})
    shape = {"autotile_coord": Vector2(0, 0), "one_way": False, "one_way_margin": 1.0, "shape": box,
             "shape_transform": Transform2D()}
    for i, (name, is_solid) in enumerate(zip(names, solid)):
        props = {"name": name, "texture": tex, "tex_offset": Vector2(0, 0), "modulate": Color(1, 1, 1, 1),
                 "region": Rect2(i % columns * tile, i // columns * tile, tile, tile), "tile_mode": ONE_TILE,
                 "occluder_offset": Vector2(0, 0), "navigation_offset": Vector2(0, 0),
                 "shape_offset": Vector2(0, 0), "shape_transform": Transform2D(),
                 "shapes": [shape] if is_solid else [], "z_index": 0}
        doc.resource.update({f"{i}/{k}": v for k, v in props.items()})
    return doc.text()


def tile_map(tile_set_ref: Ref, cells: np.ndarray, tile: int = 16) -> dict[str, Any]:
    """The properties of a ``TileMap`` node drawing ``cells`` (tile ids, ``-1`` for none) with
    the ``TileSet`` ``tile_set_ref`` in ``tile`` px cells."""
    return {"tile_set": tile_set_ref, "cell_size": Vector2(tile, tile), "format": 1, "tile_data": tile_data(cells)}


def tile_data(cells: np.ndarray) -> PoolIntArray:
    """A ``TileMap``'s ``tile_data`` (``format = 1``) of a grid of tile ids, ``-1`` for no tile:
    per used cell ``(row << 16) | column``, the tile id and the autotile coordinate 0, row by row.

    >>> tile_data(np.array([[3, -1], [-1, 0]]))
    PoolIntArray(values=[0, 3, 0, 65537, 0, 0])
    """
    rows, cols = np.nonzero(np.asarray(cells) >= 0)
    if len(rows) and (rows.max() >= 1 << 15 or cols.max() >= 1 << 15):
        raise ValueError(f"Godot tile map: {cells.shape} cells exceed Godot's 32767 rows or columns")
    values = np.stack([(rows << 16) | cols, np.asarray(cells)[rows, cols], np.zeros_like(rows)], 1)
    return PoolIntArray(values.ravel().tolist())
