"""Exporters of :class:`PlotGraph`: ``.ink`` ``.twee`` ``.yarn`` ``.json`` ``.dot`` ``.png`` ``.svg``.

``.json`` is the SDK's own schema and reads back exactly (``worldsmith.load``)::

    {"type": "PlotGraph", "schema": "worldsmith.plot/1", "title": str,
     "variables": {name: false | 0, ...},                      # initial values, bool or int
     "beats": [{"id": ident, "kind": "start"|"beat"|"ending", "text": str,
                "tags": {"act": int, "location": str, "cast": [str], "role": str, ...}}],
     "choices": [{"from": id, "to": id, "text": str,
                  "requires": [{"var": name, "op": "=="|"!="|">="|"<="|">"|"<", "value": v}],
                  "effects": [{"var": name, "op": "set"|"add", "value": v}]}],
     "meta": {"generator": str, "seed": int, "config": {...}, "version": str, ...}}

``.png``/``.svg`` run Graphviz' ``dot`` binary on the ``.dot`` text and raise
:class:`MissingDependencyError` when it is not installed.

>>> from worldsmith.types.plot import PlotGraph, Beat, Choice
>>> g = PlotGraph(title="T", beats=[Beat("a", "Hi.", "start"), Beat("b", "Bye.", "ending")],
...               choices=[Choice("a", "b", "Go")])
>>> from_json_text(to_json(g)) == g
True
"""
from __future__ import annotations

import json
import shutil
import subprocess
import textwrap
from pathlib import Path
from typing import Any

from worldsmith.core.errors import ExportError, FormatError, MissingDependencyError
from worldsmith.core.formats import register_check, register_reader, register_writer
from worldsmith.export.checks import check_plot
from worldsmith.export.ink import condition as ink_condition
from worldsmith.export.ink import to_ink
from worldsmith.export.twee import to_twee
from worldsmith.export.yarn import to_yarn
from worldsmith.types.base import AssetMeta
from worldsmith.types.plot import Beat, Choice, Condition, Effect, PlotGraph

SCHEMA = "worldsmith.plot/1"
_COLORS = {"hook": "#c8e6c9", "hub": "#bbdefb", "key": "#fff59d", "lock": "#ffcc80",
           "climax": "#e1bee7"}


def to_json(graph: PlotGraph) -> str:
    """The graph in the documented JSON schema (stable key order, UTF-8 text)."""
    term = lambda t: {"var": t.var, "op": t.op, "value": t.value}  # noqa: E731
    data = {"type": "PlotGraph", "schema": SCHEMA, "title": graph.title, "variables": graph.variables,
            "beats": [{"id": b.id, "kind": b.kind, "text": b.text, "tags": b.tags} for b in graph.beats],
            "choices": [{"from": c.source, "to": c.target, "text": c.text,
                         "requires": [term(t) for t in c.requires], "effects": [term(t) for t in c.effects]}
                        for c in graph.choices],
            "meta": graph.meta.to_dict()}
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def from_json_text(text: str, where: str = "plot JSON") -> PlotGraph:
    """Parse :func:`to_json` output; malformed input raises :class:`FormatError` naming ``where``."""
    try:
        data = json.loads(text)
        if data.get("schema") != SCHEMA:
            raise ValueError(f"schema {data.get('schema')!r} is not {SCHEMA!r}")
        return PlotGraph(
            title=_typed(data["title"], str, "title"),
            variables=_typed(data["variables"], dict, "variables"),
            beats=[Beat(_typed(b["id"], str, "beat id"), _typed(b["text"], str, "beat text"),
                        _typed(b["kind"], str, "beat kind"), _typed(b["tags"], dict, "beat tags"))
                   for b in data["beats"]],
            choices=[Choice(_typed(c["from"], str, "choice from"), _typed(c["to"], str, "choice to"),
                            _typed(c["text"], str, "choice text"),
                            [Condition(t["var"], t["op"], t["value"]) for t in c["requires"]],
                            [Effect(t["var"], t["op"], t["value"]) for t in c["effects"]])
                     for c in data["choices"]],
            meta=AssetMeta.from_dict(_typed(data["meta"], dict, "meta")))
    except json.JSONDecodeError as e:
        raise FormatError(f"{where}: not valid JSON ({e})") from None
    except KeyError as e:
        raise FormatError(f"{where}: missing field {e}") from None
    except (TypeError, ValueError, AttributeError) as e:
        raise FormatError(f"{where}: malformed plot graph ({e})") from None


