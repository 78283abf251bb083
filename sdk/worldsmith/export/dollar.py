"""Conditions and assignments in the ``$variable`` syntax that SugarCube and Yarn share.

>>> from worldsmith.types.plot import Condition, Effect
>>> condition(Condition("has_key", "!=", True)), condition(Condition("trust", ">=", 2), {">=": "gte"})
('not $has_key', '$trust gte 2')
>>> assignment(Effect("trust", "add", 1))
'$trust to $trust + 1'
"""
from __future__ import annotations

import json
from typing import Mapping

from worldsmith.types.plot import Condition, Effect


def condition(c: Condition, ops: Mapping[str, str] | None = None) -> str:
    """``c`` as an expression: ``$flag``, ``not $flag`` or ``$var <op> value`` (op renamed by ``ops``)."""
    if c.flag_test is not None:
        return f"${c.var}" if c.flag_test else f"not ${c.var}"
    return f"${c.var} {(ops or {}).get(c.op, c.op)} {json.dumps(c.value)}"


def assignment(e: Effect) -> str:
    """``e`` as ``$var to value`` (``$var to $var + n`` for ``add``; never ``+=``)."""
    value = f"${e.var} + {e.value}" if e.op == "add" else json.dumps(e.value)
    return f"${e.var} to {value}"
