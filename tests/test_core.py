"""Core: seeds, config, registry, atomic writes, weights folders, bake manifests."""
from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
import torch

import worldsmith as ws
from worldsmith.bake import parse_shard, read_manifest
from worldsmith.core import weights
from worldsmith.core.atomic import write_atomic
from worldsmith.core.config import Config, param
from worldsmith.core.errors import ConfigError, FormatError, UnknownGeneratorError, WeightsError
from worldsmith.core.seeding import check_seed, child_seed, child_seeds


@dataclass(frozen=True)
class Demo(Config):
    width: int = param(200, lo=28, hi=4096)
    scale: float = param(1.0, lo=0.0, hi=10.0)
    theme: str = param("fantasy", choices=("fantasy", "scifi"))
    tags: list = param(["a"])


def test_child_seeds_are_stable_and_distinct():
    assert child_seeds(7, 3) == [child_seed(7, i) for i in range(3)]
    assert len(set(child_seeds(7, 1000))) == 1000
    assert child_seed(7, 0) == 0x1FFFFFFFFFFFFFFF & child_seed(7, 0) or child_seed(7, 0) >= 0
    assert child_seed(7, 0) == child_seed(7, 0)


@pytest.mark.parametrize("bad", [-1, 2**63, 1.5, "3", True, None])
def test_check_seed_rejects(bad):
    with pytest.raises(ConfigError, match="seed"):
        check_seed(bad)


def test_config_validation_and_json():
    c = Demo.from_dict({"width": 64, "scale": 2})
    assert c.scale == 2.0 and isinstance(c.scale, float)
    assert Demo.from_dict(json.loads(json.dumps(c.to_dict()))) == c
    for bad, match in [({"width": 3}, "width"), ({"theme": "x"}, "theme"), ({"width": "7"}, "width"),
                       ({"widht": 30}, "did you mean 'width'"), ({"tags": 3}, "tags")]:
        with pytest.raises(ConfigError, match=match):
            Demo.from_dict(bad)


def test_config_describe_and_parse():
    rows = {r["name"]: r for r in Demo.describe()}
    assert rows["width"] == {"name": "width", "type": "int", "default": 200, "lo": 28, "hi": 4096}
    assert rows["theme"]["choices"] == ["fantasy", "scifi"]
    assert Demo.parse_value("width", "64") == 64
    assert Demo.parse_value("theme", "scifi") == "scifi"
    assert Demo.parse_value("tags", '["x", "y"]') == ["x", "y"]


def test_registry_did_you_mean():
    with pytest.raises(UnknownGeneratorError, match="did you mean 'plots/quest-v1'"):
        ws.make("plots/quest-v2")
    assert all("/" in g and "-v" in g for g in ws.list_generators())


def test_atomic_write_leaves_no_temp(tmp_path):
    write_atomic(tmp_path / "x" / "a.bin", b"1")
    write_atomic(tmp_path / "x" / "a.bin", b"2")
    assert [p.name for p in (tmp_path / "x").iterdir()] == ["a.bin"]
    assert (tmp_path / "x" / "a.bin").read_bytes() == b"2"


def test_weights_folder_roundtrip_and_tamper(tmp_path):
    weights.save_folder(tmp_path / "m", {"k": 1}, {"w": torch.arange(3.0)}, credits="me")
    cfg, state = weights.load_folder(tmp_path / "m")
    assert cfg == {"k": 1} and state["w"].tolist() == [0.0, 1.0, 2.0]
    data = bytearray((tmp_path / "m" / "model.safetensors").read_bytes())
    data[-1] ^= 1
    (tmp_path / "m" / "model.safetensors").write_bytes(bytes(data))
    with pytest.raises(WeightsError, match="sha256"):
        weights.load_folder(tmp_path / "m")
    with pytest.raises(WeightsError, match="no model folder"):
        weights.load_folder(tmp_path / "nope")


def test_manifest_errors(tmp_path):
    m = tmp_path / "m.toml"
    cases = {
        '[[asset]]\nid = "plots/quest-v1"\noutputs = ["a.json"]\n': "missing field 'seed'",
        '[[asset]]\nid = "plots/quest-v1"\nseed = 1\noutputs = ["../a.json"]\n': "escapes",
        '[[asset]]\nid = "plots/quest-v1"\nseed = 1\noutputs = ["/tmp/a.json"]\n': "escapes",
        '[[asset]\n': "not valid TOML",
        'x = 1\n': "asset",
    }
    for text, match in cases.items():
        m.write_text(text)
        with pytest.raises(FormatError, match=match):
            read_manifest(m)


