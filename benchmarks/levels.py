"""Benchmark the level generators on the CPU against a baseline commit measured in the same run:
one playable item (p50, p90, their ratio over seeds 0-299, timed in 20 rounds of 15 with the
items in turn, so a slow spell of the host falls on all of them), a batch of 64 (per item, against the
same 64 seeds made one call each; 7 of each in turn, medians) and the SMB level by width (cost per
column from 200 to 3,200 columns).

The cost per column is the mean over the same number of columns at each width (64,000: 320 levels
of 200 columns, 20 of 3,200): what a build of many levels pays. A median would compare unlike
things: at 200 columns most levels need no re-sample and the median is one of those, while a
level of 3,200 columns re-samples as often per column as the 200-column levels do on average.

    python benchmarks/levels.py --out benchmarks/results/levels.json                    # this checkout
    python benchmarks/levels.py --baseline 7511210 --out benchmarks/results/levels.json  # + before (make bench)
    python benchmarks/levels.py --quick                                                # a smoke run

Items: a 200-column SMB level (``levels/smb-v3``, the newest, and ``levels/smb-v2``, each with
the A* route; ``levels/smb-v1``, the tile search alone), a 22x32 Lode Runner level, a 16x11 Zelda
room; each decoded, repaired, re-sampled until its agent solves it, with its path (the default
config). Seeds 0, 1, 2... on both sides: the generators make the same levels byte for byte at
both commits, so both sides time the same work (a baseline without ``levels/smb-v3`` times its
``levels/smb-v2`` there: the same levels but where a re-sample's rounding tips a tile, 1 in 100).
One torch thread (the library's default), an otherwise idle machine, each side in its own
process (the baseline's ``sdk/`` from a git worktree, its C extensions built there). Writes the
JSON and prints the tables as Markdown.
"""
from __future__ import annotations

import sys
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import baseline_cli, json_and_md, run_both, timed  # noqa: E402

CASES = {"SMB level, 200 columns (`levels/smb-v3`)": ("levels/smb-v3", {"width": 200}),
         "SMB level, 200 columns (`levels/smb-v2`)": ("levels/smb-v2", {"width": 200}),
         "SMB level, 200 columns, tile search only (`levels/smb-v1`)": ("levels/smb-v1", {"width": 200}),
         "Lode Runner level, 22x32": ("levels/loderunner-v1", {}),
         "Zelda room, 16x11": ("levels/zelda-v1", {})}
WIDTHS = (200, 800, 3200)
COLUMNS = 64_000  # columns made per width (a smoke run: an eighth): 320 levels of 200, 20 of 3,200
SMB = ("levels/smb-v3", "levels/smb-v2", "levels/smb-v1")
WARMUP = 10  # calls before each item is timed
ROUNDS = 20  # the items in turn (15 seeds each, seeds 0-299), the widths likewise (3,200 columns each)
BEFORE = {"levels/smb-v3": "levels/smb-v2"}  # what a baseline without the id times in its place


def _forget() -> None:
    """Empty the route's verdict cache of climbs (:func:`smb_route._window_climbs`): the SMB
    generators share it, and one timed after another on the same seeds, or a batch's seeds made
    again one by one, would find the same climbs asked already."""
    from worldsmith.levels.agents import smb_route

    smb_route._window_climbs.cache_clear()


def _make(ws: Any, gid: str, **config: Any) -> Any:
    """``ws.make(gid, **config)``, or its :data:`BEFORE` where this ``worldsmith`` lacks ``gid``."""
    known = ws.list_generators()
    return ws.make(gid if gid in known else BEFORE[gid], **config)


