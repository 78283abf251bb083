"""Per-file cost of writing many files into one folder (issue 33): ``write_atomic`` as it is,
against the earlier scheme that listed the folder on every write to remove a killed run's temp
files, measured in the same run; and the PNG encodings of a sprite sheet.

    python benchmarks/writes.py [--counts 100 1000 10000] [--out benchmarks/results/writes.json]

Prints milliseconds per file for each folder size (small files: the cost is the file system's,
fsync included), seconds for a bake of that many quests into one folder (staged without a sync
per file, one sync before publishing), and the sprite sheet PNG encode times (the default, zlib
level 3, and ``optimize``).
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import tempfile
import time
from pathlib import Path

from worldsmith.core import atomic
from worldsmith.core.atomic import write_atomic


def listing_write(path: Path, data: bytes) -> Path:
    """The earlier write: list the folder for ``.<name>.*.tmp`` leftovers on every call."""
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        stale.unlink(missing_ok=True)
    return write_atomic(path, data)


def per_file_ms(write, count: int) -> float:
    """Milliseconds per file for ``count`` writes of 200 bytes into a new folder."""
    with tempfile.TemporaryDirectory() as d:
        atomic._SWEPT.clear()
        start = time.perf_counter()
        for i in range(count):
            write(Path(d) / f"quest_{i:05d}.json", b"x" * 200)
        return (time.perf_counter() - start) * 1000 / count


def bake_seconds(count: int) -> float:
    """Seconds for a bake of ``count`` quests (one JSON each) into one new folder."""
    from worldsmith.bake import bake

    with tempfile.TemporaryDirectory() as d:
        manifest = Path(d) / "m.toml"
        manifest.write_text("".join(f'[[asset]]\nid = "plots/quest-v1"\nseed = {s}\noutputs = ["q{s}.json"]\n\n'
                                    for s in range(count)))
        start = time.perf_counter()
        bake(manifest, Path(d) / "out")
        return round(time.perf_counter() - start, 2)


def png_ms(runs: int = 20) -> dict[str, float]:
    """Milliseconds to encode one lpc-v2 sprite sheet PNG, the default (zlib level 3) and ``optimize``."""
    import worldsmith as ws
    from worldsmith.export.png import png_bytes
    from worldsmith.export.sheets import frame_grid

    sheet = frame_grid(ws.make("sprites/lpc-v2")(seed=1).images)
    out = {}
    for name, optimize in (("default", False), ("optimize", True)):
        start = time.perf_counter()
        for _ in range(runs):
            data = png_bytes(sheet, optimize=optimize)
        out[name] = round((time.perf_counter() - start) * 1000 / runs, 2)
        out[f"{name}_bytes"] = len(data)
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--counts", type=int, nargs="+", default=[100, 1000, 10000])
    p.add_argument("--out", type=Path, default=None)
    args = p.parse_args()
    rows = {str(n): {"now_ms": round(per_file_ms(write_atomic, n), 3),
                     "listing_ms": round(per_file_ms(listing_write, n), 3)} for n in args.counts}
    result = {"files_per_folder": rows, "bake_quests_s": {str(n): bake_seconds(n) for n in args.counts},
              "sprite_sheet_png": png_ms(), "cpus": os.cpu_count()}
    print(json.dumps(result, indent=1))
    if args.out:
        args.out.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
