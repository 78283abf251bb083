"""A roofline projection of the networks on an NVIDIA H200 SXM: a projection, not a measurement.

No GPU run of ``benchmarks/latency.py`` exists yet. Until one does, this script projects what it
would find from the networks themselves (read on the CPU) and the H200's published figures:

- per item, at batch 1 (and FLOPs also at batch 64): FLOPs (torch's FlopCounterMode, which counts
  matrix products and convolutions only), the bytes of the parameters and buffers the forward pass
  reads (fp32 and bf16), the activation bytes moved (the input and output tensor sizes of every
  Linear / Conv / ConvTranspose / GroupNorm / BatchNorm layer, via forward hooks: a standard
  roofline approximation that ignores the element-wise ops in between and any L2 reuse), the
  output bytes, and the number of non-view aten ops (a proxy for the kernels a CUDA graph replays);
- per batch ``B``: arithmetic intensity ``FLOPs*B / (param bytes + activation bytes*B)``, time
  ``max(FLOPs*B / peak, bytes / bandwidth, floor)``, where ``floor`` is a published per-call cost
  of a CUDA-graph replay (a fixed part plus a part per kernel node), and the batch from which compute
  time overtakes memory time (and, further, the floor);
- items/s at batch 1, 16, 256, 4096 in fp32 (the GPU path runs fp32 with TF32 off, i.e. on the
  CUDA cores) and bf16 (tensor cores, dense), at the ideal peak and at an assumed efficiency.

    python tools/roofline.py                      # prints the markdown tables
    python tools/roofline.py --out benchmarks/results/roofline.json

The measurement that replaces it: ``python benchmarks/latency.py --device cuda --out
benchmarks/results`` on a GPU machine (or ``bash tools/gpu_session.sh run`` in one device call),
which writes ``latency-NVIDIA-H200.json``.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "sdk"))

NETWORKS = {  # generator id -> what its network is
    "sprites/lpc-v1": "sprite sheet G (16 cells)",
    "levels/smb-v1": "SMB window decoder (14x16)",
    "levels/loderunner-v1": "Lode Runner decoder (22x32)",
    "levels/zelda-v1": "Zelda decoder (16x11)",
}
BATCHES = (1, 16, 32, 256, 4096)  # 32: the bucket of a 200-column SMB level (17 windows)
SHOWN = (16, 256, 4096)

# NVIDIA H200 SXM, https://www.nvidia.com/en-us/data-center/h200/ (datasheet): FP32 67 TFLOPS,
# TF32 Tensor Core 989 and BF16 Tensor Core 1,979 TFLOPS "with sparsity", i.e. half that dense;
# 141 GB HBM3e at 4.8 TB/s. The dense values to one more digit are those of the Hopper whitepaper
# for the same GH100 part at the same clocks (H100 SXM5: FP32 66.9, TF32 494.7, BF16 989.4).
H200 = {
    "name": "NVIDIA H200 SXM (141 GB HBM3e)",
    "peak_tflops": {"fp32": 66.9, "tf32_dense": 494.7, "bf16_dense": 989.4},
    "peak_tflops_with_sparsity_not_used": {"tf32": 989.0, "bf16": 1979.0},
    "hbm_tb_s": 4.8,
    "memory_gb": 141,
    "sources": [
        "https://www.nvidia.com/en-us/data-center/h200/",
        "https://resources.nvidia.com/en-us-tensor-core/gtc22-whitepaper-hopper",
    ],
}
# Per-call floor of a CUDA-graph replay with a synchronisation after it, as measured on one host:
# ~15 us fixed + ~0.58 us per kernel node (chains of no-op kernels, graph + sync, median of 200;
# RTX 5070 Ti laptop, CUDA 13.3, WSL2): https://github.com/ahrefs/ocannl/issues/488 . A trivial
# kernel (x + y, 1024 floats) inside a captured 2000-node graph costs 1.1-1.3 us on the device:
# https://github.com/pytorch/pytorch/issues/161104 (1.2 us per node: the range's upper end).
FLOOR = {"fixed_us": 15.0, "per_kernel_us": 0.58, "per_kernel_us_high": 1.2,
         "sources": ["https://github.com/ahrefs/ocannl/issues/488",
                     "https://github.com/pytorch/pytorch/issues/161104",
                     "https://developer.nvidia.com/blog/constant-time-launch-for-straight-line-cuda-graphs-and-other-performance-enhancements/"]}
# Assumed fraction of the peak FLOP rate small convolutions reach (an assumption, not a datum):
# the convolutions have 8-128 output channels and GEMM reductions of 288-1536 (linears 32-160),
# below the tiles cuBLAS/cuDNN kernels are tuned for; the same networks reach 0.36-0.76 of the CPU's
# peak under onnxruntime (docs/benchmarks.md). Bandwidth is kept at the published peak.
EFFICIENCY = 0.4
LAYERS = ("Linear", "Conv2d", "ConvTranspose2d", "GroupNorm", "BatchNorm2d")


def _storage(t) -> int:
    return t.untyped_storage().data_ptr()


def inspect(gid: str) -> dict[str, Any]:
    """Per-item FLOPs, bytes and kernel count of the network of generator ``gid`` (CPU, fp32)."""
    import torch
    from torch.utils._python_dispatch import TorchDispatchMode
    from torch.utils._pytree import tree_leaves
    from torch.utils.flop_counter import FlopCounterMode

    import worldsmith as ws

    gen = ws.make(gid)
    net = gen.network.eval()
    z1, z64 = gen.latents([0]), gen.latents(list(range(64)))

    flops = {}
    for b, z in ((1, z1), (64, z64)):
        counter = FlopCounterMode(display=False)
        with counter, torch.inference_mode():
            net(z)
        flops[b] = counter.get_total_flops() / b

    tensors = {**dict(net.named_parameters()), **dict(net.named_buffers())}
    by_storage = {_storage(t): (name, t.nbytes, t.is_floating_point()) for name, t in tensors.items()}

    class Ops(TorchDispatchMode):
        """Counts non-view aten ops and records which parameters/buffers they read."""

        def __init__(self):
            super().__init__()
            self.ops: dict[str, int] = {}
            self.read: set[int] = set()

        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            for a in tree_leaves((args, kwargs or {})):
                if isinstance(a, torch.Tensor) and _storage(a) in by_storage:
                    self.read.add(_storage(a))
            if not func.is_view and func.__name__ not in ("detach.default",):
                self.ops[func.__name__] = self.ops.get(func.__name__, 0) + 1
            return func(*args, **(kwargs or {}))

    act = {"bytes": 0, "layers": 0}

    def hook(module, inputs, output):
        outs = output if isinstance(output, (tuple, list)) else (output,)
        act["bytes"] += sum(t.nbytes for t in (*inputs, *outs) if isinstance(t, torch.Tensor))
        act["layers"] += 1

    handles = [m.register_forward_hook(hook) for m in net.modules() if type(m).__name__ in LAYERS]
    mode = Ops()
    with torch.inference_mode(), mode:
        out = net(z1)
    for h in handles:
        h.remove()
    read = [by_storage[s] for s in mode.read]
    param_fp32 = sum(n for _, n, _ in read)
    param_bf16 = sum(n // 2 if fp else n for _, n, fp in read)
    quantised = gen.quantise(out.detach())
    return {
        "id": gid, "what": NETWORKS[gid], "output_shape": list(out.shape[1:]),
        "flops_per_item_b1": flops[1], "flops_per_item_b64": flops[64],
        "param_bytes_fp32": param_fp32, "param_bytes_bf16": param_bf16,
        "params_read": sorted(name for name, _, _ in read),
        "params_total_in_module": sum(t.nbytes for t in tensors.values()),
        "activation_bytes_per_item_fp32": act["bytes"], "activation_layers": act["layers"],
        "latent_bytes_per_item": z1.nbytes,
        "output_bytes_per_item_fp32": out.nbytes,
        "quantised_output_bytes_per_item": int(quantised.numel()),  # uint8 pixels / uint8 tile ids
        "kernels_proxy": sum(mode.ops.values()), "aten_ops": mode.ops,
    }


def project(info: dict[str, Any], cpu: dict[str, Any] | None) -> dict[str, Any]:
    """The roofline numbers of one network from :func:`inspect`'s figures."""
    bw = H200["hbm_tb_s"] * 1e12
    flops = info["flops_per_item_b64"]
    kernels = info["kernels_proxy"]
    floor_s = (FLOOR["fixed_us"] + FLOOR["per_kernel_us"] * kernels) * 1e-6
    floor_high_s = (FLOOR["fixed_us"] + FLOOR["per_kernel_us_high"] * kernels) * 1e-6
    out: dict[str, Any] = {"floor_us": round(floor_s * 1e6, 1), "floor_us_high": round(floor_high_s * 1e6, 1),
                           "precisions": {}}
    for prec, peak_key, scale in (("fp32", "fp32", 1.0), ("bf16", "bf16_dense", 0.5)):
        peak = H200["peak_tflops"][peak_key] * 1e12
        params = info["param_bytes_fp32"] if prec == "fp32" else info["param_bytes_bf16"]
        act = info["activation_bytes_per_item_fp32"] * scale
        ridge = peak / bw
        row: dict[str, Any] = {
            "peak_tflops": peak / 1e12, "ridge_flop_per_byte": round(ridge, 1),
            "intensity_limit_flop_per_byte": round(flops / act, 1),
            "compute_overtakes_memory_at_batch": {}, "compute_overtakes_floor_at_batch": {},
            "batches": {},
        }
        for eff_name, eff in (("ideal", 1.0), (f"eff{int(EFFICIENCY * 100)}", EFFICIENCY)):
            # compute overtakes memory where F*B/(peak*eff) = (P + A*B)/bw: never while the
            # per-item intensity F/A stays under the ridge point peak*eff/bw
            slope = flops / (peak * eff) - act / bw
            b_mem = (params / bw) / slope if slope > 0 else None
            row["compute_overtakes_memory_at_batch"][eff_name] = None if b_mem is None else round(b_mem, 3)
            row["compute_overtakes_floor_at_batch"][eff_name] = round(floor_s * peak * eff / flops, 2)
            b_floor_m = max(0.0, (floor_s * bw - params) / act)      # memory time passes the floor
            if b_mem is not None:  # compute-bound from the batch where it beats both memory and floor
                at = max(1, math.ceil(max(b_mem, floor_s * peak * eff / flops)))
                row.setdefault("regime", {})[eff_name] = {"bound": "compute", "from_batch": at}
            else:
                row.setdefault("regime", {})[eff_name] = {"bound": "memory", "from_batch": max(1, math.ceil(b_floor_m))}
            for b in BATCHES:
                t_c = flops * b / (peak * eff)
                t_m = (params + act * b) / bw
                t = max(t_c, t_m, floor_s)
                bound = "floor" if t == floor_s else ("compute" if t_c >= t_m else "memory")
                row["batches"].setdefault(str(b), {})[eff_name] = {
                    "intensity_flop_per_byte": round(flops * b / (params + act * b), 2),
                    "compute_us": round(t_c * 1e6, 2), "memory_us": round(t_m * 1e6, 2),
                    "time_us": round(t * 1e6, 2), "bound": bound, "items_per_s": round(b / t)}
        out["precisions"][prec] = row
    if cpu:
        out["cpu_measured"] = cpu
    return out


