"""``worldsmith train levels --game G``: train a level VAE and write a model folder.

Deterministic for a given ``--seed`` (its own torch generator; ``--threads 1``, the default); checkpoints every
``--ckpt-every`` steps to ``<out>/checkpoint.pt``; ``--resume`` continues from it; ``--dry-run``
trains a tiny model for a few steps (used by the tests). The same command runs data-parallel under
``torchrun --nproc_per_node=N -m worldsmith.cli train levels ...`` (DDP, gloo on CPU, nccl on
CUDA): each rank draws its own batches, gradients are averaged, rank 0 writes the files.
"""
from __future__ import annotations

import argparse
import io
import json
from pathlib import Path
from typing import Sequence

import torch

from worldsmith.core import distributed
from worldsmith.core.atomic import write_atomic
from worldsmith.core.cliargs import Parser
from worldsmith.core.curves import log_line, plot_curves
from worldsmith.core.errors import ConfigError
from worldsmith.core.mixture import fit_mixture
from worldsmith.core.progress import Budget, stage
from worldsmith.core.seeding import child_seed, torch_generator
from worldsmith.core.weights import save_folder
from worldsmith.levels.data import HOLDOUT, SHAPES, augment, copy_hashes, load_levels, samples, split_names
from worldsmith.levels.model import LevelVAE, one_hot, vae_loss
from worldsmith.types.tiles import VOCABS, vocab

CREDITS = """# {name}

A convolutional VAE over {game} tile grids, trained by `worldsmith train levels --game {game}`.

Learned from the Video Game Level Corpus (VGLC), https://github.com/TheVGLC/TheVGLC
(commit 0e86a8f31f20ecad4eaa5741ff061af88767f7fb), MIT licence, Copyright (c) 2016 Adam
Summerville, Santiago Ontanon, Sam Snodgrass. Cite: Summerville, Snodgrass, Mateas, Ontanon,
"The VGLC: The Video Game Level Corpus", PCG Workshop 2016 (arXiv:1606.07487).
The level layouts are transcriptions of commercial games ({owner}); these weights hold no level
data, and generated levels are new layouts checked for copies (see docs/levels.md in the worldsmith repository).

Training files: {train}
Validation files (held out): {val}
"""
LOG_EVERY = 50  # steps between log.jsonl lines
OWNERS = {"smb": "Super Mario Bros., Nintendo", "loderunner": "Lode Runner, Broderbund",
          "zelda": "The Legend of Zelda, Nintendo"}


def _parser() -> argparse.ArgumentParser:
    p = Parser(prog="worldsmith train levels", description=__doc__)
    p.add_argument("--game", required=True, help="one of " + ", ".join(VOCABS))
    p.add_argument("--data", default=None, help="folder of VGLC .txt files (default $WORLDSMITH_DATA/vglc/<game>)")
    p.add_argument("--out", default=None, help="run folder: work files, the model in <out>/model "
                                               "(default runs/levels-<game>)")
    p.add_argument("--ckpt-dir", default=None, help="checkpoint folder (default: --out)")
    p.add_argument("--steps", type=int, default=3000, help="training steps")
    p.add_argument("--batch", type=int, default=64, help="windows (SMB), levels or rooms per step")
    p.add_argument("--lr", type=float, default=2e-3, help="Adam learning rate")
    p.add_argument("--beta", type=float, default=1.0, help="KL weight (warmed up over the first third)")
    p.add_argument("--z-dim", type=int, default=32, help="latent dimensions")
    p.add_argument("--hidden", type=int, default=32, help="channels of the first convolution")
    p.add_argument("--prior", type=int, default=0,
                   help="fit a Gaussian mixture of this many components to the training latents "
                        "after training and sample from it (0: the N(0, I) prior)")
    p.add_argument("--seed", type=int, default=0, help="initial weights and batches")
    p.add_argument("--device", default="cpu", help="cpu or cuda (cuda:LOCAL_RANK under torchrun)")
    p.add_argument("--ckpt-every", type=int, default=500, help="steps between checkpoints and curves.png")
    p.add_argument("--resume", action="store_true", help="continue from <out>/checkpoint.pt")
    p.add_argument("--dry-run", action="store_true", help="tiny model, 3 steps")
    return p


def _check(args: argparse.Namespace) -> None:
    vocab(args.game)
    if args.prior < 0:
        raise ConfigError("prior", "0 or a positive number of components", args.prior)
    for name in ("steps", "batch", "z_dim", "hidden", "ckpt_every"):
        if getattr(args, name) < 1:
            raise ConfigError(name.replace("_", "-"), "a positive int", getattr(args, name))
    if not 0 < args.lr < 1 or args.beta < 0:
        raise ConfigError("lr/beta", "0 < lr < 1 and beta >= 0", (args.lr, args.beta))


def _save_checkpoint(path: Path, model: LevelVAE, opt: torch.optim.Optimizer, step: int,
                     gen: torch.Generator) -> None:
    buf = io.BytesIO()
    torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step,
                "rng": gen.get_state()}, buf)
    write_atomic(path, buf.getvalue())


