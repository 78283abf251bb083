"""Build the ``sprites/lpc-v3`` model folder from the LPC library and lpc-v2's outfit prior.

    python tools/build_lpc_v3.py --out sdk/worldsmith/weights/sprites-lpc-v3

Packs every regular sheet of ``$WORLDSMITH_DATA/sprites/lpc_library`` into parts
(:mod:`worldsmith.sprites.lpc_v3.pack`), maps the training outfits of ``sprites-lpc-v2`` (library
files per slot) onto them as the outfit prior, adds the head anchors fitted from the ``_build``
sources (for new head-worn parts), and writes a verified model folder. Deterministic: a second
run writes the same bytes. ``--dry-run`` packs three slots into a temporary folder.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Sequence

import numpy as np

from worldsmith.core.data import data_path
from worldsmith.core.weights import load_folder
from worldsmith.sprites.credits import library_credits
from worldsmith.sprites.lpc_v3.build_fit import fit_anchors
from worldsmith.sprites.lpc_v3.model import CharacterModel
from worldsmith.sprites.lpc_v3.pack import pack
from worldsmith.sprites.lpc_v3.parts import SEXES, SLOTS
from worldsmith.sprites.lpc_v3.prior import Prior


def donors(model: CharacterModel, weights: str = "sprites-lpc-v2") -> Prior:
    """lpc-v2's training outfits (library files per slot) as variant ids of ``model``'s library."""
    config, state = load_folder(weights, numpy=True)
    names, sex = config["layer_names"], state["condition"].astype(np.int32)
    outfits = [model.outfit_of([names[j] for j in o if j >= 0], SEXES[s]) for o, s in zip(state["outfits"], sex)]
    return Prior(np.stack(outfits), sex)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=Path("sdk/worldsmith/weights/sprites-lpc-v3"),
                   help="model folder to write (default: the shipped one)")
    p.add_argument("--dry-run", action="store_true", help="pack body, torso and weapon into a temp folder")
    args = p.parse_args(argv)
    root = data_path("sprites", "lpc_library")
    lib = pack(root, only={"body", "torso", "weapon"} if args.dry_run else None)
    anchors = fit_anchors(root, styles=["plain", "bangs"] if args.dry_run else None)
    model = CharacterModel(lib, Prior(np.zeros((0, len(SLOTS)), np.int32), np.zeros(0, np.int32)), anchors)
    model.prior = prior = donors(model)
    out = Path(tempfile.mkdtemp()) / "lpc-v3" if args.dry_run else args.out
    model.save(out, library_credits(), {"data": "lpc_library", "prior": "sprites-lpc-v2"})
    size = sum(f.stat().st_size for f in out.iterdir())
    print(f"{len(lib.parts)} parts, {len(lib.variants)} variants, {len(lib.piece_z)} pieces, "
          f"{len(prior.donors)} donor outfits; {size / 1e6:.1f} MB -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
