"""Exporters for :class:`Scene2D`.

- ``.tmx`` / ``.tmj``: a Tiled map (background image layers, the ``tiles`` layer, one object
  layer per scene layer; sprites are tile objects of their sheet's tileset, animated) with its
  tilesets beside it as ``<sheet>-<hash>.tsx`` + ``.png`` (named by content: equal sheets of many
  scenes in one folder are the same files) and the backgrounds as ``<stem>-bg-<name>.png``.
  Objects have the Tiled type ``sprite`` (tile objects) or ``area`` (rooms, doors, ? blocks),
  which engine importers make no walls of; the scene object's type is the property ``role``.
- ``.png``: the whole scene drawn (backgrounds repeated, tiles, sprites).
- ``.json``: everything, images as base64 PNG; read back exactly by :func:`read_json`.
- ``.tscn``: a Godot 3 scene (parallax backgrounds, a ``TileMap`` with its ``TileSet`` sidecar,
  one ``Node2D`` per object layer holding ``Sprite``s and plain markers) with the same images
  beside it as the Tiled map.
- ``.bundle``: a folder ``<stem>/`` a game loads in one go: ``scene.json`` (the index: map files,
  spawn, goal, layer draw order and counts, story files), ``map.tmx``, ``map.tmj``, ``images/*.png``,
  ``render.png`` and the story (``quest.ink`` + ``quest.json`` + ``quest.csv``, its line string table, or
  ``mission.json``); its maps embed their tilesets (the bundle stands alone).

>>> import numpy as np
>>> from worldsmith.types.scene import Scene2D
>>> s = Scene2D(kind="demo", tiles=np.array([[1]], np.uint16), tileset=np.zeros((1, 16, 16, 4), np.uint8),
...             tile_names=["ground"], tile_solid=[True])
>>> files = write_tmx(s, "a.tmx")
>>> list(files)[0], sorted(n[:6] + "<hash>" + n[-4:] for n in files.shared)
('a.tmx', ['tiles-<hash>.png', 'tiles-<hash>.tsx'])
"""
from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from worldsmith.core.errors import FormatError
from worldsmith.core.formats import Files, check_grid, register_check, register_reader, register_writer
from worldsmith.core.seeding import seed_to_json
from worldsmith.export import godot, tiled
from worldsmith.export.ink import to_ink
from worldsmith.export.lines import to_csv
from worldsmith.export.png import png_array, png_bytes
from worldsmith.export.sheets import frame_grid
from worldsmith.plots.export import check_plot
from worldsmith.types.base import AssetMeta
from worldsmith.types.plot_json import from_json_text, to_json
from worldsmith.types.scene import TILE, Background, Scene2D, SceneObject

SCHEMA = "worldsmith.scene2d/1"
FRAME_MS = 150  # each frame of a sprite's Tiled animation


def _unpng(data: str) -> np.ndarray:
    return png_array(base64.b64decode(data))


