"""A stateful property test of the bake (issue 31): random manifests, bakes, kill -9 at random
moments, shards and merges, into one folder; after every step the lock, when there is one,
describes the files on disk, and a finished bake's lock describes the current manifest."""
from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from tests.conftest import REPO
from tests.test_bake_transaction import lock_matches_disk
from worldsmith.bake import bake, merge_locks


def _manifest_text(seeds: list[int], outputs: str) -> str:
    return "".join(f'[[asset]]\nid = "plots/quest-v1"\nseed = {s}\noutputs = ["{outputs.format(s=s)}"]\n\n'
                   for s in seeds)


MANIFESTS = [_manifest_text(list(range(1, 40)), "q{s}.json"),             # many small files
             _manifest_text(list(range(5, 45)), "q{s}.json"),             # the same names, other content
             _manifest_text(list(range(1, 30)), "sub/q{s}.ink")]          # other folders


class BakeMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp())
        self.manifest, self.out = self.root / "m.toml", self.root / "out"
        self.manifest.write_text(MANIFESTS[0])

    @rule(i=st.integers(0, len(MANIFESTS) - 1))
    def edit_manifest(self, i):
        self.manifest.write_text(MANIFESTS[i])

    @rule()
    def bake_to_the_end(self):
        lock = bake(self.manifest, self.out)
        assert lock["manifest_sha256"] == hashlib.sha256(self.manifest.read_bytes()).hexdigest()
        assert not list(self.out.glob(".bake*"))

    @rule(delay=st.floats(0.3, 2.0))
    def bake_killed(self, delay):
        env = {**os.environ, "PYTHONPATH": str(REPO / "sdk")}
        proc = subprocess.Popen([sys.executable, "-m", "worldsmith.cli", "bake", str(self.manifest), "--out",
                                 str(self.out), "--quiet"], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()

    @rule()
    def shards_and_merge(self):
        bake(self.manifest, self.out, (1, 2))
        bake(self.manifest, self.out, (0, 2))
        merged = merge_locks(self.out)
        assert merged["manifest_sha256"] == hashlib.sha256(self.manifest.read_bytes()).hexdigest()

    @invariant()
    def the_lock_never_lies(self):
        assert lock_matches_disk(self.out)
        lock = self.out / "assets.lock.json"
        if lock.exists():
            assert json.loads(lock.read_text())["assets"]

    def teardown(self) -> None:
        subprocess.run(["rm", "-rf", str(self.root)], check=False)


TestBake = BakeMachine.TestCase
TestBake.settings = settings(max_examples=5, stateful_step_count=6, derandomize=True, deadline=None,
                             suppress_health_check=[HealthCheck.too_slow])
