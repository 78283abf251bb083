"""Continuation and inpainting on real VGLC levels: how often the first try is playable, time per call.

SMB: every VGLC level continued by ``--extend`` columns, and every level with its middle third
regenerated (``keep=":w/3,2w/3:"``). Lode Runner: the first 20 levels with their bottom half
regenerated (``keep="0:11/:"``); Zelda: the first 20 held-out rooms, bottom half (``keep="0:8/:"``).
For each call: kept tiles identical (checked), playable by the agent (re-checked), decodes
(``attempts``; 1 = the first try played) and SMB stretches flattened, whether the agent plays
the source itself (a kept part of a level it cannot play may stay unplayable), the share of free source
tiles that differ (inpainting), seconds (one thread). ``--image`` draws a continued and an
inpainted SMB level around their joins (red lines).

    python tools/evaluate_inpaint.py --out benchmarks/results/inpaint_eval.json \\
        --image docs/images/levels_inpaint.png
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

import numpy as np
import torch

import worldsmith as ws
from worldsmith.core.atomic import write_atomic
from worldsmith.core.data import data_path
from worldsmith.core.errors import WorldsmithError
from worldsmith.export.png import png_bytes
from worldsmith.levels.agents import solve, solve_tiles
from worldsmith.levels.data import HOLDOUT, split_names
from worldsmith.levels.render import render
from worldsmith.levels.tiles import read_level, zelda_rooms
from worldsmith.types.tiles import ZELDA, to_text, vocab


def run(game: str, source: Path, config: dict, seed: int, real: np.ndarray) -> tuple[dict, ws.TileLevel | None]:
    """One call: its record and the level (``None`` on an error)."""
    t = time.perf_counter()
    head = {"source": source.name, **config, "source_playable": solve_tiles(real, game) is not None}
    try:
        gen = ws.make(f"levels/{game}-v1", source=str(source), **config)
        level = gen(seed=seed)
    except WorldsmithError as e:
        return {**head, "error": str(e), "seconds": time.perf_counter() - t}, None
    seconds = time.perf_counter() - t
    keep = gen.canvas.keep
    w = real.shape[1]
    assert (level.tiles[keep] == gen.canvas.tiles[keep]).all(), source
    free = ~keep[:, :w]
    info = level.meta.extra["inpaint"]
    return {**head, "seconds": seconds, "attempts": level.meta.extra["attempts"],
            "flattened": info["flattened"], "playable": bool(level.path) and solve(level) == level.path,
            "changed": float((level.tiles[:, :w] != real)[free].mean()) if free.any() else None}, level


def summary(rows: list[dict]) -> dict:
    """Shares and times over calls."""
    ok = [r for r in rows if "error" not in r]
    changed = [r["changed"] for r in ok if r["changed"] is not None]
    solvable = [r for r in rows if r["source_playable"]]
    return {"calls": len(rows), "errors": len(rows) - len(ok), "playable": sum(r["playable"] for r in ok),
            "sources_playable": len(solvable), "playable_of_those": sum("error" not in r for r in solvable),
            "first_try": sum(r["attempts"] == 1 and r["flattened"] == 0 for r in ok),
            "flattened": sum(r["flattened"] > 0 for r in ok),
            "seconds_median": float(np.median([r["seconds"] for r in rows])),
            "seconds_max": float(np.max([r["seconds"] for r in rows])),
            "changed_mean": float(np.mean(changed)) if changed else None}


def strip(level: ws.TileLevel, lo: int, hi: int, joins: Sequence[int]) -> np.ndarray:
    """Columns ``[lo, hi)`` of a level drawn with its path, a red line at each join column."""
    img = render(level.tiles[:, lo:hi], level.game, [(r, c - lo) for r, c in level.path if lo <= c < hi])
    for j in joins:
        img[:, (j - lo) * 16 - 1:(j - lo) * 16 + 1] = (230, 40, 40)
    return img


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", default=None, help="VGLC folder (default $WORLDSMITH_DATA/vglc)")
    p.add_argument("--extend", type=int, default=100)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--limit", type=int, default=20, help="sources per game (SMB has 13)")
    p.add_argument("--out", default=None, help="JSON results")
    p.add_argument("--image", default=None, help="PNG of a continued and an inpainted SMB level")
    args = p.parse_args(argv)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return evaluate(args)
    finally:
        torch.set_num_threads(threads)


def evaluate(args: argparse.Namespace) -> int:
    """Every call, the summary, the JSON and the picture (one thread)."""
    root = Path(args.data) if args.data else data_path("vglc")
    rows: dict[str, list[dict]] = {"smb_continue": [], "smb_inpaint": [], "loderunner": [], "zelda": []}
    shown: dict[str, tuple] = {}
    for path in sorted((root / "super_mario_bros").glob("*.txt"))[:args.limit]:
        real = read_level(path, vocab("smb"))
        w = real.shape[1]
        for task, config, joins in (("smb_continue", {"extend": args.extend}, [w]),
                                    ("smb_inpaint", {"keep": f":{w // 3},{2 * w // 3}:"}, [w // 3, 2 * w // 3])):
            row, level = run("smb", path, config, args.seed, real)
            rows[task].append(row)
            if path.stem == "mario-1-1" and level is not None:
                shown[task] = (level, joins)
    for path in sorted((root / "lode_runner").glob("*.txt"))[:args.limit]:
        real = read_level(path, vocab("loderunner"))
        rows["loderunner"].append(run("loderunner", path, {"keep": "0:11/:"}, args.seed, real)[0])
    dungeons = sorted((root / "zelda").glob("*.txt"))
    val = split_names([d.name for d in dungeons], HOLDOUT["zelda"], seed=0)[1]
    rooms = [room for name in val for room in zelda_rooms(read_level(root / "zelda" / name, ZELDA))][:args.limit]
    with tempfile.TemporaryDirectory() as tmp:
        for i, room in enumerate(rooms):
            path = Path(tmp) / f"room-{i}.txt"
            path.write_text(to_text(room, ZELDA))
            rows["zelda"].append(run("zelda", path, {"keep": "0:8/:"}, args.seed, room)[0])
    result = {"seed": args.seed, "extend": args.extend, "summary": {k: summary(v) for k, v in rows.items()},
              "calls": rows}
    print(json.dumps(result["summary"], indent=1))
    if args.out:
        write_atomic(Path(args.out), (json.dumps(result, indent=1) + "\n").encode())
    if args.image and len(shown) == 2:
        (cont, cj), (inp, ij) = shown["smb_continue"], shown["smb_inpaint"]
        a = strip(cont, cj[0] - 60, cj[0] + args.extend, cj)
        b = strip(inp, ij[0] - 20, ij[1] + 20, ij)
        canvas = np.full((a.shape[0] + b.shape[0] + 8, max(a.shape[1], b.shape[1]), 3), 255, np.uint8)
        canvas[:a.shape[0], :a.shape[1]], canvas[a.shape[0] + 8:, :b.shape[1]] = a, b
        write_atomic(Path(args.image), png_bytes(canvas[::2, ::2]))     # half size
    return 0


if __name__ == "__main__":
    sys.exit(main())
