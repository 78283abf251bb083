"""validate() over the state space: each defect it must catch, and the metrics it reports."""
from __future__ import annotations

from worldsmith.plots.validate import validate
from worldsmith.types.plot import Beat, Choice, Condition, Effect, PlotGraph


def gate(**changes) -> PlotGraph:
    """The classic lock-and-key example: search the shed for the key, then unlock the gate."""
    g = PlotGraph(title="Gate", variables={"has_key": False}, beats=[
        Beat("gate", "A locked gate.", "start"), Beat("shed", "A rusty key."), Beat("yard", "The yard."),
        Beat("free", "Free.", "ending"), Beat("home", "Home.", "ending")], choices=[
        Choice("gate", "yard", "Enter the yard"),
        Choice("yard", "shed", "Search the shed", [Condition("has_key", "==", False)]),
        Choice("shed", "yard", "Back", effects=[Effect("has_key", "set", True)]),
        Choice("yard", "free", "Unlock the gate", [Condition("has_key", "==", True)]),
        Choice("yard", "home", "Go home")])
    for k, v in changes.items():
        setattr(g, k, v)
    return g


def test_gate_passes_with_metrics():
    r = validate(gate())
    assert r.ok, r.errors
    assert r.endings_reached == ["free", "home"]
    assert (r.min_path, r.max_path) == (2, 4)  # gate-yard-home; gate-yard-shed-yard-free
    assert r.branching_max == 2 and r.states == 7  # home is reached with and without the key


def test_unreachable_beat_and_ending():
    g = gate()
    g.beats.append(Beat("lost", "Nobody comes here.", "ending"))
    assert validate(g).errors == ["ending 'lost' is unreachable"]


def test_never_satisfiable_choice_and_key_that_never_drops():
    g = gate()
    g.choices[2].effects = []  # the shed no longer gives the key
    errors = validate(g).errors
    assert "ending 'free' is unreachable" in errors
    assert any("can never be taken" in e and "Unlock the gate" in e for e in errors)


def test_dead_end_under_state():
    g = gate()
    g.choices[4].requires = [Condition("has_key", "==", True)]  # going home now needs the key too
    g.choices[3].requires = [Condition("has_key", "==", True)]
    g.choices[1].requires = [Condition("has_key", "==", True)]  # ...and the shed as well
    errors = validate(g).errors
    assert "beat 'yard' is a dead end in some state (no enabled choice)" in errors


def test_softlock_loop_without_exit():
    g = gate()
    g.beats.append(Beat("maze", "Round and round."))
    g.choices += [Choice("gate", "maze", "Enter the maze"), Choice("maze", "maze", "Keep walking")]
    r = validate(g)
    assert "beat 'maze' can loop forever without reaching an ending" in r.errors
    assert r.max_path is None  # the state graph has a cycle


def test_structural_errors_are_named():
    g = gate()
    g.beats.append(Beat("bad id", "x", "middle"))
    g.choices += [Choice("gate", "nowhere", "Jump"), Choice("gate", "yard", "Count", effects=[Effect("n", "add", 1)]),
                  Choice("gate", "yard", "Mixed", [Condition("has_key", ">=", 2)]),
                  Choice("yard", "gate", "Back to start")]
    errors = validate(g).errors
    for want in ("beat 'bad id': id is not an ASCII identifier", "kind 'middle'", "unknown beat 'nowhere'",
                 "undeclared variable 'n'", "mixes types", "enters the start beat"):
        assert any(want in e for e in errors), want


def test_counters_and_state_cap():
    g = PlotGraph(variables={"n": 0},
                  beats=[Beat("a", "Loop.", "start"), Beat("b", "Hub."), Beat("z", "End.", "ending")],
                  choices=[Choice("a", "b", "Go"), Choice("b", "b", "Again", effects=[Effect("n", "add", 1)]),
                           Choice("b", "z", "Stop", [Condition("n", ">=", 3)])])
    r = validate(g, max_states=50)
    assert r.errors == ["state space exceeds 50 states (unbounded counter?)"]
