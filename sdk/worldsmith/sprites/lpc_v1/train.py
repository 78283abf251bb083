"""The VAE-GAN training loop behind ``worldsmith train sprites``.

Each step draws ``batch`` real sheets. The encoder maps them to ``q(z | sheet)``; the generator
redraws ``cells`` random cells of each from a posterior sample (reconstruction: L1 on alpha, and
on colour where the real pixel is opaque) and the same cells from a prior sample ``z ~ N(0, I)``.
The critic (hinge loss, spectral norm, DiffAugment) judges both against the real cells, and its
term is weighted adaptively against the reconstruction's gradient at the generator's last layer
(VQGAN), switched on after ``--adv-start`` steps. With ``--perceptual`` the reconstructions
must also match the real cells in the conv features of a frozen perception network (a feature
network trained on the LPC labels with another seed than the metrics' one). The KL term keeps
the posterior near the prior the generator samples from at run time. An EMA copy of the generator is exported.

Under ``torchrun --nproc_per_node=N`` the same command trains data-parallel: the networks are
wrapped in DistributedDataParallel (gloo on CPU, nccl on CUDA), each rank draws its own batches,
and rank 0 writes samples, checkpoints and the model.
"""
from __future__ import annotations

import argparse
import copy
import dataclasses
import io
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from worldsmith.core import distributed
from worldsmith.core.atomic import write_atomic
from worldsmith.core.curves import log_line, plot_curves
from worldsmith.core.device import resolve_device
from worldsmith.core.errors import ConfigError
from worldsmith.core.mixture import fit_mixture
from worldsmith.core.progress import Budget, stage
from worldsmith.core.seeding import child_seed
from worldsmith.core.weights import load_folder, save_folder
from worldsmith.sprites.credits import credits
from worldsmith.sprites.data import SheetData
from worldsmith.sprites.eval.features import load_independent
from worldsmith.sprites.lpc_v1.augment import augment
from worldsmith.sprites.lpc_v1.model import Discriminator, Encoder, GanConfig, Generator, to_uint8

LOG_EVERY = 100  # steps between log.jsonl lines (also at every sample grid and the last step)


def to_float(batch):
    """``(B, 16, 64, 48, 4)`` uint8 tensor -> ``(B, 16, 4, 64, 48)`` float in [-1, 1]."""
    return batch.permute(0, 1, 4, 2, 3).float() / 127.5 - 1


def save_preview(sheets: np.ndarray, path: Path, per_row: int = 4) -> None:
    """A PNG of cropped sheets ``(n, 16, H, W, 4)`` over grey, ``per_row`` characters a row."""
    n = len(sheets)
    rows = -(-n // per_row)
    pad = np.zeros((rows * per_row - n, *sheets.shape[1:]), np.uint8)
    h, w = sheets.shape[2:4]
    x = np.concatenate([sheets, pad]).reshape(rows, per_row, 4, 4, h, w, 4)
    x = x.transpose(0, 2, 4, 1, 3, 5, 6).reshape(rows * 4 * h, per_row * 4 * w, 4)
    grey = np.full((*x.shape[:2], 3), 160, np.uint8)
    rgb = np.where(x[..., 3:] > 0, x[..., :3], grey)
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="PNG")
    write_atomic(path, buf.getvalue())


def reconstruction_loss(out, target):
    """Mean L1 of alpha everywhere plus L1 of colour where ``target`` is opaque; ``(..., 4, H, W)``."""
    opaque = (target[..., 3:, :, :] > 0).float()
    alpha = (out[..., 3, :, :] - target[..., 3, :, :]).abs().mean()
    colour = ((out[..., :3, :, :] - target[..., :3, :, :]).abs() * opaque).mean()
    return alpha + colour


def composite(frames):
    """Frames ``(..., 4, H, W)`` in [-1, 1] -> ``(M, 4, H, W)`` with colour faded to the transparent
    value (-1) by the soft alpha, as the frames of a real sheet are (differentiable)."""
    x = frames.reshape(-1, *frames.shape[-3:])
    alpha = (x[:, 3:] + 1).clamp(0, 2) / 2                              # (M, 1, H, W) in [0, 1]
    return torch.cat([alpha * (x[:, :3] + 1) - 1, x[:, 3:]], 1)


def perceptual_loss(net, out, target):
    """Squared distance of ``out`` and ``target`` frames ``(..., 4, H, W)`` in the conv features of
    the frozen perception network ``net`` (a FeatureNet), each layer divided by the target
    features' energy and the layers averaged (an LPIPS-like term that rewards the outlines and
    strands an L1 term blurs)."""
    with torch.no_grad():
        ref = net.activations(composite(target))
    got = net.activations(composite(out))
    return sum((a - b).pow(2).mean() / (b.pow(2).mean() + 1e-6) for a, b in zip(got, ref)) / len(ref)


