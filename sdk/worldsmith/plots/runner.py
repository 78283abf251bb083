"""Play a :class:`PlotGraph` at runtime: current text, available choices, choose, state, ended.

Its walk matches the inkjs walk of the exported ``.ink`` (same text, same choices in the same
order, hidden when their requirements fail); tests/plots checks this on many seeds.

>>> import worldsmith as ws
>>> run = PlotRunner(ws.make("plots/quest-v1", acts=1, endings=1)(seed=2))
>>> while not run.ended:
...     _ = run.choose(0)
>>> run.beat in run.graph.endings
True
"""
from __future__ import annotations

from typing import Any

from worldsmith.core.errors import ConfigError, FormatError
from worldsmith.types.plot import Choice, PlotGraph, Value


class PlotRunner:
    """A play-through of ``graph`` from its start beat with its initial variables."""

    def __init__(self, graph: PlotGraph):
        self.graph = graph
        self._beats = {b.id: b for b in graph.beats}
        self._out: dict[str, list[Choice]] = {b.id: [] for b in graph.beats}
        for c in graph.choices:
            self._out[c.source].append(c)
        self.reset()

    def reset(self) -> None:
        """Go back to the start with the initial variable values."""
        self.beat = self.graph.start
        self.values: dict[str, Value] = dict(self.graph.variables)
        self.history: list[str] = [self.beat]

    @property
    def text(self) -> str:
        """The current beat's text (whitespace normalised, as the exported formats show it)."""
        return " ".join(self._beats[self.beat].text.split())

    def available(self) -> list[Choice]:
        """The choices whose requirements hold now, in order."""
        return [c for c in self._out[self.beat] if c.enabled(self.values)]

    @property
    def choices(self) -> list[str]:
        """Texts of the available choices."""
        return [" ".join(c.text.split()) for c in self.available()]

    @property
    def ended(self) -> bool:
        """True at an ending (or anywhere no choice is available)."""
        return self._beats[self.beat].kind == "ending" or not self.available()

    def choose(self, index: int) -> str:
        """Take available choice ``index``: apply its effects, move on, return the new text."""
        options = self.available()
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(options):
            raise ConfigError("choice", f"an index in [0, {len(options)})", index)
        choice = options[index]
        for effect in choice.effects:
            effect.apply(self.values)
        self.beat = choice.target
        self.history.append(self.beat)
        return self.text

    @property
    def state(self) -> dict[str, Any]:
        """A JSON-ready snapshot (beat, variables, history) for saving a game."""
        return {"beat": self.beat, "variables": dict(self.values), "history": list(self.history)}

    def restore(self, state: dict[str, Any]) -> None:
        """Resume from a :attr:`state` snapshot."""
        if not isinstance(state, dict) or state.get("beat") not in self._beats:
            raise FormatError(f"plot state: unknown beat {state.get('beat') if isinstance(state, dict) else state!r}")
        if set(state.get("variables", {})) != set(self.graph.variables):
            raise FormatError("plot state: variables do not match the graph's")
        self.beat = state["beat"]
        self.values = dict(state["variables"])
        self.history = list(state.get("history", [self.beat]))
