"""Training logs a user can look at: one JSON line per record (``log.jsonl``) and its curves as a
PNG (``curves.png``, with matplotlib from the ``[train]`` or ``[bench]`` extra).

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> for step in (10, 20):
...     log_line(folder / "log.jsonl", {"step": step, "loss": 1 / step})
>>> [r["step"] for r in read_log(folder / "log.jsonl")]
[10, 20]
>>> plot_curves(folder / "log.jsonl", folder / "curves.png") == (folder / "curves.png").is_file()
True
"""
from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, Sequence

from worldsmith.core.atomic import write_atomic

CLOCKS = ("minutes", "seconds")  # logged for the record, not plotted against steps


def log_line(path: Path, record: dict[str, Any]) -> None:
    """Append one JSON line to the run log ``path``."""
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")


def read_log(path: Path) -> list[dict[str, Any]]:
    """The records of a JSON-lines log (none if it does not exist)."""
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def pyplot() -> Any:
    """matplotlib's pyplot on the Agg backend, or None when matplotlib is not installed."""
    try:
        import matplotlib  # optional: the [train] and [bench] extras
    except ImportError:
        return None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # optional: the [train] and [bench] extras

    return plt


def save_figure(fig: Any, path: Path) -> None:
    """Write a matplotlib figure as a PNG, atomically, and close it."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90)
    pyplot().close(fig)
    write_atomic(path, buf.getvalue())


def plot_curves(log: Path, png: Path, x: str = "step", keys: Sequence[str] | None = None) -> bool:
    """Plot every numeric field of the JSON-lines ``log`` but the clocks (or ``keys``) against ``x``, one panel
    each, into ``png``. Returns False (and writes nothing) without matplotlib or records."""
    plt, records = pyplot(), [r for r in read_log(log) if x in r]
    if plt is None or not records:
        return False
    keys = list(keys or dict.fromkeys(k for r in records for k, v in r.items() if k not in (x, *CLOCKS)
                                     and isinstance(v, (int, float)) and not isinstance(v, bool)))
    fig, axes = plt.subplots(1, len(keys), figsize=(3.2 * len(keys), 2.8), squeeze=False)
    for ax, key in zip(axes[0], keys):
        points = [(r[x], r[key]) for r in records if key in r]
        ax.plot(*zip(*points), marker="." if len(points) < 50 else None)
        ax.set(xlabel=x, title=key)
    fig.tight_layout()
    save_figure(fig, png)
    return True
