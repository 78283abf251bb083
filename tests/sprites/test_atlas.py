"""The sheet's ``.json`` atlas as engines read it: a strict reader of Aseprite's "JSON hash" format
(every field, its type and Aseprite's key order, animations rebuilt from ``frameTags``), PixiJS'
own spritesheet parser run in node, exact pixels cut by the atlas rects, and byte determinism."""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import worldsmith as ws
from tests.conftest import node_available
from worldsmith.sprites.export import FRAME_MS
from worldsmith.types.sprite import DIRECTIONS

LOADER = Path(__file__).with_name("atlas_loader.js")
REPO = Path(__file__).resolve().parents[2]

# Aseprite's JSON hash export (doc_exporter.cpp), in its key order; [..] keys are optional there
TOP = ["frames", "meta"]
FRAME = ["frame", "rotated", "trimmed", "spriteSourceSize", "sourceSize", "duration"]
RECT, SIZE = ["x", "y", "w", "h"], ["w", "h"]
META = ["app", "version", "image", "format", "size", "scale", "frameTags", "layers", "slices"]
TAG = ["name", "from", "to", "direction", "[repeat]", "[color]", "[data]"]
LAYER = ["name", "[group]", "[opacity]", "[blendMode]", "[color]", "[data]", "[cels]"]
DIRECTIONS_ASE = {"forward", "reverse", "pingpong", "pingpong_reverse"}
BLEND_MODES = {"normal", "darken", "multiply", "color_burn", "lighten", "screen", "color_dodge", "addition",
               "overlay", "soft_light", "hard_light", "difference", "exclusion", "subtract", "divide", "hue",
               "saturation", "color", "luminosity"}
COLOR = re.compile(r"#[0-9a-f]{8}")
VERSION = re.compile(r"\d+\.\d+\.\d+")


def _keys(obj, order: list[str], where: str, extensions: tuple[str, ...] = ()) -> None:
    """``obj`` is a dict whose keys are ``order``'s, in that order (``[k]`` keys may be absent),
    then any of ``extensions`` (keys beyond Aseprite's that importers skip)."""
    assert isinstance(obj, dict), f"{where}: not an object"
    required = [k for k in order if not k.startswith("[")]
    allowed = [k.strip("[]") for k in order]
    keys = list(obj)
    assert set(required) <= set(keys), f"{where}: missing {sorted(set(required) - set(keys))}"
    assert set(keys) <= set(allowed) | set(extensions), f"{where}: unknown {sorted(set(keys) - set(allowed))}"
    assert keys == [k for k in [*allowed, *extensions] if k in obj], f"{where}: key order {keys}"


def _int(value, where: str, low: int = 0) -> int:
    assert isinstance(value, int) and not isinstance(value, bool), f"{where}: {value!r} is not an integer"
    assert value >= low, f"{where}: {value} < {low}"
    return value


def _rect(obj, order: list[str], where: str) -> dict:
    _keys(obj, order, where)
    return {k: _int(obj[k], f"{where}.{k}", 1 if k in "wh" else 0) for k in order}


