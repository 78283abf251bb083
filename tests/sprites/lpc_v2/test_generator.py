"""sprites/lpc-v2: the layer fit, the layered model folder, the generator's options and recolouring."""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

import worldsmith as ws
from tests.conftest import require_data
from worldsmith.cli import main as cli
from worldsmith.core.errors import ConfigError, FormatError, WeightsError
from worldsmith.pixels.recolor import colour
from worldsmith.sprites.lpc_v2.layers import TRANSPARENT, UNSEEN, composite, fit_layers
from worldsmith.sprites.lpc_v2.model import LayerModel
from worldsmith.types.sprite import SpriteBatch


def _characters(outfits: np.ndarray, shapes: np.ndarray, palettes: np.ndarray):
    """Composite ``outfits`` of 2 slots from true shapes and palettes: (sheets, slot maps)."""
    cls, rgba = composite(shapes, palettes, outfits, outfits)
    slot_map = np.where(cls > 0, (cls.astype(int) - 1) // palettes.shape[1], TRANSPARENT).astype(np.uint8)
    return rgba, slot_map


@pytest.fixture(scope="module")
def truth():
    """Four true layers (two body shapes, two hair shapes) with 3-shade ramps, and 12 wearers."""
    shapes = np.zeros((4, 16, 16, 12), np.uint8)
    shapes[0, :, 4:14, 3:9] = 1
    shapes[0, :, 4:9, 3:9] = 2                     # a two-shade body
    shapes[1, :, 6:14, 2:10] = 3
    shapes[2, :, 2:7, 3:9] = 1                     # hair drawn over the body's head
    shapes[2, :, 2:4, 4:8] = 2
    shapes[3, :, 1:6, 2:10] = 2
    ramps = np.array([[[40, 20, 10], [90, 60, 40], [200, 150, 120]]] * 4, np.uint8)
    ramps[1] += 10
    ramps[3] = ramps[3][:, ::-1]
    outfits = np.array([[b, h] for b in (0, 1) for h in (2, 3, -1)] * 2, np.int32)
    return shapes, ramps, outfits


def test_fit_recovers_layers_under_occlusion(truth):
    shapes, ramps, outfits = truth
    sheets, slot_maps = _characters(np.where(outfits >= 0, outfits, -1), shapes, ramps)
    fit = fit_layers(sheets, slot_maps, outfits, np.array([0, 1, 2, 3]), shades=3)
    cls, rgba = composite(fit.shapes, fit.palettes, np.where(outfits >= 0, fit.layer_shape[outfits], -1), outfits)
    assert (rgba == sheets).all()                               # every character redrawn exactly
    body = fit.shapes[fit.layer_shape[0]]
    assert (body[:, 4:7, 3:9] != 2).sum() == 0                  # seen on the hairless characters
    # a pixel no character ever shows stays UNSEEN and is drawn as nothing
    hidden = fit_layers(sheets[[0]], slot_maps[[0]], outfits[[0]], np.arange(4), shades=3)
    assert (hidden.shapes[0][:, 2:7, 3:9] == UNSEEN).all()


def test_colour_variants_share_a_shape_and_other_shapes_do_not(truth):
    shapes, ramps, outfits = truth
    variants = np.concatenate([outfits, outfits + [[0, 2]] * (outfits >= 0)])  # hair 4, 5 = recoloured 2, 3
    all_shapes = np.concatenate([shapes, shapes[2:]])
    all_ramps = np.concatenate([ramps, ramps[2:] // 2])
    sheets, slot_maps = _characters(np.where(variants >= 0, variants, -1), all_shapes, all_ramps)
    fit = fit_layers(sheets, slot_maps, variants, np.array([0, 0, 1, 1, 1, 1]), shades=3)
    assert fit.layer_shape[2] == fit.layer_shape[4] != fit.layer_shape[3] == fit.layer_shape[5]
    assert fit.layer_shape[0] != fit.layer_shape[1] and len(fit.shapes) == 4


def tiny_folder(tmp_path, seed: int = 0):
    folder = tmp_path / f"layers{seed}"
    LayerModel.tiny(seed).save(folder, "test model\n", {"val_fraction": 0.1, "split_seed": 0})
    return str(folder)


def test_every_pixel_is_a_palette_colour_of_its_class(tmp_path):
    batch = ws.make("sprites/lpc-v2", weights=tiny_folder(tmp_path))(seed=3, n=4)
    crop = (batch.images == colour(batch.classes, batch.palette))
    assert crop.all() and batch.meta.post == []
    for images, palette in zip(batch.images, batch.palette):    # one palette for all 16 cells
        used = {tuple(c) for c in images[images[..., 3] > 0][:, :3].tolist()}
        assert used <= {tuple(c) for c in palette.reshape(-1, 3).tolist()}


def test_recolour_one_slot_touches_only_its_pixels(tmp_path):
    gen = ws.make("sprites/lpc-v2", weights=tiny_folder(tmp_path))
    hero = gen(seed=1)
    red = hero.recolor("torso", ["#ff0000"])
    torso = (hero.classes >= 9) & (hero.classes <= 16)
    changed = (red.images != hero.images).any(-1)
    assert changed.any() and not (changed & ~torso).any()
    assert red.images[torso][:, 1:3].max() == 0                 # pure red keeps only the red channel
    made = gen.__class__(weights=gen.config.weights, recolor={"torso": ["#ff0000"]})(seed=1)
    assert (made.images == red.images).all() and (made.palette == red.palette).all()
    assert made.meta.post == red.meta.post
    ramp = hero.recolor("torso", ["#000000", "#ffffff"]).images[torso][:, :3]
    assert {tuple(c) for c in ramp.tolist()} <= {(0, 0, 0), (255, 255, 255)}


def test_palette_of_another_seed(tmp_path):
    gen = ws.make("sprites/lpc-v2", weights=tiny_folder(tmp_path))
    a, b = gen(seed=1), gen(seed=2)
    borrowed = a.recolor(like=b)
    assert (borrowed.classes == a.classes).all()
    slot0 = (a.classes >= 1) & (a.classes <= 8)
    assert (borrowed.palette[:, 0] == b.palette[:, 0]).all() and (borrowed.images[slot0][:, :3] ==
                                                                  colour(a.classes, b.palette)[slot0][:, :3]).all()
    assert gen.__class__(weights=gen.config.weights, palette_seed=2)(seed=1).images.tobytes() == \
        borrowed.images.tobytes()


def test_bad_recolour_requests(tmp_path):
    w = tiny_folder(tmp_path)
    hero = ws.make("sprites/lpc-v2", weights=w)(seed=1)
    for call in (lambda: hero.recolor("wings", ["#ff0000"]), lambda: hero.recolor("hair", ["red"]),
                 lambda: hero.recolor("hair", []), lambda: hero.recolor("hair", ["#ff0000"] * 9),
                 lambda: hero.recolor("hair"), lambda: SpriteBatch(hero.images).recolor("hair", ["#ff0000"])):
        with pytest.raises(ConfigError):
            call()
    with pytest.raises(ConfigError, match="recolor"):
        ws.make("sprites/lpc-v2", weights=w, recolor={"wings": ["#ff0000"]})
    with pytest.raises(ConfigError):
        ws.make("sprites/lpc-v2", weights=w, recolor={"hair": "#ff0000"})


def test_options_interpolate_vary_truncate(tmp_path):
    w = tiny_folder(tmp_path)
    make = lambda **c: ws.make("sprites/lpc-v2", weights=w, **c)  # noqa: E731
    model = make().model
    a, b = (make().outfits([s])[0] for s in (11, 12))
    assert (make(interpolate=[11, 12], mix=0.0).outfits([5])[0] == a).all()
    assert (make(interpolate=[11, 12], mix=1.0).outfits([5])[0] == b).all()
    same = make(variations_of=11, variation=0.0).outfits([1, 2, 3])
    assert (same == a).all() and not (make(variations_of=11, variation=1.0).outfits(list(range(9))) == a).all()
    common = make(truncation=0.0).outfits(list(range(40)))
    for j in range(len(model.slots)):                           # one layer per slot and body kind
        assert len(np.unique(common[:, j])) <= 2


def test_class_map_and_palette_survive_npz(tmp_path):
    batch = ws.make("sprites/lpc-v2", weights=tiny_folder(tmp_path))(seed=4, n=2)
    path = tmp_path / "b.npz"
    batch.export(path)
    assert ws.load(path, asset_type=SpriteBatch) == batch
    assert SpriteBatch.concat([batch[0], batch[1]]) == batch
    with pytest.raises(FormatError):
        SpriteBatch(batch.images, classes=batch.classes)
    with pytest.raises(FormatError):
        SpriteBatch(batch.images, classes=batch.classes, palette=batch.palette[:, :2], slots=batch.slots)


def test_wrong_and_tampered_model_folders(tmp_path, tiny_weights):
    with pytest.raises(WeightsError, match="layered"):
        ws.make("sprites/lpc-v2", weights=str(tiny_weights))(seed=1)          # a v1 folder
    folder = tmp_path / "bad"
    shutil.copytree(tiny_folder(tmp_path), folder)
    blob = bytearray((folder / "model.safetensors").read_bytes())
    blob[-1] ^= 1
    (folder / "model.safetensors").write_bytes(bytes(blob))
    with pytest.raises(WeightsError, match="sha256"):
        ws.make("sprites/lpc-v2", weights=str(folder))
    model = LayerModel.tiny()
    model.outfits[0, 0] = 99                                     # a layer that does not exist
    model.save(tmp_path / "broken", "test\n")
    with pytest.raises(WeightsError, match="malformed"):
        ws.make("sprites/lpc-v2", weights=str(tmp_path / "broken"))


def test_cli_recolour_and_bad_request(tmp_path, capsys):
    w = tiny_folder(tmp_path)
    out = tmp_path / "hero.png"
    assert cli(["generate", "sprites/lpc-v2", "--seed", "3", "--set", f"weights={w}",
                "--set", 'recolor={"hair": ["#20c020"]}', "--out", str(out)]) == 0
    assert json.loads((tmp_path / "hero.json").read_text())["meta"]["worldsmith"]["post"][0]["name"] == "recolor"
    assert cli(["generate", "sprites/lpc-v2", "--seed", "3", "--set", f"weights={w}",
                "--set", 'recolor={"hair": ["green"]}', "--out", str(out)]) == 2
    assert cli(["generate", "sprites/lpc-v2", "--seed", "3", "--set", f"weights={w}",
                "--set", "palette_seed=-4", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(line.startswith("worldsmith: error:") for line in err)


def test_train_on_user_sheets_resumes_to_the_same_model(sheet_folder, tmp_path):
    common = ["train", "sprites", "--model", "layers", "--sheets", str(sheet_folder), "--quiet"]
    assert cli(common + ["--out", str(tmp_path / "a")]) == 0
    assert cli(common + ["--out", str(tmp_path / "b"), "--minutes", "1e-9"]) == 0    # stops at once
    assert not (tmp_path / "b" / "model").exists()
    assert cli(common + ["--out", str(tmp_path / "b"), "--resume"]) == 0
    a, b = ((tmp_path / r / "model" / "model.safetensors").read_bytes() for r in "ab")
    assert a == b and (tmp_path / "a" / "fit.png").is_file()
    gen = ws.make("sprites/lpc-v2", weights=str(tmp_path / "a" / "model"))
    sheets = gen(seed=1, n=3)
    assert gen.model.slots == ["rows 0-29", "rows 30-43", "rows 44-63"] and (sheets.images[..., 3] > 0).any()
    assert cli(common + ["--out", str(tmp_path / "c"), "--bands", "44,30"]) == 2
    assert cli(common + ["--out", str(tmp_path / "d"), "--resume"]) == 2
    assert cli(common + ["--out", str(tmp_path / "e"), "--sheet-grid", "4x5"]) == 2       # wrong grid
    (sheet_folder / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    assert cli(common + ["--out", str(tmp_path / "f")]) == 2                              # corrupt sheet


@pytest.mark.slow
def test_lpc_fit_on_a_few_characters(tmp_path):
    from worldsmith.sprites.data import load_npz
    from worldsmith.sprites.lpc_v2.train import prepare

    data = load_npz(require_data("sprites", "lpc_walk64.npz"), layering=True).take(np.arange(24))
    prep = prepare(data, 0, "30,44")
    fit = fit_layers(prep.sheets, prep.slot_maps, prep.outfits, prep.groups)
    known = prep.outfits >= 0
    cls, rgba = composite(fit.shapes, fit.palettes, np.where(known, fit.layer_shape[prep.outfits], -1), prep.outfits)
    opaque = prep.sheets[..., 3] > 0
    assert (rgba[..., 3] > 0)[opaque].mean() > 0.99                   # silhouettes kept
    assert (rgba == prep.sheets).all(-1)[opaque].mean() > 0.9          # colours: at most 8 shades per slot
    assert prep.slots[prep.anchors[0]] == "body"


def test_shipped_v2_quality_on_a_small_sample():
    from worldsmith.sprites.data import crop
    from worldsmith.sprites.eval import metrics as M
    from worldsmith.sprites.eval.features import load_features

    sheets = crop(ws.make("sprites/lpc-v2")(seed=0, n=24).images.reshape(24, 16, 64, 64, 4))
    feats = M.extract(load_features()[0], sheets)
    assert M.direction_accuracy(feats) >= 0.99
    assert M.identity_consistency(feats) >= 0.4
    assert np.median(M.colours_per_character(sheets)) <= 41
