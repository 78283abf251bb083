"""sprites/lpc-v1: options, determinism, weights integrity, CLI, and the shipped model's quality."""
from __future__ import annotations

import shutil

import numpy as np
import pytest

import worldsmith as ws
from worldsmith.cli import main as cli
from worldsmith.core.errors import ConfigError, WeightsError
from worldsmith.pixels.image import palette_colors


def colours(images: np.ndarray) -> set:
    return {tuple(c) for c in images[images[..., 3] > 0][:, :3].tolist()}


def test_named_palette_and_outline(tiny_weights):
    sheet = ws.make("sprites/lpc-v1", weights=str(tiny_weights), palette="pico8", outline="#ff00ff")(seed=3)
    allowed = {tuple(c) for c in palette_colors("pico8").tolist()} | {(255, 0, 255)}
    assert colours(sheet.images) <= allowed
    assert [p["name"] for p in sheet.meta.post] == ["binary_alpha", "remove_specks", "quantize", "outline"]
    flat = ws.make("sprites/lpc-v1", weights=str(tiny_weights), orphans=True)(seed=3)
    assert [p["name"] for p in flat.meta.post] == ["binary_alpha", "remove_specks", "quantize", "remove_orphans"]


def test_auto_palette_caps_colours_per_character(tiny_weights):
    sheets = ws.make("sprites/lpc-v1", weights=str(tiny_weights), colors=6)(seed=4, n=2)
    assert all(len(colours(s)) <= 6 for s in sheets.images)


def test_interpolation_ends_are_the_seeds_characters(tiny_weights):
    w = str(tiny_weights)
    a = ws.make("sprites/lpc-v1", weights=w)(seed=11)
    at_a = ws.make("sprites/lpc-v1", weights=w, interpolate=[11, 12], mix=0.0)(seed=99)
    assert (at_a.images == a.images).all()


def test_variations_stay_near_their_base(tiny_weights):
    gen = ws.make("sprites/lpc-v1", weights=str(tiny_weights))
    near = ws.make("sprites/lpc-v1", weights=str(tiny_weights), variations_of=7, variation=0.05)
    base = gen.latents([7]).numpy()
    assert np.linalg.norm(near.latents([1]).numpy() - base) < 0.5 * np.linalg.norm(gen.latents([1]).numpy() - base)


@pytest.mark.parametrize("config", [{"palette": "gameboy"}, {"palette": ["#zzzzzz"]}, {"outline": "red"},
                                    {"interpolate": [1]}, {"interpolate": [1, 2], "variations_of": 3},
                                    {"truncation": 2.0}])
def test_bad_options(config):
    with pytest.raises(ConfigError):
        ws.make("sprites/lpc-v1", **config)


def test_missing_and_tampered_weights(tiny_weights, tmp_path):
    with pytest.raises(WeightsError, match="no model folder"):
        ws.make("sprites/lpc-v1", weights=str(tmp_path / "nope"))(seed=1)
    bad = tmp_path / "bad"
    shutil.copytree(tiny_weights, bad)
    blob = bytearray((bad / "model.safetensors").read_bytes())
    blob[-1] ^= 1
    (bad / "model.safetensors").write_bytes(bytes(blob))
    with pytest.raises(WeightsError, match="sha256"):
        ws.make("sprites/lpc-v1", weights=str(bad))(seed=1)


def test_cli_same_seed_same_bytes_and_bad_option(tmp_path, capsys):
    for run in ("a", "b"):
        out = str(tmp_path / run / "h.png")
        assert cli(["generate", "sprites/lpc-v1", "--n", "2", "--seed", "5", "--out", out]) == 0
    assert (tmp_path / "a" / "h.png").read_bytes() == (tmp_path / "b" / "h.png").read_bytes()
    assert (tmp_path / "a" / "h.json").read_bytes() == (tmp_path / "b" / "h.json").read_bytes()
    bad = ["--set", "outline=red", "--out", str(tmp_path / "x.png")]
    assert cli(["generate", "sprites/lpc-v1", "--seed", "5", *bad]) == 2
    assert "outline" in capsys.readouterr().err


def test_shipped_model_faces_the_right_way_with_few_colours():
    from worldsmith.sprites.data import crop
    from worldsmith.sprites.eval import metrics as M
    from worldsmith.sprites.eval.features import load_features

    sheets = crop(ws.make("sprites/lpc-v1")(seed=0, n=6).images.reshape(6, 16, 64, 64, 4))
    net, _ = load_features()
    assert M.direction_accuracy(M.extract(net, sheets)) >= 0.9
    assert np.median(M.colours_per_frame(sheets)) <= 32


@pytest.mark.parametrize("net_batch", [None, 4])
def test_sheet_bytes_do_not_depend_on_the_batch(net_batch):
    """The network always runs on ``net_batch`` rows (default 1 on the CPU): a sheet made in a
    batch of 6 (one full call of 4 and a padded one) equals the sheet made alone."""
    from worldsmith.core.seeding import child_seeds

    gen = ws.make("sprites/lpc-v1", net_batch=net_batch, colors=8)
    batch = gen(seed=2, n=6).images
    for i, seed in enumerate(child_seeds(2, 6)):
        assert np.array_equal(gen._generate([seed]).images[0], batch[i]), i


def test_net_batch_rows_do_not_see_each_other():
    """What the fixed shape relies on: at one call shape a row's output is the same whatever the
    other rows hold and wherever it sits (checked on this CPU; a GPU run checks its own)."""
    import torch

    gen = ws.make("sprites/lpc-v1")
    net, z = gen.network, gen.latents(list(range(8)))
    with torch.inference_mode():
        alone = net(torch.cat([z[:1], torch.zeros(3, z.shape[1])]))[0]
        for slot in range(4):
            rows = z[4:8].clone()
            rows[slot] = z[0]
            assert torch.equal(net(rows)[slot], alone), slot