def measure(quick: bool) -> dict[str, Any]:
    """All figures of this process's ``worldsmith`` (whichever ``sdk/`` it imports), in ms."""
    import torch

    import worldsmith as ws
    from worldsmith.core.seeding import child_seeds

    torch.set_num_threads(1)
    rounds, runs, batch_runs = (2, 3, 1) if quick else (ROUNDS, 300 // ROUNDS, 7)
    out: dict[str, Any] = {"items": {}, "smb_width": {}}
    gens = {name: _make(ws, gid, **config) for name, (gid, config) in CASES.items()}
    one: dict[str, list[np.ndarray]] = {name: [] for name in CASES}
    for r in range(rounds):                                        # rounds: a slow spell of the host hits all
        for name, gen in gens.items():
            timed(lambda i: gen(seed=100_000 + i), 0 if r else WARMUP, warmup=0)   # each shape's kernels
            _forget()
            one[name].append(timed(lambda i: gen(seed=r * runs + i), runs, warmup=0) * 1e3)
    for name, gen in gens.items():
        times = np.concatenate(one[name])
        gen(seed=100_000, n=64)
        batch, alone = [], []
        for i in range(batch_runs):                                # in turn: a slow spell hits both sides
            batch.append(timed(lambda _: (_forget(), gen(seed=i, n=64))[1], 1, warmup=0)[0] * 1e3 / 64)
            alone.append(timed(lambda _: (_forget(), [gen(seed=s) for s in child_seeds(i, 64)])[1], 1,
                               warmup=0)[0] * 1e3 / 64)
        out["items"][name] = {"p50": float(np.median(times)), "p90": float(np.percentile(times, 90)),
                              "batch64_per_item": float(np.median(batch)), "alone_per_item": float(np.median(alone))}
    columns = COLUMNS // 8 if quick else COLUMNS
    widths = {(gid, width): _make(ws, gid, width=width) for gid in SMB for width in (WIDTHS[:2] if quick else WIDTHS)}
    spent: dict[tuple[str, int], list[np.ndarray]] = {key: [] for key in widths}
    for r in range(rounds):                                        # in turn, as the items
        for (gid, width), gen in widths.items():
            k = columns // width // rounds                           # levels a round: 16 of 200 columns, 1 of 3,200
            _forget()
            spent[gid, width].append(timed(lambda i: gen(seed=r * k + i), k, warmup=0 if r else 2) * 1e3)
    for (gid, width), times in spent.items():
        out["smb_width"][f"{gid} {width}"] = float(np.mean(np.concatenate(times)))
    return out


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.2f}"


def _ratio(new: float | None, old: float | None) -> str:
    return "-" if new is None or not old else f"{new / old:.2f}x"


def markdown(results: dict[str, Any]) -> str:
    """Two tables: items (p50, p90, p90/p50; a batch of 64 per item, the same 64 items made one call
    each, and their ratio; before in brackets) and SMB by width (ms, and the cost per column
    against 200 columns)."""
    new, old, rev = results["new"], results.get("baseline", {}), results.get("baseline_rev")
    before = f" (before: `{rev}`)" if rev else ""
    lines = [f"**One item and a batch of 64** (ms, 1 torch thread{before})", "",
             "| item | p50 | p90 | p90 / p50 | batch of 64, per item | the same 64 one by one | batch / one by one |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]

    def both(fmt, now, then) -> str:
        return fmt(now) + (f" ({fmt(then)})" if then is not None else "")

    for name, row in new["items"].items():
        was = old.get("items", {}).get(name, {})
        cells = [both(_ms, row["p50"], was.get("p50")), both(_ms, row["p90"], was.get("p90")),
                 both(lambda r: f"{r:.2f}", row["p90"] / row["p50"],
                      was["p90"] / was["p50"] if was else None),
                 both(_ms, row["batch64_per_item"], was.get("batch64_per_item")),
                 both(_ms, row["alone_per_item"], was.get("alone_per_item")),
                 both(lambda r: f"{r:.2f}", row["batch64_per_item"] / row["alone_per_item"],
                      was["batch64_per_item"] / was["alone_per_item"] if was else None)]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", f"**SMB level by width** (ms, the mean over {COLUMNS:,} columns of levels; cost per column "
              f"against 200 columns{before})", "",
              "| generator | columns | ms | per column vs 200 | before: ms | before: per column vs 200 "
              "| now / before |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for key, ms in new["smb_width"].items():
        gid, width = key.rsplit(" ", 1)
        then = old.get("smb_width", {}).get(key)

        def growth(side: dict, value: float | None) -> str:
            base = side.get("smb_width", {}).get(f"{gid} {WIDTHS[0]}")
            return "-" if value is None or not base else f"{value / int(width) / (base / WIDTHS[0]):.2f}x"

        lines.append(f"| `{gid}` | {int(width):,} | {_ms(ms)} | {growth(new, ms)} | {_ms(then)} | "
                     f"{growth(old, then)} | {_ratio(ms, then)} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Measure (``--measure FILE``: this process only) or run everything; returns 0."""
    return baseline_cli(__doc__, measure, partial(run_both, __file__), markdown, json_and_md, argv)


if __name__ == "__main__":
    sys.exit(main())
