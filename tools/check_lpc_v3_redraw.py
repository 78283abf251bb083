"""Redraw the composited LPC characters with ``sprites/lpc-v3`` and compare pixel for pixel.

Every character of ``sprites/lpc_walk64.npz`` records the library files it was composited from
(``layers``, ``layer_names``). This tool turns them into a v3 outfit, draws its walk with the
shipped model (or ``--weights``) and compares the four npz walk frames of each direction (walk
columns 0, 2, 4, 6) with the npz images: the share of exactly equal frames, for the training
characters (those lpc-v2's prior learned from) and the held-out ones.

    python tools/check_lpc_v3_redraw.py --out docs/results/lpc_v3_redraw.json   # all 3,600 (~1 min)
    python tools/check_lpc_v3_redraw.py --dry-run                               # 50 characters
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Sequence

import numpy as np

from worldsmith.core.atomic import write_atomic
from worldsmith.core.data import data_path
from worldsmith.sprites.lpc_v3.generator import load_model
from worldsmith.types.lpc_sheet import FRAMES, frame_indices

NPZ_DIRECTIONS = ("down", "left", "right", "up")


def walk_index() -> dict[tuple[str, int], int]:
    """(direction, walk column) -> index among the walk animation's 36 frames."""
    walk = [FRAMES[i] for i in frame_indices(["walk"])]
    return {(f.direction, f.index): j for j, f in enumerate(walk)}


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--weights", default="sprites-lpc-v3", help="v3 model folder (default: the shipped one)")
    p.add_argument("--n", type=int, default=None, help="characters to check (default: all)")
    p.add_argument("--dry-run", action="store_true", help="50 characters")
    p.add_argument("--out", default=None, help="JSON file for the result")
    args = p.parse_args(argv)
    with np.load(data_path("sprites", "lpc_walk64.npz")) as npz:
        data = {k: npz[k] for k in ("char_id", "sex", "layers", "layer_names", "direction", "frame", "images")}
    model = load_model(args.weights)
    names = [str(s) for s in data["layer_names"]]
    chars = np.unique(data["char_id"])[:50 if args.dry_run else args.n]
    train = {tuple(o) for o in model.prior.donors}          # the characters v3's prior learned from
    index, counts = walk_index(), {"train": [0, 0], "held_out": [0, 0]}
    mismatches = []
    for c in chars:
        rows = np.flatnonzero(data["char_id"] == c)
        sex = ("male", "female")[int(data["sex"][rows[0]])]
        outfit = model.outfit_of([names[j] for j in data["layers"][rows[0]] if j >= 0], sex)
        classes, palette, blended = model.draw(outfit[None], ["walk"])
        frames = model.rgba(classes, palette, blended)[0]
        group = counts["train" if tuple(outfit) in train else "held_out"]
        for i in rows:
            mine = frames[index[(NPZ_DIRECTIONS[data["direction"][i]], int(data["frame"][i]))]]
            same = np.array_equal(mine, data["images"][i])
            group[0] += same
            group[1] += 1
            if not same and len(mismatches) < 20:
                pixels = int((mine != data["images"][i]).any(-1).sum())
                mismatches.append({"char_id": int(c), "row": int(i), "pixels": pixels})
    result = {k: {"equal_frames": e, "frames": t, "share_equal": e / max(t, 1)} for k, (e, t) in counts.items()}
    result["first_mismatches"] = mismatches
    for k, (e, t) in counts.items():
        print(f"{k}: {e}/{t} walk frames equal pixel for pixel ({100 * e / max(t, 1):.2f}%)")
    if args.out:
        write_atomic(args.out, (json.dumps(result, indent=1) + "\n").encode())
    return 0 if not mismatches else 1


if __name__ == "__main__":
    sys.exit(main())
