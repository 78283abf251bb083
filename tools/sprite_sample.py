"""The sprite samples of docs/sprites.md: 16 characters (seeds ``child_seed(7, i)``), rows down, left, right,
up, 4 walk frames each, cropped to the 48 columns the LPC art uses, over grey.

    python tools/sprite_sample.py docs/sprites_v2_sample.png
    python tools/sprite_sample.py docs/sprites_sample.png --id sprites/lpc-v1
    python tools/sprite_sample.py /tmp/sample.png --weights runs/sprites/model
"""
from __future__ import annotations

import argparse
import sys
from typing import Sequence

import numpy as np

import worldsmith as ws
from worldsmith.core.seeding import child_seed
from worldsmith.sprites.data import crop
from worldsmith.sprites.lpc_v1.train import save_preview


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out", help="PNG to write")
    p.add_argument("--n", type=int, default=16, help="characters")
    p.add_argument("--per-row", type=int, default=8, help="characters a row")
    p.add_argument("--id", default="sprites/lpc-v2", choices=("sprites/lpc-v1", "sprites/lpc-v2"))
    p.add_argument("--weights", default=None, help="model folder: a shipped name or a path (default: the id's)")
    args = p.parse_args(argv)
    gen = ws.make(args.id, **({"weights": args.weights} if args.weights else {}))
    sheets = np.concatenate([gen(seed=child_seed(7, i), n=1).images for i in range(args.n)])
    save_preview(crop(sheets).reshape(args.n, 16, 64, 48, 4), args.out, per_row=args.per_row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
