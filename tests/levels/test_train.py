"""``worldsmith train levels``: dry runs on tiny folders, determinism, resume, bad input."""
from __future__ import annotations

import json

import pytest

from worldsmith.cli import main as cli
from worldsmith.core.weights import load_folder
from worldsmith.levels.data import augment, samples, split_names
from worldsmith.levels.train import main


def _train(folder, out, *extra):
    return main(["--game", "smb", "--data", str(folder), "--out", str(out), "--dry-run", *extra])


def test_dry_run_writes_a_loadable_model_folder(smb_folder, tmp_path):
    assert _train(smb_folder, tmp_path / "m") == 0
    config, state = load_folder(tmp_path / "m")
    assert config["game"] == "smb" and config["val_files"] == ["level-2.txt", "level-3.txt"]
    assert config["train_files"] == ["level-0.txt", "level-1.txt"]
    assert (tmp_path / "m" / "checkpoint.pt").is_file() and state


def test_same_seed_same_weights(smb_folder, tmp_path):
    for name in ("a", "b"):
        _train(smb_folder, tmp_path / name, "--seed", "4")

    def blob(name: str) -> bytes:
        return (tmp_path / name / "model" / "model.safetensors").read_bytes()

    assert blob("a") == blob("b")
    _train(smb_folder, tmp_path / "c", "--seed", "5")
    assert blob("c") != blob("a")


def test_prior_fits_a_mixture_the_generator_samples(smb_folder, tmp_path):
    import torch

    from worldsmith.levels.generator import load_model

    assert _train(smb_folder, tmp_path / "m", "--prior", "3") == 0
    config, state = load_folder(tmp_path / "m")
    assert config["prior"] == 3 and state["prior_std"].shape == (3, config["z_dim"])
    assert abs(float(state["prior_weight"].sum()) - 1) < 1e-5 and bool((state["prior_std"] > 0).all())
    model, _ = load_model(str(tmp_path / "m"), "cpu")
    z = model.sample_prior(500, torch.Generator().manual_seed(0), temperature=0.0)
    assert {tuple(row) for row in z.tolist()} <= {tuple(row) for row in state["prior_mean"].tolist()}
    assert torch.equal(z, model.sample_prior(500, torch.Generator().manual_seed(0), temperature=0.0))


def test_resume_continues_from_the_checkpoint(lr_folder, tmp_path, capsys):
    args = ["--game", "loderunner", "--data", str(lr_folder), "--out", str(tmp_path / "m"), "--dry-run"]
    assert main(args) == 0
    assert main([*args, "--resume"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert json.loads(out[-1])["game"] == "loderunner"


def test_split_keeps_whole_files_out():
    train, val = split_names([f"l{i}" for i in range(10)], holdout=2, seed=3)
    assert len(val) == 2 and not set(train) & set(val) and len(train) == 8


def test_augment_mirrors_lr_and_zelda_only():
    import numpy as np

    x = np.arange(2 * 22 * 32).reshape(2, 22, 32).astype(np.uint8)
    assert len(augment("loderunner", x)) == 4 and len(augment("smb", x)) == 2
    assert samples("loderunner", list(x)).shape == (2, 22, 32)


@pytest.mark.parametrize("args, needle", [
    (["--game", "tetris", "--dry-run"], "game"),
    (["--game", "smb", "--steps", "0"], "steps"),
    (["--game", "smb", "--prior", "-1"], "prior"),
])
def test_bad_arguments_exit_2(args, needle, smb_folder, capsys):
    assert cli(["train", "levels", "--data", str(smb_folder), *args]) == 2
    assert needle in capsys.readouterr().err


def test_malformed_level_file_exits_2(smb_folder, capsys):
    (smb_folder / "broken.txt").write_text("--\n-Z\n")
    assert cli(["train", "levels", "--game", "smb", "--data", str(smb_folder), "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert "broken.txt:2:2: unknown tile 'Z'" in err and err.count("\n") == 1


def test_short_levels_are_refused(tmp_path, capsys):
    (tmp_path / "short.txt").write_text("----\nXXXX\n")
    assert cli(["train", "levels", "--game", "smb", "--data", str(tmp_path), "--dry-run"]) == 2
    assert "needs 14 rows" in capsys.readouterr().err