def read_aseprite_hash(path: Path, meta_extensions: tuple[str, ...] = ("worldsmith",)) -> dict:
    """A strict importer of Aseprite's JSON hash atlas, as a game engine's (e.g. Godot's) would do it:
    validates every field and its type, the rects against the sheet, and returns the frames in
    order plus one animation (list of frame names, durations) per frame tag. The only keys
    beyond Aseprite's it lets through are ``meta_extensions``, after all of Aseprite's meta keys."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    _keys(doc, TOP, "atlas")
    meta = doc["meta"]
    _keys(meta, META, "meta", meta_extensions)
    assert isinstance(meta["app"], str) and meta["app"], "meta.app"
    version = meta["version"]
    assert isinstance(version, str) and VERSION.fullmatch(version), f"meta.version {version!r}"
    assert isinstance(meta["image"], str) and "/" not in meta["image"], "meta.image: a file name"
    assert meta["format"] in ("RGBA8888", "I8"), f"meta.format {meta['format']!r}"
    size = _rect(meta["size"], SIZE, "meta.size")
    assert meta["scale"] == "1", f"meta.scale {meta['scale']!r} (Aseprite writes the string \"1\")"
    with Image.open(path.with_name(meta["image"])) as im:
        assert im.size == (size["w"], size["h"]), f"meta.size {size} != image {im.size}"

    assert isinstance(doc["frames"], dict) and doc["frames"], "frames: a non-empty object (hash)"
    frames = []
    for name, fr in doc["frames"].items():
        where = f"frames[{name!r}]"
        _keys(fr, FRAME, where)
        rect = _rect(fr["frame"], RECT, f"{where}.frame")
        assert fr["rotated"] is False or fr["rotated"] is True, f"{where}.rotated"
        assert fr["trimmed"] is False or fr["trimmed"] is True, f"{where}.trimmed"
        source = _rect(fr["spriteSourceSize"], RECT, f"{where}.spriteSourceSize")
        full = _rect(fr["sourceSize"], SIZE, f"{where}.sourceSize")
        duration = _int(fr["duration"], f"{where}.duration", 1)
        w, h = (rect["h"], rect["w"]) if fr["rotated"] else (rect["w"], rect["h"])
        assert (source["w"], source["h"]) == (w, h), f"{where}: spriteSourceSize vs frame"
        assert source["x"] + w <= full["w"] and source["y"] + h <= full["h"], f"{where}: outside sourceSize"
        if not fr["trimmed"]:
            assert source == {"x": 0, "y": 0, **full}, f"{where}: untrimmed but spriteSourceSize {source}"
        inside = rect["x"] + rect["w"] <= size["w"] and rect["y"] + rect["h"] <= size["h"]
        assert inside, f"{where}: outside the sheet"
        frames.append({"name": name, "rect": rect, "rotated": fr["rotated"], "trimmed": fr["trimmed"],
                       "duration": duration})

    assert isinstance(meta["frameTags"], list), "meta.frameTags"
    animations = {}
    for i, tag in enumerate(meta["frameTags"]):
        where = f"meta.frameTags[{i}]"
        _keys(tag, TAG, where)
        assert isinstance(tag["name"], str) and tag["name"] not in animations, f"{where}.name"
        lo, hi = _int(tag["from"], f"{where}.from"), _int(tag["to"], f"{where}.to")
        assert lo <= hi < len(frames), f"{where}: from {lo} to {hi} of {len(frames)} frames"
        assert tag["direction"] in DIRECTIONS_ASE, f"{where}.direction {tag['direction']!r}"
        if "repeat" in tag:
            assert isinstance(tag["repeat"], str) and tag["repeat"].isdigit(), f"{where}.repeat"
        if "color" in tag:
            color = tag["color"]
            assert isinstance(color, str) and COLOR.fullmatch(color), f"{where}.color {color!r}"
        if "data" in tag:
            assert isinstance(tag["data"], str), f"{where}.data"
        span = frames[lo:hi + 1][::-1 if tag["direction"] == "reverse" else 1]
        animations[tag["name"]] = {"frames": [f["name"] for f in span], "durations": [f["duration"] for f in span],
                                   "direction": tag["direction"], "color": tag.get("color")}

    assert isinstance(meta["layers"], list) and meta["layers"], "meta.layers"
    for i, layer in enumerate(meta["layers"]):
        where = f"meta.layers[{i}]"
        _keys(layer, LAYER, where)
        assert isinstance(layer["name"], str), f"{where}.name"
        if "opacity" in layer:
            assert _int(layer["opacity"], f"{where}.opacity") <= 255, f"{where}.opacity"
        if "blendMode" in layer:
            assert layer["blendMode"] in BLEND_MODES, f"{where}.blendMode {layer['blendMode']!r}"
        for key in ("group", "data"):
            assert isinstance(layer.get(key, ""), str), f"{where}.{key}"
    assert isinstance(meta["slices"], list), "meta.slices"
    return {"doc": doc, "size": size, "frames": frames, "animations": animations}


@pytest.fixture(scope="module")
def heroes():
    return ws.make("sprites/lpc-v2")(seed=3, n=2)


@pytest.fixture(scope="module")
def exported(heroes, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("atlas")
    png, atlas = heroes.export(folder / "heroes.png")
    assert atlas.name == "heroes.json"
    return atlas


def _expected(n: int) -> dict:
    """Per tag, the frame names the SDK's layout gives: 4 directions x 4 frames per character."""
    return {f"{c:03d}_{d}": [f"{c:03d}_{d}_{k}" for k in range(4)] for c in range(n) for d in DIRECTIONS}


def _rect_of(name: str) -> dict:
    c, d, k = name.split("_")
    return {"x": 64 * int(k), "y": 64 * (4 * int(c) + DIRECTIONS.index(d)), "w": 64, "h": 64}


def test_atlas_is_aseprite_json_hash_field_for_field(heroes, exported):
    got = read_aseprite_hash(exported)
    meta = got["doc"]["meta"]
    assert meta["image"] == "heroes.png" and meta["format"] == "RGBA8888" and meta["version"] == ws.__version__
    assert got["size"] == {"w": 256, "h": 2 * 4 * 64}
    assert [f["name"] for f in got["frames"]] == [n for names in _expected(2).values() for n in names]
    for f in got["frames"]:
        assert f["rect"] == _rect_of(f["name"]) and not f["rotated"] and not f["trimmed"]
        assert f["duration"] == FRAME_MS
    assert list(got["animations"]) == list(_expected(2))
    for i, (name, anim) in enumerate(got["animations"].items()):
        tag = meta["frameTags"][i]
        assert (tag["from"], tag["to"]) == (4 * i, 4 * i + 3)
        assert anim["frames"] == _expected(2)[name] and anim["durations"] == [FRAME_MS] * 4
        assert anim["direction"] == "forward" and anim["color"] == "#000000ff"
    for c in range(2):
        assert sum(len(a["frames"]) for n, a in got["animations"].items() if n.startswith(f"{c:03d}_")) == 16
    assert meta["layers"] == [{"name": "worldsmith", "opacity": 255, "blendMode": "normal", "data": "SpriteBatch"}]
    assert meta["slices"] == [] and meta["worldsmith"] == json.loads(json.dumps(heroes.meta.to_dict()))
    bare = json.loads(exported.read_text())
    del bare["meta"]["worldsmith"]
    assert list(bare["meta"]) == [k.strip("[]") for k in META]  # without worldsmith's key: Aseprite's exactly


