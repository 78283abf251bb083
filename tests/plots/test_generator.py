"""plots/quest-v1: valid by construction, parameters do what they say, text varies across seeds."""
from __future__ import annotations

from collections import Counter

import pytest

import worldsmith as ws
from tests.plots.conftest import extreme_configs
from worldsmith.plots.grammar import ACTIONS, STRATEGIES, derive
from worldsmith.plots.text import THEMES
from worldsmith.plots.validate import validate


def test_default_seeds_validate_with_sane_metrics():
    gen = ws.make("plots/quest-v1")
    for seed in range(1, 21):
        r = validate(gen(seed=seed))
        assert r.ok, (seed, r.errors)
        assert r.endings == 3 and r.endings_reached and 4 <= r.min_path <= r.max_path
        assert r.branching_max >= 2


@pytest.mark.parametrize("config", extreme_configs(), ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()))
def test_extremes_validate(config):
    gen = ws.make("plots/quest-v1", **config)
    for seed in range(5):
        assert validate(gen(seed=seed)).ok


def test_all_maxima_make_a_big_valid_quest():
    g = ws.make("plots/quest-v1", acts=8, branching=4, depth=4, endings=6, locks=4, cast=6)(seed=1)
    r = validate(g)
    assert r.ok and r.beats > 140 and len(g.endings) == 6


def test_parameters_shape_the_graph():
    g = ws.make("plots/quest-v1", acts=4, branching=3, depth=2, endings=5, locks=2, cast=4)(seed=8)
    roles = Counter(b.tags["role"] for b in g.beats)
    assert roles["hub"] == 4 and roles["branch"] == 4 * 3 * 2 and len(g.endings) == 5
    keys = [v for v in g.variables if v.startswith("has_")]
    assert len(keys) == 2
    for flag in keys:  # lock and key: one choice sets the flag, a later one requires it
        assert any(e.var == flag for c in g.choices for e in c.effects)
        assert any(r.var == flag and r.value is True for c in g.choices for r in c.requires)
    cast = {name for b in g.beats for name in b.tags["cast"]}
    assert len(cast) <= 4


def test_acts_are_bottlenecks():
    g = ws.make("plots/quest-v1", acts=3, locks=0)(seed=2)
    into = Counter(c.target for c in g.choices)
    assert all(into[f"act{a}"] >= 2 for a in (2, 3)) and into["climax"] >= 2


def test_themes_change_the_vocabulary():
    for theme, lexicon in THEMES.items():
        g = ws.make("plots/quest-v1", theme=theme)(seed=5)
        assert {n for b in g.beats for n in b.tags["cast"]} <= set(lexicon["name"])
        assert {b.tags["location"] for b in g.beats} <= set(lexicon["place"])
        others = {p for t, lex in THEMES.items() if t != theme for p in lex["place"]}
        assert not any(p in b.text for b in g.beats for p in others)


def test_hundred_seeds_do_not_read_alike():
    gen = ws.make("plots/quest-v1")
    graphs = [gen(seed=s) for s in range(100)]
    openings = [g.beat("start").text for g in graphs]
    assert len(set(openings)) == 100
    assert len({g.title for g in graphs}) >= 60
    trigrams = Counter()
    for g in graphs:
        words = " ".join(b.text for b in g.beats).split()
        trigrams.update(set(zip(words, words[1:], words[2:])))
    common = sum(1 for t, n in trigrams.items() if n > 50)
    assert common / len(trigrams) < 0.02  # few phrases recur in most quests


def test_grammar_derives_actions_of_any_length():
    import random

    rng = random.Random(0)
    for motivation, strategies in STRATEGIES.items():
        for strategy in strategies:
            for n in (1, 2, 3, 4):
                actions = derive(motivation, strategy, n, rng)
                assert len(actions) == n and set(actions) <= set(ACTIONS)
