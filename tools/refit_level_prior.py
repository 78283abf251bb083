"""Fit a level model's latent mixture prior after the fact, leaving the VAE untouched.

A VAE sampled from N(0, I) draws "average" windows: for SMB they come out mildly busy everywhere
(window density 0.055 +- 0.05, against 0.09 +- 0.087 for the training levels), because the
posterior means of real windows do not fill N(0, I). Ex-post density estimation fits a Gaussian
mixture to the encoder's posterior means of the (augmented) training samples and samples from
it instead, as the Zelda model does since training (``worldsmith train levels --prior K``):

    python tools/refit_level_prior.py --game smb --k 1024 --out runs/smb-prior
    python tools/evaluate_levels.py --game smb --seeds 500 --set weights=runs/smb-prior

The folder keeps the model's config (training files, copy hashes, ...) plus ``prior`` and
``prior_fit`` (k, seed).
"""
from __future__ import annotations

import argparse
import sys
from typing import Sequence

import torch

from worldsmith.core.seeding import torch_generator
from worldsmith.core.weights import load_folder, resolve, save_folder
from worldsmith.levels.data import augment, load_levels, samples
from worldsmith.levels.model import build
from worldsmith.levels.train import with_prior
from worldsmith.types.tiles import vocab


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--game", choices=("smb", "loderunner", "zelda"), default="smb")
    p.add_argument("--weights", default=None, help="model folder or shipped name (default: levels-GAME-v1)")
    p.add_argument("--k", type=int, default=1024, help="mixture components")
    p.add_argument("--seed", type=int, default=0, help="seed of the mixture fit")
    p.add_argument("--data", default=None, help="VGLC game folder (default: $WORLDSMITH_DATA)")
    p.add_argument("--out", required=True, help="model folder to write")
    args = p.parse_args(argv)
    if args.k < 1:
        p.error("--k must be at least 1")
    weights = args.weights or f"levels-{args.game}-v1"
    config, state = load_folder(weights)
    if config.get("game") != args.game:
        p.error(f"{weights} is a {config.get('game')} model, not {args.game}")
    levels = load_levels(args.game, args.data)
    x = torch.from_numpy(augment(args.game, samples(args.game, [levels[n] for n in config["train_files"]])).copy())
    model = with_prior(build(config, state), x, vocab(args.game).size, args.k, torch_generator(args.seed))
    credits = (resolve(weights) / "CREDITS.md").read_text()
    folder = save_folder(args.out, {**config, **model.config, "prior_fit": {"k": args.k, "seed": args.seed,
                                                                             "samples": len(x)}},
                         model.state_dict(), credits)
    print(f"{folder}: {model.config['prior']}-component prior fitted to {len(x)} training samples")
    return 0


if __name__ == "__main__":
    sys.exit(main())
