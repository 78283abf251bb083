"""Progress of long work inside one asset (erosion steps, search evaluations), for whoever listens.

Long loops call :func:`advance`; by default nobody listens and it costs a context-variable read.
The command line listens (a tqdm bar on a terminal) with :func:`listening`. Nothing here changes
what is generated.

>>> seen = []
>>> with listening(lambda label, done, total: seen.append((label, done, total))):
...     for i in range(3):
...         advance("erosion", i + 1, 3)
>>> seen[-1]
('erosion', 3, 3)
>>> advance("nobody listens", 1, 1)
"""
from __future__ import annotations

import contextvars
from contextlib import contextmanager
from typing import Callable, Iterator

Listener = Callable[[str, int, int], None]
_LISTENER: contextvars.ContextVar[Listener | None] = contextvars.ContextVar("worldsmith_progress", default=None)


def advance(label: str, done: int, total: int) -> None:
    """Report that ``done`` of ``total`` steps of ``label`` are finished."""
    listener = _LISTENER.get()
    if listener is not None:
        listener(label, done, total)


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Send :func:`advance` reports made in this context to ``listener``."""
    token = _LISTENER.set(listener)
    try:
        yield
    finally:
        _LISTENER.reset(token)


@contextmanager
def terminal_bars(enabled: bool) -> Iterator[None]:
    """tqdm bars (one per label, on stderr) for the reports made in this context, if ``enabled``."""
    if not enabled:
        yield
        return
    import sys

    from tqdm import tqdm

    bars: dict[str, tqdm] = {}

    def show(label: str, done: int, total: int) -> None:
        bar = bars.get(label)
        if bar is None or bar.total != total or done < bar.n:
            if bar is not None:
                bar.close()
            bar = bars[label] = tqdm(total=total, desc=label, file=sys.stderr, leave=False)
        bar.update(done - bar.n)

    try:
        with listening(show):
            yield
    finally:
        for bar in bars.values():
            bar.close()
