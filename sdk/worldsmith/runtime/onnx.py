"""ONNX export of a generator's network (opset 17+, dynamic batch), checked in onnxruntime.

Engines without Python (Unity Sentis, Unreal NNE, Godot) run the exported network on latents
from ``generator.latents(seeds)`` and apply the same decoding as the SDK.
"""
from __future__ import annotations

import contextlib
import io
import logging
import os
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from worldsmith.core.atomic import write_atomic
from worldsmith.core.errors import ConfigError, MissingDependencyError
from worldsmith.core.registry import make

OPSET = 18


def network_of(id: str, **config: Any):
    """The (network, latents function) of a neural generator; ConfigError for others."""
    gen = make(id, **config)
    if not hasattr(gen, "network") or not hasattr(gen, "latents"):
        raise ConfigError("id", "a neural generator (sprites/lpc-v1, levels/*)", id)
    return gen.network.eval(), gen.latents


def export_onnx(id: str, out: str | os.PathLike, check_seeds: int = 32, **config: Any) -> str:
    """Export ``id``'s network to ``out`` and check it against torch on ``check_seeds`` seeds.

    Returns a one-line summary with the largest absolute difference seen.
    """
    try:
        import onnxruntime  # noqa: F401
        import onnxscript  # noqa: F401
    except ImportError as e:
        raise MissingDependencyError(f"ONNX export needs the onnx extra: pip install 'worldsmith[onnx]' ({e})") from None
    import torch

    network, latents = network_of(id, **config)
    z = latents(list(range(2)))
    batch = torch.export.Dim("batch", min=1, max=65536)
    logging.getLogger("torch.onnx").setLevel(logging.ERROR)  # "torchvision is not installed" noise
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        program = torch.onnx.export(network, (z,), dynamic_shapes=({0: batch},), opset_version=OPSET,
                                    dynamo=True, external_data=False, verbose=False)
    data = program.model_proto.SerializeToString()
    path = write_atomic(out, data)
    diff = max_difference(network, latents, path, check_seeds)
    return f"{path}: opset {OPSET}, dynamic batch, max |torch - onnxruntime| = {diff:.2e} on {check_seeds} seeds"


def max_difference(network: Any, latents: Any, path: Path, seeds: int) -> float:
    """Largest |torch - onnxruntime| over ``seeds`` seeds, checked at batch 1 and batch ``seeds``."""
    import onnxruntime as ort
    import torch

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 2
    session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    z = latents(list(range(seeds)))
    with torch.inference_mode():
        want = network(z).numpy()
    got = session.run(None, {name: z.numpy()})[0]
    one = session.run(None, {name: z[:1].numpy()})[0]
    return float(max(np.abs(want - got).max(), np.abs(want[:1] - one).max()))
