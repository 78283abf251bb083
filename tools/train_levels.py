"""Train the shipped level VAEs with their recorded recipes and install them as package weights.

    python tools/train_levels.py [--game smb|loderunner|zelda|all] [--dry-run]

Each game trains with ``worldsmith train levels`` (checkpoints in ``runs/levels-<game>``), then the
model folder lands in ``sdk/worldsmith/weights/levels-<game>-v1`` (config, safetensors, CREDITS.md,
MANIFEST). ``--dry-run`` trains tiny models into a temporary folder instead.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Sequence

from worldsmith.core.weights import PACKAGE_WEIGHTS
from worldsmith.levels.train import main as train

#: the arguments the shipped weights were trained with (2 CPU threads shared, a few minutes each)
RECIPES = {
    "smb": ["--steps", "6000", "--hidden", "32", "--z-dim", "32", "--seed", "0"],
    "loderunner": ["--steps", "3000", "--hidden", "32", "--z-dim", "32", "--seed", "0"],
    "zelda": ["--steps", "8000", "--beta", "0.1", "--hidden", "48", "--z-dim", "32", "--prior", "64",
              "--seed", "0"],
}


def main(argv: Sequence[str] | None = None) -> int:
    """Train and install; returns the exit code."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--game", choices=(*RECIPES, "all"), default="all")
    p.add_argument("--dry-run", action="store_true", help="tiny models into a temporary folder")
    args = p.parse_args(argv)
    root = Path(tempfile.mkdtemp()) if args.dry_run else PACKAGE_WEIGHTS
    for game in RECIPES if args.game == "all" else (args.game,):
        run = root / "runs" / game if args.dry_run else Path("runs") / f"levels-{game}"
        extra = ["--dry-run"] if args.dry_run else []
        code = train(["--game", game, *RECIPES[game], "--out", str(run), *extra])
        if code:
            return code
        shutil.copytree(run / "model", root / f"levels-{game}-v1", dirs_exist_ok=True)  # the run's model folder
    return 0


if __name__ == "__main__":
    sys.exit(main())