def sheet(frames: np.ndarray) -> tuple[np.ndarray, int]:
    """Frames ``(F, h, w, 4)`` laid out in rows (4 columns for 16-frame walk sheets) and the
    column count."""
    f, h, w, _ = frames.shape
    cols = 4 if f == 16 else f
    rows = -(-f // cols)
    grid = np.zeros((rows * cols, h, w, 4), np.uint8)
    grid[:f] = frames
    return frame_grid(grid.reshape(1, rows, cols, h, w, 4)), cols


def animations(scene: Scene2D, name: str) -> dict[int, tiled.Frames]:
    """Tiled animations of sprite sheet ``name``: each loop (a direction's walk, a coin's turn) on
    its first frame. Loops are a hero sheet's frames per direction (``meta.extra["hero_sheets"]``;
    16-frame sheets: 4), else the whole sheet."""
    count = len(scene.sprites[name])
    info = scene.meta.extra.get("hero_sheets", {}).get(name)
    loop = info["frames"] if info else 4 if count == 16 else count
    if loop < 2:
        return {}
    return {start: [(start + i, FRAME_MS) for i in range(loop)] for start in range(0, count, loop)}


def tiled_map(scene: Scene2D, image_name) -> tuple[tiled.TiledMap, dict[str, bytes]]:
    """The scene as a :class:`tiled.TiledMap` and its images (``image_name(part)`` -> file)."""
    h, w = scene.shape
    images: dict[str, bytes] = {}
    tile_sheet, _ = sheet(scene.tileset)
    images[image_name("tiles")] = png_bytes(tile_sheet)
    props = {i: {"name": n, "solid": s} for i, (n, s) in enumerate(zip(scene.tile_names, scene.tile_solid))}
    tilesets = [tiled.Tileset("tiles", image_name("tiles"), tile_sheet.shape[1], TILE, TILE, TILE,
                              len(scene.tileset), props,
                              solid=frozenset(i for i, s in enumerate(scene.tile_solid) if s))]
    firstgid = {"": 0}
    gid = len(scene.tileset) + 1
    for name, frames in scene.sprites.items():
        img, cols = sheet(frames)
        images[image_name(name)] = png_bytes(img)
        tilesets.append(tiled.Tileset(name, image_name(name), img.shape[1], img.shape[0], frames.shape[2],
                                      frames.shape[1], cols, firstgid=gid, animations=animations(scene, name)))
        firstgid[name] = gid
        gid += len(frames)
    layers: list[tiled.Layer] = []
    for bg in scene.backgrounds:
        images[image_name("bg-" + bg.name)] = png_bytes(bg.image)
        layers.append(tiled.ImageLayer(bg.name, image_name("bg-" + bg.name), bg.image.shape[1],
                                       bg.image.shape[0], bg.parallax))
    layers.append(tiled.TileLayer("tiles", scene.tiles))
    ids = iter(range(1, len(scene.objects) + 1))
    for layer in scene.layers():
        objects = [tiled.TiledObject(next(ids), o.name, tiled.SPRITE if o.sprite else tiled.AREA, o.x,
                                     o.y if o.sprite else o.y - o.height, o.width, o.height,
                                     firstgid[o.sprite] + o.frame if o.sprite else 0,
                                     {"role": o.type, **o.properties}) for o in scene.layer(layer)]
        layers.append(tiled.ObjectGroup(layer, objects))
    meta = {"kind": scene.kind, "generator": scene.meta.generator, "seed": seed_to_json(scene.meta.seed or 0)}
    return tiled.TiledMap(w, h, TILE, TILE, meta, tilesets, layers), images


def _side_name(name: str):
    stem = Path(name).stem
    return lambda part: f"{stem}-{part}.png"


def _external_map(scene: Scene2D, name: str, to_text) -> Files:
    """The map written by ``to_text`` with its tilesets external and shared, and its images."""
    m, images = tiled_map(scene, _side_name(name))
    shared: dict[str, bytes] = {}
    for i, ts in enumerate(m.tilesets):
        m.tilesets[i], files = tiled.external(ts, images.pop(ts.image))
        shared.update(files)
    return Files({name: to_text(m).encode(), **images, **shared}, shared=shared)


def write_tmx(scene: Scene2D, name: str) -> Files:
    """Tiled XML map plus its tilesets and images beside it."""
    return _external_map(scene, name, tiled.to_tmx)


def write_tmj(scene: Scene2D, name: str) -> Files:
    """Tiled JSON map plus its tilesets and images beside it."""
    return _external_map(scene, name, tiled.to_tmj)


def _paste(canvas: np.ndarray, img: np.ndarray, x: int, y: int) -> None:
    """Alpha-blend RGBA ``img`` onto RGB float ``canvas`` with its top-left at (x, y), clipped:
    ``canvas * (1 - a) + rgb * a`` with ``a = alpha / 255`` in float32, worked out only where
    ``img`` is partly transparent (an opaque pixel gives its colour and a clear one the canvas,
    exactly, so those are copied or left)."""
    h, w = img.shape[:2]
    x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + w, canvas.shape[1]), min(y + h, canvas.shape[0])
    if x0 >= x1 or y0 >= y1:
        return
    part, under = img[y0 - y:y1 - y, x0 - x:x1 - x], canvas[y0:y1, x0:x1]
    alpha = part[..., 3]
    opaque, partial = alpha == 255, (alpha > 0) & (alpha < 255)
    np.copyto(under, part[..., :3], where=opaque[..., None])
    if partial.any():
        rgba = part[partial].astype(np.float32)                  # (n, 4)
        a = rgba[:, 3:] / 255.0
        under[partial] = under[partial] * (1 - a) + rgba[:, :3] * a


