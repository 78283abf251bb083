"""Cold start-up of each command (issue 33): wall seconds and peak memory of a new process, median
of ``--runs``, beside ``python -c "import worldsmith"``; and whether the command imported torch.

    .venv/bin/python benchmarks/startup.py [--runs 5] [--out benchmarks/results/startup.json]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

TORCH_PROBE = "import sys, runpy; sys.argv = {argv!r}; " \
              "exec('try:\\n runpy.run_module(\"worldsmith.cli\", run_name=\"__main__\")\\n" \
              "except SystemExit: pass'); print('torch' in sys.modules, file=sys.stderr)"


def commands(tmp: Path) -> dict[str, list[str]]:
    """The commands timed, as argv after ``python``."""
    from worldsmith.bake import bake

    manifest = tmp / "m.toml"
    manifest.write_text("".join(f'[[asset]]\nid = "plots/quest-v1"\nseed = {s}\noutputs = ["q{s}.json"]\n\n'
                                for s in range(4)))
    for shard in ((0, 2), (1, 2)):
        bake(manifest, tmp / "shards", shard)
    cli = ["-m", "worldsmith.cli"]
    return {
        "import worldsmith": ["-c", "import worldsmith"],
        "worldsmith --version": [*cli, "--version"],
        "worldsmith list": [*cli, "list"],
        "worldsmith info levels/smb-v1": [*cli, "info", "levels/smb-v1"],
        "worldsmith bake merge": [*cli, "bake", "merge", "--out", str(tmp / "shards")],
        "generate plots/quest-v1 --out q.json": [*cli, "generate", "plots/quest-v1", "--seed", "1", "--out",
                                                 str(tmp / "q.json")],
        "generate sprites/lpc-v2 --out hero.png": [*cli, "generate", "sprites/lpc-v2", "--seed", "1", "--out",
                                                   str(tmp / "hero.png")],
        "generate levels/smb-v1 --out level.json": [*cli, "generate", "levels/smb-v1", "--seed", "1", "--out",
                                                    str(tmp / "level.json")],
    }


def run_once(argv: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS in MiB of one ``python argv`` process."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, *argv], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"{argv}: exit {proc.returncode}")
    return seconds, usage.ru_maxrss / 1024


def imports_torch(argv: list[str]) -> bool:
    """Whether the command leaves torch imported."""
    if argv[0] == "-c":
        code = argv[1] + "; import sys; print('torch' in sys.modules, file=sys.stderr)"
    else:
        code = TORCH_PROBE.format(argv=["worldsmith", *argv[2:]])
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return proc.stderr.strip().splitlines()[-1] == "True"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--out", type=Path, default=None)
    args = p.parse_args()
    rows = {}
    with tempfile.TemporaryDirectory() as d:
        for name, argv in commands(Path(d)).items():
            try:
                times = [run_once(argv) for _ in range(args.runs)]
            except RuntimeError as e:            # a command this version lacks (timing an older commit)
                rows[name] = {"error": str(e)}
                print(name, rows[name], flush=True)
                continue
            rows[name] = {"seconds": round(float(np.median([t for t, _ in times])), 3),
                          "peak_mib": round(max(m for _, m in times)), "torch": imports_torch(argv)}
            print(name, rows[name], flush=True)
    if args.out:
        args.out.write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
