"""``worldsmith train sprites``: train the sheet generator of ``sprites/lpc-v1`` (``--model gan``),
the layered model of ``sprites/lpc-v2`` (``--model layers``, see :mod:`worldsmith.sprites.lpc_v2.train`)
or the metrics' feature network (``--model features``) on the LPC npz or on a folder of PNG sheets.

A VAE-GAN (see :mod:`worldsmith.sprites.lpc_v1.train`): reconstruction + KL through an encoder, and a
hinge-loss spectral-norm critic with DiffAugment, weighted adaptively; an EMA generator. Writes
``<out>/ckpt.pt`` (for ``--resume``), ``<out>/samples_<step>.png`` grids, ``<out>/log.jsonl`` and,
at every checkpoint and at the end, the EMA generator as a model folder ``<out>/model``.

>>> main(["--help"]) == 0  # doctest: +ELLIPSIS
usage: worldsmith train sprites ...
True
"""
from __future__ import annotations

import argparse
from typing import Sequence

import numpy as np

from worldsmith.core.cliargs import HelpFormatter
from worldsmith.core.data import data_path
from worldsmith.core.errors import ConfigError
from worldsmith.core.progress import stage
from worldsmith.sprites.data import SheetData, load_npz, load_sheet_folder
from worldsmith.sprites.lpc_v2.train import train_layers


def parser() -> argparse.ArgumentParser:
    """Command-line options of the sprite trainer."""
    p = argparse.ArgumentParser(prog="worldsmith train sprites", description=__doc__.split("\n\n")[0],
                                formatter_class=HelpFormatter)
    p.add_argument("--model", choices=("gan", "layers", "features"), default="gan",
                   help="what to train: gan (sprites/lpc-v1), layers (sprites/lpc-v2), features (metrics)")
    p.add_argument("--data", default=None, help="LPC walk npz (default $WORLDSMITH_DATA/sprites/lpc_walk64.npz)")
    p.add_argument("--sheets", default=None, help="train on a folder of PNG sheets instead")
    p.add_argument("--sheet-grid", default="4x4", help="ROWSxCOLS of 64x64 frames in each sheet")
    p.add_argument("--out", default="runs/sprites", help="run folder")
    p.add_argument("--steps", type=int, default=20000, help="training steps (gan, features)")
    p.add_argument("--minutes", type=float, default=0.0, help="stop after this long (0: no limit)")
    p.add_argument("--batch", type=int, default=32, help="sheets per step")
    p.add_argument("--lr", type=float, default=2e-4, help="Adam learning rate")
    p.add_argument("--width", type=int, default=32, help="generator channels at full resolution")
    p.add_argument("--d-lr", type=float, default=0.0, help="critic learning rate (0: --lr)")
    p.add_argument("--ema", type=float, default=0.999, help="decay of the exported EMA generator")
    p.add_argument("--d-width", type=int, default=16, help="critic and encoder channels at full resolution")
    p.add_argument("--cells", type=int, default=4, help="cells per sheet drawn in a training step (1..16)")
    p.add_argument("--kl-weight", type=float, default=0.01, help="weight of the KL term (per latent dim)")
    p.add_argument("--adv-weight", type=float, default=0.5, help="weight of the adaptive critic term")
    p.add_argument("--adv-start", type=int, default=1000, help="steps of plain VAE before the critic joins")
    p.add_argument("--critic-warmup", type=int, default=0,
                   help="steps the critic trains alone before the generator answers it (a fresh critic "
                        "against a trained generator is otherwise chased flat: its loss stays at 2)")
    p.add_argument("--prior", type=int, default=1024,
                   help="Gaussian-mixture components fitted to the training characters' latents at export "
                        "(0: sample N(0, I))")
    p.add_argument("--val-fraction", type=float, default=0.1, help="characters held out for evaluation")
    p.add_argument("--split-seed", type=int, default=0,
                   help="which characters are held out (fixed apart from --seed, so runs of any seed "
                        "evaluate on the same ones)")
    p.add_argument("--seed", type=int, default=0, help="initial weights and batches")
    p.add_argument("--device", default="auto", help="cpu, cuda or auto")
    p.add_argument("--sample-every", type=int, default=1000, help="steps between samples_<step>.png grids")
    p.add_argument("--ckpt-every", type=int, default=2000, help="steps between checkpoints and curves.png")
    p.add_argument("--resume", action="store_true", help="continue from <out>/ckpt.pt")
    p.add_argument("--init", default=None,
                   help="start the generator from this model folder or shipped name (its architecture "
                        "overrides --width); the encoder and critic start fresh")
    p.add_argument("--encoder-warmup", type=int, default=0,
                   help="first steps train the encoder only (with --init: let it learn the started "
                        "generator's latents before both move)")
    p.add_argument("--perceptual", default=None, metavar="FOLDER",
                   help="a feature-network folder (train one with --model features) whose conv features "
                        "the reconstructions must match; use a different --seed from the one the "
                        "metrics use, so the evaluation stays independent")
    p.add_argument("--perceptual-weight", type=float, default=1.0, help="weight of the --perceptual term")
    p.add_argument("--shades", type=int, default=0,
                   help="layers: shade classes per slot (0: 8 with slot maps, 16 per band of user sheets)")
    p.add_argument("--bands", default="30,44",
                   help="layers on user sheets: rows where the head / torso / legs bands start after the first")
    p.add_argument("--dry-run", action="store_true", help="2 steps of a tiny model on 8 sheets")
    return p


