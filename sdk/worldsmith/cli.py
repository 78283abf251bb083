"""The ``worldsmith`` command line: list, info, generate, bake, train, export-onnx, and the
commands families add in their manifests (``parts``).

Bad input prints one line on stderr and exits 2; it never shows a traceback.

>>> import contextlib, io
>>> out = io.StringIO()
>>> with contextlib.redirect_stdout(out):
...     code = main(["list"])
>>> code, "plots/quest-v1" in out.getvalue()
(0, True)
"""
from __future__ import annotations

import argparse
import contextlib
import json
import sys
from typing import Iterator, Sequence

from worldsmith.bake import bake, generate_files, merge_locks, parse_shard
from worldsmith.core import registry
from worldsmith.core.cliargs import Parser, UsageError
from worldsmith.core.errors import WorldsmithError
from worldsmith.core.family import load_ref
from worldsmith.core.formats import formats_for, png_optimize
from worldsmith.core.generator import VERSION
from worldsmith.core.progress import reporting
from worldsmith.core.seeding import seed_to_json
from worldsmith.core.threads import DEFAULT as DEFAULT_THREADS
from worldsmith.core.threads import set_threads
from worldsmith.runtime.onnx import OPSET, UNITY_OPSETS, export_onnx

THREADS = DEFAULT_THREADS  # torch threads by default (measured in benchmarks/threads.py; docs/benchmarks.md)


PNG_OPTIMIZE_HELP = ("smaller PNG files (Pillow's optimize: about 8x slower to encode sprite sheets, 17%% smaller, "
                     "the same pixels); default: a fast zlib level")


def run_options() -> argparse.ArgumentParser:
    """Options of every command that works for a while: threads and how progress is shown."""
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--threads", type=int, default=THREADS, metavar="N",
                   help="torch threads; 1 stays fast when the game or other work shares the CPU "
                        "(docs/benchmarks.md, 'Threads')")
    shown = p.add_mutually_exclusive_group()
    shown.add_argument("--quiet", action="store_true", help="no progress output")
    shown.add_argument("--json", action="store_true", help="progress as JSON lines on stderr (for build tools)")
    return p


@contextlib.contextmanager
def running(args: argparse.Namespace) -> Iterator[None]:
    """Apply ``--threads`` and show progress per ``--quiet``/``--json`` (bars on a terminal)."""
    if args.threads < 1:
        raise UsageError(f"--threads {args.threads}: expected a positive number")
    set_threads(args.threads)  # applied when (if) a generator loads torch
    with reporting("quiet" if args.quiet else "json" if args.json else "auto"):
        yield


def _generators_and_formats() -> str:
    """The ``generate --help`` epilog: every id with its description and export formats."""
    lines = ["generators (id: what; formats):"]
    for id in registry.list_generators():
        formats = " ".join("." + f for f in registry.spec(id).load().formats())
        lines.append(f"  {id}: {registry.spec(id).summary}; {formats}")
    return "\n".join(lines + ["", "config keys and ranges: worldsmith info ID"])


def _parser() -> argparse.ArgumentParser:
    p = Parser(prog="worldsmith", description="Generate game assets.")
    p.add_argument("--version", action="version", version=f"worldsmith {VERSION}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser)
    sub.add_parser("list", help="list the registered generators", description="List the registered generators.")
    info = sub.add_parser("info", help="config fields and export formats of a generator",
                          description="Config fields (type, default, range, help) and export formats of a generator.")
    info.add_argument("id", help="a generator id, e.g. levels/smb-v1 (see `worldsmith list`)")
    info.add_argument("--json", action="store_true", help="print JSON")
    gen = sub.add_parser("generate", parents=[run_options()], help="make one asset (or --n) and export it",
                         epilog_fn=_generators_and_formats,
                         description="Make one asset from --seed (or --n assets from its child seeds) and write "
                                     "it to every --out file, the format chosen by the file's extension.")
    gen.add_argument("id", help="a generator id (listed below)")
    gen.add_argument("--seed", type=int, required=True, help="the seed: the same id, config and seed give the "
                                                             "same bytes")
    gen.add_argument("--n", type=int, default=None, help="make N assets (item i from child seed i); default: one")
    gen.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                     help="a config value (repeatable), e.g. --set width=120; keys: worldsmith info ID")
    gen.add_argument("--out", action="append", required=True, help="output file; repeat for more formats")
    gen.add_argument("--png-optimize", action="store_true", help=PNG_OPTIMIZE_HELP)
    bake = sub.add_parser("bake", parents=[run_options()], help="bake a TOML manifest (or `bake merge --out DIR`)",
                          description="Bake every asset of a TOML manifest into --out and write assets.lock.json; "
                                      "`bake merge --out DIR` joins the shard locks of `--shard i/n` runs; "
                                      "`--ray [ADDRESS]` bakes on a Ray cluster (same bytes).")
    bake.add_argument("manifest", help="MANIFEST.toml, or 'merge' to merge the shard locks in --out")
    bake.add_argument("--out", required=True, help="output folder")
    bake.add_argument("--png-optimize", action="store_true", help=PNG_OPTIMIZE_HELP)
    bake.add_argument("--shard", default="0/1", help="bake only shard i of n (i/n; default 0/1: everything)")
    bake.add_argument("--ray", nargs="?", const="local", default=None, metavar="ADDRESS",
                      help="bake on Ray (after MANIFEST): alone, a new local Ray on this machine's CPUs; with "
                           "ADDRESS, that cluster: auto, HOST:PORT or ray://HOST:10001 (the [ray] extra; "
                           "docs/runtime.md, 'Baking on Ray'). Same files and lock as without")
    bake.add_argument("--ray-gpus", type=float, default=0.0, metavar="G",
                      help="with --ray: GPUs per generator actor (1, or 0.25 for four actors on one GPU); "
                           "0 bakes on CPUs")
    train = sub.add_parser("train", help=f"train a model family ({', '.join(registry.trainers())})", add_help=False)
    train.add_argument("family")
    for add_command in registry.commands().values():             # sub-commands a family adds
        load_ref(add_command)(sub)
    onnx = sub.add_parser("export-onnx", help="export a generator's network to ONNX",
                          description="Export a generator's network to one ONNX file (dynamic batch), "
                                      "checked in onnxruntime against torch.")
    neural = [id for id in registry.list_generators() if registry.spec(id).neural]
    onnx.add_argument("id", help="a neural generator: " + ", ".join(neural))
    onnx.add_argument("--out", required=True, help="the .onnx file to write")
    onnx.add_argument("--opset", type=int, default=OPSET,
                      help=f"ONNX opset (default: {OPSET}), or {UNITY_OPSETS[0]} to {UNITY_OPSETS[-1]} for Unity's "
                           "inference engine (the level networks need 13 or above)")
    return p


