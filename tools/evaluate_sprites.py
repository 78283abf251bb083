"""Evaluate the sprite generators (sprites/lpc-v1 and sprites/lpc-v2, in one run) against the
held-out LPC characters.

Generates ``--n`` characters per ``--id`` with the default config (so the default post-processing is
included) and prints, with real training characters vs validation as the reference row: FID and KID in the
feature network's space (sheet descriptor = mean frame embedding), precision/recall, memorisation
(nearest training sheet closer than any validation sheet gets), novelty (median distance to the
nearest training character, over that of validation characters: 1 is as new as unseen real
characters; the real-train row scores 0 by construction), direction accuracy, identity
consistency (same body, hair and clothing label in all 16 cells; also per head) and colours per
frame and per character (all 16 cells).

``--invert N`` adds a diagnostic row: the latents that best redraw N validation characters, found by
gradient descent through the frozen generator, rendered with the same post-processing. It is the
best any latent prior could do with this generator, so it tells a short prior from a short renderer.

    python tools/evaluate_sprites.py --n 2000 --out benchmarks/results/sprites_eval.json
    python tools/evaluate_sprites.py --id sprites/lpc-v1 --n 300 --invert 96
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Sequence

import numpy as np
import torch

import worldsmith as ws
from worldsmith.core.atomic import write_atomic
from worldsmith.core.data import data_path
from worldsmith.core.weights import load_folder
from worldsmith.sprites.eval import metrics as M
from worldsmith.sprites.data import crop, load_npz
from worldsmith.sprites.eval.features import WEIGHTS, load_features


IDS = ("sprites/lpc-v1", "sprites/lpc-v2")


def generated(gid: str, n: int, seed: int, config: dict) -> np.ndarray:
    """``n`` characters of generator ``gid`` as cropped sheets ``(n, 16, 64, 48, 4)``."""
    gen = ws.make(gid, **config)
    parts = [gen(seed=seed + i, n=min(100, n - i)).images for i in range(0, n, 100)]
    return crop(np.concatenate(parts).reshape(n, 16, 64, 64, 4))


def inverted(sheets: np.ndarray, config: dict, steps: int, seed: int) -> np.ndarray:
    """Cropped sheets ``(n, 16, 64, 48, 4)`` redrawn from the latents that best fit ``sheets``
    (Adam on ``z``, half the cells each step), post-processed like generated ones."""
    from worldsmith.sprites.lpc_v1.train import reconstruction_loss, to_float

    gen = ws.make("sprites/lpc-v1", **config)
    net = gen.network
    target, n = to_float(torch.from_numpy(sheets)), len(sheets)
    z = gen.latents([seed + i for i in range(n)]).clone().requires_grad_(True)   # (n, z)
    opt = torch.optim.Adam([z], lr=0.05)
    cells = torch.arange(0, 16, 2).repeat(n, 1)                                   # (n, 8)
    for _ in range(steps):
        loss = reconstruction_loss(net(z, cells=cells), target[torch.arange(n)[:, None], cells])
        opt.zero_grad()
        loss.backward()
        opt.step()
    return gen.render(z.detach())


def row(name: str, sheets: np.ndarray, feats: M.Features, val: M.Features, train_sheets: np.ndarray,
        val_sheets: np.ndarray, train_feats: M.Features, made: bool = True) -> dict:
    """All metrics of one set of sheets against the validation set (``made``: generated, so
    memorisation is checked)."""
    precision, recall = M.precision_recall(val.sheet, feats.sheet)
    colours = M.colours_per_frame(sheets)
    return {"set": name, "n": len(sheets), "fid": M.fid(feats.sheet, val.sheet),
            "kid": M.kid(feats.sheet, val.sheet), "precision": precision, "recall": recall,
            "memorised": M.memorised(sheets, train_sheets, val_sheets) if made else None,
            "novelty": M.novelty(feats.sheet, train_feats.sheet, val.sheet),
            "direction_acc": M.direction_accuracy(feats), "identity": M.identity_consistency(feats),
            "identity_by_head": _by_head(feats),
            "colours_median": float(np.median(colours)), "colours_p90": float(np.percentile(colours, 90)),
            "colours_per_character": float(np.median(M.colours_per_character(sheets)))}


def _by_head(feats: M.Features) -> dict[str, float]:
    """Identity consistency of each identity head alone."""
    return {h: M.identity_consistency(feats, (h,)) for h in M.IDENTITY_HEADS}


def table(rows: list[dict]) -> str:
    """A markdown table of the metric rows."""
    cols = ["set", "n", "fid", "kid", "kid_x_floor", "precision", "recall", "memorised", "novelty", "direction_acc",
            "identity", "colours_median", "colours_per_character"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        cells = [f"{r[c]:.4g}" if isinstance(r[c], float) else "-" if r[c] is None else str(r[c]) for c in cols]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def split_of(gid: str, config: dict) -> tuple[float, int]:
    """(validation fraction, split seed) that generator ``gid``'s weights were trained with."""
    default = {"sprites/lpc-v1": "sprites-lpc-v1", "sprites/lpc-v2": "sprites-lpc-v2"}[gid]
    model_cfg, _ = load_folder(config.get("weights", default))
    return model_cfg.get("val_fraction", 0.1), model_cfg.get("split_seed", model_cfg.get("seed", 0))


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--id", action="append", default=[], choices=IDS,
                   help="generator to evaluate (repeatable; default: both, in one run)")
    p.add_argument("--n", type=int, default=2000, help="generated characters per generator")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--data", default=None, help="LPC walk npz (default: $WORLDSMITH_DATA)")
    p.add_argument("--features", default=WEIGHTS, help="feature network folder")
    p.add_argument("--set", action="append", default=[], metavar="KEY=JSON", help="generator config (every --id)")
    p.add_argument("--out", default=None, help="write the rows as JSON here")
    p.add_argument("--threads", type=int, default=1, help="torch CPU threads (1 is fastest on a busy machine)")
    p.add_argument("--invert", type=int, default=0, metavar="N",
                   help="also score the best-fitting latents of N validation characters (sprites/lpc-v1)")
    p.add_argument("--invert-steps", type=int, default=150, help="gradient steps of --invert")
    p.add_argument("--dry-run", action="store_true", help="8 characters, for tests")
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    n = 8 if args.dry_run else args.n
    ids = args.id or list(IDS)
    config = {k: json.loads(v) for k, _, v in (s.partition("=") for s in args.set)}
    splits = {gid: split_of(gid, config) for gid in ids}
    if len(set(splits.values())) > 1:
        raise SystemExit(f"the generators were fitted with different held-out splits: {splits}")
    data = load_npz(args.data or data_path("sprites", "lpc_walk64.npz"))
    train, val = data.split(*splits[ids[0]])
    net, _ = load_features(args.features)
    pick = np.sort(np.random.default_rng(args.seed).choice(len(train.sheets), min(n, len(train.sheets)),
                                                           replace=False))
    val_feats, train_feats = M.extract(net, val.sheets), M.extract(net, train.sheets)
    ref = (val_feats, train.sheets, val.sheets, train_feats)
    rows = [row("real train vs val (floor)", train.sheets[pick], train_feats.take(pick), *ref, made=False)]
    timing = {}
    for gid in ids:
        start = time.monotonic()
        fake = generated(gid, n, args.seed, config)
        timing[gid] = time.monotonic() - start
        rows.append(row(f"{gid} vs val", fake, M.extract(net, fake), *ref))
        if args.invert and gid == "sprites/lpc-v1":
            redrawn = inverted(val.sheets[:args.invert], config, args.invert_steps, args.seed)
            rows.append(row("lpc-v1 inverted val (best latents)", redrawn, M.extract(net, redrawn), *ref, made=False))
    for r in rows:
        r["kid_x_floor"] = r["kid"] / rows[0]["kid"]
    rows.append({"set": "real val", "identity": M.identity_consistency(val_feats),
                 "identity_by_head": _by_head(val_feats), "direction_acc": M.direction_accuracy(val_feats),
                 "colours_per_character": float(np.median(M.colours_per_character(val.sheets)))})
    print(table(rows[:-1]))
    for r in rows[1:-1]:
        print(f"{r['set']}: identity by head " + ", ".join(f"{h} {v:.3f}" for h, v in r["identity_by_head"].items()))
    print(f"real validation sheets: identity {rows[-1]['identity']:.3f}, direction acc "
          f"{rows[-1]['direction_acc']:.3f}, colours per character {rows[-1]['colours_per_character']:.0f}; "
          + "; ".join(f"{gid} {s:.1f} s for {n} characters" for gid, s in timing.items()))
    if args.out:
        write_atomic(args.out, (json.dumps({"config": config, "rows": rows}, indent=1) + "\n").encode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
