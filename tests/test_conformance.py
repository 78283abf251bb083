"""One conformance suite over every registered generator.

Same seed -> equal asset; batch item i == the item made alone from its child seed; every export
format writes deterministic bytes and reads back where a reader exists; seeds above 2**53 survive
JSON parsers that read numbers as doubles; bad config raises.
"""
from __future__ import annotations

import json

import pytest

import worldsmith as ws
from worldsmith.core.errors import ConfigError, MissingDependencyError
from worldsmith.core.formats import readable_formats
from worldsmith.core.seeding import child_seed

IDS = ws.list_generators()


def _gen(gid: str):
    cls = ws.spec(gid).load()
    return ws.make(gid, **cls.test_config)


@pytest.mark.parametrize("gid", IDS)
def test_same_seed_same_asset(gid):
    assert _gen(gid)(seed=11) == _gen(gid)(seed=11)


@pytest.mark.parametrize("gid", IDS)
def test_different_seeds_differ(gid):
    g = _gen(gid)
    assert g(seed=1) != g(seed=2)


@pytest.mark.parametrize("gid", IDS)
def test_batch_equals_items(gid):
    g = _gen(gid)
    batch = g(seed=5, n=3)
    assert len(batch) == 3
    for i in range(3):
        assert batch[i] == g(seed=child_seed(5, i))


@pytest.mark.parametrize("gid", IDS)
def test_meta_records_generator_seed_config(gid):
    g = _gen(gid)
    asset = g(seed=9)
    meta = asset.meta
    assert meta.generator == gid and meta.config == g.config.to_dict()
    assert meta.seed == 9 or meta.seed == [9]


@pytest.mark.parametrize("gid", IDS)
def test_every_format_exports_deterministically(gid, tmp_path):
    g = _gen(gid)
    asset = g(seed=3)
    formats = g.formats()
    assert formats, f"{gid} exports to no format"
    readable = readable_formats(type(asset))
    for fmt in formats:
        try:
            files = asset.export(tmp_path / "a" / f"asset.{fmt}")
        except MissingDependencyError:
            continue  # e.g. Graphviz' `dot` for .png plots; its error is tested by the family
        again = g(seed=3).export(tmp_path / "b" / f"asset.{fmt}")
        assert [f.name for f in files] == [f.name for f in again]
        for f, h in zip(files, again):
            assert f.stat().st_size > 0
            assert f.read_bytes() == h.read_bytes(), f"{fmt}: {f.name} differs between runs"
        if fmt in readable:
            assert ws.load(files[0], type(asset)) == asset, f"{fmt} does not round-trip"


#: above 2**53 and no double: a parser that reads JSON numbers as doubles would change it
BIG_SEED = 2**62 + 12345
#: the formats whose files include JSON (meta, atlas, Tiled map, bundle index) or Tiled XML
JSON_FORMATS = ("json", "tmj", "tmx", "png", "frames", "bundle", "npz")


def _numbers_and_strings(value) -> tuple[list, list]:
    """Every number and every string in a parsed JSON value."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        parts = [_numbers_and_strings(v) for v in value]
        return [n for p in parts for n in p[0]], [t for p in parts for t in p[1]]
    return ([value], []) if isinstance(value, float) else ([], [value] if isinstance(value, str) else [])


def _holds_seed_as_text(path, seed: int) -> bool:
    """Whether ``path`` holds ``seed`` as a string; it holds no number a double cannot keep
    exactly (JSON read as JavaScript reads it), and a Tiled XML map's seed property is no int."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".tmx":
        assert 'name="seed" type=' not in text, path.name
        return f'<property name="seed" value="{seed}"/>' in text
    numbers, strings = _numbers_and_strings(json.loads(text, parse_int=float))
    assert all(abs(n) <= 2**53 for n in numbers), (path.name, max(numbers, key=abs))
    return str(seed) in strings


@pytest.mark.parametrize("gid", IDS)
def test_seeds_above_2_53_are_strings_in_json_and_load_back(gid, tmp_path):
    asset = _gen(gid)(seed=BIG_SEED)
    readable, found = readable_formats(type(asset)), set()
    for fmt in [f for f in JSON_FORMATS if f in _gen(gid).formats()]:
        try:
            files = asset.export(tmp_path / fmt / f"asset.{fmt}")
        except MissingDependencyError:
            continue
        found |= {fmt for f in files if f.suffix in (".json", ".tmj", ".tmx") and _holds_seed_as_text(f, BIG_SEED)}
        if fmt in readable:
            assert ws.load(files[0], type(asset)).meta.seed in (BIG_SEED, [BIG_SEED])
            assert ws.load(files[0], type(asset)) == asset, f"{fmt} does not round-trip"
    assert found >= {"json", "tmj", "tmx", "bundle"} & set(_gen(gid).formats()) and found, (gid, found)


@pytest.mark.parametrize("gid", [g for g in IDS if "json" in readable_formats(ws.spec(g).load().asset_type)])
def test_json_with_numeric_seeds_still_loads(gid, tmp_path):
    """Files written before seeds became strings hold them as JSON numbers."""
    asset = _gen(gid)(seed=BIG_SEED)
    path = asset.export(tmp_path / "new.json")[0]
    data = json.loads(path.read_text(encoding="utf-8"))
    data["meta"]["seed"] = BIG_SEED
    data["meta"]["extra"] = {k: int(v) if k.endswith("seed") else v for k, v in data["meta"]["extra"].items()}
    old = tmp_path / "old.json"
    old.write_text(json.dumps(data), encoding="utf-8")
    assert ws.load(old) == asset


def _bad_values(field: dict) -> list:
    bad: list = []
    if field.get("choices"):
        bad.append("__not_a_choice__")
    if field.get("hi") is not None:
        bad.append(field["hi"] + 1)
    if field.get("lo") is not None:
        bad.append(field["lo"] - 1)
    if field["type"] in ("int", "float"):
        bad.append("seven")
    return bad


@pytest.mark.parametrize("gid", IDS)
def test_bad_config_raises(gid):
    cls = ws.spec(gid).load()
    for field in cls.Config.describe():
        for value in _bad_values(field):
            with pytest.raises(ConfigError, match=field["name"]):
                ws.make(gid, **{**cls.test_config, field["name"]: value})
    with pytest.raises(ConfigError, match="did you mean"):
        first = cls.Config.describe()[0]["name"]
        ws.make(gid, **{first + "x": 1})
    with pytest.raises(ConfigError, match="seed"):
        _gen(gid)(seed=-1)
    with pytest.raises(ConfigError, match="n"):
        _gen(gid)(seed=1, n=0)
