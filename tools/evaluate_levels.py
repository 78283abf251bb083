"""Evaluate the shipped level generators against the VGLC validation levels.

For each game: raw VAE playability (plain argmax decode, before repair and re-sampling), final
playability (what the generator returns, re-checked by the agent), novelty (mean min Hamming
fraction to the training units; exact copies), diversity (mean pairwise Hamming fraction) and
symmetric tile-pattern KL (k = 2, 3, 4) vs the validation levels, each with the same figure for
the real validation levels vs the training levels as reference; for SMB also how structure is
spread along a level (``density``: mean and spread of the share of solid tiles above the floor row
in 16-column windows, stride 8, and the share of bare-floor windows; the training levels are the
reference, ``real_train_density``); the JSON adds the KL against
only the real levels the agent solves (``tpkl_playable``), since the generators hand out only
playable levels, and ``playable_train_tpkl``, the KL of the agent-solvable training units vs
validation: what a generator that handed out exactly the solvable real units would score (a
yardstick for generators that return only playable units). Units: SMB 14x28 windows (the
MarioGAN window; generated and validation every 28 columns, training every column; the JSON
also has the exact-copy rate of the model's own 14x16 windows), Lode Runner levels, Zelda rooms
(the transcribed ones: ``zelda_rooms`` skips rooms whose interior VGLC left void). The KL of a
set of generated levels depends on which rare patterns it happens to hold, so ``--repeats R``
also scores R-1 more sets of ``--seeds`` levels (base seeds 1..R-1) and reports the range (the
JSON has every set's KL, novelty and diversity: their spread is the run-to-run noise).

``--second-agent`` adds, for SMB, a second opinion: the A* agent of
:mod:`worldsmith.levels.agents.smb_astar` plays every generated level and every VGLC level
(whole, and in 150-column stretches every 75 columns), and the row reports how often it and the
tile search agree (both finish, only one does, neither), why the A* agent failed, and its time
per level; ``--agents-only`` skips every other metric (generates the final levels only).

    python tools/evaluate_levels.py --seeds 500 --out benchmarks/results/levels_eval.json
    python tools/evaluate_levels.py --game smb --seeds 500 --agents-only --out agents.json
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
from pathlib import Path
from typing import Sequence

import numpy as np

import worldsmith as ws
from worldsmith.cli import _config_from_sets
from worldsmith.core.atomic import write_atomic
from worldsmith.core.errors import WorldsmithError
from worldsmith.levels.agents import smb_search, solve_tiles
from worldsmith.levels.agents.smb_astar import astar_run
from worldsmith.levels.data import HOLDOUT, load_levels, split_names
from worldsmith.levels.family import NEWEST
from worldsmith.levels.metrics import density_stats, diversity, novelty, playability, tpkl_mean, windows
from worldsmith.levels.tiles import transposed, zelda_rooms

GAMES = ("smb", "loderunner", "zelda")


def units(game: str, levels: list[np.ndarray], stride: int | None = None, width: int = 28) -> np.ndarray:
    """Flattened comparison units: SMB windows ``width`` wide, whole levels, Zelda rooms."""
    if game == "smb":
        return windows(levels, width, stride or width)
    return np.stack([lv.ravel() for lv in levels])


def real_split(game: str, data: str | None) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """(training, validation) levels as the model saw them (Zelda: rooms, turned as the game
    shows them and the generator hands them out)."""
    levels = load_levels(game, data)
    train, val = split_names(list(levels), HOLDOUT[game], seed=0)
    pick = [levels[n] for n in train], [levels[n] for n in val]
    if game == "zelda":
        return tuple([transposed(r, [])[0] for d in part for r in zelda_rooms(d)]  # type: ignore[return-value]
                     for part in pick)
    return pick


def evaluate(game: str, seeds: int, width: int, data: str | None, repeats: int = 1,
             overrides: dict | None = None, second: bool = False) -> dict:
    """Every metric for one game (see the module docstring); ``overrides``: more generator config;
    ``second``: SMB's :func:`second_opinion` too."""
    gid = NEWEST[game]
    config = {**({"width": width} if game == "smb" else {}), **(overrides or {})}
    t0 = time.perf_counter()
    raw = ws.make(gid, playable=False, **config)(seed=0, n=seeds)
    final = ws.make(gid, **config)(seed=0, n=seeds)
    seconds = time.perf_counter() - t0
    train, val = real_split(game, data)
    gen = [lv.tiles for lv in final]
    tu = units(game, train, stride=1)
    gu, vu = units(game, gen), units(game, val)
    nov, copies = novelty(gu, tu)
    others = [[lv.tiles for lv in ws.make(gid, **config)(seed=k, n=seeds)] for k in range(1, repeats)]
    sets = [tpkl_mean(val, g) for g in [gen, *others]]
    spread = [(novelty(units(game, g), tu)[0], diversity(units(game, g))) for g in others]
    val_ok, train_ok = ([lv for lv in part if solve_tiles(lv, game) is not None] for part in (val, train))
    ref_nov, ref_copies = novelty(vu, tu)
    extra = {}
    if game == "smb":
        extra = {"copies_14x16": novelty(units(game, gen, width=16), units(game, train, 1, width=16))[1],
                 "real_copies_14x16": novelty(units(game, val, width=16), units(game, train, 1, width=16))[1],
                 "density": density_stats(gen), "real_train_density": density_stats(train)}
        if second:
            extra["agents"] = second_opinion(gen, data)
    return {
        "game": game, "seeds": seeds, "width": width if game == "smb" else None,
        "raw_playable": float(np.mean([lv.meta.extra["playable"] for lv in raw])),
        "final_playable": playability(gen, game), "real_val_playable": playability(val, game),
        "novelty": nov, "copies": copies, "real_novelty": ref_nov, "real_copies": ref_copies,
        "diversity": diversity(gu), "real_diversity": diversity(vu),
        "tpkl": sets[0], "real_tpkl": tpkl_mean(val, train), "tpkl_sets": sets,
        "novelty_sets": [nov] + [n for n, _ in spread], "diversity_sets": [diversity(gu)] + [d for _, d in spread],
        "tpkl_playable": tpkl_mean(val_ok, gen), "real_tpkl_playable": tpkl_mean(val_ok, train_ok),
        "playable_train_tpkl": tpkl_mean(val, train_ok), "real_train_playable": playability(train, game),
        "mean_attempts": float(np.mean([lv.meta.extra["attempts"] for lv in final])),
        "generate_seconds": round(seconds, 2), **extra,
    }


