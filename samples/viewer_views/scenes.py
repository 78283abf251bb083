"""Scenes view: the terrain's shaded top-down map with its props, and the platformer and
dungeon scene renders (scrollable)."""
from __future__ import annotations

import pygame
from _common import Slot, Source, png_bytes, png_surface

from viewer_views.base import View


class ScenesView(View):
    """``scenes/*`` generators drawn through their own PNG render exporters."""

    name = "Scenes"
    sources = (Source("Terrain (top-down)", "scenes/terrain-v1", {"size": 256}, ext="glb", prepare=png_bytes),
               Source("Platformer scene", "scenes/platformer-v1", ext="json", prepare=png_bytes),
               Source("Dungeon scene", "scenes/dungeon-v1", ext="json", prepare=png_bytes))

    def __init__(self, gen):
        super().__init__(gen)
        self.images: dict[int, pygame.Surface] = {}

    def prepare(self, index: int, slot: Slot) -> None:
        self.images[index] = png_surface(slot.result.extra)

    def layout(self, area: pygame.Rect) -> list[pygame.Rect]:
        left = pygame.Rect(area.x, area.y, min(area.h, area.w // 2), area.h)
        right = pygame.Rect(left.right + 8, area.y, area.right - left.right - 8, (area.h - 8) // 2)
        return [left, right, right.move(0, right.h + 8)]

    def draw_slot(self, surface: pygame.Surface, rect: pygame.Rect, index: int, slot: Slot) -> None:
        img = self.images[index]  # the 2D scenes at their own scale, scrolled
        if index == 0:  # the terrain map fitted to its panel
            img = self.fitted(index, img, rect.w - 4, rect.h - 26, upscale_int=False)
        self.blit_scrolled(surface, rect, index, img)
