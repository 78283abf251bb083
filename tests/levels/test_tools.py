"""The level tools run end to end in their --dry-run modes."""
from __future__ import annotations

import importlib.util
import json
import sys

import pytest

from worldsmith.levels.metrics import diversity, novelty, tpkl_mean


def _tool(repo, name):
    spec = importlib.util.spec_from_file_location(name, repo / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module                          # importable by name: a process pool pickles its functions
    spec.loader.exec_module(module)
    return module


def test_make_tileset_dry_run(repo, tmp_path, capsys):
    assert _tool(repo, "make_tileset").main(["--out", str(tmp_path), "--dry-run"]) == 0
    assert "preview.png" in capsys.readouterr().out and not any(tmp_path.iterdir())


def test_evaluate_levels_dry_run(repo, vglc, tmp_path):
    out = tmp_path / "eval.json"
    assert _tool(repo, "evaluate_levels").main(["--dry-run", "--game", "zelda", "--out", str(out)]) == 0
    row = json.loads(out.read_text())[0]
    assert row["final_playable"] == 1.0 and row["copies"] == 0.0 and row["real_tpkl"] > 0


def test_evaluate_levels_takes_generator_config(repo, vglc, tmp_path):
    tool, out = _tool(repo, "evaluate_levels"), tmp_path / "eval.json"
    assert tool.main(["--dry-run", "--game", "zelda", "--set", "ladder=false", "--out", str(out)]) == 0
    assert json.loads(out.read_text())[0]["final_playable"] == 1.0
    for bad in (["--game", "zelda", "--set", "ladder=maybe"], ["--set", "ladder=false"]):
        with pytest.raises(SystemExit) as e:
            tool.main(["--dry-run", *bad])
        assert e.value.code == 2


def test_metrics_on_real_levels(vglc):
    from worldsmith.levels.data import load_levels

    levels = list(load_levels("smb").values())
    assert tpkl_mean(levels[:6], levels[:6]) == pytest.approx(0.0, abs=1e-9)
    assert tpkl_mean(levels[:6], levels[6:]) > 0.1
    import numpy as np

    flat = np.stack([lv[:, :16].ravel() for lv in levels])
    assert novelty(flat[:3], flat)[1] == 1.0 and 0 < diversity(flat) < 1


def test_evaluate_levels_reports_smb_window_density(repo, vglc, tmp_path, capsys):
    out = tmp_path / "eval.json"
    assert _tool(repo, "evaluate_levels").main(["--dry-run", "--game", "smb", "--out", str(out)]) == 0
    row = json.loads(out.read_text())[0]
    real = row["real_train_density"]
    assert 0.05 < real["mean"] < 0.15 and real["std"] > 0.05 and 0 < real["bare"] < 0.5  # set pieces and open runs
    assert 0 <= row["density"]["mean"] < 1 and "window density" in capsys.readouterr().out


def test_evaluate_inpaint_on_two_sources_a_game(repo, vglc, tmp_path):
    out, image = tmp_path / "inpaint.json", tmp_path / "inpaint.png"
    assert _tool(repo, "evaluate_inpaint").main(["--limit", "2", "--extend", "30", "--out", str(out),
                                                 "--image", str(image)]) == 0
    summary = json.loads(out.read_text())["summary"]
    assert [s["calls"] for s in summary.values()] == [2, 2, 2, 2]
    assert summary["smb_continue"]["playable"] == summary["smb_inpaint"]["playable"] == 2
    assert image.read_bytes()[:4] == b"\x89PNG"                      # mario-1-1 is the first SMB level


def test_evaluate_levels_agreement_counts_each_verdict(repo):
    import numpy as np  # lazy: only this test builds levels by hand

    from worldsmith.types.tiles import SMB

    tool = _tool(repo, "evaluate_levels")

    def gap(width: int) -> np.ndarray:
        tiles = np.full((14, 40), SMB.id("-"), np.uint8)
        tiles[12:] = SMB.id("X")
        tiles[12:, 15:15 + width] = SMB.id("-")
        return tiles

    # flat: both finish; 9 wide: only the A* agent (the tile search jumps 7); 12: neither
    row = tool.agreement([gap(0), gap(9), gap(12)])
    assert (row["both"], row["search_only"], row["astar_only"], row["neither"]) == (1, 0, 1, 1)
    pooled = tool.agreement([gap(0), gap(9), gap(12)], jobs=2)               # the same, in 2 processes
    untimed = [{k: v for k, v in r.items() if "seconds" not in k} for r in (row, pooled)]
    assert untimed[0] == untimed[1]
    assert row["astar_causes"] == {"fell": 1} and row["astar_failures"][0][0] == 2
    parts = tool.stretches([gap(0)[:, :30], np.zeros((14, 200), np.uint8)], width=150, stride=75)
    assert [p.shape[1] for p in parts] == [30, 150, 150]
    assert "| VGLC whole levels | 3 | 1 |" in tool.agents_table({"vglc_levels": row})
