"""Training data loaders and the trainer's dry run (tiny model, a folder of PNG sheets)."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from PIL import Image

import worldsmith as ws
from tests.conftest import require_data
from worldsmith.cli import main as cli
from worldsmith.core.errors import ConfigError, FormatError
from worldsmith.sprites.data import load_npz, load_sheet_folder, parse_grid

from .conftest import sheet_image


def test_sheet_folder_loads_cropped_cells(sheet_folder):
    data = load_sheet_folder(sheet_folder, "4x4")
    assert data.sheets.shape == (6, 16, 64, 48, 4)
    assert (data.sheets[0, 5, 17 + 1, 12] == [*sheet_image(0)[64 + 20, 64 + 20, :3], 255]).all()


def test_wider_grid_samples_four_frames(tmp_path):
    Image.fromarray(sheet_image(0, cols=8)).save(tmp_path / "a.png")
    assert load_sheet_folder(tmp_path, "4x8").sheets.shape == (1, 16, 64, 48, 4)


def test_wrong_grid_corrupt_image_and_bad_grid_text(sheet_folder, tmp_path):
    with pytest.raises(FormatError, match="4x8 grid"):
        load_sheet_folder(sheet_folder, "4x8")
    with pytest.raises(ConfigError, match="sheet-grid"):
        parse_grid("3x4")
    (sheet_folder / "broken.png").write_bytes(b"\x89PNG not really")
    with pytest.raises(FormatError, match="broken.png"):
        load_sheet_folder(sheet_folder)
    with pytest.raises(FormatError, match="no .png"):
        load_sheet_folder(tmp_path / "empty" if (tmp_path / "empty").mkdir() is None else tmp_path)
    with pytest.raises(FormatError, match="not an LPC"):
        load_npz(sheet_folder / "broken.png")


def test_dry_run_trains_resumes_and_exports_a_usable_model(sheet_folder, tmp_path):
    out = tmp_path / "run"
    args = ["train", "sprites", "--sheets", str(sheet_folder), "--out", str(out), "--dry-run", "--seed", "3"]
    assert cli(args) == 0
    assert (out / "ckpt.pt").is_file() and (out / "samples_000002.png").is_file()
    config = json.loads((out / "model" / "config.json").read_text())
    assert config["steps"] == 2 and config["data"] == "sheets folder" and config["gan"]["prior"] == 2
    assert cli(args + ["--resume"]) == 0                 # already at 2 steps: resumes, adds none
    gen = ws.make("sprites/lpc-v1", weights=str(out / "model"))
    sheets = gen(seed=1, n=2)
    assert sheets.images.shape == (2, 4, 4, 64, 64, 4)
    net = gen.network                                    # latents come from the fitted mixture
    assert abs(float(net.prior_weight.sum()) - 1) < 1e-5 and bool((net.prior_std > 0).all())
    nearest = (gen.latents([1, 2])[:, None] - net.prior_mean[None]).abs().amax(-1).min(1).values
    assert bool((nearest <= 0.8 * 6 * net.prior_std.amax()).all())  # within 6 (truncated) spreads


def test_init_starts_from_a_model_folder_and_warmup_holds_the_generator(sheet_folder, tmp_path):
    from worldsmith.core.weights import load_folder

    first = tmp_path / "first"
    base = ["train", "sprites", "--sheets", str(sheet_folder), "--dry-run", "--seed", "3"]
    assert cli(base + ["--out", str(first)]) == 0
    start = load_folder(first / "model")[1]
    held = tmp_path / "held"                             # 2 warm-up steps: the generator must not move
    assert cli(base + ["--out", str(held), "--init", str(first / "model"), "--encoder-warmup", "2",
                       "--width", "8"]) == 0
    config, state = load_folder(held / "model")
    assert config["init"] == str(first / "model") and config["gan"]["width"] == 4   # the folder's width
    assert all(bool((state[k] == v).all()) for k, v in start.items() if not k.startswith("prior_"))
    moved = tmp_path / "moved"
    assert cli(base + ["--out", str(moved), "--init", str(first / "model"), "--ema", "0"]) == 0
    after = load_folder(moved / "model")[1]
    assert any(not bool((after[k] == v).all()) for k, v in start.items() if not k.startswith("prior_"))


@pytest.mark.slow
def test_critic_warmup_keeps_the_critic_out_of_the_generator_loss(sheet_folder, tmp_path):
    from worldsmith.core.weights import load_folder

    base = ["train", "sprites", "--sheets", str(sheet_folder), "--dry-run", "--seed", "3", "--d-lr", "1e-3"]
    assert cli(base + ["--out", str(tmp_path / "a"), "--critic-warmup", "5"]) == 0
    assert cli(base + ["--out", str(tmp_path / "b"), "--adv-weight", "0"]) == 0
    assert cli(base + ["--out", str(tmp_path / "c")]) == 0
    a, b, c = (load_folder(tmp_path / x / "model")[1] for x in "abc")
    assert all(bool(torch.equal(a[k], b[k])) for k in a)                # critic trained, not answered
    assert any(not bool(torch.equal(a[k], c[k])) for k in a if not k.startswith("prior_"))


def test_trainer_bad_input_is_one_line_exit_2(sheet_folder, tmp_path, capsys):
    assert cli(["train", "sprites", "--sheets", str(sheet_folder), "--sheet-grid", "4x3", "--dry-run",
                "--out", str(tmp_path)]) == 2
    assert cli(["train", "sprites", "--model", "features", "--sheets", str(sheet_folder), "--dry-run",
                "--out", str(tmp_path)]) == 2
    assert cli(["train", "sprites", "--sheets", str(sheet_folder), "--batch", "0", "--out", str(tmp_path)]) == 2
    assert cli(["train", "sprites", "--sheets", str(sheet_folder), "--prior", "-1", "--out", str(tmp_path)]) == 2
    assert cli(["train", "sprites", "--sheets", str(sheet_folder), "--cells", "17", "--out", str(tmp_path)]) == 2
    assert cli(["train", "sprites", "--sheets", str(sheet_folder), "--encoder-warmup", "-1",
                "--out", str(tmp_path)]) == 2
    assert cli(["train", "sprites", "--sheets", str(sheet_folder), "--critic-warmup", "-2",
                "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 7 and all(line.startswith("worldsmith: error:") for line in err)


def _lpc32():
    return require_data("sprites", "lpc_walk32.npz")


@pytest.mark.slow
def test_init_needs_a_model_of_the_data_frame_size(tmp_path, capsys):
    assert cli(["train", "sprites", "--data", str(_lpc32()), "--init", "sprites-lpc-v1", "--dry-run",
                "--out", str(tmp_path)]) == 2                        # 64-px model, 32-px data
    assert "init" in capsys.readouterr().err and not (tmp_path / "ckpt.pt").exists()


def test_real_npz_groups_cells_per_character():
    data = load_npz(_lpc32())
    assert data.sheets.shape == (3600, 16, 32, 24, 4)
    assert set(data.classes) == {"body", "hair", "clothing"} and len(data.classes["body"]) == 18
    assert np.isin(data.sheets[..., 3], [0, 255]).all()
