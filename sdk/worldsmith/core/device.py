"""Device selection: ``"auto"`` is CUDA when present, else CPU.

>>> str(resolve_device("cpu"))
'cpu'
"""
from __future__ import annotations

from worldsmith.core.errors import ConfigError


def resolve_device(device: str = "auto"):
    """Return a ``torch.device`` for ``"auto"``, ``"cpu"``, ``"cuda"`` or ``"cuda:N"``."""
    import torch

    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device == "cpu" or device.startswith("cuda"):
        if device.startswith("cuda") and not torch.cuda.is_available():
            raise ConfigError("device", "'cpu' or 'auto' (no CUDA device is available)", device)
        return torch.device(device)
    raise ConfigError("device", "'auto', 'cpu' or 'cuda[:N]'", device)
