"""Branching plot graphs: validation over the state space and a runtime player.

The ``plots/quest-v1`` generator lives in :mod:`worldsmith.plots.generator` (load it through
``worldsmith.make``); the graph type is :class:`worldsmith.PlotGraph`.
"""
from worldsmith.plots.runner import PlotRunner
from worldsmith.plots.validate import Report, validate

__all__ = ["PlotRunner", "Report", "validate"]