def cpu_figures(gid: str) -> dict[str, Any] | None:
    """The measured CPU network figures of ``benchmarks/results/latency-cpu.json`` (make bench)."""
    path = ROOT / "benchmarks/results/latency-cpu.json"
    if not path.exists():
        return None
    res = json.loads(path.read_text())
    net = res.get("networks", {}).get(gid)
    if not net:
        return None
    modes = net["modes"]

    def best(mode: str) -> float:
        return max(v["items_per_s"] for k, v in modes[mode].items() if k.startswith("batch") and k != "batch1")

    out = {"source": "benchmarks/results/latency-cpu.json", "device": res.get("device_name"),
           "threads": res.get("threads"), "flops_per_item_then": net["flops_per_item"],
           "eager_fp32_b1_p50_ms": modes["eager_fp32"]["batch1"]["p50_ms"],
           "eager_best_items_per_s": best("eager_fp32")}
    if "onnxruntime" in modes:
        out["onnxruntime_b1_p50_ms"] = modes["onnxruntime"]["batch1"]["p50_ms"]
        out["onnxruntime_best_items_per_s"] = best("onnxruntime")
    return out


def _n(x: float) -> str:
    if isinstance(x, int) and x < 1e4:
        return f"{x:,}"
    if x >= 1e6:
        return f"{x / 1e6:.3g}M"
    if x >= 1e4:
        return f"{x / 1e3:.3g}k"
    return f"{x:,.0f}" if x >= 100 else (f"{x:.1f}" if x >= 10 else f"{x:.2g}")


