"""The trainer's perceptual term (a frozen feature network's conv features) and its fixed split."""
from __future__ import annotations

import json

import pytest
import torch

from worldsmith.cli import main as cli
from worldsmith.sprites.eval.features import FeatureNet
from worldsmith.sprites.lpc_v1.train import composite, perceptual_loss


@pytest.fixture(scope="module")
def net() -> FeatureNet:
    torch.manual_seed(0)
    return FeatureNet({"direction": 4, "body": 2}).eval()


def _frames(seed: int, k: int = 3) -> torch.Tensor:
    """``(1, k, 4, 64, 48)`` frames in [-1, 1] like real ones: binary alpha, transparent colour -1."""
    g = torch.Generator().manual_seed(seed)
    x = torch.rand(1, k, 4, 64, 48, generator=g) * 2 - 1
    opaque = torch.zeros(1, k, 1, 64, 48, dtype=torch.bool)
    opaque[..., 10:50, 12:36] = True
    x[:, :, 3:] = torch.where(opaque, 1.0, -1.0)
    x[:, :, :3] = torch.where(opaque, x[:, :, :3], -1.0)
    return x


def test_composite_keeps_real_frames_and_fades_hidden_colour():
    real = _frames(0)
    assert torch.equal(composite(real), real.reshape(-1, 4, 64, 48))
    hidden = real.clone()
    hidden[:, :, :3, :5] = 0.7                            # colour under fully transparent pixels
    assert torch.equal(composite(hidden), composite(real))


def test_perceptual_loss_is_zero_only_for_a_match_and_trains_the_output(net):
    real = _frames(0)
    with torch.no_grad():
        assert float(perceptual_loss(net, real, real)) == 0.0
    out = _frames(1).requires_grad_(True)
    loss = perceptual_loss(net, out, real)
    loss.backward()
    assert float(loss.detach()) > 0 and float(out.grad.abs().sum()) > 0
    blurred = torch.nn.functional.avg_pool2d(real[0], 3, 1, 1)[None]   # a softer copy scores between
    with torch.no_grad():
        assert 0 < float(perceptual_loss(net, blurred, real)) < float(loss.detach())


def _feature_folder(tmp_path, net: FeatureNet):
    from worldsmith.core.weights import save_folder

    classes = {"direction": ["down", "left", "right", "up"], "body": ["a", "b"]}
    return save_folder(tmp_path / "perceiver", {"classes": classes}, net.state_dict(), "test net\n")


def test_dry_run_with_a_perception_network_records_it(sheet_folder, tmp_path, net):
    folder = _feature_folder(tmp_path, net)
    out = tmp_path / "run"
    assert cli(["train", "sprites", "--sheets", str(sheet_folder), "--out", str(out), "--dry-run",
                "--perceptual", str(folder), "--perceptual-weight", "0.5"]) == 0
    config = json.loads((out / "model" / "config.json").read_text())
    assert config["train"]["perceptual"] == str(folder) and config["train"]["perceptual_weight"] == 0.5
    assert config["split_seed"] == 0
    assert '"perc"' in (out / "log.jsonl").read_text()


def test_the_metrics_network_is_refused_as_perceiver(sheet_folder, tmp_path, capsys):
    assert cli(["train", "sprites", "--sheets", str(sheet_folder), "--out", str(tmp_path / "r"),
                "--dry-run", "--perceptual", "sprites-features-v1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "perceptual" in err[0] and not (tmp_path / "r" / "ckpt.pt").exists()


def test_held_out_characters_do_not_depend_on_the_training_seed(sheet_folder):
    from worldsmith.sprites.train_cli import load_data, parser

    def val(*extra: str):
        return load_data(parser().parse_args(["--sheets", str(sheet_folder), "--val-fraction", "0.34", *extra]))[1]

    assert (val("--seed", "1").sheets == val("--seed", "2").sheets).all()
    assert not (val("--split-seed", "1").sheets == val("--split-seed", "2").sheets).all()
