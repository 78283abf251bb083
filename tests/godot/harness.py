"""Run GDScript checks in a real, headless Godot 3 (Debian's ``godot3-server``) against exported files.

A :class:`GodotProject` is a throw-away project folder: tests export assets into it, call
:meth:`GodotProject.import_assets` (the editor's import step, which turns ``.png``/``.glb`` into
Godot resources, as opening the project in the editor does) and :meth:`GodotProject.run` a script
``extends SceneTree`` that prints ``CHECK <name> <value>`` lines and quits with 0 when its own
assertions held. Tests skip (one reason) when ``godot3-server`` is not installed.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

GODOT = "godot3-server"
PROJECT = 'config_version=4\n\n[application]\n\nconfig/name="worldsmith-test"\n'


def require_godot() -> str:
    """The Godot binary; skips the calling test when it is missing."""
    exe = shutil.which(GODOT)
    if exe is None:
        pytest.skip(f"needs {GODOT} (Godot 3, Debian package godot3-server; .ci/run installs it)")
    return exe


class GodotProject:
    """A Godot 3 project in ``root`` (``project.godot`` written on creation)."""

    def __init__(self, root: Path) -> None:
        self.exe = require_godot()
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        (root / "project.godot").write_text(PROJECT)

    def _godot(self, *args: str, timeout: float) -> subprocess.CompletedProcess:
        env = {**os.environ, "LANG": "C.UTF-8", "HOME": str(self.root / ".home")}
        return subprocess.run([self.exe, "--path", str(self.root), *args], capture_output=True, text=True,
                              timeout=timeout, env=env)

    def import_assets(self, timeout: float = 120) -> None:
        """The editor's import pass over every file in the project (writes ``.import/``)."""
        try:
            self._godot("--editor", "--quit", timeout=timeout)
        except subprocess.TimeoutExpired:   # the editor may linger after importing; the import is done
            pass

    def run(self, script: str, timeout: float = 120) -> dict[str, str]:
        """Run ``script`` (GDScript source, ``extends SceneTree``); fails the test with Godot's
        output unless it exits 0. Returns the ``CHECK name value`` lines it printed as a dict."""
        path = self.root / "check.gd"
        path.write_text(script)
        try:
            proc = self._godot("-s", "res://check.gd", timeout=timeout)
        except subprocess.TimeoutExpired as e:   # a script error stops the script before quit()
            pytest.fail(f"Godot check did not quit within {timeout} s:\n{_text(e.stdout)}{_text(e.stderr)}"[-4000:])
        out = proc.stdout + proc.stderr
        if proc.returncode != 0 or "SCRIPT ERROR" in out or "Parse Error" in out:
            pytest.fail(f"Godot check failed (exit {proc.returncode}):\n{out[-4000:]}")
        checks = {}
        for line in proc.stdout.splitlines():
            if line.startswith("CHECK "):
                _, name, *value = line.split(" ", 2)
                checks[name] = value[0] if value else ""
        return checks


def _text(data: bytes | str | None) -> str:
    return data.decode(errors="replace") if isinstance(data, bytes) else (data or "")
