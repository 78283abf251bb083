"""Stable line IDs of a :class:`PlotGraph` and its string table (``.csv``) for localisation.

Every beat has lines: its text (index 0, spoken by the ``narrator``) and its choices in graph
order (index 1, 2, ..., spoken by the ``player``). A line's ID is 12 hex digits of the SHA-256 of
the quest (title, generator, seed, config) with the beat id and the line's index, so the same
seed gives the same IDs, editing a line's text keeps its ID, and two quests do not share IDs.
Ink tags each line ``#id:<id>``, Yarn ``#line:<id>`` and Twee precedes it with the SugarCube
comment ``/* line:<id> */``. :func:`to_csv` writes the lines of every beat reachable from the
start along choices (whatever their conditions) as rows ``id,speaker,text,node``.

>>> from worldsmith.types.plot import PlotGraph, Beat, Choice
>>> g = PlotGraph(title="T", beats=[Beat("a", "Hi.", "start"), Beat("b", "Bye.", "ending"),
...     Beat("lost", "Never seen.")], choices=[Choice("a", "b", "Go")])
>>> [(line.speaker, line.text) for line in beat_lines(g)["a"]]
[('narrator', 'Hi.'), ('player', 'Go')]
>>> print(to_csv(g))
id,speaker,text,node
bc215a2c5d1b,narrator,Hi.,a
ab39a3ce1e98,player,Go,a
b3f73aee4aaa,narrator,Bye.,b
<BLANKLINE>
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass

from worldsmith.types.plot import PlotGraph

ID_DIGITS = 12
HEADER = ("id", "speaker", "text", "node")


@dataclass(frozen=True)
class Line:
    """One line of dialogue: its stable ``id``, ``speaker``, ``text`` and the beat (``node``) it is in."""

    id: str
    speaker: str
    text: str
    node: str


def _scope(graph: PlotGraph) -> str:
    meta = graph.meta
    return json.dumps([graph.title, meta.generator, str(meta.seed), meta.config], sort_keys=True, default=str)


def line_id(scope: str, node: str, index: int) -> str:
    """The ID of line ``index`` of beat ``node`` in the quest ``scope``."""
    key = f"{scope}\0{node}\0{index}".encode()
    return hashlib.sha256(key).hexdigest()[:ID_DIGITS]


def beat_lines(graph: PlotGraph) -> dict[str, list[Line]]:
    """Each beat's lines: its text, then one per choice from it in ``graph.choices`` order."""
    scope = _scope(graph)
    texts = {b.id: [("narrator", b.text)] for b in graph.beats}
    for c in graph.choices:
        texts[c.source].append(("player", c.text))
    return {node: [Line(line_id(scope, node, i), who, " ".join(text.split()), node)
                   for i, (who, text) in enumerate(said)] for node, said in texts.items()}


def reachable(graph: PlotGraph) -> list[str]:
    """Ids of the beats reachable from the start along choices (conditions ignored), in beat order."""
    seen, queue = {graph.start}, [graph.start]
    for node in queue:  # ``queue`` grows while we walk it
        for c in graph.choices_from(node):
            if c.target not in seen:
                seen.add(c.target)
                queue.append(c.target)
    return [b.id for b in graph.beats if b.id in seen]


def to_csv(graph: PlotGraph) -> str:
    """The string table of ``graph``: a header, then one row per line of every reachable beat."""
    lines = beat_lines(graph)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows((line.id, line.speaker, line.text, line.node) for node in reachable(graph)
                     for line in lines[node])
    return out.getvalue()