def test_parse_shard():
    assert parse_shard("1/4") == (1, 4)
    for bad in ("4/4", "x", "1/0", "-1/2"):
        with pytest.raises(ConfigError):
            parse_shard(bad)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_numbers_are_refused_everywhere(bad, capsys):
    from worldsmith.cli import main as cli
    from worldsmith.levels.search import parse_targets

    with pytest.raises(ConfigError, match="finite"):
        ws.make("levels/zelda-v1", temperature=bad)
    with pytest.raises(ConfigError, match="finite"):
        ws.make("sprites/lpc-v1", truncation=bad)
    with pytest.raises(ConfigError, match="finite"):
        parse_targets(f"enemies={bad}", "smb")
    assert cli(["generate", "levels/smb-v1", "--seed", "1", "--set", f"temperature={bad}"]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


@pytest.mark.parametrize("manifest", ["", "drop model", "drop config"])
def test_a_manifest_must_list_every_loaded_file(tmp_path, manifest):
    folder = weights.save_folder(tmp_path / "m", {"z": 1}, {"w": torch.ones(2)}, "test\n")
    lines = (folder / "MANIFEST").read_text().splitlines()
    keep = {"": [], "drop model": [x for x in lines if "safetensors" not in x],
            "drop config": [x for x in lines if "config.json" not in x]}[manifest]
    (folder / "MANIFEST").write_text("".join(x + "\n" for x in keep))
    blob = bytearray((folder / "model.safetensors").read_bytes())
    blob[-1] ^= 1                                        # a flipped byte the MANIFEST no longer covers
    (folder / "model.safetensors").write_bytes(bytes(blob))
    with pytest.raises(WeightsError, match="does not list"):
        weights.load_folder(folder)


def test_wrong_or_broken_model_folders_are_one_weights_error(tmp_path, capsys):
    from worldsmith.cli import main as cli

    with pytest.raises(WeightsError, match="not a level VAE"):
        ws.make("levels/smb-v1", weights="sprites-lpc-v1")(seed=1)
    empty = weights.save_folder(tmp_path / "empty", {}, {"w": torch.ones(1)}, "test\n")
    with pytest.raises(WeightsError, match="not a sprite GAN"):
        ws.make("sprites/lpc-v1", weights=str(empty))(seed=1)
    config, state = weights.load_folder("levels-zelda-v1")
    state.pop(sorted(k for k in state if k.endswith(".weight"))[0])  # a missing tensor
    broken = weights.save_folder(tmp_path / "broken", config, state, "test\n")
    with pytest.raises(WeightsError, match="broken"):
        ws.make("levels/zelda-v1", weights=str(broken))(seed=1)
    config, state = weights.load_folder("levels-zelda-v1")
    config["hidden"] = config["hidden"] * 2                       # shapes that no longer match
    wide = weights.save_folder(tmp_path / "wide", config, state, "test\n")
    with pytest.raises(WeightsError, match="broken"):
        ws.make("levels/zelda-v1", weights=str(wide))(seed=1)
    assert cli(["generate", "levels/smb-v1", "--seed", "1", "--set", "weights=sprites-lpc-v1"]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_a_batch_that_cannot_fit_is_refused_up_front(monkeypatch, capsys):
    from worldsmith.cli import main as cli
    from worldsmith.core import generator

    monkeypatch.setattr(generator, "available_memory", lambda: 1 << 30)       # 1 GiB free
    gen = ws.make("sprites/lpc-v2")
    with pytest.raises(ConfigError, match="at most 546 items"):            # 0.9 MiB each, half of 1 GiB
        gen(seed=1, n=100_000)
    assert cli(["generate", "sprites/lpc-v2", "--seed", "1", "--n", "100000", "--out", "x.png"]) == 2
    assert "smaller batches" in capsys.readouterr().err
    with pytest.raises(ConfigError, match="at most 1 items"):
        ws.make("scenes/terrain-v1", size=2048)(seed=1, n=3)                # 320 MiB each


def test_progress_in_chunks_gives_the_same_batch():
    gen, seen = ws.make("sprites/lpc-v2"), []
    assert gen(seed=3, n=130, progress=seen.append) == gen(seed=3, n=130)
    assert seen == [*range(7, 130, 7), 130]                       # about 20 reports
    seen.clear()
    assert gen(seed=3, n=3, progress=seen.append) == gen(seed=3, n=3) and seen == [1, 2, 3]
    plots = ws.make("plots/quest-v1", acts=1)
    assert plots(seed=3, n=70, progress=seen.append) == plots(seed=3, n=70)


def test_long_loops_report_progress_without_changing_the_asset():
    from worldsmith.core.progress import listening

    seen: dict[str, int] = {}
    with listening(lambda r: seen.__setitem__(r.label, (r.done, r.total))):
        reported = ws.make("scenes/terrain-v1", size=64, erosion_steps=6)(seed=2)
        searched = ws.make("levels/zelda-v1", search="monsters=3", search_evals=20)(seed=2)
    assert seen["hydraulic erosion"] == (6, 6) and seen["thermal erosion"] == (2, 2)
    assert seen["latent search"][1] == 20
    assert reported == ws.make("scenes/terrain-v1", size=64, erosion_steps=6)(seed=2)
    assert searched == ws.make("levels/zelda-v1", search="monsters=3", search_evals=20)(seed=2)


def test_weights_with_nan_or_inf_are_refused(tmp_path):
    config, state = weights.load_folder("levels-zelda-v1")
    name = sorted(k for k in state if k.endswith(".weight"))[0]
    for bad in (float("nan"), float("inf")):
        state[name].view(-1)[0] = bad
        folder = weights.save_folder(tmp_path / str(bad), config, state, "test\n")
        with pytest.raises(WeightsError, match=f"tensor '{name}' holds NaN or infinite values"):
            weights.load_folder(folder)


def test_a_config_that_asks_for_gigabytes_is_refused_before_allocating(tmp_path):
    config, state = weights.load_folder("levels-zelda-v1")
    config["hidden"] = 1 << 20                                  # ~10^12 parameters if built for real
    huge = weights.save_folder(tmp_path / "huge", config, state, "test\n")
    with pytest.raises(WeightsError) as caught:                # shapes compared on torch's meta device
        ws.make("levels/zelda-v1", weights=str(huge))(seed=1)
    message = str(caught.value)
    assert "in the file, the config makes" in message and "\n" not in message and len(message) < 600
