"""The plot-graph asset: beats (nodes) joined by choices (edges) over a few state variables.

A :class:`PlotGraph` is the one source of truth for a branching story; Ink, Twee, Yarn, JSON
and DOT are exporters of it (registered by ``worldsmith.plots.export``; the JSON codec is
:mod:`worldsmith.types.plot_json`).

>>> g = PlotGraph(title="Gate", variables={"has_key": False}, beats=[
...     Beat("gate", "A locked gate.", "start"), Beat("shed", "A rusty key."),
...     Beat("free", "You are free.", "ending")], choices=[
...     Choice("gate", "shed", "Search the shed", requires=[Condition("has_key", "==", False)]),
...     Choice("shed", "gate", "Go back", effects=[Effect("has_key", "set", True)]),
...     Choice("gate", "free", "Unlock the gate", requires=[Condition("has_key", "==", True)])])
>>> g.start, g.endings, [c.text for c in g.choices_from("gate")]
('gate', ['free'], ['Search the shed', 'Unlock the gate'])
"""
from __future__ import annotations

import operator
from dataclasses import dataclass, field
from typing import Any, Callable, Union

from worldsmith.types.base import Asset, AssetMeta

Value = Union[bool, int]
KINDS = ("start", "beat", "ending")
#: comparison operators a :class:`Condition` may use
OPS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq, "!=": operator.ne, ">=": operator.ge, "<=": operator.le,
    ">": operator.gt, "<": operator.lt}
#: what an :class:`Effect` does to its variable
EFFECT_OPS = ("set", "add")


@dataclass
class Condition:
    """``var op value``, e.g. ``Condition("trust", ">=", 2)`` or ``Condition("has_key", "==", True)``."""

    var: str
    op: str
    value: Value

    def holds(self, values: dict[str, Value]) -> bool:
        """True when the condition holds for the variable ``values``."""
        return OPS[self.op](values[self.var], self.value)

    @property
    def flag_test(self) -> bool | None:
        """For a bool (in)equality: True if it asks that the flag be set, False if unset; else None."""
        if isinstance(self.value, bool) and self.op in ("==", "!="):
            return (self.op == "==") == self.value
        return None


@dataclass
class Effect:
    """``set`` a variable to ``value`` or ``add`` ``value`` to a counter."""

    var: str
    op: str
    value: Value

    def apply(self, values: dict[str, Value]) -> None:
        """Apply the effect to ``values`` in place."""
        values[self.var] = self.value if self.op == "set" else values[self.var] + self.value


@dataclass
class Beat:
    """A story node: ``kind`` is start, beat or ending; ``tags`` hold act, location, cast..."""

    id: str
    text: str
    kind: str = "beat"
    tags: dict[str, Any] = field(default_factory=dict)


@dataclass
class Choice:
    """An edge ``source -> target`` shown as ``text``, enabled when all ``requires`` hold."""

    source: str
    target: str
    text: str
    requires: list[Condition] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)

    def enabled(self, values: dict[str, Value]) -> bool:
        """True when every requirement holds for ``values``."""
        return all(c.holds(values) for c in self.requires)


@dataclass(eq=False)
class PlotGraph(Asset):
    """A branching story: ``beats`` (one ``start``, some ``ending``), ``choices`` between them and
    the initial ``variables`` (bool flags and small int counters) the choices read and change."""


    title: str = "Untitled"
    beats: list[Beat] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)
    variables: dict[str, Value] = field(default_factory=dict)
    meta: AssetMeta = field(default_factory=AssetMeta)

    @property
    def start(self) -> str:
        """The id of the start beat (the first beat of kind ``start``)."""
        return next(b.id for b in self.beats if b.kind == "start")

    @property
    def endings(self) -> list[str]:
        """Ids of the ending beats, in beat order."""
        return [b.id for b in self.beats if b.kind == "ending"]

    def beat(self, id: str) -> Beat:
        """The beat called ``id`` (KeyError if none)."""
        for b in self.beats:
            if b.id == id:
                return b
        raise KeyError(id)

    def choices_from(self, id: str) -> list[Choice]:
        """The choices leaving beat ``id``, in order."""
        return [c for c in self.choices if c.source == id]

    def to_networkx(self):
        """A ``networkx.MultiDiGraph``: beats as nodes (their fields as attributes), choices as edges."""
        import networkx as nx  # lazy: networkx (0.1 s), start-up time

        g = nx.MultiDiGraph(title=self.title, variables=dict(self.variables))
        for b in self.beats:
            g.add_node(b.id, text=b.text, kind=b.kind, **b.tags)
        for c in self.choices:
            g.add_edge(c.source, c.target, text=c.text, requires=c.requires, effects=c.effects)
        return g
