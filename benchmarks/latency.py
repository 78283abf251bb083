"""Latency and throughput of every generator on every available device; JSON + PNG chart.

For each generator: batch-1 p50/p99 of the full call (network + procedural post-processing).
For neural generators (sprites, levels) the network is also measured alone in three modes side
by side: eager fp32, optimised (CUDA graphs per batch bucket, bf16 where it leaves the quantised
output unchanged, channels_last; plain inference mode on the CPU) and onnxruntime, at batch 1
and at batch 16/256/4096, with FLOPs per item and the fraction of the device's peak reached.
Terrain is measured at sizes 256/1024/2048.

    python benchmarks/latency.py --out benchmarks/results          # CPU (and CUDA if present)
    python benchmarks/latency.py --quick --out /tmp/bench           # a smoke run
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import summary, timed  # noqa: E402

import worldsmith as ws  # noqa: E402
from worldsmith.core.generator import NeuralGenerator  # noqa: E402

END_TO_END = {  # id -> config for the batch-1 end-to-end latency
    "sprites/lpc-v1": {},
    "sprites/lpc-v2": {},
    "sprites/lpc-v3": {},
    "levels/smb-v1": {"width": 200},
    "levels/loderunner-v1": {},
    "levels/zelda-v1": {},
    "plots/quest-v1": {},
    "scenes/terrain-v1": {"size": 256},
    "scenes/platformer-v1": {},
    "scenes/dungeon-v1": {},
    "scenes/platformer-v2": {},
    "scenes/dungeon-v2": {},
}
TERRAIN_SIZES = (256, 1024, 2048)
BATCHES = {"cuda": (16, 256, 4096), "cpu": (16, 256)}  # 4096 sprite sheets take minutes on 2 cores
PEAK_TFLOPS = {"NVIDIA H200": {"fp32": 67.0, "bf16": 989.0}, "NVIDIA H100": {"fp32": 67.0, "bf16": 989.0}}


def device_name(device: str) -> str:
    """Human-readable device name."""
    if device.startswith("cuda"):
        import torch

        return torch.cuda.get_device_name(0)
    return f"{platform.processor() or platform.machine()} x{os.cpu_count()} cores"


def peak_tflops(device: str, dtype: str) -> float | None:
    """Dense peak of the device: datasheet for GPUs; an estimate on CPUs of threads x clock x
    fp32 FLOPs per cycle (64 with AVX-512 FMA, else 32)."""
    if device.startswith("cuda"):
        return PEAK_TFLOPS.get(device_name(device), {}).get(dtype)
    try:
        info = open("/proc/cpuinfo").read()
        mhz = max(float(line.split(":")[1]) for line in info.splitlines() if line.startswith("cpu MHz"))
    except (OSError, ValueError):
        return None
    import torch

    per_cycle = 64 if " avx512f" in info else 32
    return torch.get_num_threads() * mhz * 1e6 * per_cycle / 1e12


def end_to_end(gid: str, config: dict[str, Any], device: str, repeats: int) -> dict[str, Any] | None:
    """Batch-1 latency of the full generator call (new seed each call); None on a GPU for a
    generator whose config has no ``device`` field (its call would run on the CPU)."""
    if device != "cpu":
        if "device" not in _fields(gid):
            return None
        config = {**config, "device": device}
    gen = ws.make(gid, **config)
    gen.warm()                                 # what AssetService.load does before the first request
    return {"id": gid, "config": config, **summary(timed(lambda i: gen(seed=1000 + i), repeats, device))}


def _fields(gid: str) -> set[str]:
    return {f["name"] for f in ws.spec(gid).load().Config.describe()}


def flops_per_item(network: Any, z: Any) -> float:
    """FLOPs of one item through ``network`` (torch's FlopCounterMode)."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    counter = FlopCounterMode(display=False)
    with counter, torch.inference_mode():
        network(z[:1])
    return float(counter.get_total_flops())


def network_modes(gid: str, device: str, repeats: int, quick: bool) -> dict[str, Any] | None:
    """The network alone: eager fp32 vs optimised vs onnxruntime, batch 1 and large batches."""
    from worldsmith.runtime.accel import FastNetwork, bf16_is_exact

    gen = ws.make(gid)
    if not isinstance(gen, NeuralGenerator):
        return None
    net = gen.network.eval().to(device)
    z1 = gen.latents([0])
    quantise = gen.quantise
    bf16 = device.startswith("cuda") and bf16_is_exact(net, gen.latents(list(range(64))), quantise, device)
    runners = {"eager_fp32": lambda z: _eager(net, z, device),
               "optimised": FastNetwork(net, device, bf16=bf16, graphs=True)}
    if device == "cpu":
        onnx = _onnx_runner(gid)
        if onnx is not None:
            runners["onnxruntime"] = onnx
    flops = flops_per_item(net.cpu(), z1)
    net.to(device)
    batches = BATCHES["cuda" if device.startswith("cuda") else "cpu"][: 2 if quick else 3]
    result: dict[str, Any] = {"flops_per_item": flops, "bf16": bf16, "modes": {}}
    for mode, run in runners.items():
        row = {"batch1": summary(timed(lambda i: run(z1), repeats, device))}
        for b in batches:
            zb = gen.latents(list(range(b)))
            row[f"batch{b}"] = summary(timed(lambda i: run(zb), 3, device, warmup=1), items=b)
        best = max(row[f"batch{b}"]["items_per_s"] for b in batches)
        peak = peak_tflops(device, "bf16" if (mode == "optimised" and bf16) else "fp32")
        row["peak_fraction"] = round(best * flops / (peak * 1e12), 5) if peak else None
        result["modes"][mode] = row
    eager, fast = result["modes"]["eager_fp32"], result["modes"]["optimised"]
    result["speedup_batch1_p50"] = round(eager["batch1"]["p50_ms"] / fast["batch1"]["p50_ms"], 2)
    top = f"batch{batches[-1]}"
    result["speedup_throughput"] = round(fast[top]["items_per_s"] / eager[top]["items_per_s"], 2)
    return result


def _eager(net: Any, z: Any, device: str) -> Any:
    import torch

    from worldsmith.core.device import ieee_fp32

    with torch.inference_mode(), ieee_fp32():  # fp32 as the SDK runs it: no TF32 on a GPU
        return net(z.to(device))


def _onnx_runner(gid: str):
    """An onnxruntime session on the exported network, or None without the onnx extra."""
    import tempfile

    try:
        import onnxruntime as ort

        from worldsmith.runtime.onnx import export_onnx
    except ImportError:
        return None
    path = Path(tempfile.mkdtemp()) / "net.onnx"
    export_onnx(gid, path, check_seeds=4)
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 2
    session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    return lambda z: session.run(None, {name: z.numpy()})


def terrain_sizes(device: str, quick: bool) -> list[dict[str, Any]]:
    """End-to-end terrain (generate + glb bytes) at several sizes."""
    rows = []
    for size in TERRAIN_SIZES[:1] if quick else TERRAIN_SIZES:
        gen = ws.make("scenes/terrain-v1", size=size)
        reps = 5 if size <= 256 else 2
        t = timed(lambda i: gen(seed=i).export(fmt="glb"), reps, device, warmup=1)
        rows.append({"size": size, **summary(t)})
    return rows


def run(device: str, repeats: int, quick: bool) -> dict[str, Any]:
    """All measurements on one device."""
    import torch

    torch.set_num_threads(min(2, os.cpu_count() or 1)) if device == "cpu" else None
    registered = set(ws.list_generators())
    out: dict[str, Any] = {"device": device, "device_name": device_name(device),
                           "torch": torch.__version__, "threads": torch.get_num_threads(),
                           "peak_tflops_fp32": peak_tflops(device, "fp32"), "end_to_end": [], "networks": {}}
    for gid, config in END_TO_END.items():
        if gid in registered:
            row = end_to_end(gid, config, device, repeats)
            if row is not None:
                out["end_to_end"].append(row)
            net = network_modes(gid, device, repeats, quick)
            if net:
                out["networks"][gid] = net
    if "scenes/terrain-v1" in registered:
        out["terrain_sizes"] = terrain_sizes(device, quick)
    return out


def chart(results: dict[str, dict[str, Any]], path: Path) -> None:
    """Bar chart: batch-1 p50 per generator and network throughput per mode, one series per
    results file (``{tag: result}``; the tag of ``latency-<tag>.json`` names the series, as two
    runs on one machine kind share their device name)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(13, 4.5))
    ids = list(dict.fromkeys(r["id"] for res in results.values() for r in res["end_to_end"]))
    width = 0.8 / max(1, len(results))
    labels, values = [], []
    for k, (tag, res) in enumerate(results.items()):
        p50 = {r["id"]: r["p50_ms"] for r in res["end_to_end"]}
        x = [i + width * k for i, gid in enumerate(ids) if gid in p50]
        axes[0].bar(x, [p50[gid] for gid in ids if gid in p50], width, label=f"{tag} ({res['device_name']})")
        for gid, net in res["networks"].items():
            for mode, row in net["modes"].items():
                top = max((v for key, v in row.items() if key.startswith("batch") and key != "batch1"),
                          key=lambda v: v["items_per_s"])
                labels.append(f"{tag} {gid.split('/')[1]} {mode}")
                values.append(top["items_per_s"])
    axes[0].set_xticks(np.arange(len(ids)) + 0.4 - width / 2, ids, rotation=30, ha="right")
    axes[1].barh(labels, values)
    axes[0].set_ylabel("batch-1 p50 latency (ms), log")
    axes[0].set_yscale("log")
    axes[0].legend()
    axes[1].set_xscale("log")
    axes[1].set_xlabel("network throughput, items/s (best batch), log")
    axes[1].tick_params(axis="y", labelsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default="benchmarks/results", help="folder for the JSON and the chart")
    p.add_argument("--device", default="all", help="cpu, cuda or all (those available)")
    p.add_argument("--repeats", type=int, default=50)
    p.add_argument("--quick", action="store_true", help="fewer repeats and batches (smoke test)")
    args = p.parse_args(argv)
    import torch

    devices = ["cpu", "cuda"] if args.device == "all" else [args.device]
    devices = [d for d in devices if d == "cpu" or torch.cuda.is_available()]
    repeats = 5 if args.quick else args.repeats
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for device in devices:
        res = run(device, repeats, args.quick)
        tag = "cpu" if device == "cpu" else res["device_name"].replace(" ", "-")
        (out / f"latency-{tag}.json").write_text(json.dumps(res, indent=2) + "\n")
        print(json.dumps({"device": res["device_name"],
                          "end_to_end_p50_ms": {r["id"]: r["p50_ms"] for r in res["end_to_end"]}}))
    chart({f.stem.removeprefix("latency-"): json.loads(f.read_text()) for f in sorted(out.glob("latency-*.json"))},
          out / "latency.png")
    print(f"wrote {out}/latency-*.json and {out}/latency.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
