"""Train the sprite GAN or its feature network: the same as ``worldsmith train sprites``.

    python tools/train_sprites.py --out runs/sprites --minutes 5          # GAN on the LPC npz
    python tools/train_sprites.py --model features --out runs/sprites     # metrics' feature net
    python tools/train_sprites.py --sheets my_sheets/ --sheet-grid 4x4    # a folder of PNG sheets
    python tools/train_sprites.py --dry-run --out /tmp/sprites            # smoke test
"""
from __future__ import annotations

import sys

from worldsmith.cli import main

if __name__ == "__main__":
    sys.exit(main(["train", "sprites", *sys.argv[1:]]))
