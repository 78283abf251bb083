"""PlotRunner: choices, state, save/restore and bad input."""
from __future__ import annotations

import pytest

import worldsmith as ws
from worldsmith.errors import ConfigError, FormatError
from worldsmith.plots.runner import PlotRunner
from worldsmith.plots.validate import validate


@pytest.fixture()
def run():
    return PlotRunner(ws.make("plots/quest-v1", locks=2)(seed=4))


def test_every_walk_ends_at_an_ending(run):
    for picks in range(12):
        run.reset()
        step = 0
        while not run.ended:
            run.choose((picks + step) % len(run.choices))
            step += 1
        assert run.beat in run.graph.endings and len(run.history) == step + 1


def test_hidden_choices_follow_state(run):
    flag = next(v for v in run.graph.variables if v.startswith("has_"))
    lock = next(c for c in run.graph.choices if any(r.var == flag and r.value is True for r in c.requires))
    run.restore({"beat": lock.source, "variables": dict(run.graph.variables)})
    assert lock.text not in run.choices
    run.restore({"beat": lock.source, "variables": {**run.graph.variables, flag: True}})
    assert lock.text in run.choices


def test_state_round_trip(run):
    run.choose(0)
    run.choose(len(run.choices) - 1)
    saved = run.state
    other = PlotRunner(run.graph)
    other.restore(saved)
    assert (other.text, other.choices, other.state) == (run.text, run.choices, saved)


def test_bad_choice_and_state(run):
    with pytest.raises(ConfigError, match="choice"):
        run.choose(len(run.choices))
    with pytest.raises(FormatError, match="unknown beat"):
        run.restore({"beat": "nowhere", "variables": {}})
    assert validate(run.graph).ok
