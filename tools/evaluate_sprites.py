"""Evaluate the sprite generators (sprites/lpc-v1, lpc-v2 and lpc-v3, in one run) against the
held-out LPC characters.

Generates ``--n`` characters per ``--id`` with the default config (so the default post-processing is
included) and prints, with real training characters vs validation as the reference row: FID and KID in the
feature network's space (sheet descriptor = mean frame embedding), precision/recall, memorisation
(nearest training sheet closer than any validation sheet gets), novelty (median distance to the
nearest training character, over that of validation characters: 1 is as new as unseen real
characters; the real-train row scores 0 by construction), direction accuracy, identity
consistency (same body, hair and clothing label in all 16 cells; also per head) and colours per
frame and per character (all 16 cells). ``sprites/lpc-v3`` (default config: all six animations)
is scored on its walk frames laid out as the v1/v2 sheets (directions down, left, right, up x walk
columns 0, 2, 4, 6; :func:`worldsmith.sprites.eval.lpc_v3.walk_sheets`).

``--animations`` adds a table per LPC animation: ``sprites/lpc-v3`` drawn with only that animation
against the held-out characters (same split) redrawn from their library files in that animation,
the ones whose parts all draw it; the floor is ``--n`` training characters redrawn the same way
against the same held-out ones. v3 is drawn ``--repeats`` times (disjoint seeds; KID their mean and
range), and the floor's own spread is reported as the KID of random halves of those training
characters: with 220 held-out characters (thrust, shoot) both move by 2x from one sample to the
next. Descriptors: the mean feature-network embedding over 16 frames
per character (4 directions x 4 columns spread over the animation; hurt: its 6 frames); the network
was trained on walk frames only.

``--invert N`` adds a diagnostic row: the latents that best redraw N validation characters, found by
gradient descent through the frozen generator, rendered with the same post-processing. It is the
best any latent prior could do with this generator, so it tells a short prior from a short renderer.

    python tools/evaluate_sprites.py --n 2000 --out benchmarks/results/sprites_eval.json
    python tools/evaluate_sprites.py --id sprites/lpc-v1 --n 300 --invert 96
    python tools/evaluate_sprites.py --n 2000 --animations all --out benchmarks/results/sprites_eval.json
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
from worldsmith.sprites.data import SheetData, crop, load_npz
from worldsmith.sprites.eval import lpc_v3
from worldsmith.sprites.eval import metrics as M
from worldsmith.sprites.eval.features import WEIGHTS, load_features
from worldsmith.types.lpc_sheet import ANIMATIONS

V3 = "sprites/lpc-v3"
IDS = ("sprites/lpc-v1", "sprites/lpc-v2", V3)


def generated(gid: str, n: int, seed: int, config: dict) -> np.ndarray:
    """``n`` characters of generator ``gid`` as cropped sheets ``(n, 16, 64, 48, 4)`` (lpc-v3: its
    walk frames as v1/v2 sheets)."""
    gen = ws.make(gid, **config)
    batches = (gen(seed=seed + i, n=min(100, n - i)) for i in range(0, n, 100))
    parts = [lpc_v3.walk_sheets(b) if gid == V3 else b.images for b in batches]
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


def animation_rows(animations: Sequence[str], n: int, seed: int, net, npz: dict, split: tuple[float, int],
                   config: dict, val_cap: int | None = None, repeats: int = 3) -> list[dict]:
    """Per animation: ``sprites/lpc-v3`` (``repeats`` samples of ``n`` characters drawn with only that
    animation, disjoint seeds) and ``n`` training characters redrawn from their library files, each
    against the held-out characters redrawn the same way (``npz``: ``char_id``, ``sex``, ``layers``,
    ``layer_names``; only characters whose parts all draw the animation; ``val_cap``: at most that
    many, for dry runs). KID is the samples' mean (and range); FID, precision and recall the first
    sample's. ``kid_halves``: the KID of random halves of the training characters, over the floor:
    how far real characters alone move the figure."""
    from worldsmith.sprites.lpc_v3.generator import load_model

    model = load_model(config.get("weights", "sprites-lpc-v3"))
    _, first = np.unique(npz["char_id"], return_index=True)           # characters in load_npz's order
    outfits = lpc_v3.outfits_of(model, npz["layers"][first], [str(x) for x in npz["layer_names"]],
                                npz["sex"][first])
    ids = SheetData(np.arange(len(first)), {}, {}).split(*split)      # the same split, as indices
    train_ids, val_ids = (d.sheets for d in ids)

    def describe(frames_of, count: int) -> np.ndarray:
        return np.concatenate([lpc_v3.descriptors(net, frames_of(i, min(100, count - i)))
                               for i in range(0, count, 100)])

    rows = []
    for a in animations:
        start = time.monotonic()
        ok = lpc_v3.covering(model, outfits, a)
        train, val = train_ids[ok[train_ids]], val_ids[ok[val_ids]][:val_cap]
        pick = train[np.sort(np.random.default_rng(seed).choice(len(train), min(n, len(train)), replace=False))]
        real_val = describe(lambda i, k: lpc_v3.composites(model, outfits[val[i:i + k]], a), len(val))
        real_train = describe(lambda i, k: lpc_v3.composites(model, outfits[pick[i:i + k]], a), len(pick))
        gen, idx = ws.make(V3, **{**config, "animations": [a]}), lpc_v3.cells([a], a)
        fakes = [describe(lambda i, k: gen(seed=seed + r * n + i, n=k).images[:, idx], n) for r in range(repeats)]
        floor, precision_recall = M.kid(real_train, real_val), M.precision_recall(real_val, fakes[0])
        kids = [M.kid(fake, real_val) for fake in fakes]
        halves = np.random.default_rng(seed).random((8, len(pick))).argsort(1)[:, :len(pick) // 2]
        rows.append({"animation": a, "frames_per_character": len(idx), "n": n, "repeats": repeats,
                     "n_train": len(pick), "n_val": len(val), "n_val_all": len(val_ids), "kid": float(np.mean(kids)),
                     "kids": kids, "kid_floor": floor,
                     "kid_halves": [M.kid(real_train[h], real_val) / floor for h in halves],
                     "fid": M.fid(fakes[0], real_val), "fid_floor": M.fid(real_train, real_val),
                     "precision": precision_recall[0], "recall": precision_recall[1],
                     "recall_floor": M.precision_recall(real_val, real_train)[1],
                     "seconds": time.monotonic() - start})
        rows[-1]["kid_x_floor"] = rows[-1]["kid"] / floor
        rows[-1]["kid_x_floor_range"] = f"{min(kids) / floor:.2f}-{max(kids) / floor:.2f}"
        rows[-1]["halves_range"] = f"{min(rows[-1]['kid_halves']):.2f}-{max(rows[-1]['kid_halves']):.2f}"
    return rows


def animation_table(rows: list[dict]) -> str:
    """A markdown table of :func:`animation_rows`."""
    cols = ["animation", "n", "repeats", "n_train", "n_val", "kid", "kid_floor", "kid_x_floor", "kid_x_floor_range",
            "halves_range", "fid", "fid_floor", "precision", "recall", "recall_floor"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        lines.append("| " + " | ".join(f"{r[c]:.4g}" if isinstance(r[c], float) else str(r[c]) for c in cols) + " |")
    return "\n".join(lines)


def split_of(gid: str, config: dict) -> tuple[float, int]:
    """(validation fraction, split seed) that generator ``gid``'s weights were trained with (lpc-v3:
    those of the lpc-v2 weights its outfit prior came from)."""
    default = {"sprites/lpc-v1": "sprites-lpc-v1", "sprites/lpc-v2": "sprites-lpc-v2", V3: "sprites-lpc-v3"}[gid]
    model_cfg, _ = load_folder(config.get("weights", default))
    if gid == V3 and "prior" in model_cfg:
        model_cfg, _ = load_folder(model_cfg["prior"])
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
    p.add_argument("--animations", nargs="+", default=[], metavar="NAME",
                   help=f"also the per-animation table of {V3} ({', '.join(ANIMATIONS)}, or all)")
    p.add_argument("--repeats", type=int, default=3,
                   help="samples of --n characters per animation (KID: their mean and range)")
    p.add_argument("--dry-run", action="store_true",
                   help="8 characters, 400 training and (per animation) 24 held-out characters, for tests")
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    n = 8 if args.dry_run else args.n
    ids = args.id or list(IDS)
    animations = list(ANIMATIONS) if args.animations == ["all"] else args.animations
    for a in animations:
        if a not in ANIMATIONS:
            p.error(f"--animations: {a!r} is none of {', '.join(ANIMATIONS)}, all")
    config = {k: json.loads(v) for k, _, v in (s.partition("=") for s in args.set)}
    splits = {gid: split_of(gid, config) for gid in ids}
    if len(set(splits.values())) > 1:
        raise SystemExit(f"the generators were fitted with different held-out splits: {splits}")
    data = load_npz(args.data or data_path("sprites", "lpc_walk64.npz"))
    train, val = data.split(*splits[ids[0]])
    if args.dry_run:
        train = train.take(np.arange(min(400, len(train.sheets))))
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
    result = {"config": config, "rows": rows, "seconds": timing}
    if animations:
        with np.load(args.data or data_path("sprites", "lpc_walk64.npz")) as npz:
            meta = {k: npz[k] for k in ("char_id", "sex", "layers", "layer_names")}
        result["animations"] = animation_rows(animations, n, args.seed, net, meta, split_of(V3, config),
                                              config, 24 if args.dry_run else None, args.repeats)
        print(animation_table(result["animations"]))
    if args.out:
        write_atomic(args.out, (json.dumps(result, indent=1) + "\n").encode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
