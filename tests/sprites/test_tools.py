"""tools/evaluate_sprites.py end to end in its --dry-run mode, and its latent inversion."""
from __future__ import annotations

import json

import numpy as np
import pytest

from tests.sprites.conftest import lpc_tool
from worldsmith.core.data import data_dir


@pytest.fixture(scope="module")
def evaluate(repo):
    return lpc_tool(repo, "evaluate_sprites")


def test_dry_run_writes_every_row(evaluate, tmp_path, capsys):
    out = tmp_path / "eval.json"
    assert evaluate.main(["--dry-run", "--invert", "4", "--invert-steps", "2", "--out", str(out)]) == 0
    rows = json.loads(out.read_text())["rows"]
    assert [r["set"] for r in rows] == ["real train vs val (floor)", "sprites/lpc-v1 vs val",
                                        "lpc-v1 inverted val (best latents)", "sprites/lpc-v2 vs val", "real val"]
    gen, v2 = rows[1], rows[3]
    for r in (gen, v2):
        assert r["n"] == 8 and 0 <= r["memorised"] <= 1 and r["direction_acc"] > 0.9 and r["novelty"] > 0
    assert gen["colours_median"] <= 24 and rows[0]["identity"] >= 0.75   # the net knows train characters
    assert v2["colours_per_character"] <= 8 * 13                         # one palette, 8 shades a slot
    assert rows[2]["n"] == 4 and rows[2]["memorised"] is None
    assert rows[0]["novelty"] == 0 and rows[0]["kid_x_floor"] == 1      # train sheets are their own nearest
    assert rows[4]["identity"] > 0.3                                    # real validation sheets
    for r in rows:                                      # every head alone is at least as consistent
        assert all(r["identity"] <= v <= 1 for v in r["identity_by_head"].values())
    assert f"real validation sheets: identity {rows[4]['identity']:.3f}" in capsys.readouterr().out


def test_inversion_redraws_its_targets_closer(evaluate):
    from worldsmith.sprites.data import crop, load_npz

    val = load_npz(data_dir() / "sprites" / "lpc_walk64.npz").sheets[-2:]
    start = evaluate.generated("sprites/lpc-v1", 2, 0, {})
    fitted = evaluate.inverted(val, {}, 25, 0)
    dist = [np.abs(x.astype(int) - val).mean() for x in (start, fitted)]
    assert fitted.shape == val.shape == crop(np.zeros((2, 16, 64, 64, 4), np.uint8)).shape
    assert dist[1] < 0.8 * dist[0]
