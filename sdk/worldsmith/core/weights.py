"""Model folders: ``config.json`` + ``model.safetensors`` + ``CREDITS.md`` + ``MANIFEST`` (sha256).

Lookup of a name: an explicit path, then ``$WORLDSMITH_WEIGHTS/<name>``, then the package's
``weights/<name>``. Never the network. Loading verifies every file against the MANIFEST.

>>> import tempfile, torch
>>> d = tempfile.mkdtemp()
>>> _ = save_folder(d, {"z": 4}, {"w": torch.ones(2)}, credits="test")
>>> cfg, state = load_folder(d)
>>> cfg, state["w"].tolist()
({'z': 4}, [1.0, 1.0])
"""
from __future__ import annotations

import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Mapping

import numpy as np

from worldsmith.core.atomic import sha256_file, write_atomic
from worldsmith.core.errors import WeightsError, first_line

PACKAGE_WEIGHTS = Path(__file__).resolve().parents[1] / "weights"
FILES = ("config.json", "model.safetensors", "CREDITS.md")


def resolve(name_or_path: str | os.PathLike) -> Path:
    """The folder of model ``name_or_path`` (a training run's ``--out`` folder names its
    ``model/``); raises :class:`WeightsError` if none is found."""
    candidates = [Path(name_or_path), Path(name_or_path) / "model"]
    if os.environ.get("WORLDSMITH_WEIGHTS"):
        candidates.append(Path(os.environ["WORLDSMITH_WEIGHTS"]) / str(name_or_path))
    candidates.append(PACKAGE_WEIGHTS / str(name_or_path))
    for folder in candidates:
        if (folder / "config.json").is_file():
            return folder
    where = ", ".join(str(c) for c in candidates)
    raise WeightsError(f"weights {str(name_or_path)!r}: no model folder (config.json) found in {where}")


def cache_key(name_or_path: str | os.PathLike) -> tuple[Path, tuple[str, float]]:
    """The folder of model ``name_or_path`` and a key for caches of loaded models: its real path and
    its MANIFEST's time, so a rewritten folder is loaded afresh."""
    folder = resolve(name_or_path)
    manifest = folder / "MANIFEST"
    return folder, (str(folder.resolve()), manifest.stat().st_mtime if manifest.exists() else 0.0)


def save_folder(folder: str | os.PathLike, config: Mapping[str, Any], tensors: Mapping[str, Any],
                credits: str) -> Path:
    """Write a model folder atomically, file by file, MANIFEST last (``tensors``: torch tensors,
    or numpy arrays for models that run without torch)."""
    folder = Path(folder)
    if all(isinstance(v, np.ndarray) for v in tensors.values()):
        from safetensors.numpy import save as save_numpy  # lazy: safetensors (55 ms), start-up time

        blob = save_numpy({k: np.ascontiguousarray(v) for k, v in tensors.items()})
    else:
        from safetensors.torch import save  # lazy: torch (1.2 s), start-up time

        blob = save({k: v.detach().cpu().contiguous() for k, v in tensors.items()})
    write_atomic(folder / "config.json", (json.dumps(dict(config), indent=2, sort_keys=True) + "\n").encode())
    write_atomic(folder / "model.safetensors", blob)
    write_atomic(folder / "CREDITS.md", credits.encode())
    manifest = "".join(f"{sha256_file(folder / f)}  {f}\n" for f in FILES)
    write_atomic(folder / "MANIFEST", manifest.encode())
    return folder


LOADED = ("config.json", "model.safetensors")  # what load_folder reads: MANIFEST must list both


def verify(folder: Path) -> None:
    """Check every MANIFEST entry's sha256, and that it lists every file a model is loaded from;
    raise :class:`WeightsError` otherwise."""
    manifest = folder / "MANIFEST"
    if not manifest.is_file():
        raise WeightsError(f"{folder}: MANIFEST missing")
    lines = manifest.read_text(errors="replace").splitlines()
    listed = {line.partition("  ")[2] for line in lines}
    missing = [f for f in LOADED if f not in listed]
    if missing:
        raise WeightsError(f"{manifest}: does not list {', '.join(missing)} (every loaded file must be verified)")
    for line in lines:
        digest, _, name = line.partition("  ")
        file = folder / name
        if not file.is_file():
            raise WeightsError(f"{file}: listed in MANIFEST but missing")
        if sha256_file(file) != digest:
            raise WeightsError(f"{file}: sha256 does not match MANIFEST (corrupt or tampered)")


