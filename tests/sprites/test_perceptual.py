"""The trainer's perception-network terms (conv-feature distance; identity labels and agreement
across a sheet) and its fixed split."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from worldsmith.cli import main as cli
from worldsmith.sprites.features import FeatureNet
from worldsmith.sprites.gan_loop import (composite, consistency_loss, label_loss, perception_terms,
                                         perceptual_loss)


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


def _feature_folder(tmp_path, net: FeatureNet, body=("a", "b")):
    from worldsmith.core.weights import save_folder

    classes = {"direction": ["down", "left", "right", "up"], "body": list(body)}
    return save_folder(tmp_path / "perceiver", {"classes": classes}, net.state_dict(), "test net\n")


def test_label_loss_is_low_only_for_the_characters_own_classes():
    labels = {"body": torch.tensor([0, 1])}                       # two characters, 3 cells each
    right = {"body": torch.tensor([[9.0, 0]] * 3 + [[0, 9.0]] * 3)}
    wrong = {"body": torch.tensor([[0, 9.0]] * 3 + [[9.0, 0]] * 3)}
    assert float(label_loss(right, labels, 3)) < 1e-3 < 8 < float(label_loss(wrong, labels, 3))


def test_consistency_loss_rewards_one_confident_identity_per_sheet():
    same = torch.tensor([[9.0, 0, 0]] * 4 + [[0, 0, 9.0]] * 4)    # two sheets, each one class
    mixed = torch.tensor([[9.0, 0, 0], [0, 9.0, 0]] * 4)           # cells of a sheet disagree
    unsure = torch.zeros(8, 3)
    losses = [float(consistency_loss({"hair": x}, 4)) for x in (same, mixed, unsure)]
    assert losses[0] < 1e-2 and abs(losses[1] - np.log(2)) < 1e-2 and abs(losses[2] - np.log(3)) < 1e-4


def test_perception_terms_share_one_pass_and_match_the_separate_losses(net):
    real = torch.cat([_frames(0, 2), _frames(1, 2)])                # (B=2, k=2, ...)
    fake = torch.cat([_frames(2, 2), _frames(3, 2), _frames(4, 2), _frames(5, 2)])  # recs, priors
    labels = {"body": torch.tensor([1, 0])}
    with torch.no_grad():
        perc, lab, agree = perception_terms(net, fake, real, labels)
        assert torch.allclose(perc, perceptual_loss(net, fake[:2], real))
        logits = net(composite(fake))[1]
        assert torch.allclose(lab, label_loss({"body": logits["body"][:4]}, labels, 2))
        assert torch.allclose(agree, consistency_loss({"body": logits["body"][4:]}, 2))
        assert perception_terms(net, fake, real, {})[1:] == (0, 0)


def lpc_npz(path, chars: int = 6):
    """A tiny file in the LPC walk npz layout: ``chars`` characters of 16 64x64 frames with body
    (two classes), hair and torso layers."""
    rng = np.random.default_rng(0)
    n = chars * 16
    names = np.array(["body/male/a.png", "body/male/b.png", "hair/male/bob/red.png", "torso/x.png"])
    body = np.arange(chars) % 2
    layers = np.stack([np.repeat(body, 16), np.full(n, 2), np.full(n, -1)], 1)
    images = np.zeros((n, 64, 64, 4), np.uint8)
    images[:, 12:60, 20:44] = np.concatenate([rng.integers(0, 256, (n, 1, 1, 3)), np.full((n, 1, 1, 1), 255)], 3)
    np.savez(path, images=images, char_id=np.repeat(np.arange(chars), 16),
             direction=np.tile(np.repeat(np.arange(4), 4), chars), frame=np.tile(np.arange(4), 4 * chars),
             layers=layers, layer_names=names, slots=np.array(["body", "hair", "torso"]))
    return path


def test_dry_run_with_identity_terms_logs_them(tmp_path, net):
    folder = _feature_folder(tmp_path, net, body=("body/male/a.png", "body/male/b.png"))
    out = tmp_path / "run"
    assert cli(["train", "sprites", "--data", str(lpc_npz(tmp_path / "lpc.npz")), "--out", str(out),
                "--dry-run", "--perceptual", str(folder), "--label-weight", "0.1"]) == 0
    assert json.loads((out / "model" / "config.json").read_text())["train"]["label_weight"] == 0.1
    log = [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines()]
    assert all(row["label"] > 0 and row["agree"] > 0 for row in log)


def test_identity_terms_need_labels_the_perceiver_knows(sheet_folder, tmp_path, net, capsys):
    lpc = str(lpc_npz(tmp_path / "lpc.npz"))
    other = str(_feature_folder(tmp_path, net))                    # body classes "a", "b"
    runs = [["--sheets", str(sheet_folder), "--perceptual", other],  # a folder has no labels
            ["--data", lpc],                                         # no perception network
            ["--data", lpc, "--perceptual", other]]                  # classes differ from the data's
    for extra in runs:
        assert cli(["train", "sprites", *extra, "--out", str(tmp_path / "r"), "--dry-run",
                    "--label-weight", "0.1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3 and all("label-weight" in line or "perceptual" in line for line in err)
    assert not (tmp_path / "r" / "ckpt.pt").exists()


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
    from worldsmith.sprites.train import load_data, parser

    def val(*extra: str):
        return load_data(parser().parse_args(["--sheets", str(sheet_folder), "--val-fraction", "0.34", *extra]))[1]

    assert (val("--seed", "1").sheets == val("--seed", "2").sheets).all()
    assert not (val("--split-seed", "1").sheets == val("--split-seed", "2").sheets).all()
