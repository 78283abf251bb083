"""Exports of PlotGraph: JSON round trip and errors, DOT/PNG/SVG, format headers."""
from __future__ import annotations

import json
import shutil

import pytest

import worldsmith as ws
from worldsmith.errors import FormatError, MissingDependencyError


@pytest.fixture(scope="module")
def quest():
    return ws.make("plots/quest-v1", locks=2)(seed=6)


def test_json_round_trip_is_exact(quest, tmp_path):
    path = quest.export(tmp_path / "q.json")[0]
    data = json.loads(path.read_text())
    assert data["type"] == "PlotGraph" and data["schema"] == "worldsmith.plot/1"
    assert ws.load(path) == quest
    assert ws.load(path).meta.seed == 6


@pytest.mark.parametrize("text, why", [("{not json", "not valid JSON"),
                                       ('{"type": "PlotGraph", "schema": "worldsmith.plot/1"}', "missing field"),
                                       ('{"type": "PlotGraph", "schema": "worldsmith.plot/1", "title": 3, '
                                        '"variables": {}, "beats": [], "choices": [], "meta": {}}', "title"),
                                       ('{"type": "PlotGraph", "schema": "other"}', "schema")])
def test_corrupt_json_names_the_file(tmp_path, text, why):
    path = tmp_path / "broken.json"
    path.write_text(text)
    with pytest.raises(FormatError, match=why) as err:
        ws.load(path)
    assert str(path) in str(err.value)


def test_formats_and_headers(quest):
    assert set(ws.PlotGraph.formats()) >= {"ink", "twee", "yarn", "csv", "json", "dot", "png", "svg"}
    assert quest.export(fmt="yarn").startswith(b"title: Start\n")
    twee = quest.export(fmt="twee").decode()
    ifid = json.loads(twee.split(":: StoryData\n")[1].split("\n\n")[0])["ifid"]
    assert ifid == ifid.upper() and len(ifid) == 36
    assert ws.make("plots/quest-v1", locks=2)(seed=6).export(fmt="twee").decode() == twee
    assert ws.make("plots/quest-v1", locks=2)(seed=7).export(fmt="twee").decode().count(ifid) == 0
    dot = quest.export(fmt="dot").decode()
    assert dot.startswith("digraph") and dot.count(" -> ") == len(quest.choices)
    assert "cluster_act1" in dot and "peripheries=2" in dot


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz' dot binary")
def test_png_and_svg_render(quest, tmp_path):
    png = quest.export(tmp_path / "q.png")[0].read_bytes()
    assert png.startswith(b"\x89PNG")
    assert b"<svg" in quest.export(tmp_path / "q.svg")[0].read_bytes()


def test_missing_dot_is_a_clear_error(quest, tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(MissingDependencyError, match="dot"):
        quest.export(tmp_path / "q.png")
    assert not (tmp_path / "q.png").exists()


def test_networkx_view(quest):
    g = quest.to_networkx()
    assert g.number_of_nodes() == len(quest.beats) and g.number_of_edges() == len(quest.choices)
    assert g.nodes[quest.start]["kind"] == "start"
