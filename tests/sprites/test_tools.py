"""tools/evaluate_sprites.py end to end in its --dry-run mode (v1, v2, v3 walk and v3 per animation),
its latent inversion, and the held-out composites the per-animation table compares against."""
from __future__ import annotations

import json

import numpy as np
import pytest

from tests.sprites.conftest import lpc_tool
from worldsmith.core.data import data_dir


@pytest.fixture(scope="module")
def evaluate(repo):
    return lpc_tool(repo, "evaluate_sprites")


@pytest.mark.slow
def test_dry_run_writes_every_row(evaluate, tmp_path, capsys):
    out = tmp_path / "eval.json"
    assert evaluate.main(["--dry-run", "--invert", "4", "--invert-steps", "2", "--animations", "walk", "hurt",
                          "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    rows = result["rows"]
    assert [r["set"] for r in rows] == ["real train vs val (floor)", "sprites/lpc-v1 vs val",
                                        "lpc-v1 inverted val (best latents)", "sprites/lpc-v2 vs val",
                                        "sprites/lpc-v3 vs val", "real val"]
    gen, v2, v3 = rows[1], rows[3], rows[4]
    for r in (gen, v2, v3):
        assert r["n"] == 8 and 0 <= r["memorised"] <= 1 and r["direction_acc"] > 0.9 and r["novelty"] > 0
    assert gen["colours_median"] <= 24 and rows[0]["identity"] >= 0.75   # the net knows train characters
    assert v2["colours_per_character"] <= 8 * 13                         # one palette, 8 shades a slot
    assert rows[2]["n"] == 4 and rows[2]["memorised"] is None
    assert rows[0]["novelty"] == 0 and rows[0]["kid_x_floor"] == 1      # train sheets are their own nearest
    assert rows[5]["identity"] > 0.3                                    # real validation sheets
    assert v3["colours_median"] >= 20                                   # library art, not a VAE's blur
    by_animation = {r["animation"]: r for r in result["animations"]}
    assert list(by_animation) == ["walk", "hurt"]
    for a, r in by_animation.items():
        assert r["n"] == r["n_train"] == 8 and 0 < r["n_val"] <= 24 and r["n_val_all"] == 360
        assert r["frames_per_character"] == (16 if a == "walk" else 6)
        assert np.isfinite([r["kid"], r["kid_floor"], r["kid_x_floor"], r["fid"]]).all()
        assert r["repeats"] == len(r["kids"]) == 3 and r["kid"] == pytest.approx(np.mean(r["kids"]))
        assert len(r["kid_halves"]) == 8 and len(set(r["kid_halves"])) > 1   # real halves differ too
    for r in rows:                                      # every head alone is at least as consistent
        assert all(r["identity"] <= v <= 1 for v in r["identity_by_head"].values())
    printed = capsys.readouterr().out
    assert f"real validation sheets: identity {rows[5]['identity']:.3f}" in printed
    assert "| hurt | 8 | 3 | 8 |" in printed


@pytest.mark.slow
def test_inversion_redraws_its_targets_closer(evaluate):
    from worldsmith.sprites.data import crop, load_npz

    val = load_npz(data_dir() / "sprites" / "lpc_walk64.npz").sheets[-2:]
    start = evaluate.generated("sprites/lpc-v1", 2, 0, {})
    fitted = evaluate.inverted(val, {}, 25, 0)
    dist = [np.abs(x.astype(int) - val).mean() for x in (start, fitted)]
    assert fitted.shape == val.shape == crop(np.zeros((2, 16, 64, 64, 4), np.uint8)).shape
    assert dist[1] < 0.8 * dist[0]


def test_composites_redraw_the_npz_walk_and_cover_their_animation(evaluate):
    """The per-animation reference is fair: held-out characters redrawn from their library files
    give the npz's walk frames exactly (as the v1/v2 sheets lay them out), and a character counts
    for an animation only when all its parts draw it."""
    from worldsmith.sprites.eval import lpc_v3
    from worldsmith.sprites.lpc_v3.generator import load_model

    with np.load(data_dir() / "sprites" / "lpc_walk64.npz") as npz:
        meta = {k: npz[k] for k in ("char_id", "sex", "layers", "layer_names", "direction", "frame")}
        chars = np.unique(meta["char_id"])[-3:]
        rows = np.flatnonzero(np.isin(meta["char_id"], chars))
        images = npz["images"][rows]
    model = load_model("sprites-lpc-v3")
    first = [rows[meta["char_id"][rows] == c][0] for c in chars]
    outfits = lpc_v3.outfits_of(model, meta["layers"][first], [str(x) for x in meta["layer_names"]],
                                meta["sex"][first])
    drawn = lpc_v3.composites(model, outfits, "walk").reshape(3, 4, 4, 64, 64, 4)
    for j, i in enumerate(rows):                               # npz direction 0..3: down, left, right, up
        c = int(np.searchsorted(chars, meta["char_id"][i]))
        col = evaluate.lpc_v3.WALK_COLUMNS.index(int(meta["frame"][i]))
        assert np.array_equal(drawn[c, meta["direction"][i], col], images[j])
    assert lpc_v3.covering(model, outfits, "walk").all()
    hurt = lpc_v3.composites(model, outfits, "hurt")
    assert hurt.shape == (3, 6, 64, 64, 4) and (hurt[..., 3] > 0).any((2, 3)).all()
