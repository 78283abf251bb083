"""PlotGraph -> Twee 3 source (``.twee``) for the SugarCube 2 story format.

``StoryData`` names SugarCube and a deterministic IFID (a UUID derived from the graph, so the
same seed gives the same file); ``StoryInit`` sets the variables; each beat is a passage whose
choices are links, conditional ones wrapped in ``<<if>>`` and effects written as setter links
``[[text|target][$x to true]]``. Endings carry the ``ending`` tag. Twee has no line tags, so
each line (the passage text, each link) is preceded by its stable ID in a SugarCube comment
``/* line:<id> */``, which SugarCube drops when it renders (:mod:`worldsmith.export.lines`).

>>> from worldsmith.types.plot import PlotGraph, Beat, Choice, Effect
>>> g = PlotGraph(title="T", variables={"k": False}, beats=[Beat("a", "Hi.", "start"),
...     Beat("b", "Bye.", "ending")], choices=[Choice("a", "b", "Go", effects=[Effect("k", "set", True)])])
>>> print(to_twee(g).split(":: a [start]")[1].strip())
/* line:bc215a2c5d1b */Hi.
<BLANKLINE>
/* line:ab39a3ce1e98 */[[Go|b][$k to true]]
<BLANKLINE>
:: b [ending]
/* line:b3f73aee4aaa */Bye.
"""
from __future__ import annotations

import hashlib
import json
import uuid

from worldsmith.export import dollar
from worldsmith.export.lines import beat_lines
from worldsmith.types.plot import Condition, PlotGraph
from worldsmith.types.plot_json import to_json

FORMAT, FORMAT_VERSION = "SugarCube", "2.37.3"
_MARKUP = ("[[", "]]", "<<", ">>", "$", "_", "//", "''", "@@", "{{{", "~~", "^^", "==", "/*", "<!--")
_OPS = {"==": "is", "!=": "isnot", ">=": "gte", "<=": "lte", ">": "gt", "<": "lt"}


def ifid(graph: PlotGraph) -> str:
    """A stable upper-case UUID for ``graph`` (a hash of its content, seed and config included)."""
    digest = hashlib.sha256(to_json(graph).encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4)).upper()


def _text(text: str) -> str:
    text = " ".join(text.split())
    return f'"""{text}"""' if any(m in text for m in _MARKUP) else text


def _link_text(text: str) -> str:
    return " ".join(text.split()).translate(str.maketrans("[]|", "()/"))


def condition(c: Condition) -> str:
    """A requirement as a SugarCube expression: ``$has_key``, ``not $has_key``, ``$trust gte 2``."""
    return dollar.condition(c, _OPS)


def to_twee(graph: PlotGraph) -> str:
    """The Twee 3 source of ``graph``."""
    data = {"ifid": ifid(graph), "format": FORMAT, "format-version": FORMAT_VERSION, "start": graph.start}
    parts = [f":: StoryTitle\n{' '.join(graph.title.split())}", f":: StoryData\n{json.dumps(data, indent=2)}"]
    init = [f"<<set ${name} to {json.dumps(v)}>>" for name, v in graph.variables.items()]
    parts.append(":: StoryInit\n" + "\n".join(init))
    out: dict[str, list] = {b.id: [] for b in graph.beats}
    for c in graph.choices:
        out[c.source].append(c)
    ids = beat_lines(graph)
    for beat in graph.beats:
        tags = [beat.kind] if beat.kind != "beat" else []
        tags += [f"act{beat.tags['act']}"] if "act" in beat.tags else []
        said, *options = ids[beat.id]
        links = []
        for c, line in zip(out[beat.id], options):
            setter = f"[{'; '.join(map(dollar.assignment, c.effects))}]" if c.effects else ""
            link = f"/* line:{line.id} */[[{_link_text(c.text)}|{c.target}]{setter}]"
            if c.requires:
                link = f"<<if {' and '.join(map(condition, c.requires))}>>{link}<</if>>"
            links.append(link)
        body = f"/* line:{said.id} */{_text(beat.text)}" + ("\n\n" + "\n".join(links) if links else "")
        parts.append(f":: {beat.id} [{' '.join(tags)}]\n{body}" if tags else f":: {beat.id}\n{body}")
    return "\n\n".join(parts) + "\n"