def load_data(args: argparse.Namespace) -> tuple[SheetData, SheetData]:
    """(train, validation) sheets for ``args`` (a user folder has no validation labels)."""
    stage(f"loading sprite sheets from {args.sheets or args.data or 'the LPC data'}")
    if args.sheets:
        data = load_sheet_folder(args.sheets, args.sheet_grid)
    else:
        data = load_npz(args.data or data_path("sprites", "lpc_walk64.npz"), layering=args.model == "layers")
    if not 0 < args.val_fraction < 0.5:
        raise ConfigError("val-fraction", "a number in (0, 0.5)", args.val_fraction)
    if len(data.sheets) < 2:
        raise ConfigError("sheets", "at least 2 sprite sheets", len(data.sheets))
    return data.split(args.val_fraction, args.split_seed)


def main(argv: Sequence[str] | None = None) -> int:
    """Train; return 0. Bad options raise worldsmith errors (the CLI prints them, exit 2)."""
    p = parser()
    try:
        args = p.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    if args.dry_run:
        args.steps, args.width, args.d_width, args.batch, args.adv_start, args.prior = 2, 4, 4, 2, 1, 2
        args.sample_every = args.ckpt_every = 2
    for name in ("steps", "batch", "width", "d_width", "cells", "sample_every", "ckpt_every"):
        if getattr(args, name) < 1:
            raise ConfigError(name.replace("_", "-"), "a positive int", getattr(args, name))
    for name in ("encoder_warmup", "critic_warmup"):
        if getattr(args, name) < 0:
            raise ConfigError(name.replace("_", "-"), "0 or a positive number of steps", getattr(args, name))
    if args.prior < 0:
        raise ConfigError("prior", "0 or a positive number of mixture components", args.prior)
    if args.cells > 16:
        raise ConfigError("cells", "at most 16 (the cells of a sheet)", args.cells)
    train, val = load_data(args)
    if args.dry_run:
        train = train.take(np.arange(min(8, len(train.sheets))))
    if not 0 <= args.shades <= 16:
        raise ConfigError("shades", "0 (automatic) or 1..16 shade classes per slot", args.shades)
    if args.model == "layers":
        return train_layers(train, val, args)
    if args.model == "features":
        from worldsmith.sprites.eval.features import train_features  # lazy: torch, start-up time (`--help`)

        return train_features(train, val, args)
    from worldsmith.sprites.lpc_v1.train import train_gan  # lazy: torch, start-up time (`--help`)

    return train_gan(train, args)
