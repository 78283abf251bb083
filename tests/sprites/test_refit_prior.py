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


@pytest.mark.slow
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
    from worldsmith.sprites.lpc_v1.model import GanConfig, Generator

    torch.manual_seed(1)
    cfg = GanConfig(width=4)
    other = save_folder(tmp_path / "other", {"gan": cfg.to_dict(), "val_fraction": 0.1},
                        Generator(cfg).state_dict(), "test model\n")
    run = encoder_run(tiny_weights, sheet_folder, tmp_path / "run")
    with pytest.raises(ConfigError, match="run"):
        refit.refit(str(other), run, 3, 0, None)


@pytest.fixture(scope="module")
def prior_weights(tmp_path_factory):
    """A width-4 random-init generator carrying a 3-component mixture prior."""
    from worldsmith.core.weights import save_folder
    from worldsmith.sprites.lpc_v1.model import GanConfig, Generator

    torch.manual_seed(2)
    cfg = GanConfig(width=4, prior=3)
    g = Generator(cfg)
    g.prior_mean.normal_()
    g.prior_std.fill_(0.5)
    return save_folder(tmp_path_factory.mktemp("prior") / "model", {"gan": cfg.to_dict(), "val_fraction": 0.1},
                       g.state_dict(), "test model\n")


@pytest.fixture(scope="module")
def perceiver(tmp_path_factory):
    """A random-init feature network folder (not the metrics' own)."""
    from worldsmith.core.weights import save_folder
    from worldsmith.sprites.eval.features import FeatureNet

    torch.manual_seed(3)
    classes = {"direction": list("dlru"), "body": ["a", "b"], "hair": ["a", "b", "c"], "clothing": ["a", "b"]}
    net = FeatureNet({k: len(v) for k, v in classes.items()})
    return save_folder(tmp_path_factory.mktemp("perc") / "features", {"classes": classes},
                       net.state_dict(), "test net\n")


@pytest.mark.slow
def test_select_keeps_the_most_consistent_draws_per_component(refit, prior_weights, perceiver, tmp_path):
    import worldsmith as ws
    from worldsmith.sprites.eval.features import load_features
    from worldsmith.sprites.eval.metrics import label_agreement

    assert refit.main(["--weights", str(prior_weights), "--select", str(perceiver), "--draws", "4",
                       "--keep", "2", "--bandwidth", "0.25", "--out", str(tmp_path / "sel")]) == 0
    (_, old), (cfg, new) = load_folder(prior_weights), load_folder(tmp_path / "sel")
    assert cfg["gan"]["prior"] == 6 and cfg["gan"]["spread"] == pytest.approx(0.5)
    assert cfg["prior_fit"]["select"] == [{"features": str(perceiver), "draws": 4, "keep": 2,
                                           "bandwidth": 0.25, "seed": 0}]
    assert all(torch.equal(v, new[k]) for k, v in old.items() if not k.startswith("prior_"))
    assert torch.allclose(new["prior_std"], torch.full((6, 64), 0.125))
    assert torch.allclose(new["prior_weight"].view(3, 2).sum(1), old["prior_weight"])
    # the kept latents are the best two of each component's four draws, in order
    eps = torch.randn(3, 4, 64, generator=torch.Generator().manual_seed(0))
    draws = old["prior_mean"][:, None] + old["prior_std"][:, None] * eps          # (3, 4, 64)
    gen, net = ws.make("sprites/lpc-v1", weights=str(prior_weights)), load_features(perceiver)[0]
    scores = torch.from_numpy(label_agreement(net, gen.render(draws.reshape(12, 64)))).view(3, 4)
    best = scores.argsort(1, descending=True)[:, :2]
    assert torch.allclose(new["prior_mean"], draws[torch.arange(3)[:, None], best].reshape(6, 64))
    # the selected model still varies by the old spread and draws its own character per seed
    sel = ws.make("sprites/lpc-v1", weights=str(tmp_path / "sel"))
    assert sel.network.latent_scale() == pytest.approx(0.5)
    assert not torch.equal(*sel.latents([1, 2]))
    # a second round keeps the spread and lists both rounds
    cfg2, state2 = refit.select(str(tmp_path / "sel"), str(perceiver), 2, 1, 1.0, 1)
    assert cfg2["gan"]["prior"] == 6 and cfg2["gan"]["spread"] == pytest.approx(0.5)
    assert [r["draws"] for r in cfg2["prior_fit"]["select"]] == [4, 2]
    assert torch.allclose(state2["prior_std"], new["prior_std"])


def test_select_refuses_the_metrics_network_and_a_model_without_prior(refit, prior_weights, tiny_weights,
                                                                      perceiver):
    from worldsmith.sprites.eval.features import WEIGHTS

    with pytest.raises(ConfigError, match="select"):
        refit.select(str(prior_weights), WEIGHTS, 4, 2, 0.3, 0)
    with pytest.raises(ConfigError, match="weights"):
        refit.select(str(tiny_weights), str(perceiver), 4, 2, 0.3, 0)
