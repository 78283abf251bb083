"""Shared pieces of the pygame samples: background generation, asset slots, drawing helpers.

Everything here uses worldsmith's public API only: ``worldsmith.make`` / ``list_generators``
(through :class:`worldsmith.runtime.AssetService`), asset attributes and ``asset.export``.
"""
from __future__ import annotations

import io
import os
import queue
import threading
import time
from concurrent.futures import CancelledError, Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import numpy as np  # noqa: E402
import pygame  # noqa: E402

BG = (24, 26, 32)
PANEL = (36, 39, 48)
FG = (230, 232, 238)
DIM = (140, 146, 160)
ACCENT = (255, 196, 64)
BAD = (235, 100, 90)
DIRECTIONS = ("down", "left", "right", "up")  # display order of a character's directions


@dataclass(frozen=True)
class Source:
    """One generator a view shows: a label, its id and config, and how many items (``n``)."""

    label: str
    id: str
    config: dict[str, Any] = field(default_factory=dict)
    n: int | None = None
    ext: str = "json"  # preferred export format for S (falls back to the first the asset has)
    #: run on each new asset in the background (e.g. render it to PNG bytes); kept as ``extra``
    prepare: Callable[[Any], Any] | None = None


@dataclass
class Result:
    """A generated asset with the seed it came from and the milliseconds it took."""

    asset: Any
    seed: int
    ms: float
    extra: Any = None


class Generation:
    """Runs ``make(id, **config)(seed=, n=)`` off the UI thread through an AssetService.

    One daemon worker takes jobs in order; the first request for a generator also loads it
    (weights, warm-up) there, so no frame ever waits on worldsmith. Single assets go through
    ``AssetService.request``; a batch (``n``) is one call of the service's loaded generator.
    """

    def __init__(self, device: str = "auto", threads: int = 1):
        self._threads = threads
        self._device = device
        self._service: Any = None
        self._jobs: queue.Queue = queue.Queue()
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sample-gen", daemon=True)
        self._thread.start()

    def submit(self, source: Source, seed: int) -> Future:
        """A Future of :class:`Result`; it raises ImportError/WorldsmithError if unavailable."""
        return self.run(lambda: self._work(source, seed))

    def run(self, job: Callable[[], Any]) -> Future:
        """Run ``job()`` on the worker after the jobs already queued; a Future of its result."""
        future: Future = Future()
        self._jobs.put((job, future))
        return future

    def _run(self) -> None:
        while not self._closed.is_set():
            job, future = self._jobs.get()
            if self._closed.is_set() or not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(job())
            except BaseException as e:  # noqa: BLE001 - delivered through the Future
                future.set_exception(e)
        if self._service is not None:
            self._service.close()

    def _work(self, source: Source, seed: int) -> Result:
        if self._service is None:
            from worldsmith.runtime import AssetService

            self._service = AssetService(device=self._device, threads=self._threads)
        gen = self._service.load(source.id, **source.config)  # loads and warms up once
        start = time.perf_counter()
        if source.n is None:
            future = self._service.request(source.id, seed, block=True, **source.config)
            while not future.done():
                if self._closed.wait(0.02):
                    raise CancelledError
            asset = future.result()
        else:  # a batch is one call of the loaded generator: its own batch type, one forward pass
            asset = gen(seed=seed, n=source.n)
        ms = (time.perf_counter() - start) * 1000.0
        return Result(asset, seed, ms, source.prepare(asset) if source.prepare else None)

    def close(self, timeout: float = 60.0) -> None:
        """Stop the worker: pending jobs are dropped, the current one may finish (``timeout``)."""
        self._closed.set()
        self._jobs.put((None, Future()))  # wake the worker
        self._thread.join(timeout)


def available(id: str) -> bool:
    """True when generator ``id`` is registered (it may still fail to import)."""
    import worldsmith as ws

    return id in ws.list_generators()


class Slot:
    """The state of one :class:`Source` in a view: pending, ready, or unavailable."""

    def __init__(self, source: Source):
        self.source = source
        self.result: Result | None = None
        self.error: str | None = None
        self.future: Future | None = None
        self.seed: int | None = None

    @property
    def asset(self) -> Any:
        return None if self.result is None else self.result.asset

    @property
    def pending(self) -> bool:
        return self.future is not None

    def request(self, gen: Generation, seed: int) -> None:
        """Ask for the asset of ``seed``; the current one stays on screen until it arrives."""
        self.seed = seed
        if not available(self.source.id):
            self.error = f"{self.source.id} is not registered yet"
            self.future = None
            return
        self.future = gen.submit(self.source, seed)

    def poll(self) -> bool:
        """Collect a finished generation; True when a new asset (or error) just arrived."""
        if self.future is None or not self.future.done():
            return False
        future, self.future = self.future, None
        try:
            self.result, self.error = future.result(), None
        except ImportError as e:
            self.result, self.error = None, f"{self.source.id} is not available yet ({e.name or e})"
        except Exception as e:  # noqa: BLE001 - shown in the panel instead of crashing the UI
            self.result, self.error = None, f"{type(e).__name__}: {e}"
        return True

    def saver(self, folder: Path) -> Callable[[], list[Path]] | None:
        """A job exporting the current asset into ``folder`` with its own exporter (``None`` when
        there is no asset); it returns the files written."""
        source, result = self.source, self.result
        if result is None or self.error is not None:
            return None

        def save() -> list[Path]:
            formats = result.asset.formats()
            ext = source.ext if source.ext in formats else formats[0]
            folder.mkdir(parents=True, exist_ok=True)
            name = f"{source.id.replace('/', '_')}_seed{result.seed}.{ext}"
            return [Path(p) for p in result.asset.export(folder / name)]

        return save


