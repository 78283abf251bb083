"""Stable line IDs in the dialogue formats and the ``.csv`` string table of a PlotGraph."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest

import worldsmith as ws
from worldsmith.bake import bake
from worldsmith.export.lines import reachable
from worldsmith.types.plot import Beat, Choice, PlotGraph

INK_ID = re.compile(r" #id:([0-9a-f]{12})(?:\]|$)")
YARN_ID = re.compile(r" #line:([0-9a-f]{12})$")
TWEE_ID = re.compile(r"/\* line:([0-9a-f]{12}) \*/")


def quest(seed: int = 6, **config) -> PlotGraph:
    return ws.make("plots/quest-v1", locks=2, **config)(seed=seed)


def rows(graph: PlotGraph) -> list[dict]:
    return list(csv.DictReader(io.StringIO(graph.export(fmt="csv").decode("utf-8"))))


def ink_ids(graph: PlotGraph) -> list[str]:
    """The ID of every text line and choice line of the ink, in order; fails on a line without one."""
    ids = []
    for line in graph.export(fmt="ink").decode().splitlines():
        if line.startswith(("+ ", "=== ", "VAR ", "//", "-> ", "    ")) or not line:
            if line.startswith("+ "):
                ids += INK_ID.findall(line) or pytest.fail(f"ink choice without an id: {line}")
            continue
        ids += INK_ID.findall(line) or pytest.fail(f"ink line without an id: {line}")
    return ids


def yarn_ids(graph: PlotGraph) -> list[str]:
    """The ID of every text line and option of the yarn, in order; fails on a line without one."""
    ids = []
    for node in graph.export(fmt="yarn").decode().split("===\n"):
        body = node.split("---\n", 1)[1] if "---\n" in node else ""
        for line in body.splitlines():
            if line.startswith(("<<", "    ")) or not line:
                continue
            ids += YARN_ID.findall(line) or pytest.fail(f"yarn line without an id: {line}")
    return ids


@pytest.mark.parametrize("config", [{}, {"acts": 1, "endings": 1}, {"acts": 6, "branching": 4, "depth": 3}])
def test_every_line_has_a_unique_id_equal_in_every_format(config):
    graph = quest(**config)
    lines = len(graph.beats) + len(graph.choices)
    ink, yarn = ink_ids(graph), yarn_ids(graph)
    twee = TWEE_ID.findall(graph.export(fmt="twee").decode())
    assert len(ink) == lines and len(set(ink)) == lines
    assert set(yarn) == set(twee) == set(ink) and len(yarn) == len(twee) == lines


def test_ids_are_the_same_for_the_same_seed_and_differ_between_quests():
    a, again, other = quest(6), quest(6), quest(7)
    assert ink_ids(a) == ink_ids(again) and yarn_ids(a) == yarn_ids(again)
    assert a.export(fmt="csv") == again.export(fmt="csv")
    assert not set(ink_ids(a)) & set(ink_ids(other))


def test_editing_a_line_keeps_the_ids():
    graph = quest()
    before = ink_ids(graph)
    graph.beats[1].text = "Rewritten by a writer."
    graph.choices[0].text = "A new option text"
    assert ink_ids(graph) == before


def test_string_table_has_one_row_per_reachable_line(tmp_path):
    graph = quest()
    path = graph.export(tmp_path / "q.csv")[0]
    with path.open(newline="", encoding="utf-8") as f:
        table = list(csv.DictReader(f))
    assert list(table[0]) == ["id", "speaker", "text", "node"]
    assert [r["id"] for r in table] == ink_ids(graph)
    assert len({r["id"] for r in table}) == len(table) == len(graph.beats) + len(graph.choices)
    beats, choices = {b.id: b for b in graph.beats}, [c.text for c in graph.choices]
    for r in table:
        assert (r["speaker"] == "narrator" and beats[r["node"]].text == r["text"]) or \
               (r["speaker"] == "player" and r["text"] in choices)


def test_string_table_quotes_markup_and_leaves_out_unreachable_beats():
    odd = 'Say "hi", then\nleave; a, b'
    graph = PlotGraph(title="T", beats=[Beat("a", odd, "start"), Beat("b", "Bye.", "ending"),
                                        Beat("island", "Nobody comes here.")],
                      choices=[Choice("a", "b", "Go, now"), Choice("island", "b", "Swim")])
    table = rows(graph)
    assert reachable(graph) == ["a", "b"]
    assert [(r["speaker"], r["text"], r["node"]) for r in table] == [
        ("narrator", 'Say "hi", then leave; a, b', "a"), ("player", "Go, now", "a"), ("narrator", "Bye.", "b")]
    assert "island" in graph.export(fmt="ink").decode()  # still in the dialogue formats, with its id


def test_a_bake_writes_the_string_table_with_the_ids_of_the_ink(tmp_path):
    manifest = tmp_path / "m.toml"
    manifest.write_text('[[asset]]\nid = "plots/quest-v1"\nseed = 6\nconfig = { locks = 2 }\n'
                        'outputs = ["q.ink", "q.csv"]\n')
    bake(manifest, tmp_path / "out")
    lock = json.loads((tmp_path / "out" / "assets.lock.json").read_text())
    assert set(lock["assets"][0]["files"]) == {"q.ink", "q.csv"}
    ids = [r["id"] for r in csv.DictReader(io.StringIO((tmp_path / "out" / "q.csv").read_text()))]
    assert (tmp_path / "out" / "q.ink").read_bytes() == quest().export(fmt="ink")
    assert ids == ink_ids(quest())
