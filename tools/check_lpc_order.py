"""Exact-redraw check of the LPC drawing order (sdk/worldsmith/sprites/lpc_v3/order.py).

For every character of ``sprites/lpc_walk64.npz`` it redraws the 16 walk frames straight from the library
PNGs (``sprites/lpc_library/``, the layer paths in ``layer_names``), alpha over in the order of
:func:`order.sort_parts`, and compares them pixel for pixel with the npz images. npz frame f of a
direction is walk column f of the sheet (frames 0, 2, 4, 6; measured: the only columns that match).

    python tools/check_lpc_order.py --out runs/lpc_order.json          # all 3,600 characters (~2 min)
    python tools/check_lpc_order.py --dry-run                         # 50 characters
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Sequence

import numpy as np
from PIL import Image

from worldsmith.core.atomic import write_atomic
from worldsmith.core.data import data_path
from worldsmith.sprites.lpc_v3.headwear import over
from worldsmith.sprites.lpc_v3.order import sort_parts, z_layer
from worldsmith.types.lpc_sheet import DIRECTIONS, FRAME

NPZ_DIRECTIONS = ("down", "left", "right", "up")     # the npz's direction 0..3
WALK_FIRST_ROW = 8                                   # walk rows 8-11 face up, left, down, right


class Library:
    """Walk frames of library sheets, loaded once: ``frames(path)[direction][f]`` is (64, 64, 4) uint8."""

    def __init__(self, root):
        self.root, self.cache = root, {}

    def frames(self, path: str) -> np.ndarray:
        if path not in self.cache:
            sheet = np.asarray(Image.open(self.root / path).convert("RGBA"))
            out = np.zeros((4, 7, FRAME, FRAME, 4), np.uint8)
            for d, name in enumerate(NPZ_DIRECTIONS):
                r = (WALK_FIRST_ROW + DIRECTIONS.index(name)) * FRAME
                for f in range(7):
                    out[d, f] = sheet[r:r + FRAME, f * FRAME:(f + 1) * FRAME]
            self.cache[path] = out
        return self.cache[path]


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=None, help="characters to check (default: all)")
    p.add_argument("--dry-run", action="store_true", help="50 characters, for tests")
    p.add_argument("--out", default=None, help="JSON file for the result")
    args = p.parse_args(argv)
    data = np.load(data_path("sprites", "lpc_walk64.npz"))
    lib = Library(data_path("sprites", "lpc_library"))
    names, slots = [str(s) for s in data["layer_names"]], [str(s) for s in data["slots"]]
    char, direction, frame = data["char_id"], data["direction"], data["frame"]
    layers, images = data["layers"], data["images"]
    groups = list(_group(char))
    n = 50 if args.dry_run else (args.n or len(groups))
    todo = dict(groups[:n])
    equal = total = 0
    mismatches, relabelled = [], {}
    for c, rows in todo.items():
        for i in rows:
            paths = [names[j] for j in layers[i] if j >= 0]
            for s, j in zip(slots, layers[i]):
                if j >= 0 and z_layer(names[j]) != s:
                    relabelled[names[j]] = f"{s} -> {z_layer(names[j])}"
            dname = NPZ_DIRECTIONS[direction[i]]
            out = np.zeros((FRAME, FRAME, 4), np.uint8)
            for path in sort_parts(paths, "walk", dname):
                out = over(lib.frames(path)[direction[i], frame[i]], out)
            total += 1
            if np.array_equal(out, images[i]):
                equal += 1
            elif len(mismatches) < 20:
                diff = int((out != images[i]).any(-1).sum())
                mismatches.append({"char_id": int(c), "direction": dname, "frame": int(frame[i]),
                                   "pixels": diff, "layers": paths})
    share = equal / max(total, 1)
    result = {"characters": len(todo), "frames": total, "equal_frames": equal, "share_equal": share,
              "npz_frame_to_walk_column": "f -> f", "slot_relabelled": relabelled,
              "first_mismatches": mismatches}
    print(f"{equal}/{total} walk frames equal pixel for pixel ({100 * share:.2f}%), {len(todo)} characters")
    for path, change in sorted(relabelled.items()):
        print(f"  z-layer differs from the npz slot: {path}: {change}")
    for m in mismatches[:5]:
        print(f"  mismatch: char {m['char_id']} {m['direction']} frame {m['frame']}: {m['pixels']} px")
    if args.out:
        write_atomic(args.out, json.dumps(result, indent=1).encode())
    return 0 if equal == total else 1


def _group(char: np.ndarray):
    order = np.argsort(char, kind="stable")
    bounds = np.nonzero(np.diff(char[order]))[0] + 1
    for rows in np.split(order, bounds):
        yield int(char[rows[0]]), rows


if __name__ == "__main__":
    sys.exit(main())