def load_folder(name_or_path: str | os.PathLike, numpy: bool = False) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(config, state_dict)`` of a verified model folder (torch tensors on the CPU, or numpy
    arrays with ``numpy=True``: no torch import)."""
    if numpy:
        from safetensors.numpy import load  # lazy: safetensors (55 ms), start-up time
    else:
        from safetensors.torch import load  # lazy: torch (1.2 s), start-up time

    folder = resolve(name_or_path)
    verify(folder)
    try:
        config = json.loads((folder / "config.json").read_text())
        state = load((folder / "model.safetensors").read_bytes())
    except Exception as e:  # noqa: BLE001 - any decode failure is a corrupt folder
        raise WeightsError(f"{folder}: cannot read model ({first_line(e, 200)})") from None
    _check_finite(folder, state)
    return config, state


def _check_finite(folder: Path, state: Mapping[str, Any]) -> None:
    """Every floating-point tensor holds finite numbers only (NaN or inf would poison every asset)."""
    for name, tensor in state.items():
        values = np.asarray(tensor.float() if hasattr(tensor, "float") and not isinstance(tensor, np.ndarray)
                            else tensor)
        if values.dtype.kind == "f" and not np.isfinite(values).all():
            raise WeightsError(f"{folder}: tensor {name!r} holds NaN or infinite values (corrupt weights)")


def build_checked(name: str | os.PathLike, kind: str, make: Callable[[], Any], state: Mapping[str, Any]) -> Any:
    """``make()`` with ``state`` loaded, once the parameter names and shapes it would have (built
    first on torch's ``meta`` device, which allocates nothing) equal the file's; a config that asks
    for other shapes, or gigabytes, is one :class:`WeightsError` before any memory is spent.

    >>> import textwrap, torch
    >>> try:                                  # 400 GB asked for: refused before allocating
    ...     build_checked("w", "linear", lambda: torch.nn.Linear(10**6, 10**5), {"weight": torch.ones(2, 3)})
    ... except WeightsError as e:
    ...     print(textwrap.fill(str(e), 90))
    weights 'w': not a linear model folder, or a broken one (ValueError: tensor 'weight' is
    (2, 3) in the file, the config makes (100000, 1000000); missing from the file: bias)
    """
    import torch  # lazy: torch (1.2 s), start-up time

    with building(name, kind):
        with torch.device("meta"):
            wanted = {k: tuple(v.shape) for k, v in make().state_dict().items()}
        _check_shapes(wanted, {k: tuple(v.shape) for k, v in state.items()})
        model = make()
        model.load_state_dict(state)
    return model


def _check_shapes(wanted: Mapping[str, tuple], found: Mapping[str, tuple]) -> None:
    """Raise ValueError (one line) unless the two name -> shape tables agree."""
    problems = [f"tensor {k!r} is {found[k]} in the file, the config makes {v}"
                for k, v in wanted.items() if k in found and found[k] != v]
    for label, names in (("missing from the file", [k for k in wanted if k not in found]),
                         ("not in the model", [k for k in found if k not in wanted])):
        if names:
            more = f" and {len(names) - 3} more" if len(names) > 3 else ""
            problems.append(f"{label}: {', '.join(names[:3])}{more}")
    if problems:
        raise ValueError("; ".join(problems[:3]))


@contextmanager
def building(name: str | os.PathLike, kind: str):
    """Turn what building a model from a folder's config and tensors raises for a folder of
    another kind, or a broken one (missing keys or tensors, mismatched shapes), into one
    :class:`WeightsError` naming the folder.

    >>> try:
    ...     with building("sprites-lpc-v1", "level VAE"):
    ...         {}["channels"]
    ... except WeightsError as e:
    ...     print(e)
    weights 'sprites-lpc-v1': not a level VAE model folder, or a broken one (KeyError: 'channels')
    """
    try:
        yield
    except (KeyError, TypeError, ValueError, RuntimeError, AttributeError, IndexError) as e:
        raise WeightsError(f"weights {str(name)!r}: not a {kind} model folder, or a broken one "
                           f"({type(e).__name__}: {first_line(e, 200)})") from None
