"""Where training and evaluation data lives: ``$WORLDSMITH_DATA``, default ``../shared/data``.

>>> data_dir().name
'data'
"""
from __future__ import annotations

import os
from pathlib import Path

from worldsmith.core.errors import ConfigError


def data_dir() -> Path:
    """The data root: ``$WORLDSMITH_DATA`` if set, else ``shared/data`` beside the checkout."""
    env = os.environ.get("WORLDSMITH_DATA")
    if env:
        return Path(env)
    repo = Path(__file__).resolve().parents[3]
    for candidate in (repo.parent / "shared" / "data", Path.cwd().parent / "shared" / "data"):
        if candidate.is_dir():
            return candidate
    return repo.parent / "shared" / "data"


def data_path(*parts: str) -> Path:
    """A path under :func:`data_dir`; raises :class:`ConfigError` if it does not exist."""
    path = data_dir().joinpath(*parts)
    if not path.exists():
        raise ConfigError("WORLDSMITH_DATA", f"a data folder containing {'/'.join(parts)}", str(path))
    return path
