"""Shared fixtures of the plot tests: the config extremes every parameter allows."""
from __future__ import annotations

from worldsmith.plots.generator import QuestConfig


def extreme_configs() -> list[dict]:
    """One config per parameter bound (lo, hi, every choice), the other parameters at default."""
    out = []
    for field in QuestConfig.describe():
        values = field.get("choices") or [field["lo"], field["hi"]]
        out += [{field["name"]: v} for v in values if v != field["default"]]
    return out
