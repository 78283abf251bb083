"""Building blocks for assembling a :class:`PlotGraph` one beat and choice at a time.

>>> b = GraphBuilder("Demo")
>>> b.beat("start", "Hello.", "start", act=0); b.beat("end", "Bye.", "ending", act=1)
>>> b.choose("start", "end", "Leave", effects=[b.set_flag("has_key")])
>>> g = b.build(); (len(g.beats), g.variables)
(2, {'has_key': False})
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any

from worldsmith.types.base import AssetMeta
from worldsmith.types.plot import Beat, Choice, Condition, Effect, PlotGraph


def slug(text: str) -> str:
    """An ASCII identifier made from ``text``: ``"Bone Key!"`` -> ``"bone_key"``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")
    return out if out[:1].isalpha() else "x_" + out


class GraphBuilder:
    """Collects beats, choices and variables, then builds the graph."""

    def __init__(self, title: str):
        self.title = title
        self.beats: list[Beat] = []
        self.choices: list[Choice] = []
        self.variables: dict[str, bool | int] = {}

    def beat(self, id: str, text: str, kind: str = "beat", **tags: Any) -> None:
        """Add a beat with ``tags`` (act, location, cast, role...)."""
        self.beats.append(Beat(id, text, kind, tags))

    def choose(self, source: str, target: str, text: str, requires: list[Condition] | None = None,
               effects: list[Effect] | None = None) -> None:
        """Add a choice ``source -> target``."""
        self.choices.append(Choice(source, target, text, requires or [], effects or []))

    def flag(self, name: str) -> str:
        """Declare a bool flag (initially false) and return its name."""
        self.variables.setdefault(name, False)
        return name

    def counter(self, name: str) -> str:
        """Declare an int counter (initially 0) and return its name."""
        self.variables.setdefault(name, 0)
        return name

    def set_flag(self, name: str) -> Effect:
        """An effect setting flag ``name`` (declared here) to true."""
        return Effect(self.flag(name), "set", True)

    def build(self, meta: AssetMeta | None = None) -> PlotGraph:
        """The graph assembled so far."""
        return PlotGraph(title=self.title, beats=self.beats, choices=self.choices,
                         variables=dict(self.variables), meta=meta or AssetMeta())
