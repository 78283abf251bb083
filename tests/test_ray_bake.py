"""Baking on Ray (``bake --ray``): the same files and lock as a one-process bake, a killed worker
retried with no partial file, progress per asset, one-line errors.

One local Ray (2 CPUs) serves the whole module; ``bake`` uses a session that is already running.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

ray = pytest.importorskip("ray")

from worldsmith.bake import bake  # noqa: E402
from worldsmith.bake import ray as ray_bake  # noqa: E402
from worldsmith.cli import main  # noqa: E402
from worldsmith.core.errors import WeightsError  # noqa: E402
from worldsmith.core.progress import listening  # noqa: E402

SMALL = """
[[asset]]
id = "plots/quest-v1"
seed = 1
outputs = ["a/q1.json", "a/q1.ink"]

[[asset]]
id = "plots/quest-v1"
seed = 2
config = { acts = 2 }
outputs = ["q2.yarn", "q2.twee"]

[[asset]]
id = "plots/quest-v1"
seed = 3
outputs = ["a/q3.json"]

[[asset]]
id = "plots/quest-v1"
seed = 4
outputs = ["q4.ink", "q4.json"]
"""


@pytest.fixture(scope="module")
def ray_session():
    """A local Ray with 2 CPUs for the module (``ray.init`` takes several seconds)."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    start = time.monotonic()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    print(f"ray.init: {time.monotonic() - start:.1f} s")
    yield ray
    ray.shutdown()


