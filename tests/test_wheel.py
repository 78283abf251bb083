"""A newcomer's install: the wheel built from the tracked files, pip-installed into a new virtual
environment, runs every README command (the Python blocks and every ``worldsmith`` line) from an
unrelated folder.

The new environment gets the wheel by ``pip install``; its dependencies (torch and the rest) are
the test environment's, seen through a ``.pth`` line instead of a second multi-GB download. The
wheel's own files (package, weights, entry point) are what is tested; ``pip check`` confirms the
declared dependencies resolve there.
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.conftest import data_present
from worldsmith.core.data import data_dir

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
pytestmark = [pytest.mark.slow,  # builds and installs a wheel
              pytest.mark.skipif(shutil.which("git") is None or not (REPO / ".git").exists(),
                                 reason="builds from the git checkout's tracked files")]


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README, flags=re.S)


def _cli_lines() -> list[str]:
    """Every ``worldsmith ...`` command of the README's shell blocks, comments cut."""
    lines = [line.split("  #")[0].strip() for block in _blocks("sh") for line in block.splitlines()]
    return [line for line in lines if line.startswith("worldsmith ")]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A new virtual environment with the built wheel installed; returns its bin folder."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    for name in filter(None, tracked.decode().split("\0")):
        if (REPO / name).is_file():
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, src / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp / "dist"), str(src)],
                   check=True, capture_output=True)
    wheel = next((tmp / "dist").glob("worldsmith-*.whl"))
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    (Path(purelib) / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([*pip, "--python", str(python), "install", "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True)
    check = subprocess.run([*pip, "--python", str(python), "check"], capture_output=True, text=True)
    assert "worldsmith" not in check.stdout, check.stdout
    return venv / "bin"


def _run(bin: Path, argv: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in ("WORLDSMITH_DATA", "PYTHONPATH")}
    environ.update(PATH=f"{bin}{os.pathsep}{environ.get('PATH', '')}", **env)
    return subprocess.run(argv, cwd=cwd, env=environ, capture_output=True, text=True, timeout=600)


def test_the_package_comes_from_the_wheel(installed, tmp_path):
    proc = _run(installed, ["python", "-c", "import worldsmith, pathlib; print(worldsmith.__file__)"], tmp_path)
    assert proc.returncode == 0 and str(installed.parent) in proc.stdout, proc.stdout + proc.stderr
    weights = list((Path(proc.stdout.strip()).parent / "weights").glob("*/MANIFEST"))
    assert len(weights) >= 5


def test_the_readme_python_runs_from_another_folder(installed, tmp_path):
    for i, block in enumerate(_blocks("python")):
        proc = _run(installed, ["python", "-c", block], tmp_path)
        assert proc.returncode == 0, f"README python block {i}:\n{block}\n{proc.stderr}"
    assert (tmp_path / "out" / "hero.png").is_file() and (tmp_path / "out" / "hero.CREDITS.txt").is_file()
    assert (tmp_path / "out" / "quest.ink").is_file()


def test_every_readme_command_runs_from_another_folder(installed, tmp_path):
    commands = _cli_lines()
    assert any(c.startswith("worldsmith bake") for c in commands) and len(commands) >= 6
    shutil.copytree(REPO / "demo", tmp_path / "demo")          # the manifest the README bakes
    data = {"WORLDSMITH_DATA": str(data_dir())} if data_present("vglc") else {}
    for command in commands:
        argv = shlex.split(command)
        if argv[1] == "train":                                  # the recipe, shortened
            argv += ["--dry-run", "--out", str(tmp_path / "run")]
            unset = _run(installed, argv, tmp_path)
            assert unset.returncode == 2 and "WORLDSMITH_DATA" in unset.stderr, unset.stderr
            if not data:                                        # a clone without the data: that is all
                continue
        proc = _run(installed, argv, tmp_path, **data)
        assert proc.returncode == 0, f"{command}\n{proc.stderr[-2000:]}"
    assert (tmp_path / "build" / "demo" / "assets.lock.json").is_file()
