"""The plot graph's own JSON schema: :func:`to_json` writes it, :func:`from_json_text` reads it
back exactly (``worldsmith.load`` of a ``.json`` plot, and a scene's embedded plot)::

    {"type": "PlotGraph", "schema": "worldsmith.plot/1", "title": str,
     "variables": {name: false | 0, ...},                      # initial values, bool or int
     "beats": [{"id": ident, "kind": "start"|"beat"|"ending", "text": str,
                "tags": {"act": int, "location": str, "cast": [str], "role": str, ...}}],
     "choices": [{"from": id, "to": id, "text": str,
                  "requires": [{"var": name, "op": "=="|"!="|">="|"<="|">"|"<", "value": v}],
                  "effects": [{"var": name, "op": "set"|"add", "value": v}]}],
     "meta": {"generator": str, "seed": str, "config": {...}, "version": str, ...}}

>>> from worldsmith.types.plot import PlotGraph, Beat, Choice
>>> g = PlotGraph(title="T", beats=[Beat("a", "Hi.", "start"), Beat("b", "Bye.", "ending")],
...               choices=[Choice("a", "b", "Go")])
>>> from_json_text(to_json(g)) == g
True
"""
from __future__ import annotations

import json
from typing import Any

from worldsmith.core.errors import FormatError
from worldsmith.core.meta import AssetMeta
from worldsmith.types.plot import Beat, Choice, Condition, Effect, PlotGraph

SCHEMA = "worldsmith.plot/1"


def _term(t: Condition | Effect) -> dict[str, Any]:
    return {"var": t.var, "op": t.op, "value": t.value}


def to_json(graph: PlotGraph) -> str:
    """The graph in the documented JSON schema (stable key order, UTF-8 text)."""
    data = {"type": "PlotGraph", "schema": SCHEMA, "title": graph.title, "variables": graph.variables,
            "beats": [{"id": b.id, "kind": b.kind, "text": b.text, "tags": b.tags} for b in graph.beats],
            "choices": [{"from": c.source, "to": c.target, "text": c.text,
                         "requires": [_term(t) for t in c.requires], "effects": [_term(t) for t in c.effects]}
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