def _typed(value: Any, kind: type, what: str) -> Any:
    if not isinstance(value, kind):
        raise TypeError(f"{what} should be {kind.__name__}, got {value!r}")
    return value


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _label(beat: Beat) -> str:
    body = textwrap.shorten(" ".join(beat.text.split()), 90, placeholder="...")
    return "\n".join([beat.id, *textwrap.wrap(body, 30)])


def _edge_label(c: Choice) -> str:
    words = textwrap.shorten(c.text, 40, placeholder="...")
    extra = [f"[{ink_condition(r)}]" for r in c.requires]
    extra += [f"{e.var} {'+=' if e.op == 'add' else '='} {str(e.value).lower()}" for e in c.effects]
    return "\n".join([words, *extra])


def to_dot(graph: PlotGraph) -> str:
    """Graphviz DOT text: beats clustered by act, endings double-bordered, conditions on edges."""
    lines = [f"digraph {_quote(graph.title)} {{",
             f"  graph [label={_quote(graph.title)}, labelloc=t, fontsize=18, fontname=Helvetica, rankdir=TB];",
             '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname=Helvetica, fontsize=10];',
             "  edge [fontname=Helvetica, fontsize=8, color=\"#555555\"];"]
    acts: dict[Any, list[Beat]] = {}
    for b in graph.beats:
        acts.setdefault(b.tags.get("act"), []).append(b)
    for act, beats in acts.items():
        inner = []
        for b in beats:
            style = {"ending": 'peripheries=2, fillcolor="#ffcdd2"', "start": 'penwidth=2, fillcolor="#c8e6c9"'}
            attrs = style.get(b.kind) or f'fillcolor="{_COLORS.get(b.tags.get("role"), "#ffffff")}"'
            inner.append(f"    {_quote(b.id)} [label={_quote(_label(b))}, {attrs}];")
        if isinstance(act, int) and not isinstance(act, bool):
            name = "Prologue" if act == 0 else "Finale" if any(b.tags.get("role") == "climax" for b in beats) \
                else f"Act {act}"
            lines += [f"  subgraph cluster_act{act} {{", f'    label="{name}"; style=dashed; color="#9e9e9e";',
                      *inner, "  }"]
        else:
            lines += [s[2:] for s in inner]
    for c in graph.choices:
        style = ', style=dashed, color="#e65100"' if c.requires else ""
        lines.append(f"  {_quote(c.source)} -> {_quote(c.target)} [label={_quote(_edge_label(c))}{style}];")
    return "\n".join(lines + ["}"]) + "\n"


def render_dot(dot: str, fmt: str) -> bytes:
    """Run Graphviz ``dot -T<fmt>`` on ``dot`` text."""
    exe = shutil.which("dot")
    if exe is None:
        raise MissingDependencyError(
            f".{fmt} plot export needs Graphviz' `dot` binary (e.g. `apt-get install graphviz`); "
            ".dot export works without it")
    proc = subprocess.run([exe, f"-T{fmt}"], input=dot.encode(), capture_output=True, check=False)
    if proc.returncode != 0:
        raise ExportError(f".{fmt}: dot failed: {proc.stderr.decode(errors='replace').strip()[:300]}")
    return proc.stdout


def _read_json(path: Path) -> PlotGraph:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise FormatError(f"{path}: not UTF-8 text ({e})") from None
    return from_json_text(text, str(path))


def _text_writer(fn):
    return lambda graph, name: {name: fn(graph).encode("utf-8")}


for _fmt, _fn in (("ink", to_ink), ("twee", to_twee), ("yarn", to_yarn), ("json", to_json), ("dot", to_dot)):
    register_writer(PlotGraph, _fmt, _text_writer(_fn))
for _fmt in ("png", "svg"):
    register_writer(PlotGraph, _fmt, lambda graph, name, fmt=_fmt: {name: render_dot(to_dot(graph), fmt)})
register_reader(PlotGraph, "json", _read_json)
register_check(PlotGraph, check_plot)