def markdown(rows: list[dict[str, Any]]) -> str:
    """The two tables of docs/benchmarks.md's roofline section."""
    eff = f"eff{int(EFFICIENCY * 100)}"
    pct = f"{int(EFFICIENCY * 100)}%"
    lines = ["| network (per item) | GFLOP | weights read, fp32 / bf16 | activations moved, fp32 | output, fp32 | "
             "aten ops (kernel proxy) | FLOP/byte as B grows, fp32 / bf16 |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        i, p = r["inspect"], r["projection"]["precisions"]
        lines.append(f"| {i['what']} | {i['flops_per_item_b64'] / 1e9:.3g} | "
                     f"{i['param_bytes_fp32'] / 1e6:.2f} / {i['param_bytes_bf16'] / 1e6:.2f} MB | "
                     f"{i['activation_bytes_per_item_fp32'] / 1e6:.3g} MB | "
                     f"{i['output_bytes_per_item_fp32'] / 1e3:.0f} kB | "
                     f"{i['kernels_proxy']} | {p['fp32']['intensity_limit_flop_per_byte']:.0f} / "
                     f"{p['bf16']['intensity_limit_flop_per_byte']:.0f} |")
    lines += ["", f"| network | b1 latency, us, fp32: ideal; at {pct} | leaves the floor, fp32 / bf16 (ideal) | "
              f"same at {pct} of peak | "
              f"fp32 items/s at 16 / 256 / 4096: ideal; at {pct} | "
              f"bf16 items/s at 16 / 256 / 4096: ideal; at {pct} | CPU b1 p50, eager / ORT (measured) |",
              "|---|---:|---|---|---|---|---:|"]
    for r in rows:
        i, pr = r["inspect"], r["projection"]
        p = pr["precisions"]

        def ips(prec: str, which: str) -> str:
            return " / ".join(_n(p[prec]["batches"][str(b)][which]["items_per_s"]) for b in SHOWN)

        def b1(which: str) -> str:
            row = p["fp32"]["batches"]["1"][which]
            return f"{row['time_us']:.0f} ({row['bound']})"

        def regime(which: str) -> str:
            vals = [p[prec]["regime"][which] for prec in ("fp32", "bf16")]
            return " / ".join(f"{v['bound']} from {_n(v['from_batch'])}" for v in vals)

        cpu = pr.get("cpu_measured") or {}
        ort_ms = cpu.get("onnxruntime_b1_p50_ms", float("nan"))
        cpu_s = f"{cpu['eager_fp32_b1_p50_ms'] * 1e3:,.0f} / {ort_ms * 1e3:,.0f} us" if cpu else "-"
        lines.append(
            f"| {i['what']} | {b1('ideal')}; {b1(eff)} | "
            f"{regime('ideal')} | {regime(eff)} | "
            f"{ips('fp32', 'ideal')}; {ips('fp32', eff)} | {ips('bf16', 'ideal')}; {ips('bf16', eff)} | {cpu_s} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default=None, help="JSON file to write (e.g. benchmarks/results/roofline.json)")
    args = p.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    rows = []
    for gid in NETWORKS:
        info = inspect(gid)
        rows.append({"inspect": info, "projection": project(info, cpu_figures(gid))})
    doc = {
        "what": "roofline projection of the networks on an H200 SXM; NOT a measurement",
        "replaced_by": "python benchmarks/latency.py --device cuda --out benchmarks/results "
                       "(or bash tools/gpu_session.sh run) -> latency-NVIDIA-H200.json",
        "torch": torch.__version__, "device": H200, "floor": FLOOR, "efficiency_assumed": EFFICIENCY,
        "model": "time(B) = max(FLOPs*B/(peak*eff), (param bytes + activation bytes*B)/bandwidth, "
                 "fixed + per_kernel*kernels); activation bytes = input+output sizes of every "
                 "Linear/Conv/ConvTranspose/GroupNorm/BatchNorm layer at batch 1 (bf16: half)",
        "networks": rows,
        "not_a_network": {"id": "sprites/lpc-v2", "note": "no network: numpy drawing of stored layers, "
                          "CPU only by design; 1.58 ms per sheet (benchmarks/sprites.py)",
                          "output_bytes_per_sheet_uint8": 16 * 64 * 48 * 4},
    }
    if args.out:
        Path(args.out).write_text(json.dumps(doc, indent=1) + "\n")
        print(f"wrote {args.out}")
    print(markdown(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
