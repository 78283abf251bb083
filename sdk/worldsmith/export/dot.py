"""PlotGraph -> Graphviz DOT text, and Graphviz' ``dot`` binary run on it (``.png``, ``.svg``).

Beats are clustered by act, endings double-bordered, conditions and effects written on the edges.
:func:`render_dot` raises :class:`MissingDependencyError` when ``dot`` is not installed.

>>> from worldsmith.types.plot import PlotGraph, Beat, Choice
>>> g = PlotGraph(title="T", beats=[Beat("a", "Hi.", "start"), Beat("b", "Bye.", "ending")],
...               choices=[Choice("a", "b", "Go")])
>>> to_dot(g).splitlines()[-2]
'  "a" -> "b" [label="Go"];'
"""
from __future__ import annotations

import shutil
import subprocess
import textwrap
from typing import Any

from worldsmith.core.errors import ExportError, MissingDependencyError
from worldsmith.export.ink import condition as ink_condition
from worldsmith.types.plot import Beat, Choice, PlotGraph

_COLORS = {"hook": "#c8e6c9", "hub": "#bbdefb", "key": "#fff59d", "lock": "#ffcc80",
           "climax": "#e1bee7"}


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


def require_dot(fmt: str = "png") -> str:
    """The path of Graphviz' ``dot`` binary, or :class:`MissingDependencyError` saying how to get it."""
    exe = shutil.which("dot")
    if exe is None:
        raise MissingDependencyError(
            f".{fmt} plot export needs Graphviz' `dot` binary (e.g. `apt-get install graphviz`); "
            ".dot export works without it")
    return exe


def render_dot(dot: str, fmt: str) -> bytes:
    """Run Graphviz ``dot -T<fmt>`` on ``dot`` text."""
    exe = require_dot(fmt)
    proc = subprocess.run([exe, f"-T{fmt}"], input=dot.encode(), capture_output=True, check=False)
    if proc.returncode != 0:
        raise ExportError(f".{fmt}: dot failed: {proc.stderr.decode(errors='replace').strip()[:300]}")
    return proc.stdout
