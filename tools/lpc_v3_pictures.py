"""The sprites/lpc-v3 pictures of the README and docs/sprites.md.

    python tools/lpc_v3_pictures.py docs/sprites_v3_sheet.png docs/sprites_v3_sample.png

The first is one character's whole LPC sheet (seed 7: 832 x 1344, all six animations, over light
grey); the second, 8 characters (seeds ``child_seed(7, i)``) in rows, each showing the middle
frame of every animation row facing down and right, enlarged 2x over grey.
"""
from __future__ import annotations

import argparse
import sys
from typing import Sequence

import numpy as np
from PIL import Image

import worldsmith as ws
from worldsmith.core.seeding import child_seed
from worldsmith.sprites.lpc_v3.export import sheet_array

GEAR = {"cape": 0.4, "neck": 0.3, "back": 0.25, "weapon": 0.7, "shield": 0.3}   # the sample shows gear

GREY, LIGHT = (96, 96, 104), (224, 224, 228)


def _over(rgba: np.ndarray, colour: tuple[int, int, int]) -> np.ndarray:
    alpha = rgba[..., 3:] / 255.0
    return (rgba[..., :3] * alpha + np.array(colour) * (1 - alpha)).round().astype(np.uint8)


def sample(n: int = 8) -> np.ndarray:
    """``n`` rows: per character the middle frame of each animation row facing down, then right
    (with gear: :data:`GEAR`)."""
    gen = ws.make("sprites/lpc-v3", gear=GEAR)
    rows = []
    for i in range(n):
        hero = gen(seed=child_seed(7, i))
        cells = []
        for direction in ("down", "right"):
            for animation in ("spellcast", "thrust", "walk", "slash", "shoot", "hurt"):
                if animation == "hurt" and direction == "right":
                    continue
                index = [k for k, f in enumerate(hero.frames) if f.animation == animation and f.direction == direction]
                cells.append(hero.images[0, index[len(index) // 2]])
        rows.append(np.concatenate(cells, 1))
    return _over(np.concatenate(rows, 0), GREY).repeat(2, 0).repeat(2, 1)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("sheet", help="PNG for the whole sheet of seed 7")
    p.add_argument("sample", help="PNG for the 8-character sample")
    args = p.parse_args(argv)
    Image.fromarray(_over(sheet_array(ws.make("sprites/lpc-v3")(seed=7)), LIGHT)).save(args.sheet, optimize=True)
    Image.fromarray(sample()).save(args.sample, optimize=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