def test_atlas_rects_cut_the_batch_frames_exactly(heroes, exported):
    got = read_aseprite_hash(exported)
    with Image.open(exported.with_name("heroes.png")) as im:
        assert im.mode == "RGBA"
        sheet = np.asarray(im)
    rects = {f["name"]: f["rect"] for f in got["frames"]}
    cut = 0
    for i, anim in enumerate(got["animations"].values()):  # tag i: character i // 4, direction i % 4
        for k, name in enumerate(anim["frames"]):
            r = rects[name]
            crop = sheet[r["y"]:r["y"] + r["h"], r["x"]:r["x"] + r["w"]]
            np.testing.assert_array_equal(crop, heroes.images[i // 4, i % 4, k], err_msg=name)
            cut += 1
    assert cut == heroes.images.shape[0] * 16 == len(rects)


def test_atlas_bytes_are_deterministic(exported, tmp_path):
    again = ws.make("sprites/lpc-v2")(seed=3, n=2).export(tmp_path / "heroes.png")
    assert [p.read_bytes() for p in again] == [exported.with_name("heroes.png").read_bytes(), exported.read_bytes()]


def test_a_bad_atlas_is_refused_by_the_strict_reader(exported, tmp_path):
    doc = json.loads(exported.read_text())
    (tmp_path / "heroes.png").write_bytes(exported.with_name("heroes.png").read_bytes())
    for spoil in (lambda d: d["meta"].pop("version"), lambda d: d["meta"]["frameTags"][0].update(color="black"),
                  lambda d: d["meta"].update(scale=1), lambda d: d["frames"]["000_up_0"]["frame"].update(x=250),
                  lambda d: d.update(type="SpriteBatch"), lambda d: d["meta"].update(extra=1),
                  lambda d: d["meta"].update(worldsmith=d["meta"].pop("version"))):
        bad = json.loads(json.dumps(doc))
        spoil(bad)
        (tmp_path / "heroes.json").write_text(json.dumps(bad))
        with pytest.raises(AssertionError):
            read_aseprite_hash(tmp_path / "heroes.json")


def _pixi(atlas: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["node", str(LOADER), str(atlas)], capture_output=True, text=True, cwd=REPO,
                          timeout=120, check=False)


@pytest.mark.skipif(not node_available(), reason="needs node and node_modules (make node)")
def test_pixi_spritesheet_parser_reads_every_frame_and_tag(heroes, exported):
    proc = _pixi(exported)
    assert proc.returncode == 0, proc.stderr[-2000:]
    pixi = json.loads(proc.stdout)
    got = read_aseprite_hash(exported)
    assert pixi["image"] == {"width": 256, "height": 512} and pixi["resolution"] == 1
    assert pixi["order"] == [f["name"] for f in got["frames"]]
    for f in got["frames"]:
        t = pixi["frames"][f["name"]]
        assert t["frame"] == f["rect"] == _rect_of(f["name"]), f["name"]
        assert t["valid"] and t["rotate"] == 0 and t["trim"] is None
        assert (t["orig"]["w"], t["orig"]["h"]) == (64, 64)
        assert t["duration"] == FRAME_MS
    assert pixi["pixiAnimations"] == []  # Pixi's `animations` is TexturePacker's field, not Aseprite's
    assert list(pixi["animations"]) == list(_expected(len(heroes)))
    for name, anim in pixi["animations"].items():
        assert anim["frames"] == _expected(len(heroes))[name] == got["animations"][name]["frames"]
        assert anim["rects"] == [_rect_of(n) for n in anim["frames"]]
        assert anim["durations"] == [FRAME_MS] * 4 and anim["direction"] == "forward"
        assert anim["color"] == "#000000ff"


@pytest.mark.skipif(not node_available(), reason="needs node and node_modules (make node)")
def test_pixi_refuses_a_frame_outside_the_sheet(exported, tmp_path):
    doc = json.loads(exported.read_text())
    doc["frames"]["001_up_3"]["frame"]["x"] = 250
    (tmp_path / "heroes.png").write_bytes(exported.with_name("heroes.png").read_bytes())
    (tmp_path / "heroes.json").write_text(json.dumps(doc))
    proc = _pixi(tmp_path / "heroes.json")
    assert proc.returncode != 0 and "does not fit inside the base Texture" in proc.stderr
