"""Family manifests: a toy family declared in this module alone (its generator, asset type,
exporter and trainer) joins the SDK, the CLI and ``ws.load``, registered directly or through a
``worldsmith.families`` entry point; the built-in manifests agree with their classes."""
from __future__ import annotations

import contextlib
import importlib.metadata
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import worldsmith as ws
from worldsmith.cli import main
from worldsmith.core import registry
from worldsmith.core.config import Config, param
from worldsmith.core.family import Family, GeneratorSpec
from worldsmith.core.formats import register_reader, register_writer
from worldsmith.core.generator import Generator, NeuralGenerator
from worldsmith.core.seeding import rng
from worldsmith.types.base import Asset, AssetMeta


@dataclass(eq=False)
class Dots(Asset):
    """The toy asset: points in the unit square."""

    points: list[list[float]]
    meta: AssetMeta = field(default_factory=AssetMeta)


@dataclass(frozen=True)
class DotsConfig(Config):
    count: int = param(3, lo=1, hi=10, help="points per asset")


class DotsGenerator(Generator):
    """The toy generator: ``count`` random points per seed."""

    id = "toy/dots-v1"
    Config = DotsConfig
    asset_type = Dots

    def _generate(self, seeds):
        return [Dots(rng(s).random((self.config.count, 2)).round(3).tolist(), self.meta(s)) for s in seeds]


def write_json(dots: Dots, name: str) -> dict[str, bytes]:
    return {name: json.dumps({"type": "Dots", "points": dots.points, "meta": dots.meta.to_dict()}).encode()}


def read_json(path: Path) -> Dots:
    data = json.loads(path.read_text())
    return Dots(data["points"], AssetMeta.from_dict(data["meta"]))


def train(argv: list[str]) -> int:
    print("training dots", *argv)
    return 0


register_writer(Dots, "json", write_json)   # this module is also the toy family's exporter module
register_reader(Dots, "json", read_json)

TOY = Family("toy", generators=(GeneratorSpec("toy/dots-v1", f"{__name__}:DotsGenerator", "random dots"),),
             asset_types={"Dots": f"{__name__}:Dots"}, exporters={"Dots": __name__}, trainer=f"{__name__}:train")


def cli(*argv: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(list(argv)) == 0
    return out.getvalue()


@pytest.fixture
def fresh_registry(monkeypatch):
    """A registry that loads its families again, and forgets them after the test."""
    monkeypatch.setattr(registry, "_REGISTRY", {})
    monkeypatch.setattr(registry, "_FAMILIES", {})
    monkeypatch.setattr(registry, "_loaded", False)


@pytest.fixture
def toy(fresh_registry):
    registry.register_family(TOY)
    return "toy/dots-v1"


def test_a_toy_family_joins_make_load_and_the_cli(toy, tmp_path):
    assert toy in ws.list_generators() and "plots/quest-v1" in ws.list_generators()
    dots = ws.make(toy, count=4)(seed=7)
    assert len(dots.points) == 4 and dots == ws.make(toy, count=4)(seed=7)
    assert dots.export(tmp_path / "d.json") == [tmp_path / "d.json"]
    assert ws.load(tmp_path / "d.json") == dots and ws.Dots is Dots
    assert f"{toy:24s} random dots" in cli("list")
    assert "formats: .json" in cli("info", toy)
    assert "Train a model family: levels, sprites, toy." in cli("train", "--help")
    assert cli("train", "toy", "--steps", "3").strip() == "training dots --steps 3"


def test_a_family_from_an_entry_point_joins_the_built_in_ones(fresh_registry, monkeypatch):
    points = [importlib.metadata.EntryPoint("toy", f"{__name__}:TOY", registry.ENTRY_POINT_GROUP),
              importlib.metadata.EntryPoint("broken", "no_such_module:FAMILY", registry.ENTRY_POINT_GROUP)]
    monkeypatch.setattr(importlib.metadata, "entry_points",
                        lambda group: [p for p in points if p.group == group])
    with pytest.warns(UserWarning, match="skipping family plugin 'broken'"):
        ids = ws.list_generators()
    assert "toy/dots-v1" in ids and "levels/smb-v1" in ids
    assert registry.family_of("toy/dots-v1") is TOY and registry.asset_type("Dots") is Dots


def test_two_families_may_not_declare_one_type(toy):
    with pytest.raises(ws.errors.ConfigError, match="Dots"):
        registry.register_family(Family("toy2", asset_types={"Dots": f"{__name__}:Dots"}))


@pytest.mark.parametrize("id", ws.list_generators())
def test_a_built_in_id_is_marked_neural_exactly_when_its_class_is(id):
    assert registry.spec(id).neural == issubclass(registry.spec(id).load(), NeuralGenerator)
