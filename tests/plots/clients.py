"""Python driver for the node clients in tests/plots/js/clients.js (inkjs, yarn-bound, extwee).

``problems(graphs)`` exports each graph and returns, per graph, the list of disagreements found
by the real clients: compile errors or warnings, runtime errors, endings or beats never reached
by exhaustive play, line IDs the runtimes show (ink tags, Yarn hashtags, Twee comments) that are
not those of the string table, Twee passages or links that do not match, and PlotRunner walks that
differ from the inkjs walk of the same ink. Used by the tests and by tools/evaluate_plots.py.
"""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Sequence

from worldsmith.export.ink import to_ink
from worldsmith.export.lines import beat_lines, reachable
from worldsmith.export.twee import ifid, to_twee
from worldsmith.export.yarn import title, to_yarn
from worldsmith.plots.runner import PlotRunner
from worldsmith.types.plot import PlotGraph

SCRIPT = Path(__file__).with_name("js") / "clients.js"
REPO = Path(__file__).resolve().parents[2]
WALKS = ([0], [1], [2, 0, 1], [1, 3, 0, 2])
_LINK = re.compile(r"\[\[[^|\]]*\|([^\]]+)\]")
_LINE_ID = re.compile(r"/\* line:(\w+) \*/")


def run_jobs(jobs: list[dict], timeout: float = 900) -> list[dict]:
    """Run client jobs in one node process."""
    proc = subprocess.run(["node", str(SCRIPT)], input=json.dumps(jobs), capture_output=True,
                          text=True, cwd=REPO, timeout=timeout, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"node clients failed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout)


def _jobs(graph: PlotGraph) -> list[dict]:
    ink = to_ink(graph)
    return [{"kind": "ink", "src": ink, "endings": graph.endings, "vars": list(graph.variables)},
            {"kind": "yarn", "src": to_yarn(graph)}, {"kind": "twee", "src": to_twee(graph)},
            *({"kind": "walk", "src": ink, "picks": picks} for picks in WALKS)]


def runner_walk(graph: PlotGraph, picks: Sequence[int]) -> list[list]:
    """The PlotRunner walk choosing ``picks[step] % n`` each step, as clients.js walks ink."""
    run, steps = PlotRunner(graph), []
    for step in range(502):
        choices = run.choices
        steps.append([run.text, choices])
        if run.ended:
            break
        run.choose(picks[step % len(picks)] % len(choices))
    return steps


def string_table_ids(graph: PlotGraph) -> set[str]:
    """The IDs of the lines in ``graph``'s ``.csv`` string table."""
    lines = beat_lines(graph)
    return {line.id for node in reachable(graph) for line in lines[node]}


def _id_problems(client: str, graph: PlotGraph, shown: list[str], prefix: str) -> list[str]:
    ids = {t.removeprefix(prefix) for t in shown if t.startswith(prefix)}
    table = string_table_ids(graph)
    if ids == table:
        return []
    return [f"{client}: {len(table - ids)} line IDs never shown, {len(ids - table)} not in the string table"]


def ink_problems(graph: PlotGraph, r: dict) -> list[str]:
    """What an inkjs exploration result ``r`` of ``graph`` disagrees with."""
    out = [f"ink error: {e}" for e in r["errors"]] + [f"ink warning: {w}" for w in r["warnings"]]
    out += [f"ink runtime: {e}" for e in r["runtimeErrors"][:3]] + (["ink: state cap hit"] if r["capped"] else [])
    if r["endings"] != sorted(graph.endings):
        out.append(f"ink endings reached {r['endings']} != {sorted(graph.endings)}")
    missing = sorted({b.id for b in graph.beats} - set(r["knots"]))
    out += [f"ink knots never visited: {missing}"] if missing else []
    return out + _id_problems("ink", graph, r["tags"], "id:")


def _yarn_problems(graph: PlotGraph, r: dict) -> list[str]:
    out = [f"yarn: {e}" for e in r["errors"][:3]] + (["yarn: state cap hit"] if r["capped"] else [])
    endings = sorted(title(graph, e) for e in graph.endings)
    if r["endings"] != endings:
        out.append(f"yarn endings reached {r['endings']} != {endings}")
    missing = sorted({title(graph, b.id) for b in graph.beats} - set(r["nodes"]))
    out += [f"yarn nodes never visited: {missing}"] if missing else []
    return out + _id_problems("yarn", graph, r["hashtags"], "line:")


def _twee_problems(graph: PlotGraph, r: dict) -> list[str]:
    if "error" in r:
        return [f"twee parse: {r['error']}"]
    names = {p["name"] for p in r["passages"]}
    out = []
    if names != {b.id for b in graph.beats} | {"StoryInit"}:
        out.append(f"twee passages {sorted(names)[:5]}... do not match the beats")
    if (r["start"], r["format"], r["ifid"]) != (graph.start, "SugarCube", ifid(graph)):
        out.append(f"twee story data {r['start']!r} {r['format']!r} {r['ifid']!r} is wrong")
    targets = {t for p in r["passages"] for t in _LINK.findall(p["text"])}
    out += [f"twee link to unknown passage {t!r}" for t in sorted(targets - names)]
    shown = [f"line:{i}" for p in r["passages"] for i in _LINE_ID.findall(p["text"])]
    return out + _id_problems("twee", graph, shown, "line:")


def problems(graphs: Sequence[PlotGraph]) -> list[list[str]]:
    """For each graph, what the real clients disagree with (empty when all is well)."""
    jobs = [job for g in graphs for job in _jobs(g)]
    results = run_jobs(jobs)
    per = len(jobs) // len(graphs) if graphs else 0
    out = []
    for i, graph in enumerate(graphs):
        ink, yarn, twee, *walks = results[i * per:(i + 1) * per]
        found = ink_problems(graph, ink) + _yarn_problems(graph, yarn) + _twee_problems(graph, twee)
        for picks, walk in zip(WALKS, walks):
            if walk["steps"] != runner_walk(graph, picks):
                found.append(f"PlotRunner walk {picks} differs from the inkjs walk")
        out.append(found)
    return out
