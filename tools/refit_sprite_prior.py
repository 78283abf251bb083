"""Refit the latent mixture prior of a sprite model, leaving its generator untouched.

The generator samples from a Gaussian mixture fitted to an encoder's posterior means of the
training characters. This tool fits a new one with ``--k`` components from a run whose encoder
learned the model's latents with the generator frozen (every step an ``--encoder-warmup`` step):

    worldsmith train sprites --init sprites-lpc-v1 --encoder-warmup 1000 --steps 1000 \\
        --adv-start 1000000 --kl-weight 0.002 --batch 16 --ckpt-every 1000 --out runs/enc
    python tools/refit_sprite_prior.py --run runs/enc --k 1024 --out runs/prior1024
    python tools/evaluate_sprites.py --n 300 --set weights='"runs/prior1024"'

The run's generator must be the model's (checked), so the encoder speaks its latent language.
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
from worldsmith.sprites.gan_loop import with_prior
from worldsmith.sprites.model import Encoder, GanConfig, Generator


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


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--weights", default="sprites-lpc-v1", help="shipped model name or model folder")
    p.add_argument("--run", required=True, help="training run folder with the encoder's ckpt.pt")
    p.add_argument("--k", type=int, default=1024, help="mixture components")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--data", default=None, help="LPC walk npz (default: $WORLDSMITH_DATA)")
    p.add_argument("--out", required=True, help="model folder to write")
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    config, state = refit(args.weights, Path(args.run), args.k, args.seed, args.data)
    save_folder(args.out, config, state, credits())
    print(f"{args.out}: {args.k}-component prior")
    return 0


if __name__ == "__main__":
    sys.exit(main())
