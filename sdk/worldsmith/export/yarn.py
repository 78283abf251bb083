"""PlotGraph -> Yarn Spinner 2 source (``.yarn``): one node per beat, the start node first.

The start beat's node is titled ``Start`` and declares every variable (``<<declare>>``);
choices are options ``-> text <<if cond>>`` whose bodies ``<<set>>`` effects (never ``+=``,
which yarn-bound rejects) and ``<<jump>>`` to the target. Endings simply end their node. Each
line and option ends with its stable ID as the hashtag ``#line:<id>``
(:mod:`worldsmith.export.lines`; yarn-bound shows it in ``hashtags``).

>>> from worldsmith.types.plot import PlotGraph, Beat, Choice, Condition
>>> g = PlotGraph(title="T", variables={"n": 0}, beats=[Beat("a", "Hi.", "start"),
...     Beat("b", "Bye.", "ending")], choices=[Choice("a", "b", "Go", [Condition("n", "<", 2)])])
>>> print(to_yarn(g).split("---", 1)[1].split("===")[0].strip())
<<declare $n = 0>>
Hi. #line:bc215a2c5d1b
-> Go <<if $n < 2>> #line:ab39a3ce1e98
    <<jump b>>
"""
from __future__ import annotations

import json
import re

from worldsmith.export import dollar
from worldsmith.export.lines import beat_lines
from worldsmith.types.plot import Condition, PlotGraph

_SPECIAL = re.compile(r"([\\{}\[\]<>#/:])")


def escape(text: str) -> str:
    """``text`` as one literal Yarn line (markup characters backslash-escaped)."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def title(graph: PlotGraph, id: str) -> str:
    """The Yarn node title of beat ``id``: ``Start`` for the start beat, else the id."""
    if id == graph.start:
        return "Start"
    return id + "_" if id == "Start" else id


def condition(c: Condition) -> str:
    """A requirement as a Yarn expression: ``$has_key``, ``not $has_key``, ``$trust >= 2``."""
    return dollar.condition(c)


def to_yarn(graph: PlotGraph) -> str:
    """The Yarn 2 source of ``graph``."""
    out: dict[str, list] = {b.id: [] for b in graph.beats}
    for c in graph.choices:
        out[c.source].append(c)
    start = graph.beat(graph.start)
    ids = beat_lines(graph)
    nodes = []
    for beat in [start] + [b for b in graph.beats if b is not start]:
        tags = [beat.kind] + ([f"act{beat.tags['act']}"] if "act" in beat.tags else [])
        body = [f"<<declare ${n} = {json.dumps(v)}>>" for n, v in graph.variables.items()] if beat is start else []
        said, *options = ids[beat.id]
        body.append(f"{escape(beat.text)} #line:{said.id}")
        for c, line in zip(out[beat.id], options):
            cond = f" <<if {' and '.join(map(condition, c.requires))}>>" if c.requires else ""
            body.append(f"-> {escape(c.text)}{cond} #line:{line.id}")
            body += [f"    <<set {dollar.assignment(e)}>>" for e in c.effects]
            body.append(f"    <<jump {title(graph, c.target)}>>")
        nodes.append(f"title: {title(graph, beat.id)}\ntags: {' '.join(tags)}\n---\n" + "\n".join(body) + "\n===")
    return "\n".join(nodes) + "\n"
