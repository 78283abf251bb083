"""A short tour of the worldsmith API: make assets from seeds, export them, play a quest, and
generate in the background at runtime.

    python samples/quickstart.py [--out build/quickstart]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import worldsmith as ws
from worldsmith.plots import PlotRunner
from worldsmith.runtime import AssetService

# (generator id, config, seed, n, file to export to)
TOUR = [
    ("plots/quest-v1", {"acts": 2, "endings": 2}, 7, None, "quest.ink"),
    ("levels/smb-v1", {"width": 80}, 7, None, "level.tmx"),
    ("levels/zelda-v1", {}, 7, None, "room.png"),
    ("sprites/lpc-v3", {}, 7, 4, "heroes.png"),
    ("scenes/terrain-v1", {"size": 64}, 7, None, "island.glb"),
]


def tour(out: Path) -> None:
    """Make, describe and export one asset of every family that is installed."""
    print("generators:", ", ".join(ws.list_generators()))
    for id, config, seed, n, name in TOUR:
        if id not in ws.list_generators():
            print(f"- {id}: not registered in this build, skipped")
            continue
        start = time.perf_counter()
        asset = ws.make(id, **config)(seed=seed, n=n)
        ms = (time.perf_counter() - start) * 1000
        files = asset.export(out / name)
        assert asset == ws.make(id, **config)(seed=seed, n=n)  # same seed, same asset
        print(f"- {id} seed={seed}: {type(asset).__name__} in {ms:.0f} ms (first call, loads the model)"
              f" -> {', '.join(map(str, files))}")


def play_quest() -> None:
    """Walk a quest with PlotRunner, always taking the first choice."""
    run = PlotRunner(ws.make("plots/quest-v1", acts=1, endings=2)(seed=3))
    print(f"\n{run.graph.title}\n  {run.text}")
    while not run.ended:
        print(f"  > {run.choices[0]}")
        print(f"  {run.choose(0)}")


def runtime() -> None:
    """Ask an AssetService for assets without waiting on them (as a game loop would)."""
    with AssetService(device="auto") as svc:
        futures = [svc.request("plots/quest-v1", seed=s, acts=1) for s in range(4)]
        titles = [f.result(timeout=60).title for f in futures]
    print("\nbackground quests:", "; ".join(titles))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="build/quickstart", help="folder for the exported files")
    args = parser.parse_args(argv)
    tour(Path(args.out))
    play_quest()
    runtime()
    return 0


if __name__ == "__main__":
    sys.exit(main())
