"""Fidelity of the level generators beside the real VGLC levels, figure by figure.

Lode Runner: gold and enemy counts per level (quartiles, range, and two-sample tests of the
generated against the real counts: Mann-Whitney U and Kolmogorov-Smirnov), the share of bricks
with no brick beside them in the row, and tile changes along a row per column; against every
VGLC Lode Runner level. SMB: the share of enemies with a solid tile directly under them, per
enemy and per level (levels in which at least 10% of the enemies have none), for ``--width``-column
levels against every ``--width``-column stretch of the VGLC levels, ``--stride`` columns apart.

    python tools/fidelity_levels.py --seeds 200 --out benchmarks/results/levels_fidelity.json
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Sequence

import numpy as np
from scipy.stats import ks_2samp, mannwhitneyu

import worldsmith as ws
from worldsmith.core.atomic import write_atomic
from worldsmith.levels.data import load_levels
from worldsmith.levels.family import NEWEST
from worldsmith.levels.fidelity import counts, enemy_support, isolated_bricks, row_changes, stretches
from worldsmith.types.tiles import LODERUNNER


def _spread(values: np.ndarray) -> dict:
    """Quartiles, range and mean of a count."""
    q1, med, q3 = np.percentile(values, [25, 50, 75])
    return {"q1": float(q1), "median": float(med), "q3": float(q3), "min": int(values.min()),
            "max": int(values.max()), "mean": float(values.mean())}


def loderunner(seeds: int) -> dict:
    """Lode Runner figures, real (every VGLC level) and generated (``seeds`` levels, seed 0 on)."""
    real = list(load_levels("loderunner").values())
    ours = [lv.tiles for lv in ws.make(NEWEST["loderunner"])(seed=0, n=seeds)]
    out: dict = {"real_levels": len(real), "seeds": seeds}
    for name, char in (("gold", "G"), ("enemies", "E")):
        r, g = counts(real, LODERUNNER.id(char)), counts(ours, LODERUNNER.id(char))
        out[name] = {"real": _spread(r), "ours": _spread(g), "mannwhitney_p": float(mannwhitneyu(r, g).pvalue),
                     "ks_p": float(ks_2samp(r, g).pvalue)}
    out["isolated_bricks"] = {"real": isolated_bricks(real), "ours": isolated_bricks(ours)}
    out["row_changes"] = {"real": row_changes(real), "ours": row_changes(ours)}
    return out


def smb(seeds: int, width: int, stride: int) -> dict:
    """SMB enemy support, real (every ``width``-column stretch) and generated (``seeds`` levels)."""
    real = stretches(list(load_levels("smb").values()), width, stride)
    ours = [lv.tiles for lv in ws.make(NEWEST["smb"], width=width)(seed=0, n=seeds)]
    (rs, rf), (gs, gf) = enemy_support(real), enemy_support(ours)
    return {"width": width, "stride": stride, "real_stretches": len(real), "seeds": seeds,
            "enemies_standing": {"real": rs, "ours": gs}, "levels_floating": {"real": rf, "ours": gf}}


def table(lr: dict, mario: dict) -> str:
    """The side-by-side tables of docs/levels.md (Markdown)."""
    rows = ["| Lode Runner | real | ours | test |", "| --- | --- | --- | --- |"]
    for name in ("gold", "enemies"):
        r, g, f = lr[name]["real"], lr[name]["ours"], lr[name]
        show = "{median:g} ({q1:g}-{q3:g}), {min}-{max}".format
        rows.append(f"| {name} per level: median (quartiles), range | {show(**r)} | {show(**g)} "
                    f"| Mann-Whitney p = {f['mannwhitney_p']:.2f}, KS p = {f['ks_p']:.2f} |")
    for name, label in (("isolated_bricks", "bricks with no brick beside them"),
                        ("row_changes", "tile changes along a row, per column")):
        r, g = lr[name]["real"], lr[name]["ours"]
        rows.append(f"| {label} | {r:.3f} | {g:.3f} | {g / r - 1:+.0%} |")
    rows += ["", f"| SMB, {mario['width']} columns | real | ours |", "| --- | --- | --- |",
             f"| enemies with a solid tile under them | {mario['enemies_standing']['real']:.1%} "
             f"| {mario['enemies_standing']['ours']:.1%} |",
             f"| levels with 10% or more enemies floating | {mario['levels_floating']['real']:.1%} "
             f"| {mario['levels_floating']['ours']:.1%} |"]
    return "\n".join(rows) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Measure, print the tables, write JSON with ``--out``; returns the exit code."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, default=200, help="generated levels per game")
    p.add_argument("--width", type=int, default=150, help="SMB level (and real stretch) width")
    p.add_argument("--stride", type=int, default=10, help="columns between real SMB stretches")
    p.add_argument("--out", default=None, help="write the results as JSON here")
    args = p.parse_args(argv)
    if args.seeds < 2 or args.width < 28 or args.stride < 1:
        p.error("--seeds needs at least 2, --width at least 28, --stride at least 1")
    lr, mario = loderunner(args.seeds), smb(args.seeds, args.width, args.stride)
    print(table(lr, mario), end="")
    if args.out:
        write_atomic(Path(args.out), (json.dumps({"loderunner": lr, "smb": mario}, indent=1) + "\n").encode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
