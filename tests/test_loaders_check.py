"""ws.load refuses what would break later (issue 31 item 3): plots whose rules name undeclared
variables or unknown operators, seeds out of range; one FormatError naming the file."""
from __future__ import annotations

import json

import pytest

import worldsmith as ws
from worldsmith.core.errors import FormatError


@pytest.fixture
def quest(tmp_path):
    path = tmp_path / "q.json"
    ws.make("plots/quest-v1")(seed=3).export(path)
    return path, json.loads(path.read_text())


def _rules(data):
    return [(c, key, r) for c in data["choices"] for key in ("requires", "effects") for r in c.get(key, [])]


@pytest.mark.parametrize("damage, message", [
    (lambda r: r.update(var="nowhere"), "undeclared variable 'nowhere'"),
    (lambda r: r.update(op="=~"), "operator '=~'"),
    (lambda r: r.update(value="three"), "expected"),
])
def test_a_plot_with_a_broken_rule_is_refused_on_load(quest, damage, message):
    path, data = quest
    rules = _rules(data)
    assert rules, "the sample quest has conditions or effects"
    damage(rules[0][2])
    path.write_text(json.dumps(data))
    with pytest.raises(FormatError, match=message) as caught:
        ws.load(path)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize("seed", ["abc", "-1", "1" * 30, -5, 2**64, 1.5, True])
def test_a_seed_out_of_range_or_of_the_wrong_type_is_refused(quest, seed):
    path, data = quest
    data["meta"]["seed"] = seed
    path.write_text(json.dumps(data))
    with pytest.raises(FormatError, match="seed: expected a decimal string or an int"):
        ws.load(path)


def test_an_image_that_would_inflate_past_any_asset_is_refused_before_decoding(tmp_path):
    import base64
    import io

    from PIL import Image

    scene = ws.make("scenes/platformer-v1")(seed=1)
    path = tmp_path / "s.json"
    scene.export(path)
    data = json.loads(path.read_text())
    buf = io.BytesIO()
    Image.new("RGBA", (9000, 4000)).save(buf, format="PNG")        # 144 MB of pixels in 140 KB
    data["backgrounds"][0]["png"] = base64.b64encode(buf.getvalue()).decode()
    path.write_text(json.dumps(data))
    with pytest.raises(FormatError, match="9000 x 4000 image: larger than any asset image") as caught:
        ws.load(path)
    assert str(path) in str(caught.value)


@pytest.fixture(scope="module")
def scene_json(tmp_path_factory):
    path = tmp_path_factory.mktemp("scene") / "s.json"
    ws.make("scenes/platformer-v1")(seed=1).export(path)
    return path, path.read_text()


@pytest.mark.parametrize("damage, message", [
    (lambda o: o.update(sprite="ghost"), "shows sprite 'ghost', which the scene does not hold"),
    (lambda o: o.update(frame=999), "shows frame 999 of"),
])
def test_a_scene_whose_objects_show_what_it_lacks_is_refused(scene_json, tmp_path, damage, message):
    path, text = scene_json
    data = json.loads(text)
    damage(next(o for o in data["objects"] if o["sprite"]))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    with pytest.raises(FormatError, match=message):
        ws.load(bad)


def test_a_level_larger_than_any_generator_makes_is_refused(tmp_path):
    path = tmp_path / "big.json"
    level = ws.make("levels/zelda-v1")(seed=1)
    level.export(path)
    data = json.loads(path.read_text())
    data["rows"] = ["-" * 5000] * 3
    data["path"] = []
    path.write_text(json.dumps(data))
    with pytest.raises(FormatError, match="a 5000 x 3 level is larger than any generator makes"):
        ws.load(path)