def _config_from_sets(id: str, pairs: Sequence[str]) -> dict:
    cls = registry.spec(id).load()
    config = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"--set {pair!r}: expected KEY=VALUE")
        config[key] = cls.Config.parse_value(key, value)
    return config


def _cmd_list(args: argparse.Namespace) -> None:
    for id in registry.list_generators():
        print(f"{id:24s} {registry.spec(id).summary}")


def _cmd_info(args: argparse.Namespace) -> None:
    spec = registry.spec(args.id)
    info = {"id": args.id, "summary": spec.summary, "config": spec.config_class().describe(),
            "formats": formats_for(spec.asset_class())}
    cls = None if spec.config else spec.load()
    if hasattr(cls, "catalogue"):                     # generators with parts picked by name
        info["parts"] = cls.catalogue()
    if args.json:
        print(json.dumps(info, indent=2))
        return
    print(f"{args.id}: {info['summary']}\nconfig:")
    for row in info["config"]:
        bounds = row.get("choices") or (
            f"[{row.get('lo')}, {row.get('hi')}]" if "lo" in row or "hi" in row else "")
        print(f"  {row['name']:16s} {row['type']:10s} default={json.dumps(row['default'])} "
              f"{bounds}  {row.get('help', '')}".rstrip())
    print("formats: " + " ".join("." + f for f in info["formats"]))
    if "parts" in info:
        print("parts (--set 'parts={\"SLOT\": \"NAME\"}'; NAME/VARIANT picks a colour):")
        for slot, names in info["parts"].items():
            print(f"  {slot:12s} " + " ".join(names))


def _cmd_generate(args: argparse.Namespace) -> None:
    with png_optimize(args.png_optimize):
        record = generate_files(args.id, args.seed, _config_from_sets(args.id, args.set), args.out, args.n)
    files = [{"path": p, "sha256": h} for p, h in record["files"].items()]
    print(json.dumps({"id": args.id, "seed": seed_to_json(args.seed), "files": files}))


def _cmd_bake(args: argparse.Namespace) -> None:
    if args.ray is None and args.ray_gpus:
        raise UsageError("--ray-gpus: only with --ray")
    if args.manifest == "merge":
        if args.ray is not None:
            raise UsageError("--ray: bake merge only joins lock files; give --ray to the bake itself")
        lock = merge_locks(args.out)
    elif args.ray is None:
        lock = bake(args.manifest, args.out, parse_shard(args.shard), png_optimize=args.png_optimize)
    else:
        lock = bake(args.manifest, args.out, parse_shard(args.shard), executor="ray",
                    address=None if args.ray == "local" else args.ray, gpus=args.ray_gpus,
                    png_optimize=args.png_optimize)
    for asset in lock["assets"]:
        for name in asset["files"]:
            print(f"{args.out}/{name}")


def _cmd_export_onnx(args: argparse.Namespace) -> None:
    print(export_onnx(args.id, args.out, opset=args.opset))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code (0 ok, 2 bad input)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv[:1] == ["train"]:
            return _train(argv[1:])
        if argv == ["--version"]:
            print(f"worldsmith {VERSION}")
            return 0
        args = _parser().parse_args(argv)
        command = {"list": _cmd_list, "info": _cmd_info, "generate": _cmd_generate, "bake": _cmd_bake,
                   "export-onnx": _cmd_export_onnx}.get(args.command) or args.handler
        with running(args) if hasattr(args, "threads") else contextlib.nullcontext():
            command(args)
        return 0
    except (WorldsmithError, UsageError) as e:
        print(f"worldsmith: error: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"worldsmith: error: {e.filename or ''}: {e.strerror or e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("worldsmith: interrupted (files are written whole or not at all)", file=sys.stderr)
        return 130


def _train(argv: list[str]) -> int:
    trainers = registry.trainers()
    if argv[:1] in (["-h"], ["--help"]):
        print("usage: worldsmith train FAMILY [options]\n\nTrain a model family: "
              + ", ".join(trainers) + ".\n`worldsmith train FAMILY --help` lists a family's options.")
        return 0
    if not argv or argv[0] not in trainers:
        raise UsageError(f"worldsmith train: expected a family: {', '.join(trainers)}")
    args, rest = run_options().parse_known_args(argv[1:])
    with running(args):
        return load_ref(trainers[argv[0]])(rest)


if __name__ == "__main__":
    sys.exit(main())
