"""The window and loop shared by the samples: frames, waiting on generation, screenshots."""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import pygame
from _common import Generation


class App:
    """A pygame window with a background :class:`Generation`; subclasses implement ``step``
    (one frame) and ``ready`` (nothing left to wait for before a screenshot)."""

    def __init__(self, title: str, size: tuple[int, int], threads: int = 1):
        pygame.display.init()
        pygame.font.init()
        pygame.display.set_caption(title)
        self.screen = pygame.display.set_mode(size)
        self.clock = pygame.time.Clock()
        self.gen = Generation(threads=threads)
        self.running = True

    @property
    def ready(self) -> bool:
        raise NotImplementedError

    def step(self, dt: float | None = None) -> None:
        """One frame; ``dt=None`` waits for the 60 fps clock."""
        raise NotImplementedError

    def wait(self, timeout: float = 300.0) -> None:
        """Run frames until ``ready`` (the generation in flight has arrived)."""
        end = time.monotonic() + timeout
        while not self.ready and time.monotonic() < end:
            self.step(1 / 60)
            time.sleep(0.01)

    def run(self, frames: int | None = None) -> None:
        """The main loop: until Esc / window close, or for ``frames`` frames."""
        count = 0
        while self.running and (frames is None or count < frames):
            self.step()
            count += 1

    def screenshot(self, path: str | Path, frames: int, keys: list[str] = ()) -> Path:
        """Wait until ready, type ``keys`` (pygame key names), run ``frames`` frames of 1/60 s,
        save the window to ``path``."""
        self.wait()
        for name in keys:
            key = pygame.key.key_code(name)
            pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0))
            self.step(1 / 60)
            self.wait()
        for _ in range(frames):
            self.step(1 / 60)
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        pygame.image.save(self.screen, str(path))
        return path

    def close(self) -> None:
        """Stop the generation threads."""
        self.gen.close()


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """``--frames`` and ``--screenshot``, common to the samples."""
    parser.add_argument("--frames", type=int, help="run this many frames and exit")
    parser.add_argument("--screenshot", metavar="PATH",
                        help="render headless to PATH (after --frames) and exit")
    parser.add_argument("--keys", default="", help="keys to type before the screenshot, e.g. '1 2 p'")


def headless_if_screenshot(args: argparse.Namespace) -> None:
    """Screenshots need no display: default SDL to its dummy video driver."""
    if args.screenshot:
        os.environ.setdefault("SDL_VIDEODRIVER", "dummy")


def drive(app: App, args: argparse.Namespace, shot_frames: int) -> int:
    """Run ``app`` as the command line asked (a window, N frames, or a screenshot)."""
    try:
        if args.screenshot:
            print(app.screenshot(args.screenshot, args.frames or shot_frames, args.keys.split()))
        else:
            app.run(args.frames)
    finally:
        app.close()
    return 0
