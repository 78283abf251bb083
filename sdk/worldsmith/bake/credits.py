"""A bake's combined ``CREDITS.txt``: every credited art file its assets draw, and the authors of each.

The bake's one reference to a family: the credited art is the LPC library that
``sprites/lpc-v3`` characters are drawn from, and :mod:`worldsmith.sprites.lpc_v3.authors` knows
its authors. A lock record lists the art files of each credited asset under ``credits`` (see
:func:`worldsmith.bake.render.record_head`).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from worldsmith.core.atomic import sha256_file, write_atomic
from worldsmith.sprites.lpc_v3.authors import combined_credits

CREDITS_NAME = "CREDITS.txt"


def write_credits(out_dir: Path, records: list[dict[str, Any]]) -> dict[str, str] | None:
    """One ``CREDITS.txt`` in ``out_dir`` for every credited asset of a bake (each art file and its
    authors once); returns its lock entry, or None when the bake has no credited asset."""
    characters = [files for rec in records for files in rec.get("credits", [])]
    if not characters:
        return None
    write_atomic(out_dir / CREDITS_NAME, combined_credits(characters).encode())
    return {"file": CREDITS_NAME, "sha256": sha256_file(out_dir / CREDITS_NAME)}