def kl_divergence(mu, logvar):
    """KL(q || N(0, I)) per latent dimension, averaged over the batch."""
    return 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar).mean()


def adaptive_weight(rec, adv, layer) -> float:
    """||d rec / d layer|| / ||d adv / d layer|| (VQGAN), clamped to [0, 1e3]."""
    g_rec = torch.autograd.grad(rec, layer, retain_graph=True)[0].norm()
    g_adv = torch.autograd.grad(adv, layer, retain_graph=True)[0].norm()
    return float((g_rec / (g_adv + 1e-6)).clamp(0, 1e3))


def _pick(x, cells):
    """Frames ``cells (B, k)`` of sheets ``x (B, 16, ...)`` -> ``(B, k, ...)``."""
    return x[torch.arange(len(x))[:, None], cells]


def train_gan(train: SheetData, args: argparse.Namespace) -> int:
    """Train (or resume) the VAE-GAN on ``train`` per ``args``; export the EMA generator."""
    stage("building the models")
    ctx = distributed.setup(resolve_device(args.device))
    device = ctx.device
    torch.manual_seed(args.seed)
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = True
        torch.backends.cudnn.benchmark = True
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    cfg, init = _start_config(args, train.sheets.shape[2])
    g, e = Generator(cfg).to(device), Encoder(cfg, args.d_width).to(device)
    if init is not None:
        g.load_state_dict(init, strict=False)                           # its prior is refitted at export
    d = Discriminator(cfg, args.d_width).to(device)
    g_ema = clone_frozen(g)
    perceiver = _perceiver(args.perceptual, device)
    opt_g = torch.optim.Adam([*g.parameters(), *e.parameters()], lr=args.lr, betas=(0.5, 0.99))
    opt_d = torch.optim.Adam(d.parameters(), lr=args.d_lr or args.lr, betas=(0.5, 0.99))
    parts = {"g": g, "e": e, "d": d, "g_ema": g_ema, "opt_g": opt_g, "opt_d": opt_d}
    step = 0
    if args.resume and (out / "ckpt.pt").is_file():
        ck = torch.load(out / "ckpt.pt", map_location=device, weights_only=True)
        for name, obj in parts.items():
            obj.load_state_dict(ck[name])
        step = int(ck["step"])
    data = torch.from_numpy(train.sheets).to(device)                      # (N, 16, H, W, 4) uint8
    gen = torch.Generator().manual_seed(args.seed * 1000 + step if ctx.world == 1
                                        else child_seed(args.seed * 1000 + step, ctx.rank))
    g_par, e_par = distributed.wrap(g, ctx), distributed.wrap(e, ctx)
    d_par = distributed.wrap(d, ctx, static_graph=True)
    fixed_z = torch.randn(8, cfg.z_dim, generator=torch.Generator().manual_seed(args.seed)).to(device)
    budget, log = Budget("train sprites", args.steps, args.minutes), out / "log.jsonl"
    b, k = args.batch, args.cells
    while distributed.all_agree(not budget.over(step), ctx):
        real = to_float(data[torch.randint(len(data), (b,), generator=gen).to(device)])  # (B, 16, 4, H, W)
        cells = torch.rand(b, 16, generator=gen).argsort(1)[:, :k].to(device)            # (B, k)
        mu, logvar = e_par(real)                                                          # (B, z) each
        z_post = mu + torch.randn(mu.shape, generator=gen).to(device) * (0.5 * logvar).exp()
        z_prior = torch.randn(mu.shape, generator=gen).to(device)
        fake = g_par(torch.cat([z_post, z_prior]), cells=cells.repeat(2, 1))              # (2B, k, 4, H, W)
        target = _pick(real, cells)                                                       # (B, k, 4, H, W)
        rec, kl = reconstruction_loss(fake[:b], target), kl_divergence(mu, logvar)
        adv_on = step >= args.adv_start
        loss_d = torch.zeros((), device=device)
        if adv_on:
            both = torch.cat([target, target])
            loss_d = (F.relu(1 - d_par(augment(both, gen), cells.repeat(2, 1))).mean()
                      + F.relu(1 + d_par(augment(fake.detach(), gen), cells.repeat(2, 1))).mean())
            opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            opt_d.step()
        perc = (perceptual_loss(perceiver, fake[:b], target) if perceiver is not None
                else torch.zeros((), device=device))
        loss_g = rec + args.kl_weight * kl + args.perceptual_weight * perc
        if step >= args.adv_start + args.critic_warmup:                 # a fresh critic leads first
            adv = -d_par(augment(fake, gen), cells.repeat(2, 1)).mean()
            lam = adaptive_weight(rec, adv, g.to_rgba.weight) if ctx.world == 1 else 1.0
            loss_g = loss_g + args.adv_weight * lam * adv
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        if step < args.encoder_warmup:                                  # a started generator waits
            for q in g.parameters():                                    # for the new encoder
                q.grad = None
        opt_g.step()
        with torch.no_grad():
            for pe, pg in zip(g_ema.parameters(), g.parameters()):
                pe.lerp_(pg, 1 - args.ema)
        step += 1
        if not ctx.is_main:
            continue
        logging = step % LOG_EVERY == 0 or step % args.sample_every == 0 or budget.over(step)
        stats = ({"rec": rec.item(), "perc": perc.item(), "kl": kl.item(), "loss_d": loss_d.item()}
                 if step % 10 == 0 or logging else {})                 # .item() waits for a GPU
        budget.update(step, **stats)
        if logging:
            log_line(log, {"step": step, **stats, "minutes": round(budget.elapsed() / 60, 2)})
        if step % args.sample_every == 0:
            with torch.no_grad():
                save_preview(to_uint8(g_ema(fixed_z)), out / f"samples_{step:06d}.png")
        if step % args.ckpt_every == 0:
            _checkpoint(out, step, parts, data, args)
            plot_curves(log, out / "curves.png")
    distributed.teardown()
    if not ctx.is_main:
        return 0
    with torch.no_grad():
        save_preview(to_uint8(g_ema(fixed_z)), out / f"samples_{step:06d}.png")
    _checkpoint(out, step, parts, data, args)
    plot_curves(log, out / "curves.png")
    print(f"trained {step} steps in {budget.elapsed() / 60:.1f} min on {device}; model: {out / 'model'}")
    return 0