def _judge(tiles: np.ndarray) -> tuple[bool, str, int, float]:
    """The tile search's verdict; the A* agent's cause, furthest column and seconds."""
    t0 = time.perf_counter()
    run = astar_run(tiles)
    return smb_search(tiles)[0] is not None, run.cause, run.far, time.perf_counter() - t0


def agreement(levels: list[np.ndarray], jobs: int = 1) -> dict:
    """How the tile search and the A* agent judge ``levels`` (in ``jobs`` processes): counts of
    both finishing, only one, neither; the A* failures' causes; its seconds per level (mean,
    max). Failures list the level's index, the A* agent's cause and furthest column."""
    if jobs > 1:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            verdicts = pool.map(_judge, levels, chunksize=1)
    else:
        verdicts = [_judge(tiles) for tiles in levels]
    first, second, causes, seconds, failures = [], [], {}, [], []
    for i, (found, cause, far, secs) in enumerate(verdicts):
        seconds.append(secs)
        first.append(found)
        second.append(cause == "win")
        if cause != "win":
            causes[cause] = causes.get(cause, 0) + 1
            failures.append([i, cause, far])
    a, b = np.array(first, bool), np.array(second, bool)
    return {"levels": len(levels), "both": int((a & b).sum()), "search_only": int((a & ~b).sum()),
            "astar_only": int((~a & b).sum()), "neither": int((~a & ~b).sum()),
            "agree": float((a == b).mean()), "astar_causes": causes, "astar_failures": failures,
            "astar_seconds_mean": float(np.mean(seconds)), "astar_seconds_max": float(np.max(seconds))}


def stretches(levels: list[np.ndarray], width: int = 150, stride: int = 75) -> list[np.ndarray]:
    """``width``-column stretches of each level every ``stride`` columns (the last one flush
    with the level's end)."""
    out = []
    for lv in levels:
        starts = sorted({*range(0, max(1, lv.shape[1] - width + 1), stride), max(0, lv.shape[1] - width)})
        out += [lv[:, s:s + width] for s in starts]
    return out


def second_opinion(gen: list[np.ndarray], data: str | None, jobs: int = 1) -> dict:
    """:func:`agreement` on the generated levels and on the VGLC SMB levels (whole, stretches)."""
    real = list(load_levels("smb", data).values())
    return {"generated": agreement(gen, jobs), "vglc_levels": agreement(real, jobs),
            "vglc_150": agreement(stretches(real), jobs)}


