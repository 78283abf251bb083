"""How many threads torch runs worldsmith's networks with, the same rule for every entry point.

torch's intra-op thread count is process-wide: a game, a build script or the
:class:`~worldsmith.runtime.AssetService` worker all share one setting. The rule:

- worldsmith sets it **once**, the first time one of its generators runs with torch loaded, to
  :data:`DEFAULT` (1: measured fastest beside other work, docs/benchmarks.md "Threads"), unless
- you chose first: ``worldsmith.set_threads(n)`` (applied at once if torch is loaded, else at
  first use), ``worldsmith.set_threads(None)`` (leave torch's own setting, for a program that
  tunes torch itself), or the environment variable ``WORLDSMITH_THREADS`` (a number, or ``torch``
  for torch's own setting).

The CLI's ``--threads`` and ``AssetService(threads=...)`` call :func:`set_threads`. Generators
that never use torch (plots, terrain, ``sprites/lpc-v2``) never import it for this.

>>> set_threads(1); chosen()
1
"""
from __future__ import annotations

import os
import sys

from worldsmith.core.config import check_int
from worldsmith.core.errors import ConfigError

DEFAULT = 1
_LEAVE = 0  # torch's own setting

_chosen: int | None = None  # None: not chosen yet (the environment, then DEFAULT, decide at first use)
_applied = False


def set_threads(n: int | None) -> None:
    """Run worldsmith's torch work on ``n`` threads (process-wide: torch's setting), or leave
    torch's own setting with ``None``; applied now if torch is loaded, else at first use."""
    global _chosen, _applied
    _chosen = _LEAVE if n is None else check_int("threads", n, 1)
    _applied = False
    ensure()


def chosen() -> int | None:
    """The thread count worldsmith applies (None: torch's own setting)."""
    value = _chosen if _chosen is not None else _from_environment()
    return None if value == _LEAVE else value


def ensure() -> None:
    """Apply the chosen thread count once torch is loaded (cheap when done; never imports torch)."""
    global _applied
    if _applied or "torch" not in sys.modules:
        return
    value = chosen()
    if value is not None:
        sys.modules["torch"].set_num_threads(value)
    _applied = True


def _from_environment() -> int:
    text = os.environ.get("WORLDSMITH_THREADS", "").strip()
    if not text:
        return DEFAULT
    if text == "torch":
        return _LEAVE
    if not text.isdigit() or int(text) < 1:
        raise ConfigError("WORLDSMITH_THREADS", "a number of threads >= 1, or 'torch'", text)
    return int(text)