def render(scene: Scene2D) -> np.ndarray:
    """The whole scene as an ``(H*16, W*16, 3)`` uint8 image: backgrounds, tiles, sprites."""
    width, height = scene.pixel_size
    canvas = np.zeros((height, width, 3), np.float32)
    for bg in scene.backgrounds:
        reps = -(-width // bg.image.shape[1])
        _paste(canvas, np.tile(bg.image, (1, reps, 1))[:, :width], 0, 0)
    h, w = scene.shape
    table = np.concatenate([np.zeros((1, TILE, TILE, 4), np.uint8), scene.tileset])
    tiles = table[scene.tiles].transpose(0, 2, 1, 3, 4).reshape(h * TILE, w * TILE, 4)
    _paste(canvas, tiles, 0, 0)
    for o in (o for layer in scene.layers() for o in scene.layer(layer)):
        if o.sprite:
            frame = Image.fromarray(scene.sprites[o.sprite][o.frame]).resize((o.width, o.height), Image.NEAREST)
            _paste(canvas, np.asarray(frame), o.x, o.y - o.height)
    return canvas.round().astype(np.uint8)


def write_png(scene: Scene2D, name: str) -> dict[str, bytes]:
    """The rendered scene."""
    return {name: png_bytes(render(scene))}


def _b64(array: np.ndarray) -> str:
    return base64.b64encode(png_bytes(array)).decode("ascii")


def to_dict(scene: Scene2D) -> dict[str, Any]:
    """Everything in the scene as JSON-ready data (images as base64 PNG)."""
    return {
        "type": "Scene2D", "schema": SCHEMA, "kind": scene.kind,
        "tiles": np.asarray(scene.tiles, int).tolist(),
        "tileset": {"names": scene.tile_names, "solid": scene.tile_solid, "png": _b64(sheet(scene.tileset)[0])},
        "sprites": {k: {"frames": [int(n) for n in v.shape[:3]], "png": _b64(sheet(v)[0])}
                    for k, v in scene.sprites.items()},
        "backgrounds": [{"name": b.name, "parallax": b.parallax, "png": _b64(b.image)} for b in scene.backgrounds],
        "objects": [{"layer": o.layer, "name": o.name, "type": o.type, "x": o.x, "y": o.y, "width": o.width,
                     "height": o.height, "sprite": o.sprite, "frame": o.frame, "properties": o.properties}
                    for o in scene.objects],
        "object_layers": scene.object_layers,
        "plot": json.loads(to_json(scene.plot)) if scene.plot is not None else None,
        "mission": scene.mission, "solution": scene.solution, "meta": scene.meta.to_dict()}


def _frames(png_text: str, count: int, h: int, w: int) -> np.ndarray:
    img = _unpng(png_text)
    cols = img.shape[1] // w
    cells = img.reshape(img.shape[0] // h, h, cols, w, 4).transpose(0, 2, 1, 3, 4).reshape(-1, h, w, 4)
    return cells[:count].copy()


def from_dict(data: dict[str, Any]) -> Scene2D:
    """Inverse of :func:`to_dict`."""
    if data.get("schema") != SCHEMA:
        raise ValueError(f"schema {data.get('schema')!r} is not {SCHEMA!r}")
    ts = data["tileset"]
    return Scene2D(
        kind=data["kind"], tiles=np.array(data["tiles"], np.uint16),
        tileset=_frames(ts["png"], len(ts["names"]), TILE, TILE), tile_names=ts["names"], tile_solid=ts["solid"],
        objects=[SceneObject(**o) for o in data["objects"]], object_layers=data["object_layers"],
        sprites={k: _frames(v["png"], *v["frames"]) for k, v in data["sprites"].items()},
        backgrounds=[Background(b["name"], _unpng(b["png"]), b["parallax"]) for b in data["backgrounds"]],
        plot=from_json_text(json.dumps(data["plot"])) if data["plot"] is not None else None,
        mission=data["mission"], solution=data["solution"], meta=AssetMeta.from_dict(data["meta"]))


def write_json(scene: Scene2D, name: str) -> dict[str, bytes]:
    """The whole scene as one JSON file (read back exactly by :func:`read_json`)."""
    return {name: (json.dumps(to_dict(scene), indent=1, ensure_ascii=False) + "\n").encode()}


def read_json(path: Path) -> Scene2D:
    """Inverse of :func:`write_json`."""
    try:
        return from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError) as e:
        raise FormatError(f"{path}: not a Scene2D JSON ({type(e).__name__}: {e})") from None


def _index(scene: Scene2D, story: dict[str, str], images: list[str]) -> dict[str, Any]:
    def point(layer: str) -> dict[str, int] | None:
        objs = scene.layer(layer)
        return {"x": objs[0].x, "y": objs[0].y} if objs else None

    return {"format": "worldsmith-scene-bundle", "version": 1, "kind": scene.kind,
            "generator": scene.meta.generator, "seed": seed_to_json(scene.meta.seed), "tile_size": TILE,
            "size_tiles": {"width": scene.shape[1], "height": scene.shape[0]},
            "map": {"tmx": "map.tmx", "tmj": "map.tmj"}, "render": "render.png", "images": images,
            "story": story, "spawn": point("spawn"), "goal": point("goal"),
            "draw_order": [b.name for b in scene.backgrounds] + ["tiles"] + scene.layers(),
            "layers": {layer: len(scene.layer(layer)) for layer in scene.layers()}}


def write_bundle(scene: Scene2D, name: str) -> dict[str, bytes]:
    """A folder ``<stem>/`` with ``scene.json`` (index, first), Tiled maps, images, render, story."""
    folder = Path(name).stem
    m, images = tiled_map(scene, lambda part: f"images/{part}.png")
    story: dict[str, str] = {}
    files: dict[str, bytes] = {}
    if scene.plot is not None:
        story = {"ink": "quest.ink", "json": "quest.json", "strings": "quest.csv"}
        files = {"quest.ink": to_ink(scene.plot).encode(), "quest.json": to_json(scene.plot).encode(),
                 "quest.csv": to_csv(scene.plot).encode()}
    if scene.mission:
        story["mission"] = "mission.json"
        files["mission.json"] = (json.dumps({"mission": scene.mission, "solution": scene.solution},
                                            indent=1) + "\n").encode()
    index = _index(scene, story, sorted(images))
    files = {"scene.json": (json.dumps(index, indent=1) + "\n").encode(), "map.tmx": tiled.to_tmx(m).encode(),
             "map.tmj": tiled.to_tmj(m).encode(), "render.png": png_bytes(render(scene)), **images, **files}
    return {f"{folder}/{k}": v for k, v in files.items()}


def _godot_props(o: SceneObject, sheet_cell: tuple[godot.Ref, int, int, int] | None) -> dict[str, Any]:
    """The node properties of object ``o``: a ``Sprite`` of frame ``o.frame`` of its sheet
    (``sheet_cell``: the texture, its columns, frame width and height) drawn over its box or,
    without a sprite, a ``Position2D`` at the box's top-left corner; type and properties (and a
    marker's size) as metadata. Never a body or an area."""
    meta = {"type": o.type, **o.properties}
    position = godot.Vector2(o.x, o.y - o.height)
    if sheet_cell is None:
        return {"position": position, "__meta__": {**meta, "width": o.width, "height": o.height}}
    texture, cols, w, h = sheet_cell
    return {"position": position, "scale": godot.Vector2(o.width / w, o.height / h), "texture": texture,
            "centered": False, "region_enabled": True,
            "region_rect": godot.Rect2(o.frame % cols * w, o.frame // cols * h, w, h), "__meta__": meta}


def write_tscn(scene: Scene2D, name: str) -> dict[str, bytes]:
    """A Godot 3 scene: under a root ``Node2D``, a ``ParallaxBackground`` with one
    ``ParallaxLayer`` per background (``motion_scale`` its parallax, mirrored every image width),
    the ``tiles`` ``TileMap`` and one ``Node2D`` per object layer (``spawn``, ``goal``, ``rooms``...)
    holding ``Sprite``s (a region of their sheet) and, for objects without a sprite (rooms, doors),
    ``Position2D`` markers; object properties are node metadata. Beside it ``<stem>-tileset.tres``
    (one tile per tileset frame, a whole-tile collision shape on the solid ones) and the Tiled
    export's images (``<stem>-tiles.png``, ``<stem>-<sprite>.png``, ``<stem>-bg-<name>.png``).

    >>> s = Scene2D(kind="demo", tiles=np.array([[1]], np.uint16), tileset=np.zeros((1, 16, 16, 4), np.uint8),
    ...             tile_names=["ground"], tile_solid=[True])
    >>> list(write_tscn(s, "a.tscn"))
    ['a.tscn', 'a-tileset.tres', 'a-tiles.png']
    """
    stem, side = Path(name).stem, _side_name(name)
    doc = godot.Document()
    doc.node(stem, "Node2D", None, {"__meta__": {"kind": scene.kind, "generator": scene.meta.generator,
                                                 "seed": seed_to_json(scene.meta.seed or 0)}})
    tile_sheet, cols = sheet(scene.tileset)
    files = {f"{stem}-tileset.tres": godot.tile_set(side("tiles"), cols, scene.tile_names, scene.tile_solid,
                                                    TILE).encode(), side("tiles"): png_bytes(tile_sheet)}
    if scene.backgrounds:
        parallax = doc.node("background", "ParallaxBackground")
        for bg in scene.backgrounds:
            image = side("bg-" + bg.name)
            files[image] = png_bytes(bg.image)
            layer = doc.node(bg.name, "ParallaxLayer", parallax, {
                "motion_scale": godot.Vector2(bg.parallax, 1), "motion_mirroring": godot.Vector2(bg.image.shape[1], 0)})
            doc.node(bg.name, "Sprite", layer, {"texture": doc.ext(image, "Texture"), "centered": False})
    doc.node("tiles", "TileMap", ".", godot.tile_map(doc.ext(f"{stem}-tileset.tres", "TileSet"),
                                                    np.asarray(scene.tiles, int) - 1, TILE))
    cells = {}
    for sprite, frames in scene.sprites.items():
        img, sprite_cols = sheet(frames)
        files[side(sprite)] = png_bytes(img)
        cells[sprite] = (sprite_cols, frames.shape[2], frames.shape[1])
    for layer in scene.layers():
        parent = doc.node(layer, "Node2D")
        for o in scene.layer(layer):
            sheet_cell = (doc.ext(side(o.sprite), "Texture"), *cells[o.sprite]) if o.sprite else None
            doc.node(o.name, "Sprite" if o.sprite else "Position2D", parent, _godot_props(o, sheet_cell))
    return {name: doc.text().encode(), **files}


MAX_TILES = 1 << 20  # cells in a scene's tile layer (the largest generated scenes hold about 10,000)


def check_scene(scene: Scene2D, where: str) -> None:
    """The tile layer is a grid of tileset ids of a size a generator could make, the tileset tables
    agree, every sprite object shows a frame its sheet has, the plot is sound."""
    check_grid("tiles", where, scene.tiles, len(scene.tile_names) + 1)        # Tiled ids: 0 is no tile
    if scene.tiles.size > MAX_TILES:
        raise FormatError(f"{where}: a {scene.tiles.shape[1]} x {scene.tiles.shape[0]} tile layer is larger "
                          f"than any scene (limit {MAX_TILES} cells)")
    if not len(scene.tile_solid) == len(scene.tile_names) == len(scene.tileset):
        raise FormatError(f"{where}: tileset, tile_names and tile_solid differ in length")
    for o in scene.objects:
        if o.sprite and o.sprite not in scene.sprites:
            raise FormatError(f"{where}: object {o.name!r} shows sprite {o.sprite!r}, which the scene does not hold")
        if o.sprite and not (isinstance(o.frame, int) and 0 <= o.frame < len(scene.sprites[o.sprite])):
            raise FormatError(f"{where}: object {o.name!r} shows frame {o.frame!r} of {o.sprite!r}, "
                              f"which has {len(scene.sprites[o.sprite])}")
    if scene.plot is not None:
        check_plot(scene.plot, where)


for _fmt, _writer in (("tmx", write_tmx), ("tmj", write_tmj), ("png", write_png), ("json", write_json),
                      ("bundle", write_bundle)):
    register_writer(Scene2D, _fmt, _writer)
register_reader(Scene2D, "json", read_json)
register_check(Scene2D, check_scene)
register_writer(Scene2D, "tscn", write_tscn)
