"""Exporters of :class:`PlotGraph`: ``.ink`` ``.twee`` ``.yarn`` ``.csv`` ``.json`` ``.dot`` ``.png`` ``.svg``.

``.json`` is the SDK's own schema (:mod:`worldsmith.types.plot_json`) and reads back exactly
(``worldsmith.load``); every plot read is checked by :func:`check_plot`. ``.csv`` is the string
table of the lines whose stable IDs the dialogue formats tag (:mod:`worldsmith.export.lines`).
``.png``/``.svg`` run Graphviz' ``dot`` binary on the ``.dot`` text (:mod:`worldsmith.export.dot`).

>>> from worldsmith.types.plot import PlotGraph, Beat, Choice
>>> g = PlotGraph(title="T", beats=[Beat("a", "Hi.", "start"), Beat("b", "Bye.", "ending")],
...               choices=[Choice("a", "b", "Go")])
>>> check_plot(g, "t.json") is None
True
>>> try:
...     check_plot(PlotGraph(title="T", beats=[Beat("a", "Hi.", "start")], choices=[Choice("a", "z", "Go")]), "t.json")
... except Exception as e:
...     print(e)
t.json: choice 'a' -> 'z' names a missing beat
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from worldsmith.core.errors import FormatError
from worldsmith.core.formats import register_check, register_reader, register_requirement, register_writer
from worldsmith.export.dot import render_dot, require_dot, to_dot
from worldsmith.export.ink import to_ink
from worldsmith.export.lines import to_csv
from worldsmith.export.twee import to_twee
from worldsmith.export.yarn import to_yarn
from worldsmith.types.plot import EFFECT_OPS, KINDS, OPS, PlotGraph
from worldsmith.types.plot_json import from_json_text, to_json


def check_plot(graph: PlotGraph, where: str) -> None:
    """Beat ids are unique, there is one start beat, every choice joins two beats, and every
    condition and effect uses a declared variable with a known operator and a value of its type
    (so a runner never meets a name or an operator it does not know)."""
    ids = [b.id for b in graph.beats]
    if len(set(ids)) != len(ids):
        raise FormatError(f"{where}: duplicate beat ids")
    if sum(b.kind == "start" for b in graph.beats) != 1:
        raise FormatError(f"{where}: expected exactly one start beat")
    for b in graph.beats:
        if b.kind not in KINDS:
            raise FormatError(f"{where}: beat {b.id!r} has kind {b.kind!r}; expected one of {', '.join(KINDS)}")
    for name, value in graph.variables.items():
        if not isinstance(value, int):
            raise FormatError(f"{where}: variable {name!r} starts as {value!r}; expected a bool or an int")
    known = set(ids)
    for c in graph.choices:
        if c.source not in known or c.target not in known:
            raise FormatError(f"{where}: choice {c.source!r} -> {c.target!r} names a missing beat")
        for rule, ops in [*((r, OPS) for r in c.requires), *((e, EFFECT_OPS) for e in c.effects)]:
            _check_rule(graph.variables, rule, ops, f"{where}: choice {c.source!r} -> {c.target!r}")


def _check_rule(variables: dict, rule, ops, where: str) -> None:
    """A condition or effect names a declared variable, a known operator and a value of the
    variable's type (``add`` only on int counters)."""
    if rule.var not in variables:
        raise FormatError(f"{where} uses undeclared variable {rule.var!r}")
    if rule.op not in ops:
        raise FormatError(f"{where}: operator {rule.op!r} on {rule.var!r}; expected one of {', '.join(ops)}")
    is_flag = isinstance(variables[rule.var], bool)
    if not isinstance(rule.value, int) or isinstance(rule.value, bool) != is_flag or (is_flag and rule.op == "add"):
        kind = "a bool (it is a flag)" if is_flag else "an int (it is a counter)"
        raise FormatError(f"{where}: {rule.var!r} {rule.op} {rule.value!r}; expected {kind}")


def _read_json(path: Path) -> PlotGraph:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise FormatError(f"{path}: not UTF-8 text ({e})") from None
    return from_json_text(text, str(path))


def _text_writer(fn: Callable[[PlotGraph], str]):
    return lambda graph, name: {name: fn(graph).encode("utf-8")}


for _fmt, _fn in (("ink", to_ink), ("twee", to_twee), ("yarn", to_yarn), ("csv", to_csv), ("json", to_json),
                  ("dot", to_dot)):
    register_writer(PlotGraph, _fmt, _text_writer(_fn))
for _fmt in ("png", "svg"):
    register_writer(PlotGraph, _fmt, lambda graph, name, fmt=_fmt: {name: render_dot(to_dot(graph), fmt)})
    register_requirement(PlotGraph, _fmt, lambda fmt=_fmt: require_dot(fmt))
register_reader(PlotGraph, "json", _read_json)
register_check(PlotGraph, check_plot)