def agents_table(row: dict, config: dict | None = None) -> str:
    """The agreement table of docs/levels.md (Markdown); ``config``: the generator's, if not the default."""
    head = ("| levels | n | both finish | tile search only | A* only | neither | agree | A* failures by cause "
            "| A* s/level (max) |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
    generated = ", ".join(f"`{k}={v}`" for k, v in (config or {}).items()) or "default config"
    names = {"generated": f"`{NEWEST['smb']}` ({generated})", "vglc_levels": "VGLC whole levels",
             "vglc_150": "VGLC 150-column stretches"}
    return head + "".join(
        f"| {names[k]} | {a['levels']} | {a['both']} | {a['search_only']} | {a['astar_only']} | {a['neither']} "
        f"| {a['agree']:.1%} | {', '.join(f'{c} {n}' for c, n in sorted(a['astar_causes'].items())) or '-'} "
        f"| {a['astar_seconds_mean']:.2f} ({a['astar_seconds_max']:.1f}) |\n"
        for k, a in row.items())


def agents_only(seeds: int, width: int, data: str | None, overrides: dict | None = None,
                jobs: int = 1) -> dict:
    """Only the second opinion: the final levels of ``seeds`` seeds, and VGLC."""
    t0 = time.perf_counter()
    final = ws.make(NEWEST["smb"], width=width, **(overrides or {}))(seed=0, n=seeds)
    seconds = time.perf_counter() - t0
    return {"game": "smb", "seeds": seeds, "width": width, "config": overrides or {},
            "generate_seconds": round(seconds, 2),
            "agents": second_opinion([lv.tiles for lv in final], data, jobs)}


def table(rows: list[dict]) -> str:
    """The evaluation table of docs/levels.md (Markdown)."""
    head = ("| game | raw VAE playable | final playable | novelty (copies) | real val novelty (copies) "
            "| diversity (real) | TPKL vs val | real TPKL (ratio) | ratio range over seed sets |\n"
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
    body = "".join(
        f"| {r['game']} | {r['raw_playable']:.1%} | {r['final_playable']:.1%} | {r['novelty']:.3f} "
        f"({r['copies']:.1%}) | {r['real_novelty']:.3f} ({r['real_copies']:.1%}) | {r['diversity']:.3f} "
        f"({r['real_diversity']:.3f}) | {r['tpkl']:.3f} | {r['real_tpkl']:.3f} ({r['tpkl'] / r['real_tpkl']:.2f}x) "
        f"| {_range(r)} |\n"
        for r in rows)
    return head + body


def _range(row: dict) -> str:
    """``min-max x (n sets)`` of the KL ratio over the scored seed sets."""
    ratios = [t / row["real_tpkl"] for t in row["tpkl_sets"]]
    return f"{min(ratios):.2f}-{max(ratios):.2f}x ({len(ratios)} sets)"


def main(argv: Sequence[str] | None = None) -> int:
    """Evaluate, print the table, write JSON with ``--out``; returns the exit code."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--game", choices=(*GAMES, "all"), default="all")
    p.add_argument("--seeds", type=int, default=500)
    p.add_argument("--width", type=int, default=200, help="SMB level width")
    p.add_argument("--data", default=None, help="VGLC game folder (one game only)")
    p.add_argument("--repeats", type=int, default=1, help="seed sets whose KL is scored (range)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="generator config for one game, e.g. ladder=false or weights=DIR")
    p.add_argument("--out", default=None, help="write the results as JSON here")
    p.add_argument("--dry-run", action="store_true", help="4 seeds, 56-column SMB levels")
    p.add_argument("--second-agent", action="store_true",
                   help="SMB: also play every level with the A* agent and report agreement (slow)")
    p.add_argument("--jobs", type=int, default=1, help="processes that play the A* agent")
    p.add_argument("--agents-only", action="store_true",
                   help="SMB: only the agreement of the two agents (implies --second-agent)")
    args = p.parse_args(argv)
    if args.dry_run:
        args.seeds, args.width = 4, 56
    games = GAMES if args.game == "all" else (args.game,)
    if args.set and len(games) > 1:
        p.error("--set needs --game")
    try:
        extra = _config_from_sets(NEWEST[games[0]], args.set)
        ws.make(NEWEST[games[0]], **extra)  # checks the values before any work
    except WorldsmithError as e:
        p.error(str(e))
    if args.agents_only:
        if games != ("smb",):
            p.error("--agents-only needs --game smb")
        rows = [agents_only(args.seeds, args.width, args.data, extra, args.jobs)]
    else:
        rows = [evaluate(g, args.seeds, args.width, args.data, args.repeats, extra, args.second_agent)
                for g in games]
        print(table(rows), end="")
    for r in rows:
        if "agents" in r:
            print(agents_table(r["agents"], r.get("config")), end="")
    for r in rows:
        if "density" in r:
            g, t = r["density"], r["real_train_density"]
            print(f"{r['game']} window density (16 columns, stride 8): mean {g['mean']:.3f} std {g['std']:.3f} "
                  f"bare {g['bare']:.1%}; training levels mean {t['mean']:.3f} std {t['std']:.3f} bare {t['bare']:.1%}")
    if args.out:
        write_atomic(Path(args.out), (json.dumps(rows, indent=1) + "\n").encode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
