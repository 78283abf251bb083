"""Refit the latent mixture prior of a sprite model, leaving its generator untouched.

The generator samples from a Gaussian mixture fitted to an encoder's posterior means of the
training characters. This tool fits a new one with ``--k`` components from a run whose encoder
learned the model's latents with the generator frozen (every step an ``--encoder-warmup`` step):

    worldsmith train sprites --init sprites-lpc-v1 --encoder-warmup 1000 --steps 1000 \\
        --adv-start 1000000 --kl-weight 0.002 --batch 16 --ckpt-every 1000 --out runs/enc
    python tools/refit_sprite_prior.py --run runs/enc --k 1024 --out runs/prior1024
    python tools/evaluate_sprites.py --id sprites/lpc-v1 --n 300 --set weights='"runs/prior1024"'

The run's generator must be the model's (checked), so the encoder speaks its latent language.

``--select FEATURES`` instead sharpens the model's own prior by selection
(:mod:`worldsmith.sprites.lpc_v1.selection`): ``--draws`` latents per component, rendered with the default
post-processing and scored by how consistently the feature network in FEATURES (a perceiver
trained with another seed, never the metrics' own network) labels their 16 frames; the ``--keep``
best per component become components with ``--bandwidth`` times its spread:

    worldsmith train sprites --model features --seed 1 --batch 8 --steps 2500 --out runs/perceiver
    python tools/refit_sprite_prior.py --select runs/perceiver/features --draws 40 --keep 2 \
        --bandwidth 0.3 --out runs/selected
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import Sequence

import torch

from worldsmith.core.data import data_path
from worldsmith.core.errors import ConfigError
from worldsmith.core.weights import load_folder, save_folder
from worldsmith.sprites.credits import credits
from worldsmith.sprites.data import load_npz
from worldsmith.sprites.lpc_v1.model import Encoder, GanConfig, Generator
from worldsmith.sprites.lpc_v1.selection import select_prior
from worldsmith.sprites.lpc_v1.train import with_prior


def refit(weights: str, run: Path, k: int, seed: int, data: str | None) -> tuple[dict, dict]:
    """``(config, state)`` of ``weights`` with a ``k``-component prior from ``run``'s encoder."""
    config, state = load_folder(weights)
    cfg = dataclasses.replace(GanConfig(**config["gan"]), prior=0)
    g = Generator(cfg)
    g.load_state_dict({n: v for n, v in state.items() if not n.startswith("prior_")})
    ck = torch.load(run / "ckpt.pt", map_location="cpu", weights_only=True)
    if any(not torch.equal(v, ck["g_ema"][n]) for n, v in g.state_dict().items()):
        raise ConfigError("run", f"a run whose generator is {weights}'s (trained with --init and "
                                 "only --encoder-warmup steps)", str(run))
    run_cfg, _ = load_folder(run / "model")
    e = Encoder(cfg, run_cfg["train"]["d_width"])
    e.load_state_dict(ck["e"])
    train, _ = load_npz(data or data_path("sprites", "lpc_walk64.npz")).split(
        config["val_fraction"], config.get("split_seed", 0))
    out = with_prior(g, e.eval(), torch.from_numpy(train.sheets), k, seed)
    config = {**config, "gan": out.cfg.to_dict(),
              "prior_fit": {"k": k, "seed": seed, "encoder_steps": int(ck["step"])}}
    return config, out.state_dict()


def select(weights: str, features: str, draws: int, keep: int, bandwidth: float,
           seed: int) -> tuple[dict, dict]:
    """``(config, state)`` of ``weights`` with its prior sharpened by the feature network in
    ``features``; the old prior's typical spread is recorded, so variation steps stay as large,
    and each round of selection is listed in ``prior_fit``."""
    import numpy as np

    import worldsmith as ws
    from worldsmith.sprites.eval.features import load_independent
    from worldsmith.sprites.eval.metrics import label_agreement

    perceiver = load_independent(features, "select")
    config, state = load_folder(weights)
    if not config["gan"].get("prior"):
        raise ConfigError("weights", "a model with a fitted mixture prior", weights)
    gen = ws.make("sprites/lpc-v1", weights=weights)

    def score(z: torch.Tensor) -> np.ndarray:
        return np.concatenate([label_agreement(perceiver, gen.render(z[i:i + 256]))
                               for i in range(0, len(z), 256)])

    spread = gen.network.latent_scale()
    weight, mean, std = select_prior(state["prior_weight"], state["prior_mean"], state["prior_std"],
                                     score, draws, keep, bandwidth, torch.Generator().manual_seed(seed))
    state = {**state, "prior_weight": weight, "prior_mean": mean, "prior_std": std}
    fit = config.get("prior_fit", {"k": config["gan"]["prior"]})
    rounds = [*fit.get("select", []), {"features": str(features), "draws": draws, "keep": keep,
                                       "bandwidth": bandwidth, "seed": seed}]
    config = {**config, "gan": {**config["gan"], "prior": len(weight), "spread": spread},
              "prior_fit": {**fit, "select": rounds}}
    return config, state


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--weights", default="sprites-lpc-v1", help="shipped model name or model folder")
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--run", help="training run folder with the encoder's ckpt.pt")
    mode.add_argument("--select", metavar="FEATURES", help="feature network folder to select latents by")
    p.add_argument("--k", type=int, default=1024, help="mixture components (--run)")
    p.add_argument("--draws", type=int, default=40, help="latents probed per component (--select)")
    p.add_argument("--keep", type=int, default=2, help="latents kept per component (--select)")
    p.add_argument("--bandwidth", type=float, default=0.3, help="kept components' spread over the old (--select)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--data", default=None, help="LPC walk npz (default: $WORLDSMITH_DATA)")
    p.add_argument("--out", required=True, help="model folder to write")
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    if args.select:
        config, state = select(args.weights, args.select, args.draws, args.keep, args.bandwidth, args.seed)
    else:
        config, state = refit(args.weights, Path(args.run), args.k, args.seed, args.data)
    save_folder(args.out, config, state, credits())
    print(f"{args.out}: {config['gan']['prior']}-component prior")
    return 0


if __name__ == "__main__":
    sys.exit(main())
