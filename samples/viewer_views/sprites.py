"""Sprites view: whole ``sprites/lpc-v3`` characters playing every animation (spellcast, thrust,
walk, slash, shoot, hurt) in each of their directions; A / Shift+A switch the animation, D turns
the enlarged character, a click picks the character to enlarge with its frames and palette."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np
import pygame
from _common import ACCENT, DIM, DIRECTIONS, FG, PANEL, Slot, Source, animations_of, font, rgba_surface, text

from viewer_views.base import View

DEFAULT_FPS = 8.0
CELL = 64
BIG = 3 * CELL  # the enlarged character
STRIP = 48  # the enlarged character's frames, one row of its animation
SIZES = (128, 96, 80, 64, 48)  # frame sizes the grid may use, largest first
BAR_H = 28  # the animation bar above the grid


def sheet_timing(batch) -> dict[str, float]:
    """Frames per second of each animation, read from the sheet's exported atlas (the
    ``duration`` in ms of the first frame of each tag: ``walk_down`` / ``hurt``, or a
    ``sprites/lpc-v2`` walk sheet's ``000_down``)."""
    with tempfile.TemporaryDirectory() as tmp:
        files = batch[0].export(Path(tmp) / "sheet.png")
        atlas = json.loads(next(Path(f) for f in files if str(f).endswith(".json")).read_text())
    durations = [f.get("duration", 0) for f in atlas["frames"].values()]
    fps: dict[str, float] = {}
    for tag in atlas.get("meta", {}).get("frameTags", []):
        name = tag["name"].split("_", 1)[1] if tag["name"][:3].isdigit() else tag["name"]
        animation = name.split("_")[0]
        animation = "walk" if animation in DIRECTIONS else animation  # a walk sheet tags directions
        ms = durations[tag["from"]] if tag["from"] < len(durations) else 0
        fps.setdefault(animation, 1000.0 / ms if ms else DEFAULT_FPS)
    if not fps:
        fps["walk"] = 1000.0 / durations[0] if durations and durations[0] else DEFAULT_FPS
    return fps


def palette(rgba: np.ndarray, most: int = 32) -> list[tuple[tuple[int, int, int], int]]:
    """The ``most`` commonest opaque colours of ``(..., 4)`` pixels with their counts."""
    px = rgba.reshape(-1, 4)
    px = px[px[:, 3] > 127, :3]
    if not len(px):
        return []
    colours, counts = np.unique(px, axis=0, return_counts=True)
    order = np.argsort(-counts, kind="stable")[:most]
    return [(tuple(int(v) for v in colours[i]), int(counts[i])) for i in order]


#: how often the characters shown carry each kind of gear (lpc-v3 draws none by default)
GEAR = {"cape": 0.4, "neck": 0.2, "back": 0.25, "weapon": 0.7, "shield": 0.3}