def _tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_cli_ray_bake_of_the_demo_equals_the_plain_bake(repo, tmp_path, capsys):
    """`worldsmith bake demo/manifest.toml --out A --ray` (a new local Ray, in a subprocess) gives
    the files and lock of `... --out B`."""
    manifest = str(repo / "demo" / "manifest.toml")
    ray_run = subprocess.Popen([sys.executable, "-m", "worldsmith.cli", "bake", manifest, "--out", str(tmp_path / "A"),
                                "--ray", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert main(["bake", manifest, "--out", str(tmp_path / "B"), "--quiet"]) == 0  # meanwhile, here
    out, err = ray_run.communicate(timeout=300)
    assert ray_run.returncode == 0, err
    assert out.replace(str(tmp_path / "A"), "OUT") == capsys.readouterr().out.replace(str(tmp_path / "B"), "OUT")
    a, b = _tree(tmp_path / "A"), _tree(tmp_path / "B")
    assert a["assets.lock.json"] == b["assets.lock.json"]
    assert a == b and len(a) > 30
    events = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert events[0] == {"event": "stage", "message": "starting a local Ray"}
    assert events[-1] == {"event": "progress", "label": "bake", "done": 11, "total": 11, "unit": "asset"}


@pytest.mark.slow
def test_ray_bake_reports_each_asset_and_equals_the_plain_bake(ray_session, tmp_path):
    (tmp_path / "m.toml").write_text(SMALL)
    seen = []
    with listening(seen.append):
        lock = bake(tmp_path / "m.toml", tmp_path / "ray", executor="ray")
    assert [(r.label, r.done, r.total, r.unit) for r in seen] == [("bake", i, 4, "asset") for i in range(1, 5)]
    assert lock == bake(tmp_path / "m.toml", tmp_path / "plain")
    assert _tree(tmp_path / "ray") == _tree(tmp_path / "plain")


@pytest.mark.slow
def test_a_worker_killed_mid_task_is_retried_and_leaves_no_partial_file(ray_session, tmp_path, monkeypatch):
    marker = tmp_path / "killed-once"

    class KilledOnce(ray_bake.Worker):
        """Dies (the whole worker process) after making its first asset, the first time only."""

        def bake_one(self, *args, **kwargs):
            result = super().bake_one(*args, **kwargs)
            if not marker.exists():
                marker.touch()
                os._exit(1)
            return result

    (tmp_path / "m.toml").write_text(SMALL)
    monkeypatch.setattr(ray_bake, "Worker", KilledOnce)
    bake(tmp_path / "m.toml", tmp_path / "ray", executor="ray")
    assert marker.exists()  # a worker did die mid-batch
    bake(tmp_path / "m.toml", tmp_path / "plain")
    got, want = _tree(tmp_path / "ray"), _tree(tmp_path / "plain")
    assert got == want and not [name for name in got if name.endswith(".tmp")]
    assert json.loads(got["assets.lock.json"])["assets"][3]["files"]["q4.ink"]


@pytest.mark.slow
def test_bad_input_an_actor_meets_is_the_same_one_line_error(ray_session, tmp_path, monkeypatch):
    class NoWeights(ray_bake.Worker):
        def generator(self, key):
            raise WeightsError(f"{key[0]}: weights missing")

    (tmp_path / "m.toml").write_text(SMALL)
    monkeypatch.setattr(ray_bake, "Worker", NoWeights)
    with pytest.raises(WeightsError, match=r"^plots/quest-v1: weights missing$"):
        bake(tmp_path / "m.toml", tmp_path / "o", executor="ray")
    assert not (tmp_path / "o" / "assets.lock.json").exists()


def test_the_scheduler_bakes_every_asset_of_many_uneven_groups(tmp_path):
    """The actor pool (a stand-in for Ray here): every batch runs once, whatever order results come in."""
    import random

    class Ref:
        def __init__(self, value):
            self.value = value

    class Actor:
        def __init__(self, *args):
            self.bake = self
            self.keys = set()

        def remote(self, key, batch):
            self.keys.add(key)
            return Ref([(k, {"id": key[0]}, [(f"f{k}.bin", bytes([k % 256]))], set()) for k, *_ in batch])

    class FakeRay:
        def cluster_resources(self):
            return {"CPU": 3}

        def remote(self, cls):
            return type("Options", (), {"options": lambda self, **kw: self, "remote": lambda self, *a: Actor()})()

        def wait(self, refs, num_returns):
            return [random.choice(refs)], []

        def get(self, ref):
            return ref.value

        def kill(self, actor):
            pass

    random.seed(0)
    groups, k = {}, 0
    for g in range(40):
        for _ in range(random.choice([1, 3, 30])):
            groups.setdefault((f"x/g{g}-v1", "{}"), []).append((k, 1, [], None))
            k += 1
    from worldsmith.bake.staging import Staging

    with Staging(tmp_path) as staging:
        records = ray_bake._run(FakeRay(), groups, staging, 0.0)
    assert [r["index"] for r in records] == list(range(k)) and len(list(tmp_path.iterdir())) == k


@pytest.mark.slow
def test_shards_bake_on_ray_too(ray_session, tmp_path):
    (tmp_path / "m.toml").write_text(SMALL)
    lock = bake(tmp_path / "m.toml", tmp_path / "s", shard=(1, 2), executor="ray")
    assert [a["index"] for a in lock["assets"]] == [1, 3] and lock["shard"] == "1/2"
    assert (tmp_path / "s" / "assets.lock.1-of-2.json").is_file() and not (tmp_path / "s" / "a" / "q1.json").exists()


def test_a_file_two_assets_write_is_staged_once_and_must_not_differ(tmp_path):
    """Whatever order the results arrive in: equal bytes are written once (a shared file is
    locked by name), other bytes under the same name fail before any file reaches its place."""
    from worldsmith.bake.staging import Staging
    from worldsmith.core.errors import FormatError

    with Staging(tmp_path / "ok") as staging:
        writer = ray_bake._Writer(staging)
        writer.take([(1, {"id": "x"}, [("t.tsx", b"same")], {"t.tsx"})], total=2)
        writer.take([(0, {"id": "x"}, [("t.tsx", b"same"), ("own.png", b"0")], {"t.tsx"})], total=2)
    assert sorted(p.name for p in (tmp_path / "ok").iterdir()) == ["own.png", "t.tsx"]
    assert writer.records[0]["files"] == {"own.png": writer.records[0]["files"]["own.png"]}
    assert writer.records[0]["shared"] == writer.records[1]["shared"] == ["t.tsx"]
    with pytest.raises(FormatError, match=r"asset\[0\] writes other bytes than asset\[1\]"):
        with Staging(tmp_path / "bad") as staging:
            writer = ray_bake._Writer(staging)
            writer.take([(1, {"id": "x"}, [("own.png", b"1"), ("t.tsx", b"later")], {"t.tsx"})], total=2)
            writer.take([(0, {"id": "x"}, [("t.tsx", b"earlier")], {"t.tsx"})], total=2)
    assert not (tmp_path / "bad").exists()


@pytest.mark.parametrize("argv, message", [
    (["--ray", "127.0.0.1:1"], "cannot reach 127.0.0.1:1"),
    (["--ray", "ray://127.0.0.1:1"], "cannot reach 127.0.0.1:1"),
    (["--ray", "not an address"], "auto, HOST:PORT or ray://HOST:10001"),
    (["--ray-gpus", "1"], "only with --ray"),
])
def test_cli_ray_errors_are_one_line_exit_2(argv, message, tmp_path, capsys):
    (tmp_path / "m.toml").write_text(SMALL)
    assert main(["bake", str(tmp_path / "m.toml"), "--out", str(tmp_path / "o"), *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_bad_input_fails_before_any_actor_starts(tmp_path, capsys):
    for old, new in (('outputs = ["q4.ink", "q4.json"]', 'outputs = ["q4.glb"]'), ("acts = 2", "acts = 99"),
                     ('id = "plots/quest-v1"\nseed = 3', 'id = "plots/quest-v9"\nseed = 3')):
        (tmp_path / "m.toml").write_text(SMALL.replace(old, new))
        assert main(["bake", str(tmp_path / "m.toml"), "--out", str(tmp_path / "o"), "--ray"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert "not .glb" in err[0] and "acts" in err[1] and "did you mean" in err[2] and len(err) == 3
    assert not (tmp_path / "o").exists()
