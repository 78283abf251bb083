"""sprites/lpc-v3 with the shipped model: 178-frame characters, parts by name, no holes, every slot,
exact credits, recolouring, and parts of one's own from four drawings."""
from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest
from PIL import Image

import worldsmith as ws
from tests.conftest import node_available
from tests.sprites.test_atlas import LOADER, read_aseprite_hash
from worldsmith.cli import main
from worldsmith.core.errors import ConfigError
from worldsmith.core.seeding import rng
from worldsmith.sprites.lpc_v3.generator import load_model
from worldsmith.sprites.lpc_v3.parts import SLOTS, K
from worldsmith.sprites.lpc_v3.prior import GEAR, covers
from worldsmith.types.lpc_sheet import ANIMATIONS, DURATIONS_MS, FRAMES, N_FRAMES


@pytest.fixture(scope="module")
def model():
    return load_model("sprites-lpc-v3")


@pytest.fixture(scope="module")
def heroes():
    return ws.make("sprites/lpc-v3")(seed=11, n=6)


def test_one_seed_is_one_character_in_all_178_frames(heroes):
    assert heroes.images.shape == (6, N_FRAMES, 64, 64, 4) and heroes.animations == list(ANIMATIONS)
    one = ws.make("sprites/lpc-v3")(seed=heroes.meta.seed[2])
    np.testing.assert_array_equal(one.images[0], heroes.images[2])
    for i in range(len(heroes)):
        slots = np.unique((heroes.classes[i][heroes.classes[i] > 0].astype(int) - 1) // K)
        worn = {SLOTS.index(s) for s in heroes.parts[i]}
        assert set(slots.tolist()) <= worn                       # every drawn pixel is a part it wears
        opaque = heroes.images[i, ..., 3] > 0
        assert (opaque == (heroes.classes[i] > 0)).all()
        body_rows = {FRAMES[f].row for f in range(N_FRAMES) if opaque[f].any()}
        assert body_rows == set(range(21))                        # every row of the sheet drawn


def test_animations_pick_frames_and_the_same_character(heroes):
    walk = ws.make("sprites/lpc-v3", animations=["walk", "hurt"])(seed=heroes.meta.seed[0])
    assert walk.images.shape[1] == 4 * 9 + 6 and [f.animation for f in walk.frames][-1] == "hurt"
    with pytest.raises(ConfigError, match="animation"):
        ws.make("sprites/lpc-v3", animations=["dance"])


def test_parts_by_name_none_and_did_you_mean():
    knight = ws.make("sprites/lpc-v3", parts={"torso": "plate/chest", "head": "helm", "weapon": "spear",
                                               "hair": None}, animations=["walk", "thrust"])
    for seed in range(4):
        hero = knight(seed=seed)
        assert hero.parts[0]["torso"] == "plate/chest" and hero.parts[0]["head"].startswith("helm")
        assert hero.parts[0]["weapon"] == "spear" and "hair" not in hero.parts[0]
    with pytest.raises(ConfigError, match="did you mean 'ponytail'"):
        ws.make("sprites/lpc-v3", parts={"hair": "ponytale"})
    with pytest.raises(ConfigError, match="slot names"):
        ws.make("sprites/lpc-v3", parts={"hat": "helm"})
    with pytest.raises(ConfigError, match="robes has no thrust, shoot rows"):
        ws.make("sprites/lpc-v3", parts={"torso": "robes"})            # robes draw no thrust or shoot rows
    assert ws.make("sprites/lpc-v3", parts={"torso": "robes"}, animations=["walk"])(seed=1).parts[0]["torso"] \
        .startswith("robes")


def test_cli_bad_part_is_one_line_exit_2(capsys, tmp_path):
    code = main(["generate", "sprites/lpc-v3", "--seed", "1", "--set", 'parts={"hair": "ponytale"}',
                 "--out", str(tmp_path / "x.png")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "did you mean 'ponytail'" in err
    assert not list(tmp_path.iterdir())


def test_info_lists_every_slot_with_its_part_names(capsys):
    assert main(["info", "sprites/lpc-v3", "--json"]) == 0
    parts = json.loads(capsys.readouterr().out)["parts"]
    assert list(parts) == list(SLOTS) and "ponytail" in parts["hair"] and "quiver" in parts["back"]


def test_every_slot_appears_and_no_part_has_holes(model):
    """2,000 outfits drawn by the prior (gear asked for): every slot worn by someone; no worn part lacks
    a row of a requested animation (weapons are drawn only where their animation is)."""
    gen = ws.make("sprites/lpc-v3", gear=dict.fromkeys(GEAR, 0.3))
    outfits = gen.outfits(list(range(2000)))
    worn = (outfits >= 0).any(0)
    assert worn.all(), [s for s, w in zip(SLOTS, worn) if not w]
    for variant in np.unique(outfits[outfits >= 0]):
        assert covers(model.lib, model.part(int(variant)), ANIMATIONS)
    hurt_only = ws.make("sprites/lpc-v3", animations=["hurt"]).outfits(list(range(300)))
    heads = {model.part(int(v)).name for v in hurt_only[:, SLOTS.index("head")] if v >= 0}
    assert "helm" not in heads                                   # helms draw no hurt row


def test_gear_chances_arm_everyone_or_no_one(capsys, tmp_path):
    weapon, back = SLOTS.index("weapon"), SLOTS.index("back")      # (the library's capes are drawn for women)
    armed = ws.make("sprites/lpc-v3", gear={"weapon": 1, "back": 1}).outfits(list(range(200)))
    assert (armed[:, weapon] >= 0).all() and (armed[:, back] >= 0).all()
    gear = [SLOTS.index(s) for s in GEAR]
    assert (ws.make("sprites/lpc-v3").outfits(list(range(200)))[:, gear] == -1).all()   # none by default
    for bad in ({"weapon": 1.5}, {"hat": 0.5}, {"cape": "often"}):
        with pytest.raises(ConfigError, match="gear"):
            ws.make("sprites/lpc-v3", gear=bad)
    bad = ["--set", 'gear={"weapon": 2}', "--out", str(tmp_path / "x.png")]
    assert main(["generate", "sprites/lpc-v3", "--seed", "1", *bad]) == 2
    assert "gear.weapon" in capsys.readouterr().err


def test_donors_are_real_outfits_that_play_the_animations(model):
    """Asked for thrust, whole outfits drawn in thrust are the donors (robes and dresses have no
    thrust rows, so fewer women wear one), as in the real characters that can thrust."""
    def female(animations):
        outfits = ws.make("sprites/lpc-v3", animations=animations).outfits(list(range(600)))
        return np.mean([model.part(int(v)).sex == "female" for v in outfits[:, SLOTS.index("body")]])

    fits = model.prior.fits(model.lib, ["thrust"])[model.prior.donors].all(1)
    assert abs(female(["thrust"]) - model.prior.sex[fits].mean()) < 0.04
    assert abs(female(["walk"]) - model.prior.sex.mean()) < 0.04
    assert model.prior.sex.mean() - model.prior.sex[fits].mean() > 0.06


def test_weapons_are_drawn_only_in_their_animation():
    archer = ws.make("sprites/lpc-v3", parts={"weapon": "bow"})(seed=5)
    slot = SLOTS.index("weapon")
    drawn = {archer.frames[f].animation for f in range(N_FRAMES)
             if ((archer.classes[0, f].astype(int) - 1) // K == slot).any()}
    assert drawn == {"shoot"}


def test_credits_name_exactly_the_files_drawn(heroes, tmp_path):
    from worldsmith.sprites.lpc_v3.authors import authors_of

    for i in range(len(heroes)):
        slots = {SLOTS[s] for s in np.unique((heroes.classes[i][heroes.classes[i] > 0].astype(int) - 1) // K)}
        assert set(heroes.files[i]) == slots
    heroes[0].export(tmp_path / "hero.png")
    text = (tmp_path / "hero.CREDITS.txt").read_text()
    for files in heroes.files[0].values():
        for f in files:
            assert f in text and all(a in text for a in authors_of(f))
    assert "CC-BY-SA 3.0" in text
    atlas = json.loads((tmp_path / "hero.json").read_text())
    listed = {s: [e["file"] for e in entries] for s, entries in atlas["meta"]["credits"]["characters"][0].items()}
    assert listed == heroes.files[0]


def test_lpc_sheet_and_tags(heroes, tmp_path):
    png, atlas, credits = heroes[1].export(tmp_path / "hero.png")
    with Image.open(png) as im:
        assert im.size == (832, 1344)
        sheet = np.asarray(im)
    doc = json.loads(atlas.read_text())
    tags = [t["name"] for t in doc["meta"]["frameTags"]]
    assert len(tags) == 21 and tags[:2] == ["spellcast_up", "spellcast_left"] and tags[-1] == "hurt"
    for f, frame in zip(heroes.frames, heroes.images[1]):
        np.testing.assert_array_equal(sheet[f.row * 64:(f.row + 1) * 64, f.col * 64:(f.col + 1) * 64], frame)
    durations = {n.rsplit("_", 1)[0].split("_")[0]: v["duration"] for n, v in doc["frames"].items()}
    assert durations["walk"] == 100 and durations["shoot"] == 70


def test_npz_round_trip_and_gif_per_animation(heroes, tmp_path):
    heroes.export(tmp_path / "h.npz")
    back = ws.load(tmp_path / "h.npz")
    np.testing.assert_array_equal(back.images, heroes.images)
    assert back.parts == heroes.parts and back.files == heroes.files
    written = heroes[0].export(tmp_path / "h.gif")
    assert {p.name for p in written} == {"h.gif"} | {f"h_{a}.gif" for a in ANIMATIONS}


def test_recolor_by_list_and_by_named_hair_palette():
    gen = ws.make("sprites/lpc-v3", parts={"hair": "plain"}, recolor={"hair": "blonde"})
    hero = gen(seed=2)
    assert hero.parts[0]["hair"] == "plain/blonde" or hero.meta.post[-1]["colors"] == "blonde"
    red = hero.recolor("hair", ["#ff0000"])
    changed = (red.images != hero.images).any(-1)
    slot = (hero.classes.astype(int) - 1) // K == SLOTS.index("hair")
    assert changed.any() and not (changed & ~slot).any()
    with pytest.raises(ConfigError, match="colour of plain"):
        ws.make("sprites/lpc-v3", parts={"hair": "plain"}, recolor={"hair": "tartan"})(seed=1)


def _hat(path):
    """Four drawings of a small two-tone hat in the library's _build format."""
    path.mkdir()
    for d in "nsew":
        img = np.zeros((128, 128, 4), np.uint8)
        img[58:64, 62:76] = (150, 40, 40, 255)
        img[56:58, 64:74] = (220, 90, 90, 255)
        Image.fromarray(img).save(path / f"{d}.png")
    return path


def test_a_part_from_four_drawings_renders_animates_and_recolours(tmp_path, capsys):
    folder = _hat(tmp_path / "red_hat")
    assert main(["parts", "build", str(folder), "--out", str(tmp_path / "hat.npz")]) == 0
    capsys.readouterr()
    for source in (str(tmp_path / "hat.npz"), str(folder)):
        hero = ws.make("sprites/lpc-v3", parts={"head": source})(seed=4)
        slot = (hero.classes[0].astype(int) - 1) // K == SLOTS.index("head")
        per_frame = slot.reshape(N_FRAMES, -1).sum(1)
        assert (per_frame > 0).mean() > 0.95                    # drawn in (nearly) every frame
        tops = [np.argwhere(slot[f]).min(0)[0] for f in range(N_FRAMES) if per_frame[f]]
        assert len(set(tops)) > 3                               # it moves with the head
        assert set(map(tuple, hero.images[0][slot][:, :3].tolist())) <= {(150, 40, 40), (220, 90, 90)}
        blue = hero.recolor("head", ["#2040ff"])
        assert (blue.images[0][slot][:, 2] > blue.images[0][slot][:, 0]).all()
        assert hero.files[0]["head"] == ["user:" + source]
        hero.export(tmp_path / "hero.png")
        assert f"you (a part of your own: {source})" in (tmp_path / "hero.CREDITS.txt").read_text()
    with pytest.raises(ConfigError, match="library part name"):
        ws.make("sprites/lpc-v3", parts={"torso": str(folder)})


def test_bad_drawings_are_one_clear_error(tmp_path, capsys):
    folder = tmp_path / "broken"
    folder.mkdir()
    Image.fromarray(np.zeros((100, 128, 4), np.uint8)).save(folder / "s.png")
    code = main(["parts", "build", str(folder), "--out", str(tmp_path / "x.npz")])
    err = capsys.readouterr().err
    assert code == 2 and "s.png" in err and err.count("\n") == 1 and not (tmp_path / "x.npz").exists()


def test_prior_draws_are_deterministic(model):
    a = model.prior.sample(model.lib, rng(3), list(ANIMATIONS), {})
    b = model.prior.sample(model.lib, rng(3), list(ANIMATIONS), {})
    np.testing.assert_array_equal(a, b)


def test_a_bake_writes_one_credits_file_for_all_its_characters(tmp_path):
    from worldsmith.bake import bake
    from worldsmith.core.atomic import sha256_file

    manifest = tmp_path / "m.toml"
    manifest.write_text('[[asset]]\nid = "sprites/lpc-v3"\nseed = 1\noutputs = ["a/hero.png"]\n\n'
                        '[[asset]]\nid = "sprites/lpc-v3"\nseed = 2\nn = 2\nconfig = { animations = ["walk"] }\n'
                        'outputs = ["a/crowd.png"]\n')
    lock = bake(manifest, tmp_path / "out")
    text = (tmp_path / "out" / "CREDITS.txt").read_text()
    assert lock["credits"] == {"file": "CREDITS.txt", "sha256": sha256_file(tmp_path / "out" / "CREDITS.txt")}
    characters = [files for asset in lock["assets"] for files in asset["credits"]]
    assert len(characters) == 3
    for files in characters:
        assert all(f in text for fs in files.values() for f in fs)
    assert all((tmp_path / "out" / "a" / f"{name}.CREDITS.txt").is_file() for name in ("hero", "crowd"))


@pytest.mark.skipif(not node_available(), reason="needs node and node_modules (make node)")
def test_pixi_reads_the_lpc_sheet_atlas_with_a_tag_per_animation_and_direction(heroes, tmp_path):
    png, atlas, _ = heroes[0].export(tmp_path / "hero.png")
    got = read_aseprite_hash(atlas, meta_extensions=("worldsmith", "parts", "credits"))
    proc = subprocess.run(["node", str(LOADER), str(atlas)], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    pixi = json.loads(proc.stdout)
    assert pixi["image"] == {"width": 832, "height": 1344}
    assert pixi["order"] == [f["name"] for f in got["frames"]] and len(pixi["order"]) == N_FRAMES
    expected = [a if a == "hurt" else f"{a}_{d}" for a in ANIMATIONS for d in (["down"] if a == "hurt" else
                                                                              ["up", "left", "down", "right"])]
    assert list(pixi["animations"]) == list(got["animations"]) == expected
    for name, anim in pixi["animations"].items():
        animation = name.split("_")[0]
        assert len(anim["frames"]) == ANIMATIONS[animation]
        assert anim["durations"] == [DURATIONS_MS[animation]] * ANIMATIONS[animation]
        for frame_name, rect in zip(anim["frames"], anim["rects"]):
            assert pixi["frames"][frame_name]["frame"] == rect


def test_load_refuses_a_tampered_character_file(heroes, tmp_path):
    from worldsmith.core.errors import FormatError
    from worldsmith.sprites.lpc_v3.export import write_npz

    bad = heroes[0]
    bad.files = [{"hair": ["../../etc/passwd"]}]
    (tmp_path / "bad.npz").write_bytes(write_npz(bad, "bad.npz")["bad.npz"])
    with pytest.raises(FormatError, match="no LPC library file"):
        ws.load(tmp_path / "bad.npz")
