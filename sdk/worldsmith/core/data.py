"""Where training and evaluation data lives: ``$WORLDSMITH_DATA``, else ``shared/data`` beside a
clone of the repository. Generating needs no data (the weights ship in the package).

>>> from unittest import mock
>>> with mock.patch.dict("os.environ", {"WORLDSMITH_DATA": "/games/data"}):
...     data_dir().as_posix()
'/games/data'
"""
from __future__ import annotations

import os
from pathlib import Path

from worldsmith.core.errors import ConfigError

NEEDED = "the data folder holding vglc/ and sprites/ (export WORLDSMITH_DATA=/path/to/data)"


def data_dir() -> Path:
    """The data root: ``$WORLDSMITH_DATA`` if set, else ``../shared/data`` beside the clone this
    package runs from (or beside the working folder's parent); raises :class:`ConfigError` when
    neither exists, as in an install from a wheel with the variable unset."""
    env = os.environ.get("WORLDSMITH_DATA")
    if env:
        return Path(env)
    repo = Path(__file__).resolve().parents[3]
    clone = [repo.parent / "shared" / "data"] if (repo / "pyproject.toml").is_file() else []
    for candidate in (*clone, Path.cwd().parent / "shared" / "data"):
        if candidate.is_dir():
            return candidate
    raise ConfigError("WORLDSMITH_DATA", NEEDED, "unset")


def data_path(*parts: str) -> Path:
    """A path under :func:`data_dir`; raises :class:`ConfigError` if it does not exist."""
    path = data_dir().joinpath(*parts)
    if not path.exists():
        raise ConfigError("WORLDSMITH_DATA", f"a data folder containing {'/'.join(parts)}", str(path))
    return path
