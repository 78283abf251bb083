"""One thread rule for every entry point (issue 33): worldsmith sets torch's process-wide thread
count once, at its first generator call with torch loaded, unless the caller chose first; and
generators that do not use torch never import it."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import REPO

PROBE = """
import sys, torch, worldsmith as ws
torch.set_num_threads(2)              # torch's setting before worldsmith runs
{before}
ws.make("levels/zelda-v1")(seed=1)
print(torch.get_num_threads())
"""


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != "WORLDSMITH_THREADS"}
    environ.update(PYTHONPATH=str(REPO / "sdk"), **env)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environ, timeout=300)


@pytest.mark.parametrize("before, env, threads", [
    ("", {}, "1"),                                      # the API in the user's own process: worldsmith's default
    ("ws.set_threads(None)", {}, "2"),                  # a program that tunes torch itself
    ("ws.set_threads(2)", {}, "2"),
    ("", {"WORLDSMITH_THREADS": "2"}, "2"),
    ("", {"WORLDSMITH_THREADS": "torch"}, "2"),
])
def test_the_thread_rule(before, env, threads):
    proc = _run(PROBE.format(before=before), **env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [threads]


def test_a_bad_environment_setting_is_one_error():
    proc = _run(PROBE.format(before=""), WORLDSMITH_THREADS="many")
    assert "WORLDSMITH_THREADS: expected a number of threads >= 1, or 'torch'" in proc.stderr


def test_generators_without_networks_never_import_torch(tmp_path):
    code = ("import sys, worldsmith as ws\nfrom worldsmith.cli import main\n"
            "ws.make('plots/quest-v1')(seed=1); ws.make('sprites/lpc-v2')(seed=1)\n"
            f"main(['generate', 'plots/quest-v1', '--seed', '1', '--out', {str(tmp_path / 'q.json')!r}])\n"
            "print('torch' in sys.modules)")
    proc = _run(code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "False"


def test_list_info_and_merge_never_import_torch(tmp_path):
    from worldsmith.bake import bake

    (tmp_path / "m.toml").write_text('[[asset]]\nid = "plots/quest-v1"\nseed = 1\noutputs = ["a.json"]\n\n'
                                     '[[asset]]\nid = "plots/quest-v1"\nseed = 2\noutputs = ["b.json"]\n')
    for shard in ((0, 2), (1, 2)):
        bake(tmp_path / "m.toml", tmp_path / "out", shard)
    code = ("import sys, io, contextlib, worldsmith as ws\nfrom worldsmith.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    codes = [main(['list'])] + [main(['info', i]) for i in ws.list_generators()]\n"
            f"    codes.append(main(['bake', 'merge', '--out', {str(tmp_path / 'out')!r}]))\n"
            "print(codes.count(0) == len(codes), 'torch' in sys.modules)")
    proc = _run(code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split()[-2:] == ["True", "False"]
