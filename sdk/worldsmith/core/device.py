"""Device selection (``"auto"`` is CUDA when present, else CPU) and exact fp32 on CUDA.

>>> str(resolve_device("cpu"))
'cpu'
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from worldsmith.core.errors import ConfigError


def resolve_device(device: str = "auto"):
    """Return a ``torch.device`` for ``"auto"``, ``"cpu"``, ``"cuda"`` or ``"cuda:N"``."""
    import torch  # lazy: torch (1.2 s), start-up time

    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device == "cpu" or device.startswith("cuda"):
        if device.startswith("cuda") and not torch.cuda.is_available():
            raise ConfigError("device", "'cpu' or 'auto' (no CUDA device is available)", device)
        return torch.device(device)
    raise ConfigError("device", "'auto', 'cpu' or 'cuda[:N]'", device)


@contextmanager
def ieee_fp32() -> Iterator[None]:
    """Within the block, fp32 convolutions and matrix products on CUDA do not use TF32 (cuDNN
    turns it on for convolutions by default, and its 10-bit mantissa changes quantised output).

    >>> import torch
    >>> with ieee_fp32():
    ...     torch.backends.cudnn.allow_tf32
    False
    """
    import torch  # lazy: torch (1.2 s), start-up time

    saved = torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32
    torch.backends.cudnn.allow_tf32 = torch.backends.cuda.matmul.allow_tf32 = False
    try:
        yield
    finally:
        torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32 = saved