class SpritesView(View):
    """A grid of ``sprites/lpc-v3`` characters in the current animation; the selected one
    enlarged in the current direction, with the animation's frames and its palette."""

    name = "Sprites"
    sources = (Source("Characters", "sprites/lpc-v3", {"gear": GEAR}, n=12, ext="png", prepare=sheet_timing),)
    keys = ("A / Shift+A   next / previous animation", "D / Shift+D   turn the enlarged character",
            "click a character   enlarge it with its frames and palette")

    def __init__(self, gen):
        super().__init__(gen)
        #: [character][animation][direction] -> frames at CELL pixels
        self.frames: list[dict[str, dict[str, list[pygame.Surface]]]] = []
        self.sized: dict[tuple[int, str], list[dict[str, list[pygame.Surface]]]] = {}
        self.palettes: list[list[tuple[tuple[int, int, int], int]]] = []
        self.animations: list[str] = []
        self.animation = "walk"
        self.direction = "down"
        self.selected = 0
        self.time = 0.0
        self.cells: list[pygame.Rect] = []

    # -- assets ------------------------------------------------------------------------------
    def prepare(self, index: int, slot: Slot) -> None:
        chars = animations_of(slot.asset)
        self.frames = [{a: {d: [rgba_surface(f) for f in fs] for d, fs in dirs.items()} for a, dirs in c.items()}
                       for c in chars]
        self.sized = {}
        self.palettes = [palette(c) for c in slot.asset.images]
        self.animations = list(self.frames[0]) if self.frames else []
        if self.animations and self.animation not in self.animations:
            self.animation = "walk" if "walk" in self.animations else self.animations[0]
        self.selected = min(self.selected, len(self.frames) - 1)

    def frames_at(self, px: int, animation: str | None = None) -> list[dict[str, list[pygame.Surface]]]:
        """Per character, ``animation``'s frames per direction scaled to ``px`` (cached)."""
        animation = animation or self.animation
        key = (px, animation)
        if key not in self.sized:
            scale = pygame.transform.scale
            self.sized[key] = [{d: [f if px == CELL else scale(f, (px, px)) for f in fs]
                                for d, fs in c.get(animation, {}).items()} for c in self.frames]
        return self.sized[key]

    @property
    def directions(self) -> list[str]:
        """The current animation's directions (``hurt`` faces down only)."""
        return list(self.frames[0].get(self.animation, {})) if self.frames else []

    @property
    def facing(self) -> str:
        """The enlarged character's direction (the first one where the animation lacks it)."""
        dirs = self.directions
        return self.direction if self.direction in dirs else (dirs[0] if dirs else self.direction)

    def fps(self, slot: Slot) -> float:
        """The current animation's frame rate (``sheet_timing``'s, or one number for all)."""
        extra = slot.result.extra if slot.result else None
        if isinstance(extra, dict):
            return extra.get(self.animation, DEFAULT_FPS)
        return float(extra or DEFAULT_FPS)

    def frame_index(self, slot: Slot, count: int) -> int:
        """The frame of a ``count``-frame animation shown now, at the sheet's frame rate."""
        return int(self.time * self.fps(slot)) % max(1, count)

    # -- input -------------------------------------------------------------------------------
    def switch_animation(self, step: int = 1) -> None:
        """A: the next (``step`` 1) or previous (-1) animation, from its first frame."""
        if self.animations:
            i = self.animations.index(self.animation) if self.animation in self.animations else 0
            self.animation = self.animations[(i + step) % len(self.animations)]
            self.time = 0.0

    def turn(self, step: int = 1) -> None:
        """D: the enlarged character faces the next (or previous) direction."""
        i = DIRECTIONS.index(self.facing) if self.facing in DIRECTIONS else 0
        self.direction = DIRECTIONS[(i + step) % len(DIRECTIONS)]

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN and event.key in (pygame.K_a, pygame.K_d):
            step = -1 if event.mod & pygame.KMOD_SHIFT else 1
            (self.switch_animation if event.key == pygame.K_a else self.turn)(step)
            return True
        return super().handle(event)

    def update(self, dt: float, keys) -> None:
        self.time += dt

    def click(self, index: int, pos: tuple[int, int]) -> bool:
        for i, cell in enumerate(self.cells):
            if cell.collidepoint(pos):
                self.selected = i
        return True

    # -- drawing -----------------------------------------------------------------------------
    def cell_size(self, grid: pygame.Rect) -> int:
        """The largest frame size at which every character fits in ``grid``."""
        for px in SIZES:
            cols = grid.w // (4 * px + 16)
            if cols and -(-len(self.frames) // cols) * (px + 18) <= grid.h:
                return px
        return SIZES[-1]

    def _draw_bar(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        """The animation names, the current one highlighted."""
        x = rect.x
        text(surface, "animation (A):", (x, rect.y + 5), 20, DIM)
        x += font(20).size("animation (A):")[0] + 10
        for name in self.animations:
            on = name == self.animation
            w = 14 + font(20).size(name)[0]
            box = pygame.Rect(x, rect.y + 1, w, rect.h - 4)
            if on:
                pygame.draw.rect(surface, ACCENT, box, border_radius=4)
            text(surface, name, (x + 7, rect.y + 5), 20, PANEL if on else FG)
            x += w + 6
        dirs = "  ".join(self.directions)
        text(surface, dirs, (rect.right - font(18).size(dirs)[0], rect.y + 6), 18, DIM)

    def draw_slot(self, surface: pygame.Surface, rect: pygame.Rect, index: int, slot: Slot) -> None:
        side = pygame.Rect(rect.right - 330, rect.y + 30, 320, rect.h - 40)
        bar = pygame.Rect(rect.x + 10, rect.y + 26, side.x - rect.x - 20, BAR_H)
        grid = pygame.Rect(rect.x + 10, bar.bottom + 4, bar.w, rect.bottom - bar.bottom - 14)
        self._draw_bar(surface, bar)
        px = self.cell_size(grid)
        cols = max(1, grid.w // (4 * px + 16))
        self.cells = []
        for i, dirs in enumerate(self.frames_at(px)):
            cell = pygame.Rect(grid.x + (i % cols) * (4 * px + 16), grid.y + (i // cols) * (px + 18),
                               4 * px + 8, px + 12)
            self.cells.append(cell)
            on = i == self.selected
            pygame.draw.rect(surface, ACCENT if on else PANEL, cell, 2 if on else 1, border_radius=4)
            for d, frames in enumerate(dirs.values()):
                surface.blit(frames[self.frame_index(slot, len(frames))], (cell.x + 4 + d * px, cell.y + 6))
        if self.frames:
            self._draw_selected(surface, side, slot)

    def _draw_selected(self, surface: pygame.Surface, side: pygame.Rect, slot: Slot) -> None:
        pygame.draw.rect(surface, PANEL, side, border_radius=6)
        seeds = slot.asset.meta.seed
        seed = seeds[self.selected] if isinstance(seeds, list) else seeds
        text(surface, f"character {self.selected}  (seed {seed})", (side.x + 10, side.y + 8), 20, ACCENT)
        frames = self.frames_at(BIG)[self.selected].get(self.facing, [])
        if not frames:
            return
        k = self.frame_index(slot, len(frames))
        surface.blit(frames[k], (side.x + 4, side.y + 30))
        info = [self.animation, self.facing + (" (D)" if len(self.directions) > 1 else ""),
                f"frame {k + 1} / {len(frames)}"]
        info.append(f"{1000 / self.fps(slot):.0f} ms / frame")
        for j, line in enumerate(info):
            text(surface, line, (side.x + BIG + 10, side.y + 44 + 24 * j), 24 if j == 0 else 18,
                 ACCENT if j == 0 else FG)
        y = side.y + 30 + BIG + 6
        per_row = (side.w - 16) // (STRIP + 2)
        strip = self.frames_at(STRIP)[self.selected].get(self.facing, [])
        for j, f in enumerate(strip):
            at = pygame.Rect(side.x + 8 + (j % per_row) * (STRIP + 2), y + (j // per_row) * (STRIP + 2), STRIP, STRIP)
            pygame.draw.rect(surface, ACCENT if j == k else (28, 30, 38), at)
            surface.blit(f, at)
        y += -(-len(strip) // per_row) * (STRIP + 2) + 8
        colours = self.palettes[self.selected][:24]
        text(surface, f"palette: {len(colours)} commonest colours", (side.x + 10, y), 18, DIM)
        for i, (rgb, _count) in enumerate(colours):
            sw = pygame.Rect(side.x + 10 + (i % 8) * 37, y + 22 + (i // 8) * 30, 33, 26)
            pygame.draw.rect(surface, rgb, sw)
            pygame.draw.rect(surface, DIM, sw, 1)
