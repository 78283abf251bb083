"""Progress of long work (batch items, bake assets, erosion steps, search evaluations, training),
for whoever listens.

Long loops call :func:`advance` (and :func:`stage` when a phase starts); by default nobody listens
and it costs a context-variable read. The command line listens with :func:`reporting`: tqdm bars on
a terminal, JSON lines for build tools, or nothing. Nothing here changes what is generated.

>>> seen = []
>>> with listening(seen.append):
...     for i in range(3):
...         advance("erosion", i + 1, 3)
>>> seen[-1]
Report(label='erosion', done=3, total=3, unit='it', info={})
>>> advance("nobody listens", 1, 1)
"""
from __future__ import annotations

import contextvars
import json
import sys
import time
from contextlib import contextmanager
from typing import Any, Callable, Iterator, NamedTuple, TextIO

JSON_INTERVAL = 0.5  # seconds between two JSON progress lines of one label (first and last always)


class Report(NamedTuple):
    """``done`` of ``total`` (in ``unit``) of ``label``; ``total == 0`` marks a stage message."""

    label: str
    done: float
    total: float
    unit: str
    info: dict[str, Any]


Listener = Callable[[Report], None]
_LISTENER: contextvars.ContextVar[Listener | None] = contextvars.ContextVar("worldsmith_progress", default=None)


def advance(label: str, done: float, total: float, unit: str = "it", **info: Any) -> None:
    """Report that ``done`` of ``total`` steps of ``label`` are finished (``info``: figures to show)."""
    listener = _LISTENER.get()
    if listener is not None:
        listener(Report(label, done, total, unit, info))


def stage(message: str) -> None:
    """Report that a phase without steps starts (loading data, building models)."""
    advance(message, 0, 0)


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Send :func:`advance` reports made in this context to ``listener``."""
    token = _LISTENER.set(listener)
    try:
        yield
    finally:
        _LISTENER.reset(token)


@contextmanager
def reporting(mode: str = "auto", stream: TextIO | None = None) -> Iterator[None]:
    """Show the reports made in this context on ``stream`` (default stderr): ``"bar"`` (tqdm bars),
    ``"json"`` (one JSON object a line), ``"quiet"`` (nothing) or ``"auto"`` (bars on a terminal).

    >>> import io
    >>> out = io.StringIO()
    >>> with reporting("json", out):
    ...     stage("loading")
    ...     advance("bake", 1, 1, unit="asset")
    >>> print(out.getvalue().strip())
    {"event": "stage", "message": "loading"}
    {"event": "progress", "label": "bake", "done": 1, "total": 1, "unit": "asset"}
    """
    stream = stream or sys.stderr
    if mode == "auto":
        mode = "bar" if stream.isatty() else "quiet"
    if mode == "quiet":
        yield
        return
    show = _Bars(stream) if mode == "bar" else _JsonLines(stream)
    try:
        with listening(show):
            yield
    finally:
        show.close()


class _JsonLines:
    """Reports as JSON lines: every stage, and per label the first, the last and one each
    :data:`JSON_INTERVAL` seconds between."""

    def __init__(self, stream: TextIO):
        self.stream, self.last = stream, {}

    def __call__(self, r: Report) -> None:
        if r.total == 0:
            self._write({"event": "stage", "message": r.label})
            return
        now = time.monotonic()
        first, last = r.label not in self.last, r.done >= r.total
        if first or last or now - self.last[r.label] >= JSON_INTERVAL:
            self.last[r.label] = now
            figures = {k: round(v, 6) if isinstance(v, float) else v for k, v in r.info.items()}
            self._write({"event": "progress", "label": r.label, "done": _number(r.done),
                         "total": _number(r.total), "unit": r.unit, **figures})
        if last:
            self.last.pop(r.label, None)

    def _write(self, record: dict[str, Any]) -> None:
        self.stream.write(json.dumps(record) + "\n")
        self.stream.flush()

    def close(self) -> None:
        pass


class _Bars:
    """One tqdm bar per label; stages print as lines above the bars."""

    def __init__(self, stream: TextIO):
        from tqdm import tqdm  # lazy: tqdm (40 ms), start-up time: only a terminal's bars need it

        self.tqdm, self.stream, self.bars = tqdm, stream, {}

    def __call__(self, r: Report) -> None:
        if r.total == 0:
            self.tqdm.write(r.label + " ...", file=self.stream)
            return
        bar = self.bars.get(r.label)
        if bar is None or bar.total != r.total or r.done < bar.n:
            if bar is not None:
                bar.close()
            bar = self.bars[r.label] = self.tqdm(total=r.total, desc=r.label, unit=r.unit, file=self.stream,
                                                 leave=False, dynamic_ncols=True)
        if r.info:
            bar.set_postfix({k: f"{v:.3g}" if isinstance(v, float) else v for k, v in r.info.items()},
                            refresh=False)
        bar.update(r.done - bar.n)

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


class Budget:
    """Progress of a loop bounded by ``steps`` and, if ``minutes`` > 0, by time: whichever ends
    first. With a time budget the report counts seconds of it, so a bar's ETA is the budget's.

    >>> seen = []
    >>> with listening(seen.append):
    ...     budget = Budget("train", steps=4)
    ...     budget.update(2, loss=0.5)
    >>> seen[-1], budget.over(4), budget.over(3)
    (Report(label='train', done=2, total=4, unit='step', info={'loss': 0.5}), True, False)
    """

    def __init__(self, label: str, steps: int, minutes: float = 0.0):
        self.label, self.steps, self.seconds = label, steps, minutes * 60
        self.start = time.monotonic()

    def elapsed(self) -> float:
        """Seconds since the loop started."""
        return time.monotonic() - self.start

    def over(self, step: int) -> bool:
        """True once ``step`` reaches ``steps`` or the time budget is spent."""
        return step >= self.steps or bool(self.seconds) and self.elapsed() >= self.seconds

    def update(self, step: int, **info: Any) -> None:
        """Report ``step`` (and figures such as losses)."""
        if not self.seconds:
            advance(self.label, step, self.steps, unit="step", **info)
            return
        done = min(self.seconds, max(self.elapsed(), self.seconds * step / self.steps))
        advance(self.label, round(done, 1), self.seconds, unit="s", step=step, **info)


def _number(x: float) -> float | int:
    return int(x) if float(x).is_integer() else x
