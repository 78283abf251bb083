"""Prompts (``prompt="many pipes, no blocks"``): parsing, buckets, and levels that follow them."""
from __future__ import annotations

import math

import numpy as np
import pytest

import worldsmith as ws
from tests.conftest import require_data
from worldsmith.core.errors import ConfigError
from worldsmith.levels import prompt
from worldsmith.levels.search import cma_search, distance, features


def test_phrases_become_intervals_of_the_bucket():
    t = prompt.targets("many pipes, no blocks, little enemies, low elevation", "smb", width=200)
    assert t["blocks"] == (0.0, 0.0) and t["pipes"][1] == math.inf
    assert t["enemies"][0] == 1.0 and t["elevation"][0] == 0.0
    assert prompt.targets("many pipes", "smb", width=400)["pipes"][0] > t["pipes"][0]   # counts scale with width
    assert prompt.targets("some enemies", "zelda") == {"monsters": (3.0, 4.0)}
    for game, words in prompt.ATTRIBUTES.items():             # buckets tile the counts, in order
        for w in words:
            if w in prompt.LEVEL_ATTRIBUTES:
                continue
            edges = [prompt.targets(f"{b} {w}", game)[words[w]] for b in prompt.COUNT_BUCKETS]
            assert all(a[1] + 1 == b[0] for a, b in zip(edges[1:], edges[2:])) and edges[1][0] == 1
            assert [prompt.bucket_of(w, e[0], game) for e in edges] == list(prompt.COUNT_BUCKETS)


@pytest.mark.parametrize("text, named", [
    ("lots pipes", "lots"), ("many dragons", "dragons"), ("many pipes, no pipes", "many and no"),
    ("some elevation", "some"), ("pipes", "pipes"), ("many gold", "gold"),
])
def test_bad_prompts_name_the_word_and_the_vocabulary(text, named):
    with pytest.raises(ConfigError) as e:
        ws.make("levels/smb-v1", prompt=text)
    assert named in str(e.value) and "\n" not in str(e.value)


def test_unknown_words_list_the_games_vocabulary():
    with pytest.raises(ConfigError, match="gold, enemies, ladders, ropes, bricks"):
        ws.make("levels/loderunner-v1", prompt="many pipes")
    with pytest.raises(ConfigError, match="search= does not also set"):
        ws.make("levels/smb-v1", prompt="many pipes", search="pipes=3")


def test_cli_bad_prompt_exits_2_with_one_line(capsys, tmp_path):
    from worldsmith.cli import main

    assert main(["generate", "levels/smb-v1", "--seed", "1", "--set", "prompt=many dragons",
                 "--out", str(tmp_path / "x.json")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "dragons" in err and "pipes" in err


def test_interval_distance_is_zero_inside_and_the_search_stops_there():
    assert distance(3, (1.0, 4.0)) == 0 and distance(6, (1.0, 4.0)) == 0.5 and distance(5, 5.0) == 0
    calls = []

    def objective(x):
        calls.append(1)
        return 0.0 if len(calls) == 3 else 1.0

    cma_search(np.zeros(4), objective, 100, np.random.default_rng(0))
    assert len(calls) == 3


def test_many_enemies_gives_more_enemies_than_no_enemies():
    def enemies(text, seed):
        level = ws.make("levels/smb-v1", width=56, prompt=text, search_evals=24)(seed=seed)
        return features(level.tiles, "smb", level.path)["enemies"], level

    for seed in (1, 2):
        many, level = enemies("many enemies", seed)
        none, _ = enemies("no enemies", seed)
        assert many > none and level.path                      # still playable
    assert none == 0


def test_thresholds_are_the_training_quantiles():
    require_data("vglc")
    from worldsmith.levels.data import HOLDOUT, load_levels, split_names

    for game in prompt.THRESHOLDS:
        levels = load_levels(game)
        train, _ = split_names(list(levels), HOLDOUT[game], seed=0)
        assert prompt.thresholds(game, [levels[n] for n in train]) == prompt.THRESHOLDS[game]


def test_evaluate_prompts_tool_counts_hits_per_bucket(repo):
    import importlib.util

    spec = importlib.util.spec_from_file_location("evaluate_prompts", repo / "tools" / "evaluate_prompts.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    res = tool.evaluate("zelda", 3, 8, 100)
    asked = [tool.random_prompt("zelda", i) for i in range(3)]
    assert sum(res["asked"].values()) == sum(len(a) for a in asked) and 0 <= res["all_in_bucket"] <= 1
    assert all(res["hit"][k] <= v for k, v in res["asked"].items())
    assert "| enemies |" in tool.table("zelda", res)
