"""Check many composed 2D scenes: playable, solvable, loadable by both Tiled readers, deterministic.

For each seed: the platformer's agent route from spawn to flag (on the exported scene's solid
tiles), the dungeon's solver proof and tile-level walk, both ``.tmx`` (pytmx with pygame images
and pytiled-parser) and ``.tmj`` (pytiled-parser) loading with every layer and object, and the
same seed giving the same ``.tmx`` and ``.png`` bytes again. Prints and writes a JSON summary.

    python tools/evaluate_scenes.py --seeds 100 --out benchmarks/results/scenes2d_eval.json
    python tools/evaluate_scenes.py --dry-run
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Sequence

import worldsmith as ws
from worldsmith.core.atomic import write_atomic
from worldsmith.scenes.tiled2d.checks import dungeon_problems, load_tiled, platformer_route
from worldsmith.types.scene import Scene2D

CONFIGS = {"scenes/platformer-v1": {}, "scenes/dungeon-v1": {}}


def _problems(scene: Scene2D) -> list[str]:
    if scene.kind == "platformer":
        return [] if platformer_route(scene) else ["no agent route from spawn to flag"]
    return dungeon_problems(scene)


def _tiled_problems(scene: Scene2D, folder: Path) -> list[str]:
    a = load_tiled(scene.export(folder / "scene.tmx")[0])
    b = load_tiled(scene.export(folder / "scene.tmj")[0])
    layers = len(scene.backgrounds) + 1 + len(scene.layers())
    n = len(scene.objects)
    ok = (a["pytmx_layers"] == a["pytiled_layers"] == b["pytiled_layers"] == layers
          and a["pytmx_objects"] == a["pytiled_objects"] == b["pytiled_objects"] == n
          and a["pytmx_sprite_images"] == a["pytmx_sprites"])
    return [] if ok else [f"Tiled readers disagree: {a} {b}"]


def _same_bytes(make: Callable[[], Scene2D], scene: Scene2D) -> bool:
    again = make()
    return all(scene.export(fmt=f) == again.export(fmt=f) for f in ("tmx", "png"))


def evaluate(gid: str, seeds: int, config: dict) -> dict:
    """Counts of passing seeds for one generator, failures by seed, and seconds per scene."""
    gen = ws.make(gid, **config)
    report = {"id": gid, "config": gen.config.to_dict(), "seeds": seeds, "playable_or_solved": 0,
              "tiled_loads": 0, "same_bytes": 0, "failures": {}}
    elapsed = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(seeds):
            t0 = time.perf_counter()
            scene = gen(seed=seed)
            elapsed += time.perf_counter() - t0
            problems = _problems(scene)
            report["playable_or_solved"] += not problems
            tiled = _tiled_problems(scene, Path(tmp))
            report["tiled_loads"] += not tiled
            same = _same_bytes(lambda: gen(seed=seed), scene)
            report["same_bytes"] += same
            if problems or tiled or not same:
                report["failures"][seed] = problems + tiled + ([] if same else ["bytes differ"])
    report["seconds_per_scene"] = round(elapsed / seeds, 4)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=100)
    ap.add_argument("--out", type=Path, help="write the JSON summary here")
    ap.add_argument("--dry-run", action="store_true", help="two seeds of small scenes")
    args = ap.parse_args(argv)
    configs = CONFIGS
    if args.dry_run:
        args.seeds = 2
        configs = {"scenes/platformer-v1": {"width": 40}, "scenes/dungeon-v1": {"rooms": 4, "keys": 1}}
    reports = [evaluate(gid, args.seeds, cfg) for gid, cfg in configs.items()]
    text = json.dumps(reports, indent=1) + "\n"
    print(text, end="")
    if args.out:
        write_atomic(args.out, text.encode())
    return 0 if all(not r["failures"] for r in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
