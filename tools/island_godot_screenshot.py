"""Render a scenes/terrain-v1 island in real Godot 3 (``godot3`` under Xvfb, GLES3 on llvmpipe
where there is no GPU) and save the frame as a PNG: the .glb imported as Godot's editor imports
it, instanced under a sun, a sky-coloured background and a camera looking at the island.

    python tools/island_godot_screenshot.py --out docs/images/island_godot.png [--seed 4] [--size 256]

Needs ``godot3-server`` (the import), ``godot3`` and ``xvfb-run`` (Debian packages godot3-server,
godot3, xvfb). ``--keep DIR`` leaves the Godot
project there (island.glb, island.tscn, shot.gd) to open in the editor.
"""
from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Sequence

from PIL import Image

import worldsmith as ws
from worldsmith.core.atomic import write_atomic

PROJECT = """config_version=4

[application]

config/name="worldsmith-island"

[display]

window/size/width={width}
window/size/height={height}
"""

SHOT = """extends SceneTree

var frames = 0

func _initialize():
    var scene = load("res://island.glb").instance()
    root.add_child(scene)
    var sun = DirectionalLight.new()
    sun.rotation_degrees = Vector3(-38, -35, 0)
    sun.light_energy = 1.1
    sun.shadow_enabled = true
    root.add_child(sun)
    var env = Environment.new()
    env.background_mode = Environment.BG_COLOR
    env.background_color = Color(0.62, 0.78, 0.92)
    env.ambient_light_color = Color(0.75, 0.82, 0.9)
    env.ambient_light_energy = 0.55
    var world = WorldEnvironment.new()
    world.environment = env
    root.add_child(world)
    var camera = Camera.new()
    camera.far = 4000.0
    root.add_child(camera)
    camera.look_at_from_position(Vector3({cx}, {cy}, {cz}), Vector3(0, 0, {tz}), Vector3.UP)
    camera.current = true

func _idle(_delta):
    frames += 1
    if frames == 12:
        var image = root.get_viewport().get_texture().get_data()
        image.flip_y()
        image.save_png("res://shot.png")
        quit(0)
    return false
"""


# The editor's import, left to write island_ground.material and co. beside the glb (its default),
# renders material previews before it quits, and Godot 3.2.3 then hangs (godot3-server) or
# crashes (godot3); kept inside the imported scene, the materials import the same and it quits.
BUILTIN_MATERIALS = '[remap]\n\nimporter="scene"\n\n[params]\n\nmaterials/storage=0\n'


def _godot(project: Path, *args: str, timeout: float) -> None:
    window = ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", "godot3"]
    cmd = [*(["godot3-server"] if "--editor" in args else window), "--path", str(project), *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{(proc.stdout + proc.stderr)[-3000:]}")


def screenshot(project: Path, seed: int, size: int, width: int, height: int) -> Image.Image:
    """Export island ``seed`` into ``project``, import it with the Godot editor, render one frame."""
    island = ws.make("scenes/terrain-v1", size=size)(seed=seed)
    w = island.world_size
    project.mkdir(parents=True, exist_ok=True)
    (project / "project.godot").write_text(PROJECT.format(width=width, height=height))
    island.export(project / "island.glb")
    (project / "island.glb.import").write_text(BUILTIN_MATERIALS)
    (project / "shot.gd").write_text(SHOT.replace("{cx}", f"{0.04 * w:.1f}").replace("{cy}", f"{0.36 * w:.1f}")
                                     .replace("{cz}", f"{0.5 * w:.1f}").replace("{tz}", f"{0.05 * w:.1f}"))
    _godot(project, "--editor", "--quit", timeout=300)
    _godot(project, "-s", "res://shot.gd", timeout=300)
    return Image.open(project / "shot.png").convert("RGB")


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: see the module docstring."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=4)
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--width", type=int, default=960)
    ap.add_argument("--height", type=int, default=540)
    ap.add_argument("--keep", type=Path, help="leave the Godot project in this folder")
    args = ap.parse_args(argv)
    if not all(shutil.which(exe) for exe in ("godot3-server", "godot3", "xvfb-run")):
        print("needs godot3-server, godot3 and xvfb-run (apt-get install godot3-server godot3 xvfb)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        image = screenshot(args.keep or Path(tmp) / "island", args.seed, args.size, args.width, args.height)
    buf = io.BytesIO()
    image.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(buf, "PNG", optimize=True)
    write_atomic(args.out, buf.getvalue())
    print(f"{args.out}: {image.width} x {image.height}, {len(buf.getvalue()) // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
