"""ONNX export of a generator's network (dynamic batch), checked in onnxruntime.

Engines without Python (Unity Sentis, Unreal NNE, Godot) run the exported network on latents
from ``generator.latents(seeds)`` and apply the same decoding as the SDK. The default opset 18
comes from torch's dynamo exporter; opsets 7 to 15 (what Unity's inference engine reads) from
its TorchScript exporter, which writes them natively.
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
from worldsmith.core.errors import ConfigError, ExportError, MissingDependencyError
from worldsmith.core.generator import NeuralGenerator
from worldsmith.core.registry import list_generators, make, spec

OPSET = 18
#: the opsets Unity's inference engine (Sentis) reads, written by torch's TorchScript exporter
UNITY_OPSETS = range(7, 16)


def network_of(id: str, **config: Any):
    """The (network, latents function) of a neural generator; ConfigError for others."""
    gen = make(id, **config)
    if not isinstance(gen, NeuralGenerator):
        neural = ", ".join(g for g in list_generators() if spec(g).neural)
        raise ConfigError("id", f"a neural generator ({neural})", id)
    return gen.network.eval(), gen.latents


def _require_onnx() -> None:
    try:
        import onnxruntime  # optional: the [onnx] extra  # noqa: F401
        import onnxscript  # optional: the [onnx] extra  # noqa: F401
    except ImportError as e:
        raise MissingDependencyError(f"ONNX needs the onnx extra: pip install 'worldsmith[onnx]' ({e})") from None


def check_opset(opset: int) -> int:
    """``opset`` if the export can be asked for it (``OPSET`` or one of ``UNITY_OPSETS``).

    >>> check_opset(15)
    15
    >>> check_opset(16)
    Traceback (most recent call last):
    ...
    worldsmith.core.errors.ConfigError: opset: expected 18 (the default) or 7 to 15 (Unity), got 16
    """
    if opset != OPSET and opset not in UNITY_OPSETS:
        raise ConfigError("opset", f"{OPSET} (the default) or {UNITY_OPSETS[0]} to {UNITY_OPSETS[-1]} (Unity)", opset)
    return opset


def to_onnx(network: Any, z: Any, opset: int = OPSET) -> bytes:
    """The ONNX model (opset ``opset``, dynamic batch) of ``network`` traced on latents ``z``.

    ExportError where torch cannot write one of the network's operators in that opset.
    """
    _require_onnx()
    check_opset(opset)
    logging.getLogger("torch.onnx").setLevel(logging.ERROR)  # "torchvision is not installed" noise
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        return _dynamo_onnx(network, z) if opset == OPSET else _torchscript_onnx(network, z, opset)


def _dynamo_onnx(network: Any, z: Any) -> bytes:
    import torch  # lazy: torch (1.2 s), start-up time

    batch = torch.export.Dim("batch", min=1, max=65536)
    program = torch.onnx.export(network, (z,), dynamic_shapes=({0: batch},), opset_version=OPSET,
                                dynamo=True, external_data=False, verbose=False)
    return program.model_proto.SerializeToString()


def _torchscript_onnx(network: Any, z: Any, opset: int) -> bytes:
    import torch  # lazy: torch (1.2 s), start-up time

    out = io.BytesIO()
    try:
        torch.onnx.export(network, (z,), out, dynamo=False, opset_version=opset, verbose=False,
                          input_names=["z"], output_names=["out"],
                          dynamic_axes={"z": {0: "batch"}, "out": {0: "batch"}})
    except torch.onnx.OnnxExporterError as e:
        raise ExportError(f"opset {opset}: {str(e).splitlines()[0]}") from None
    return out.getvalue()


def export_onnx(id: str, out: str | os.PathLike, check_seeds: int = 32, opset: int = OPSET, **config: Any) -> str:
    """Export ``id``'s network to ``out`` in ``opset`` and check it against torch on ``check_seeds`` seeds.

    Returns a one-line summary with the largest absolute difference seen.
    """
    check_opset(opset)
    network, latents = network_of(id, **config)
    path = write_atomic(out, to_onnx(network, latents(list(range(2))), opset))
    diff = max_difference(network, latents, path, check_seeds)
    return f"{path}: opset {opset}, dynamic batch, max |torch - onnxruntime| = {diff:.2e} on {check_seeds} seeds"


def session(model: bytes | str | os.PathLike, threads: int = 1):
    """An onnxruntime CPU session of ``model`` (bytes or a path) using ``threads`` threads."""
    import onnxruntime as ort  # optional: the [onnx] extra

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    source = model if isinstance(model, bytes) else str(model)
    return ort.InferenceSession(source, opts, providers=["CPUExecutionProvider"])


class OrtRunner:
    """A generator's network run by onnxruntime: latents tensor ``(B, ...)`` -> raw output tensor.

    Not exact: its kernels sum in another order than torch's, so raw values differ in the last
    bits (up to about 1e-4 on a sprite sheet). ``exact = False`` tells a generator to check that
    the rounding of its output cannot change an asset and to use torch where it could.

    >>> import torch
    >>> run = OrtRunner(torch.nn.Linear(3, 2), torch.zeros(2, 3))
    >>> tuple(run(torch.ones(5, 3)).shape), run.exact
    ((5, 2), False)
    """

    exact = False

    def __init__(self, network: Any, z: Any, threads: int = 1):
        self.session = session(to_onnx(network.eval(), z), threads)
        self.input = self.session.get_inputs()[0].name

    def __call__(self, z: Any) -> Any:
        import torch  # lazy: torch (1.2 s), start-up time

        return torch.from_numpy(self.session.run(None, {self.input: z.cpu().numpy()})[0])


def max_difference(network: Any, latents: Any, path: Path, seeds: int) -> float:
    """Largest |torch - onnxruntime| over ``seeds`` seeds, checked at batch 1 and batch ``seeds``."""
    import torch  # lazy: torch (1.2 s), start-up time

    sess = session(path)
    name = sess.get_inputs()[0].name
    z = latents(list(range(seeds)))
    with torch.inference_mode():
        want = network(z).numpy()
    got = sess.run(None, {name: z.numpy()})[0]
    one = sess.run(None, {name: z[:1].numpy()})[0]
    return float(max(np.abs(want - got).max(), np.abs(want[:1] - one).max()))
