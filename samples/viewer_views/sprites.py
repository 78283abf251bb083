"""Sprites view: generated characters walking in their four directions; click one to enlarge it
with its palette."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np
import pygame

from _common import ACCENT, DIM, PANEL, Slot, Source, rgba_surface, text

from viewer_views.base import View

DIRECTIONS = ("down", "left", "right", "up")
DEFAULT_FPS = 8.0
CELL = 64
SIZES = (128, 96, 80, 64, 48)  # frame sizes the grid may use, largest first


def sheet_fps(batch) -> float:
    """The walk cycle's frame rate, read from the sheet's exported atlas (frame ``duration`` ms)."""
    with tempfile.TemporaryDirectory() as tmp:
        files = batch[0].export(Path(tmp) / "sheet.png")
        atlas = json.loads(next(Path(f) for f in files if str(f).endswith(".json")).read_text())
    durations = [f.get("duration", 0) for f in atlas["frames"].values()]
    return 1000.0 / durations[0] if durations and durations[0] else DEFAULT_FPS


def palette(rgba: np.ndarray, most: int = 32) -> list[tuple[tuple[int, int, int], int]]:
    """The ``most`` commonest opaque colours of ``(..., 4)`` pixels with their counts."""
    px = rgba.reshape(-1, 4)
    px = px[px[:, 3] > 127, :3]
    if not len(px):
        return []
    colours, counts = np.unique(px, axis=0, return_counts=True)
    order = np.argsort(-counts, kind="stable")[:most]
    return [(tuple(int(v) for v in colours[i]), int(counts[i])) for i in order]


class SpritesView(View):
    """A grid of ``sprites/lpc-v2`` characters; the selected one enlarged with its palette."""

    name = "Sprites"
    sources = (Source("Characters", "sprites/lpc-v2", n=12, ext="png", prepare=sheet_fps),)
    keys = ("click a character   enlarge it with its palette",)

    def __init__(self, gen):
        super().__init__(gen)
        self.frames: list[list[list[pygame.Surface]]] = []  # [character][direction][frame]
        self.sized: dict[int, list[list[list[pygame.Surface]]]] = {}
        self.palettes: list[list[tuple[tuple[int, int, int], int]]] = []
        self.selected = 0
        self.time = 0.0
        self.cells: list[pygame.Rect] = []

    def prepare(self, index: int, slot: Slot) -> None:
        images = slot.asset.images  # (n, 4 directions, 4 frames, 64, 64, 4)
        self.frames = [[[rgba_surface(f) for f in d] for d in c] for c in images]
        self.sized = {CELL: self.frames}
        self.palettes = [palette(c) for c in images]
        self.selected = min(self.selected, len(self.frames) - 1)

    def frames_at(self, px: int) -> list[list[list[pygame.Surface]]]:
        """Every frame scaled to ``px`` pixels (cached per size)."""
        if px not in self.sized:
            scale = pygame.transform.scale
            self.sized[px] = [[[scale(f, (px, px)) for f in d] for d in c] for c in self.frames]
        return self.sized[px]

    def cell_size(self, grid: pygame.Rect) -> int:
        """The largest frame size at which every character fits in ``grid``."""
        for px in SIZES:
            cols = grid.w // (4 * px + 16)
            if cols and -(-len(self.frames) // cols) * (px + 18) <= grid.h:
                return px
        return SIZES[-1]

    def update(self, dt: float, keys) -> None:
        self.time += dt

    def click(self, index: int, pos: tuple[int, int]) -> bool:
        for i, cell in enumerate(self.cells):
            if cell.collidepoint(pos):
                self.selected = i
        return True

    def draw_slot(self, surface: pygame.Surface, rect: pygame.Rect, index: int, slot: Slot) -> None:
        frame = int(self.time * slot.result.extra) % 4
        side = pygame.Rect(rect.right - 330, rect.y + 30, 320, rect.h - 40)
        grid = pygame.Rect(rect.x + 10, rect.y + 30, side.x - rect.x - 20, rect.h - 40)
        px = self.cell_size(grid)
        cols = max(1, grid.w // (4 * px + 16))
        self.cells = []
        for i, dirs in enumerate(self.frames_at(px)):
            cell = pygame.Rect(grid.x + (i % cols) * (4 * px + 16), grid.y + (i // cols) * (px + 18),
                               4 * px + 8, px + 12)
            self.cells.append(cell)
            on = i == self.selected
            pygame.draw.rect(surface, ACCENT if on else PANEL, cell, 2 if on else 1, border_radius=4)
            for d in range(4):
                surface.blit(dirs[d][frame], (cell.x + 4 + d * px, cell.y + 6))
        if self.frames:
            self._draw_selected(surface, side, frame, slot)

    def _draw_selected(self, surface: pygame.Surface, side: pygame.Rect, frame: int, slot: Slot) -> None:
        pygame.draw.rect(surface, PANEL, side, border_radius=6)
        seeds = slot.asset.meta.seed
        seed = seeds[self.selected] if isinstance(seeds, list) else seeds
        text(surface, f"character {self.selected}  (seed {seed})", (side.x + 10, side.y + 8), 20, ACCENT)
        for d in range(4):
            big = self.frames_at(2 * CELL)[self.selected][d][frame]
            x, y = side.x + 24 + (d % 2) * (2 * CELL + 16), side.y + 34 + (d // 2) * (2 * CELL + 20)
            surface.blit(big, (x, y))
            text(surface, DIRECTIONS[d], (x + 2, y + 2 * CELL), 16, DIM)
        colours = self.palettes[self.selected]
        y0 = side.y + 34 + 2 * (2 * CELL + 20) + 8
        text(surface, f"palette: {len(colours)} commonest colours", (side.x + 10, y0), 18, DIM)
        for i, (rgb, _count) in enumerate(colours):
            sw = pygame.Rect(side.x + 10 + (i % 8) * 37, y0 + 22 + (i // 8) * 30, 33, 26)
            pygame.draw.rect(surface, rgb, sw)
            pygame.draw.rect(surface, DIM, sw, 1)