def _validation_loss(model: LevelVAE, val: torch.Tensor, channels: int) -> float:
    if len(val) == 0:
        return float("nan")
    model.eval()
    with torch.no_grad():
        logits, mu, logvar = model(one_hot(val, channels))
        loss = vae_loss(logits, val.long(), mu, logvar, 1.0)[0].item()
    model.train()
    return loss


def with_prior(model: LevelVAE, x: torch.Tensor, channels: int, k: int,
                gen: torch.Generator) -> LevelVAE:
    """``model`` (eval mode) with a ``k``-component mixture prior fitted to the posterior means of
    the training samples ``x``; unchanged (no prior) for ``k == 0``."""
    model.eval()
    if not k:
        return model
    with torch.no_grad():
        mu = torch.cat([model.encode(one_hot(part, channels))[0] for part in x.split(512)])
    out = LevelVAE(**{**model.config, "prior": min(k, len(mu))})
    out.load_state_dict(model.state_dict(), strict=False)
    out.prior_weight, out.prior_mean, out.prior_std = fit_mixture(mu, out.config["prior"], gen)
    return out.eval()


def train(args: argparse.Namespace) -> Path | None:
    """Train per ``args`` (see ``--help``); return the model folder written (None off rank 0)."""
    _check(args)
    stage(f"loading {args.game} levels")
    v = vocab(args.game)
    levels = load_levels(args.game, args.data)
    names, val_names = split_names(list(levels), HOLDOUT[args.game], seed=0)
    x = torch.from_numpy(augment(args.game, samples(args.game, [levels[n] for n in names])).copy())
    val = torch.from_numpy(samples(args.game, [levels[n] for n in val_names]))
    if args.dry_run:
        args.steps, args.hidden, args.z_dim, args.batch = 3, 4, 4, 8
    out = Path(args.out or f"runs/levels-{args.game}")
    ctx = distributed.setup(args.device)
    with torch.random.fork_rng():
        torch.manual_seed(args.seed)
        model = LevelVAE(v.size, *SHAPES[args.game], z_dim=args.z_dim, hidden=args.hidden).train()
    model = model.to(ctx.device)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    start = 0
    gen = torch_generator(args.seed if ctx.world == 1 else child_seed(args.seed, ctx.rank))
    ckpt = Path(args.ckpt_dir or out) / "checkpoint.pt"
    if args.resume and ckpt.is_file():
        state = torch.load(ckpt, weights_only=True)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        gen.set_state(state["rng"])
        start = state["step"]
    net = distributed.wrap(model, ctx)
    folder = Path(args.ckpt_dir or out)
    folder.mkdir(parents=True, exist_ok=True)
    budget, log = Budget(f"train {args.game}", args.steps), folder / "log.jsonl"
    for step in range(start, args.steps):
        batch = x[torch.randint(len(x), (args.batch,), generator=gen)]
        noise = torch.randn(args.batch, model.z_dim, generator=gen)
        logits, mu, logvar = net(one_hot(batch, v.size).to(ctx.device), noise.to(ctx.device))
        beta = args.beta * min(1.0, 3 * (step + 1) / args.steps)
        loss, recon, kl = vae_loss(logits, batch.long().to(ctx.device), mu, logvar, beta)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if not ctx.is_main:
            continue
        figures = {"loss": loss.item(), "recon": recon.item(), "kl": kl.item(), "beta": beta}
        budget.update(step + 1, **figures)
        if (step + 1) % LOG_EVERY == 0 or step + 1 == args.steps:
            log_line(log, {"step": step + 1, **figures, "minutes": round(budget.elapsed() / 60, 3)})
        if (step + 1) % args.ckpt_every == 0 or step + 1 == args.steps:
            _save_checkpoint(ckpt, model, opt, step + 1, gen)
            plot_curves(log, folder / "curves.png")
    distributed.teardown()
    if not ctx.is_main:
        return None
    model = with_prior(model.cpu(), x, v.size, args.prior, gen)
    config = {**model.config, "game": args.game, "chars": v.chars, "train_files": names,
              "val_files": val_names, "steps": args.steps, "seed": args.seed, "beta": args.beta,
              "lr": args.lr, "batch": args.batch, "world_size": ctx.world,
              "val_loss": round(_validation_loss(model, val, v.size), 3),
              "copy_hashes": copy_hashes(args.game, [levels[n] for n in names])}
    credits = CREDITS.format(name=out.name, game=args.game, owner=OWNERS[args.game],
                             train=", ".join(names), val=", ".join(val_names))
    return save_folder(out / "model", config, model.state_dict(), credits)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``worldsmith train levels``; returns the exit code."""
    args = _parser().parse_args(list(argv or []))
    folder = train(args)
    if folder is None:
        return 0
    print(json.dumps({"model": str(folder), "game": args.game,
                      "val_loss": json.loads((folder / "config.json").read_text())["val_loss"]}))
    return 0


__all__ = ["main", "train"]
