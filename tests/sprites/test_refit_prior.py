"""tools/refit_sprite_prior.py: a new latent mixture for a model, its generator untouched."""
from __future__ import annotations

import pytest
import torch

from tests.sprites.conftest import lpc_tool
from worldsmith.cli import main as cli
from worldsmith.core.errors import ConfigError
from worldsmith.core.weights import load_folder


@pytest.fixture(scope="module")
def refit(repo):
    return lpc_tool(repo, "refit_sprite_prior")


def encoder_run(weights, sheets, out):
    """A dry run that trains only an encoder for ``weights``' generator."""
    assert cli(["train", "sprites", "--dry-run", "--sheets", str(sheets), "--init", str(weights),
                "--encoder-warmup", "2", "--out", str(out)]) == 0
    return out


def test_refit_keeps_the_generator_and_changes_the_prior(refit, tiny_weights, sheet_folder, tmp_path):
    run = encoder_run(tiny_weights, sheet_folder, tmp_path / "run")
    assert refit.main(["--weights", str(tiny_weights), "--run", str(run), "--k", "3",
                       "--out", str(tmp_path / "new")]) == 0
    (_, old), (cfg, new) = load_folder(tiny_weights), load_folder(tmp_path / "new")
    assert cfg["gan"]["prior"] == 3 and cfg["prior_fit"] == {"k": 3, "seed": 0, "encoder_steps": 2}
    assert all(torch.equal(v, new[k]) for k, v in old.items() if not k.startswith("prior_"))
    assert new["prior_mean"].shape == (3, 64) and abs(float(new["prior_weight"].sum()) - 1) < 1e-5


def test_refit_refuses_a_run_of_another_generator(refit, tiny_weights, sheet_folder, tmp_path):
    from worldsmith.core.weights import save_folder
    from worldsmith.sprites.model import GanConfig, Generator

    torch.manual_seed(1)
    cfg = GanConfig(width=4)
    other = save_folder(tmp_path / "other", {"gan": cfg.to_dict(), "val_fraction": 0.1},
                        Generator(cfg).state_dict(), "test model\n")
    run = encoder_run(tiny_weights, sheet_folder, tmp_path / "run")
    with pytest.raises(ConfigError, match="run"):
        refit.refit(str(other), run, 3, 0, None)