def ending_distances(graph) -> dict[str, int]:
    """Fewest choices from each beat of a PlotGraph to an ending (requirements ignored)."""
    dist = {e: 0 for e in graph.endings}
    frontier = set(dist)
    while frontier:
        step = {c.source for c in graph.choices if c.target in frontier and c.source not in dist}
        for beat in step:
            dist[beat] = 1 + min(dist[c.target] for c in graph.choices_from(beat) if c.target in dist)
        frontier = step
    return dist


def best_choice(run) -> int:
    """The available choice of a PlotRunner that leads closest to an ending (what bots pick)."""
    dist = ending_distances(run.graph)
    options = run.available()
    return min(range(len(options)), key=lambda i: dist.get(options[i].target, 10**6))


_FONTS: dict[int, pygame.font.Font] = {}


def font(size: int = 18) -> pygame.font.Font:
    """pygame's default font at ``size`` (cached)."""
    if size not in _FONTS:
        _FONTS[size] = pygame.font.Font(None, size)
    return _FONTS[size]


def text(surface: pygame.Surface, s: str, pos: tuple[int, int], size: int = 18,
         color: tuple[int, int, int] = FG) -> pygame.Rect:
    """Draw one line of text with its top-left at ``pos``; its rect."""
    img = font(size).render(s, True, color)
    return surface.blit(img, pos)


def wrap(s: str, width: int, size: int = 18) -> list[str]:
    """Split ``s`` into lines no wider than ``width`` pixels."""
    lines, line = [], ""
    for word in s.split():
        trial = f"{line} {word}".strip()
        if line and font(size).size(trial)[0] > width:
            lines.append(line)
            line = word
        else:
            line = trial
    return [*lines, line] if line else lines


def message(surface: pygame.Surface, rect: pygame.Rect, title: str, detail: str = "",
            color: tuple[int, int, int] = DIM) -> None:
    """A panel with a centred title and wrapped detail ("not available", "generating...")."""
    pygame.draw.rect(surface, PANEL, rect, border_radius=6)
    pygame.draw.rect(surface, color, rect, 1, border_radius=6)
    lines = [(title, 26, color)] + [(ln, 18, DIM) for ln in wrap(detail, rect.w - 24)]
    y = rect.centery - sum(font(s).get_height() + 4 for _, s, _ in lines) // 2
    for line, size, col in lines:
        img = font(size).render(line, True, col)
        surface.blit(img, (rect.centerx - img.get_width() // 2, y))
        y += img.get_height() + 4


def slot_message(surface: pygame.Surface, rect: pygame.Rect, slot: Slot) -> bool:
    """Draw the slot's "not available" / "generating" panel; False when it has an asset."""
    if slot.error is not None:
        message(surface, rect, f"{slot.source.label}: not available", slot.error, BAD)
        return True
    if slot.asset is None:
        message(surface, rect, f"{slot.source.label}: generating...", slot.source.id)
        return True
    return False


def animations_of(batch) -> list[dict[str, dict[str, list[np.ndarray]]]]:
    """Per character: animation -> direction -> frames, directions in :data:`DIRECTIONS` order.

    A ``CharacterBatch`` names each frame (``batch.frames``); a 4 x 4 walk ``SpriteBatch`` is
    one ``walk`` animation facing down, left, right, up."""
    out = []
    frames = getattr(batch, "frames", None)
    for images in batch.images:
        anims: dict[str, dict[str, list[np.ndarray]]] = {}
        if frames is None:  # SpriteBatch: (4 directions, 4 frames, 64, 64, 4)
            anims["walk"] = {d: list(images[i]) for i, d in enumerate(DIRECTIONS)}
        else:
            for f, img in zip(frames, images):
                anims.setdefault(f.animation, {}).setdefault(f.direction, []).append(img)
            for name, dirs in anims.items():
                anims[name] = {d: dirs[d] for d in DIRECTIONS if d in dirs}
        out.append(anims)
    return out


def rgba_surface(rgba: np.ndarray) -> pygame.Surface:
    """A pygame surface (with alpha) from an ``(H, W, 4)`` uint8 array."""
    rgba = np.ascontiguousarray(rgba, dtype=np.uint8)
    h, w = rgba.shape[:2]
    return pygame.image.frombuffer(rgba.tobytes(), (w, h), "RGBA").convert_alpha()


def png_bytes(asset: Any) -> bytes:
    """The asset rendered by its own PNG exporter (run in the background via ``Source.prepare``)."""
    return asset.export(fmt="png")


def png_surface(data: bytes) -> pygame.Surface:
    """A pygame surface from PNG bytes."""
    return pygame.image.load(io.BytesIO(data), "asset.png").convert_alpha()


def scale_to(img: pygame.Surface, w: int, h: int, upscale_int: bool = True) -> pygame.Surface:
    """``img`` scaled to fit in ``w`` x ``h`` keeping its aspect (integer factors when growing)."""
    f = min(w / img.get_width(), h / img.get_height())
    if upscale_int and f >= 1:
        f = float(int(f))
    size = (max(1, round(img.get_width() * f)), max(1, round(img.get_height() * f)))
    return pygame.transform.scale(img, size) if f != 1 else img
