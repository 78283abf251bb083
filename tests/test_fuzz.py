"""Property-based fuzzing (hypothesis, derandomised, bounded): config parsing, bake manifests and
every ``ws.load`` format give a valid result or a worldsmith error, never another exception."""
from __future__ import annotations

import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import worldsmith as ws
from worldsmith.bake import read_manifest
from worldsmith.core.errors import WorldsmithError

FUZZ = settings(derandomize=True, max_examples=60, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=8)


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    """One valid file per readable format: (path, type)."""
    d = tmp_path_factory.mktemp("exports")
    made = [(ws.make("levels/smb-v1", width=56)(seed=1), "level.json"),
            (ws.make("plots/quest-v1", acts=2)(seed=1), "plot.json"),
            (ws.make("scenes/platformer-v1", width=40, hero="procedural")(seed=1), "scene.json"),
            (ws.make("sprites/lpc-v2")(seed=1), "hero.npz")]
    return [(d / name, type(asset)) for asset, name in made if asset.export(d / name)]


def _paths(data) -> list[tuple]:
    """Every key path into a JSON structure."""
    out: list[tuple] = [()]
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else []
    for k, v in items:
        out += [(k, *rest) for rest in _paths(v)]
    return out


def _replace(data, path: tuple, value):
    if not path:
        return value
    head, *rest = path
    data[head] = _replace(data[head], tuple(rest), value)
    return data


def _load_ok_or_worldsmith_error(path, kind) -> None:
    try:
        asset = ws.load(path, asset_type=kind)
    except WorldsmithError:
        return
    assert isinstance(asset, kind)


@FUZZ
@given(data=st.data())
def test_mutated_json_exports_load_or_fail_cleanly(exports, tmp_path, data):
    for path, kind in exports:
        if path.suffix != ".json":
            continue
        doc = json.loads(path.read_text())
        where = data.draw(st.sampled_from(_paths(doc)))
        bad = tmp_path / path.name
        bad.write_text(json.dumps(_replace(doc, where, data.draw(JSON_VALUES))))
        _load_ok_or_worldsmith_error(bad, kind)


@FUZZ
@given(data=st.data())
def test_damaged_bytes_load_or_fail_cleanly(exports, tmp_path, data):
    for path, kind in exports:
        blob = bytearray(path.read_bytes())
        cut = data.draw(st.integers(0, len(blob)))
        flips = data.draw(st.lists(st.tuples(st.integers(0, len(blob) - 1), st.integers(0, 255)), max_size=6))
        for i, v in flips:
            blob[i] = v
        bad = tmp_path / path.name
        bad.write_bytes(bytes(blob[:cut] if data.draw(st.booleans()) else blob))
        _load_ok_or_worldsmith_error(bad, kind)


@FUZZ
@given(gid=st.sampled_from(ws.list_generators()), data=st.data())
def test_configs_parse_or_raise_config_errors(gid, data):
    cls = ws.spec(gid).load()
    names = [f["name"] for f in cls.Config.describe()]
    raw = data.draw(st.dictionaries(st.sampled_from(names + ["nope"]), JSON_VALUES, max_size=3))
    try:
        cfg = cls.Config.from_dict(raw)
    except WorldsmithError:
        return
    text = json.dumps(cfg.to_dict(), allow_nan=False)          # what lands in meta and locks: real JSON
    assert json.loads(text) == json.loads(json.dumps(cfg.to_dict(), allow_nan=False))
    assert all(not (isinstance(v, float) and not math.isfinite(v)) for v in cfg.to_dict().values())


TOML_VALUES = st.sampled_from(['"plots/quest-v1"', "1", "-1", "true", "[]", '["q.ink"]', '["../q.ink"]',
                               '["q\\u0000.ink"]', "{ acts = 2 }", "{ acts = 99 }", '"x"', "1.5", "[1, 2]"])


@FUZZ
@given(fields=st.lists(st.tuples(st.sampled_from(["id", "seed", "outputs", "config", "n", "extra"]), TOML_VALUES),
                       max_size=6), tables=st.integers(0, 3))
def test_manifests_parse_or_raise_format_errors(tmp_path, fields, tables):
    body = "".join(f"{k} = {v}\n" for k, v in dict(fields).items())
    path = tmp_path / "m.toml"
    path.write_text(("[[asset]]\n" + body) * tables if tables else body)
    try:
        entries = read_manifest(path)
    except WorldsmithError:
        return
    assert all({"id", "seed", "outputs"} <= set(e) for e in entries)


def test_npz_loads_in_a_fresh_process_without_asset_type(exports):
    import subprocess
    import sys

    npz = next(p for p, _ in exports if p.suffix == ".npz")
    code = f"import worldsmith as ws; print(type(ws.load({str(npz)!r})).__name__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "SpriteBatch"


def test_an_archive_that_would_inflate_too_far_is_refused(tmp_path, monkeypatch):
    import zipfile

    from worldsmith.core import formats
    from worldsmith.core.errors import FormatError
    from worldsmith.types.sprite import SpriteBatch

    monkeypatch.setattr(formats, "MAX_UNPACKED", 1 << 20)
    bomb = tmp_path / "bomb.npz"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("images.npy", bytes(2 << 20))                  # 2 MiB of zeros, a few KB packed
    with pytest.raises(FormatError, match="inflate"):
        ws.load(bomb, asset_type=SpriteBatch)


@pytest.mark.parametrize("case", ["scene tiles=1", "choice to a missing beat", "duplicate beat ids",
                                  "path off the map"])
def test_loaded_assets_that_break_their_invariants_are_refused(exports, tmp_path, case):
    from worldsmith.core.errors import FormatError

    name = {"scene tiles=1": "scene.json", "path off the map": "level.json"}.get(case, "plot.json")
    path, kind = next((p, k) for p, k in exports if p.name == name)
    doc = json.loads(path.read_text())
    if case == "scene tiles=1":
        doc["tiles"] = 1
    elif case == "choice to a missing beat":
        doc["choices"][0]["to"] = "nowhere"
    elif case == "duplicate beat ids":
        doc["beats"][1]["id"] = doc["beats"][0]["id"]
    else:
        doc["path"][-1] = [99, 99]
    bad = tmp_path / name
    bad.write_text(json.dumps(doc))
    with pytest.raises(FormatError):
        ws.load(bad, asset_type=kind)
