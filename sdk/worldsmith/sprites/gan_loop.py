"""The GAN training loop behind ``worldsmith train sprites`` (hinge loss, DiffAugment, EMA G).

Under ``torchrun --nproc_per_node=N`` the same command trains data-parallel: G and D are wrapped
in DistributedDataParallel (gloo on CPU, nccl on CUDA; D with ``static_graph`` because it scores
real and fake sheets in two passes before one backward), each rank draws its own batches, and
rank 0 writes samples, checkpoints and the model.
"""
from __future__ import annotations

import argparse
import io
import time
from pathlib import Path

import numpy as np

from worldsmith.sprites.data import SheetData
from worldsmith.sprites.model import to_uint8


def to_float(batch):
    """``(B, 16, 64, 48, 4)`` uint8 tensor -> ``(B, 16, 4, 64, 48)`` float in [-1, 1]."""
    return batch.permute(0, 1, 4, 2, 3).float() / 127.5 - 1


def save_preview(sheets: np.ndarray, path: Path, per_row: int = 4) -> None:
    """A PNG of cropped sheets ``(n, 16, H, W, 4)`` over grey, ``per_row`` characters a row."""
    from PIL import Image

    from worldsmith.core.atomic import write_atomic

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


def _hinge_d(real: tuple, fake: tuple, weights: tuple):
    import torch.nn.functional as F

    return sum(k * (F.relu(1 - r).mean() + F.relu(1 + f).mean()) for r, f, k in zip(real, fake, weights))


def train_gan(train: SheetData, args: argparse.Namespace) -> int:
    """Train (or resume) the GAN on ``train`` per ``args``; export the EMA generator."""
    import torch

    from worldsmith.core.device import resolve_device
    from worldsmith.sprites.augment import augment
    from worldsmith.sprites.model import Discriminator, GanConfig, Generator
    from worldsmith.sprites.train import (Progress, _save_torch, clone_frozen, elapsed_minutes,
                                          export_generator, log_line)

    from worldsmith.core import distributed
    from worldsmith.core.seeding import child_seed

    ctx = distributed.setup(resolve_device(args.device))
    device = ctx.device
    torch.manual_seed(args.seed)
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = True
        torch.backends.cudnn.benchmark = True
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    cfg = GanConfig(width=args.width, size=train.sheets.shape[2])
    g, d = Generator(cfg).to(device), Discriminator(cfg).to(device)
    g_ema = clone_frozen(g)
    opt_g = torch.optim.Adam(g.parameters(), lr=args.lr, betas=(0.0, 0.99))
    opt_d = torch.optim.Adam(d.parameters(), lr=args.lr, betas=(0.0, 0.99))
    step = 0
    if args.resume and (out / "ckpt.pt").is_file():
        ck = torch.load(out / "ckpt.pt", map_location=device, weights_only=True)
        for name, obj in (("g", g), ("d", d), ("g_ema", g_ema), ("opt_g", opt_g), ("opt_d", opt_d)):
            obj.load_state_dict(ck[name])
        step = int(ck["step"])
    data = torch.from_numpy(train.sheets).to(device)                      # (N, 16, 64, 48, 4) uint8
    gen = torch.Generator().manual_seed(args.seed * 1000 + step if ctx.world == 1
                                        else child_seed(args.seed * 1000 + step, ctx.rank))
    g_par, d_par = distributed.wrap(g, ctx), distributed.wrap(d, ctx, static_graph=True)
    fixed_z = torch.randn(8, cfg.z_dim, generator=torch.Generator().manual_seed(args.seed)).to(device)
    weights = (1.0, args.sheet_weight)                                    # frame, sheet terms
    bar, start = Progress(args.steps, step, enabled=ctx.is_main), time.monotonic()
    while distributed.all_agree(step < args.steps and not (args.minutes and elapsed_minutes(start) > args.minutes), ctx):
        idx = torch.randint(len(data), (args.batch,), generator=gen).to(device)
        real = to_float(data[idx])                                       # (B, 16, 4, 64, 48)
        z = torch.randn(2, args.batch, cfg.z_dim, generator=gen).to(device)
        with torch.no_grad():
            fake = g(z[0])
        loss_d = _hinge_d(d_par(augment(real, gen)), d_par(augment(fake, gen)), weights)
        opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        opt_d.step()
        loss_g = -sum(k * s.mean() for s, k in zip(d_par(augment(g_par(z[1]), gen)), weights))
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()
        with torch.no_grad():
            g.w_avg.lerp_(g.style(z[1]).mean(0), 0.005)
            for pe, pg in zip(g_ema.parameters(), g.parameters()):
                pe.lerp_(pg, 1 - args.ema)
            g_ema.w_avg.copy_(g.w_avg)
        step += 1
        if not ctx.is_main:
            continue
        if step % 10 == 0:
            bar.update(d=loss_d.item(), g=loss_g.item())
        else:
            bar.update()
        if step % args.sample_every == 0:
            with torch.no_grad():
                save_preview(to_uint8(g_ema(fixed_z)), out / f"samples_{step:06d}.png")
            log_line(out / "log.jsonl", {"step": step, "loss_d": loss_d.item(), "loss_g": loss_g.item(),
                                         "minutes": round(elapsed_minutes(start), 2)})
        if step % args.ckpt_every == 0:
            _checkpoint(out, step, g, d, g_ema, opt_g, opt_d, args, _save_torch, export_generator)
    bar.close()
    distributed.teardown()
    if not ctx.is_main:
        return 0
    with torch.no_grad():
        save_preview(to_uint8(g_ema(fixed_z)), out / f"samples_{step:06d}.png")
    _checkpoint(out, step, g, d, g_ema, opt_g, opt_d, args, _save_torch, export_generator)
    print(f"trained {step} steps in {elapsed_minutes(start):.1f} min on {device}; model: {out / 'model'}")
    return 0


def _checkpoint(out, step, g, d, g_ema, opt_g, opt_d, args, save, export) -> None:
    save(out / "ckpt.pt", {"step": step, "g": g.state_dict(), "d": d.state_dict(),
                           "g_ema": g_ema.state_dict(), "opt_g": opt_g.state_dict(),
                           "opt_d": opt_d.state_dict()})
    export(g_ema, step, args, out / "model")
