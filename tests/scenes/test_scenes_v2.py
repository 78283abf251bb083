"""scenes/platformer-v2 and scenes/dungeon-v2: the v1 scenes with a sprites/lpc-v3 hero (walk 9
frames per direction, slash, hurt); everything but the hero equals the v1 scene of the seed."""
from __future__ import annotations

import numpy as np
import pytest

import worldsmith as ws
from worldsmith.core.errors import ConfigError
from worldsmith.scenes.tiled2d.checks import load_tiled
from worldsmith.scenes.tiled2d.sprites2d import DIRECTIONS, HERO_ANIMATIONS, hero_sheets

CASES = {"platformer": ({"width": 40}, 18), "dungeon": ({"rooms": 3, "keys": 1}, 0)}  # config, spawn frame
HERO_SHEETS = ["hero", "hero_slash", "hero_hurt"]


def _pair(kind: str, seed: int):
    config, _ = CASES[kind]
    return ws.make(f"scenes/{kind}-v1", **config)(seed=seed), ws.make(f"scenes/{kind}-v2", **config)(seed=seed)


@pytest.mark.parametrize("kind", CASES)
def test_v2_is_the_v1_scene_with_an_lpc_v3_hero(kind):
    for seed in (0, 1):
        v1, v2 = _pair(kind, seed)
        assert v1.meta.extra["hero"] == "sprites/lpc-v2" and v2.meta.extra["hero"] == "sprites/lpc-v3"
        assert np.array_equal(v1.tiles, v2.tiles) and v1.solution == v2.solution and v1.mission == v2.mission
        spawn1, spawn2 = v1.layer("spawn")[0], v2.layer("spawn")[0]
        assert [o for o in v1.objects if o is not spawn1] == [o for o in v2.objects if o is not spawn2]
        assert (spawn1.x, spawn1.y, spawn1.properties) == (spawn2.x, spawn2.y, spawn2.properties)
        assert spawn2.frame == CASES[kind][1]  # platformer: walk frame 0 facing right; dungeon: facing down
        assert list(v2.sprites)[:3] == HERO_SHEETS
        others = [k for k in v1.sprites if k != "hero"]
        assert others == list(v2.sprites)[3:]
        assert all(np.array_equal(v1.sprites[k], v2.sprites[k]) for k in others)
        assert {k: v.shape for k, v in v2.sprites.items() if k in HERO_SHEETS} == {
            "hero": (36, 64, 64, 4), "hero_slash": (24, 64, 64, 4), "hero_hurt": (6, 64, 64, 4)}
        info = v2.meta.extra["hero_sheets"]
        assert info["hero"] == {"animation": "walk", "directions": list(DIRECTIONS), "frames": 9}
        assert info["hero_hurt"]["directions"] == ["down"]


def test_hero_sheets_come_from_sprites_lpc_v3_in_direction_order():
    sheets, source = hero_sheets("auto", 42)
    hero = ws.make("sprites/lpc-v3", animations=["walk", "slash", "hurt"])(seed=42)
    frames = {(f.animation, f.direction, f.index): img for f, img in zip(hero.frames, hero.images[0])}
    assert source == "sprites/lpc-v3"
    for name, (animation, count) in HERO_ANIMATIONS.items():
        dirs = ["down"] if animation == "hurt" else DIRECTIONS
        expected = np.stack([frames[animation, d, i] for d in dirs for i in range(count)])
        assert np.array_equal(sheets[name], expected), name
    walk, _ = hero_sheets("procedural", 42)                   # the fallback keeps the walk layout
    assert list(walk) == ["hero"] and walk["hero"].shape == (36, 64, 64, 4)
    assert np.array_equal(walk["hero"][0], walk["hero"][1])  # standing frame, then the step


@pytest.mark.parametrize("kind", CASES)
def test_v2_exports_load_in_tiled_and_round_trip(kind, tmp_path):
    _, s = _pair(kind, 2)
    files = s.export(tmp_path / "scene.tmx")
    assert {f.name.rsplit("-", 1)[0] for f in files if f.suffix == ".tsx"} >= set(HERO_SHEETS)
    counts = load_tiled(files[0])
    assert counts["pytmx_sprite_images"] == counts["pytmx_sprites"] == sum(bool(o.sprite) for o in s.objects)
    back = ws.load(s.export(tmp_path / "scene.json")[0], type(s))
    assert back == s
    procedural = ws.make(f"scenes/{kind}-v2", **CASES[kind][0], hero="procedural")(seed=2)
    assert list(procedural.sprites)[0] == "hero" and "hero_slash" not in procedural.sprites
    assert procedural.meta.extra["hero"] == "procedural"


def test_v2_lpc_hero_needs_sprites_lpc_v3(monkeypatch):
    import worldsmith.scenes.tiled2d.sprites2d as sprites2d

    real = ws.list_generators
    monkeypatch.setattr(sprites2d.ws, "list_generators", lambda: [g for g in real() if g != "sprites/lpc-v3"])
    with pytest.raises(ConfigError, match="lpc-v3"):
        ws.make("scenes/platformer-v2", hero="lpc")
    with pytest.raises(ConfigError, match="lpc-v3"):
        ws.make("scenes/dungeon-v2", rooms=3, keys=1, hero="lpc")
    ws.make("scenes/platformer-v1", hero="lpc")                # v1 asks for lpc-v2 only
