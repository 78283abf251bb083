"""The exports run in the real clients: inkjs 2.4 (compile + exhaustive play + walks against
PlotRunner), yarn-bound (exhaustive play) and extwee (parse), each showing the line IDs of the
string table. Skipped without ``make node``.

tools/evaluate_plots.py runs the same checks at scale (200 seeds, 50 per extreme).
"""
from __future__ import annotations

import pytest

import worldsmith as ws
from tests.conftest import node_available
from tests.plots import clients
from tests.plots.clients import problems, run_jobs, string_table_ids
from tests.plots.conftest import extreme_configs
from worldsmith.export.ink import to_ink
from worldsmith.export.lines import beat_lines
from worldsmith.export.yarn import to_yarn
from worldsmith.types.plot import Beat, Choice, Condition, Effect, PlotGraph

pytestmark = pytest.mark.skipif(not node_available(), reason="needs node and node_modules (make node)")


def test_default_quests_pass_every_client():
    gen = ws.make("plots/quest-v1")
    graphs = [gen(seed=s) for s in range(1, 21)]
    assert problems(graphs) == [[] for _ in graphs]


@pytest.mark.parametrize("config", extreme_configs(), ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()))
def test_extreme_configs_pass_every_client(config):
    gen = ws.make("plots/quest-v1", **config)
    graphs = [gen(seed=s) for s in (101, 102)]
    assert problems(graphs) == [[], []]


def test_markup_characters_survive_every_format():
    odd = 'Odd {text} [x] | #tag // no comment -> divert <<set $y to 1>> ~ * + - = "q" \\ \'s: $a __d @@ ::f'
    g = PlotGraph(title="T: {x}", variables={"k": False, "n": 0}, beats=[
        Beat("a", odd, "start"), Beat("mid", "- " + odd), Beat("b", "* " + odd, "ending")], choices=[
        Choice("a", "mid", "+ " + odd, effects=[Effect("n", "add", 1)]),
        Choice("mid", "b", odd, [Condition("n", ">=", 1)], [Effect("k", "set", True)])])
    assert problems([g]) == [[]]


def test_clients_catch_a_broken_story():
    g = ws.make("plots/quest-v1", acts=1, endings=2)(seed=3)
    g.choices = [c for c in g.choices if c.target != g.endings[-1]]  # one ending now unreachable
    found = problems([g])[0]
    assert any("ink endings reached" in p for p in found)
    assert any("yarn endings reached" in p for p in found)


def test_runtimes_show_every_line_id():
    g = ws.make("plots/quest-v1")(seed=4)
    ink, yarn = run_jobs([{"kind": "ink", "src": to_ink(g), "endings": g.endings, "vars": list(g.variables)},
                          {"kind": "yarn", "src": to_yarn(g)}])
    first, option = beat_lines(g)[g.start][:2]
    assert {f"id:{first.id}", f"id:{option.id}"} <= set(ink["tags"])
    assert {f"line:{first.id}", f"line:{option.id}"} <= set(yarn["hashtags"])
    assert {t.removeprefix("id:") for t in ink["tags"]} == string_table_ids(g)
    assert {t.removeprefix("line:") for t in yarn["hashtags"]} == string_table_ids(g)
    assert ink["endings"] == sorted(g.endings) and not ink["errors"] + ink["warnings"] + yarn["errors"]


def test_clients_catch_a_missing_line_id():
    g = ws.make("plots/quest-v1", acts=1, endings=2)(seed=3)
    ink = to_ink(g).replace(f" #id:{beat_lines(g)[g.start][0].id}", "")
    found = run_jobs([{"kind": "ink", "src": ink, "endings": g.endings, "vars": list(g.variables)}])[0]
    assert clients.ink_problems(g, found) == ["ink: 1 line IDs never shown, 0 not in the string table"]
