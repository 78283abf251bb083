"""``worldsmith archive levels/smb-v1 --measures enemies,sky --cells 20x20 --seed S --evals N --out DIR``:
a quality-diversity archive of levels (:mod:`worldsmith.levels.archive`). The levels manifest
adds it to the CLI.

>>> import argparse
>>> sub = argparse.ArgumentParser(prog="worldsmith").add_subparsers(dest="command")
>>> add_archive_command(sub)
>>> args = sub.choices["archive"].parse_args(["levels/smb-v1", "--out", "arch"])
>>> args.measures, args.cells, args.handler is run_archive
('enemies,sky', '20x20', True)
"""
from __future__ import annotations

import argparse
import json


def add_archive_command(sub: argparse._SubParsersAction) -> None:
    """Add the ``archive`` sub-command to the CLI's sub-parsers ``sub``."""
    from worldsmith.cli import run_options  # lazy: the CLI imports the manifests that import this

    p = sub.add_parser("archive", parents=[run_options()], help="fill a quality-diversity archive of levels",
                       description="Fill a grid over two level measures with playable levels (CMA-ME in the VAE's "
                                   "latent space, pyribs) and write every elite, heatmap.png and index.json to --out "
                                   "(docs/levels.md, 'Archive').")
    p.add_argument("id", help="levels/smb-v1, levels/loderunner-v1 or levels/zelda-v1")
    p.add_argument("--measures", default="enemies,sky", help="two level features, e.g. enemies,sky")
    p.add_argument("--cells", default="20x20", help="cells per measure, COLSxROWS")
    p.add_argument("--seed", type=int, default=0, help="the seed: the same arguments give the same bytes")
    p.add_argument("--evals", type=int, default=2000, help="levels to evaluate")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="a generator config value")
    p.add_argument("--out", required=True, help="output folder")
    p.set_defaults(handler=run_archive)


def run_archive(args: argparse.Namespace) -> None:
    """Build and write the archive; print its summary as JSON."""
    from worldsmith.cli import _config_from_sets  # lazy: as above
    from worldsmith.core.cliargs import UsageError  # lazy: start-up time
    from worldsmith.levels import archive  # lazy: torch and pyribs, only for this command

    if not args.id.startswith("levels/"):
        raise UsageError(f"archive {args.id}: expected a levels generator (levels/smb-v1, ...)")
    if not 1 <= args.evals <= 1_000_000:
        raise UsageError(f"--evals {args.evals}: expected 1 to 1000000")
    index = archive.build(args.id, args.measures.split(","), archive.parse_cells(args.cells), args.seed,
                          args.evals, **_config_from_sets(args.id, args.set))
    archive.write(index, args.out)
    print(json.dumps({k: index[k] for k in ("generator", "measures", "cells", "evals", "coverage", "qd_score")}))
