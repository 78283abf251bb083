"""``worldsmith parts build FOLDER --out PART.npz``: a ``sprites/lpc-v3`` part from the user's own
drawings (see :mod:`worldsmith.sprites.lpc_v3.userpart`). The sprites manifest adds it to the CLI.

>>> import argparse
>>> sub = argparse.ArgumentParser(prog="worldsmith").add_subparsers(dest="command")
>>> add_parts_command(sub)
>>> args = sub.choices["parts"].parse_args(["build", "drawings", "--out", "hat.npz"])
>>> args.slot, args.handler is build_part
('head', True)
"""
from __future__ import annotations

import argparse

from worldsmith.core.cliargs import UsageError


def add_parts_command(sub: argparse._SubParsersAction) -> None:
    """Add the ``parts`` sub-command to the CLI's sub-parsers ``sub``."""
    parts = sub.add_parser("parts", help="make a sprites/lpc-v3 part from your own drawings",
                           description="`parts build FOLDER --out PART.npz`: place a head-worn part drawn once per "
                                       "direction (n.png s.png e.png w.png, 128x128, the LPC _build format; optional "
                                       "bg-/behindbody- layers and s-hurtN frames) in all 178 frames of both body "
                                       "kinds; wear it with --set 'parts={\"head\": \"PART.npz\"}' "
                                       "(docs/sprites.md, 'Parts of your own').")
    parts.add_argument("action", choices=("build",), help="build: drawings -> part file")
    parts.add_argument("folder", help="the folder of drawings")
    parts.add_argument("--out", required=True, help="the part file to write (.npz)")
    parts.add_argument("--slot", default="head", choices=("head", "hair", "facial"),
                       help="what the part is worn as (drawn over hair for head)")
    parts.add_argument("--weights", default="sprites-lpc-v3", help="the lpc-v3 model whose head anchors place it")
    parts.set_defaults(handler=build_part)


def build_part(args: argparse.Namespace) -> None:
    """Build the part of ``args.folder``'s drawings and print the file written."""
    from worldsmith.sprites.lpc_v3 import userpart  # lazy: start-up time (75 ms), every command builds this parser
    from worldsmith.sprites.lpc_v3.generator import load_model  # lazy: start-up time, as above

    anchors = load_model(args.weights).anchors
    if anchors is None:
        raise UsageError(f"--weights {args.weights}: a model without head anchors")
    part = userpart.build_folder(args.folder, anchors, args.slot)
    print(userpart.save(part, args.out))