def _start_config(args: argparse.Namespace, size: int):
    """``(GanConfig, generator state or None)``: a fresh ``--width`` model, or the architecture and
    weights of the ``--init`` model folder (its mixture prior dropped)."""
    if not args.init:
        return GanConfig(width=args.width, size=size), None
    config, state = load_folder(args.init)
    cfg = dataclasses.replace(GanConfig(**config["gan"]), prior=0, spread=0.0)
    if cfg.size != size:
        raise ConfigError("init", f"a model of the data's {size}-pixel frames", f"{args.init} ({cfg.size} px)")
    return cfg, {k: v for k, v in state.items() if not k.startswith("prior_")}


def _perceiver(folder: str | None, device):
    """The frozen perception network of a feature-network folder (``--perceptual``), or None."""
    if not folder:
        return None
    net = load_independent(folder, "perceptual").to(device)
    for q in net.parameters():
        q.requires_grad_(False)
    return net


def with_prior(g, e, data, k: int, seed: int):
    """A copy of generator ``g`` carrying a ``k``-component mixture prior fitted to encoder ``e``'s
    posterior means of the uint8 sheets ``data`` (unchanged for ``k == 0``)."""
    if not k:
        return g
    with torch.no_grad():
        mu = torch.cat([e(to_float(data[i:i + 256]))[0].cpu() for i in range(0, len(data), 256)])
    out = Generator(dataclasses.replace(g.cfg, prior=min(k, len(mu))))
    out.load_state_dict(g.state_dict(), strict=False)
    out.prior_weight, out.prior_mean, out.prior_std = fit_mixture(mu, out.cfg.prior,
                                                                  torch.Generator().manual_seed(seed))
    return out


def _checkpoint(out: Path, step: int, parts: dict, data, args: argparse.Namespace) -> None:

    _save_torch(out / "ckpt.pt", {"step": step, **{name: obj.state_dict() for name, obj in parts.items()}})
    e = parts["e"].eval()
    export_generator(with_prior(parts["g_ema"], e, data, args.prior, args.seed).cpu(), step, args, out / "model")
    e.train()


def export_generator(g, step: int, args: argparse.Namespace, folder: Path) -> None:
    """Save the EMA generator (float32) as a verified model folder."""
    state = {k: v.detach() for k, v in g.state_dict().items()}
    config = {"gan": g.cfg.to_dict(), "steps": step, "seed": args.seed,
              "data": "sheets folder" if args.sheets else "lpc_walk64", "val_fraction": args.val_fraction,
              "split_seed": args.split_seed,
              "train": {k: getattr(args, k) for k in ("batch", "cells", "lr", "d_width", "kl_weight", "d_lr",
                                                      "adv_weight", "adv_start", "ema", "perceptual",
                                                      "perceptual_weight")},
              "init": args.init, "encoder_warmup": args.encoder_warmup,
              "critic_warmup": args.critic_warmup}
    save_folder(folder, config, state, credits())


def clone_frozen(module):
    """A deep copy with gradients off (the EMA generator)."""
    twin = copy.deepcopy(module)
    for q in twin.parameters():
        q.requires_grad_(False)
    return twin


def _save_torch(path: Path, obj: dict) -> None:
    buf = io.BytesIO()
    torch.save(obj, buf)
    write_atomic(path, buf.getvalue())
