"""How often a prompted level falls in the asked buckets, per attribute (docs/levels.md, "Prompts").

Each of ``--prompts`` random prompts (1 to 3 attributes of the game, a random bucket each; prompt
``i`` drawn from seed ``i``) makes one level with ``seed=i`` (``--baseline``: without the
prompt, the chance rate); the table counts, per attribute, how
many asked levels landed in the bucket (:func:`worldsmith.levels.prompt.bucket_of`), and the
share of prompts that every asked attribute meets. ``--thresholds`` prints the bucket edges of
:data:`worldsmith.levels.prompt.THRESHOLDS` recomputed from the VGLC training files.

    python tools/evaluate_prompts.py --game smb --prompts 200 --out benchmarks/results/prompts_eval.json
    python tools/evaluate_prompts.py --game loderunner --prompts 50 --out benchmarks/results/prompts_eval.json
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

import worldsmith as ws
from worldsmith.core.atomic import write_atomic
from worldsmith.core.seeding import rng
from worldsmith.levels.data import HOLDOUT, load_levels, split_names
from worldsmith.levels.family import NEWEST
from worldsmith.levels.prompt import ATTRIBUTES, COUNT_BUCKETS, LEVEL_ATTRIBUTES, LEVEL_BUCKETS, bucket_of, thresholds
from worldsmith.levels.search import features

GAMES = ("smb", "loderunner", "zelda")


def random_prompt(game: str, seed: int) -> dict[str, str]:
    """1 to 3 distinct attributes of ``game`` with a random bucket each."""
    r = rng(seed)
    words = list(ATTRIBUTES[game])
    picked = r.choice(len(words), size=int(r.integers(1, 4)), replace=False)
    return {words[i]: str(r.choice(LEVEL_BUCKETS if words[i] in LEVEL_ATTRIBUTES else COUNT_BUCKETS))
            for i in sorted(picked)}


def evaluate(game: str, n: int, evals: int, width: int, baseline: bool = False) -> dict:
    """Asked / hit counts per attribute and bucket over ``n`` prompts (``baseline``: the same
    seeds without the prompt, how often a bucket is met by chance)."""
    extra = {"width": width} if game == "smb" else {}
    asked: dict[str, int] = {}
    hit: dict[str, int] = {}
    all_hit, seconds = 0, []
    for i in range(n):
        want = random_prompt(game, i)
        text = ", ".join(f"{b} {w}" for w, b in want.items())
        t0 = time.perf_counter()
        level = ws.make(NEWEST[game], prompt="" if baseline else text, search_evals=evals, **extra)(seed=i)
        seconds.append(time.perf_counter() - t0)
        feats = features(level.tiles, game, level.path)
        ok = True
        for w, b in want.items():
            got = bucket_of(w, feats[ATTRIBUTES[game][w]], game, width if game == "smb" else None)
            key = f"{w}:{b}"
            asked[key] = asked.get(key, 0) + 1
            hit[key] = hit.get(key, 0) + (got == b)
            ok &= got == b
        all_hit += ok
    return {"prompts": n, "search_evals": evals, "width": width if game == "smb" else None,
            "seconds_per_call": float(np.mean(seconds)), "all_in_bucket": all_hit / n,
            "asked": asked, "hit": hit}


def table(game: str, res: dict) -> str:
    """A markdown table: rows attributes, columns buckets, cells hit/asked."""
    words = list(ATTRIBUTES[game])
    buckets = [b for b in COUNT_BUCKETS + LEVEL_BUCKETS if any(f"{w}:{b}" in res["asked"] for w in words)]
    lines = [f"| {game} | " + " | ".join(buckets) + " | all |", "| --- " * (len(buckets) + 2) + "|"]
    for w in words:
        cells = [f"{res['hit'][k]}/{res['asked'][k]}" if (k := f"{w}:{b}") in res["asked"] else "" for b in buckets]
        a = sum(v for k, v in res["asked"].items() if k.startswith(w + ":"))
        h = sum(v for k, v in res["hit"].items() if k.startswith(w + ":"))
        lines.append(f"| {w} | " + " | ".join(cells) + f" | {h}/{a} ({100 * h / max(1, a):.0f}%) |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--game", default="all", choices=GAMES + ("all",))
    ap.add_argument("--prompts", type=int, default=200)
    ap.add_argument("--evals", type=int, default=96, help="search_evals per call")
    ap.add_argument("--width", type=int, default=100, help="SMB level width")
    ap.add_argument("--thresholds", action="store_true", help="print the bucket edges from VGLC and stop")
    ap.add_argument("--baseline", action="store_true", help="the same seeds without the prompts (chance)")
    ap.add_argument("--out", default="")
    args = ap.parse_args()
    games = GAMES if args.game == "all" else (args.game,)
    if args.thresholds:
        for g in games:
            levels = load_levels(g)
            train, _ = split_names(list(levels), HOLDOUT[g], seed=0)
            print(g, thresholds(g, [levels[n] for n in train]))
        return
    results = {}
    for g in games:
        results[g + ("_baseline" if args.baseline else "")] = r = evaluate(g, args.prompts, args.evals, args.width,
                                                                           args.baseline)
        print(table(g, r))
        print(f"{g}: {r['prompts']} prompts, search_evals {r['search_evals']}, {r['seconds_per_call']:.1f} s a call, "
              f"every asked attribute in its bucket: {100 * r['all_in_bucket']:.0f}%\n", flush=True)
    if args.out:   # other games' results already in the file stay
        old = json.loads(Path(args.out).read_text()) if Path(args.out).exists() else {}
        write_atomic(args.out, (json.dumps({**old, **results}, indent=1, sort_keys=True) + "\n").encode())


if __name__ == "__main__":
    main()
