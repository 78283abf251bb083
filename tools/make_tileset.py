"""Write the original level tilesets (drawn by worldsmith.levels.render) as PNGs, plus a labelled
preview sheet for checking them by eye.

    python tools/make_tileset.py --out build/tilesets [--scale 4] [--dry-run]
"""
from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path
from typing import Sequence

from PIL import Image, ImageDraw

from worldsmith.core.atomic import write_atomic
from worldsmith.levels.render import TILE, tileset
from worldsmith.types.tiles import VOCABS


def preview(scale: int) -> Image.Image:
    """Every game's tiles enlarged ``scale`` times, one row per game, each labelled with its char."""
    cell = TILE * scale
    width = max(v.size for v in VOCABS.values()) * cell
    sheet = Image.new("RGB", (width, len(VOCABS) * (cell + 14)), "white")
    draw = ImageDraw.Draw(sheet)
    for row, (game, v) in enumerate(VOCABS.items()):
        y = row * (cell + 14)
        big = tileset(game).resize((v.size * cell, cell), Image.NEAREST)
        sheet.paste(big, (0, y))
        for i, ch in enumerate(v.chars):
            draw.text((i * cell + 2, y + cell + 1), f"{ch} {v.names[i][:8]}", fill="black")
    return sheet


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    """Write ``<game>-tiles.png`` per game and ``preview.png``; ``--dry-run`` writes nothing."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default="build/tilesets")
    p.add_argument("--scale", type=int, default=4)
    p.add_argument("--dry-run", action="store_true", help="draw everything, write nothing")
    args = p.parse_args(argv)
    files = {f"{g}-tiles.png": _png(tileset(g)) for g in VOCABS}
    files["preview.png"] = _png(preview(args.scale))
    for name, data in files.items():
        if not args.dry_run:
            write_atomic(Path(args.out) / name, data)
        print(f"{Path(args.out) / name} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
