"""Levels view: a scrollable SMB level, a Lode Runner level and a Zelda room, with the
playability agent's path drawn on top (P toggles it); A shows a loaded levels archive instead
(its heatmap with a thumbnail of each elite)."""
from __future__ import annotations

import pygame
from _common import ACCENT, DIM, Slot, Source, font, png_bytes, png_surface, text

from viewer_views.base import View
from viewer_views.level_archive import ArchiveGrid

PATH_COLOUR = (255, 64, 160)


class LevelsView(View):
    """The three ``levels/*`` generators; P draws ``level.path`` (the agent's route)."""

    name = "Levels"
    sources = (Source("Super Mario Bros", "levels/smb-v1", ext="tmx", prepare=png_bytes),
               Source("Lode Runner", "levels/loderunner-v1", ext="tmx", prepare=png_bytes),
               Source("Zelda room", "levels/zelda-v1", ext="tmx", prepare=png_bytes))
    keys = ("P   show / hide the agent's path", "A   show the archive (--archive DIR) / the levels")

    def __init__(self, gen):
        super().__init__(gen)
        self.images: dict[int, pygame.Surface] = {}
        self.show_path = True
        self.archive: ArchiveGrid | None = None
        self.show_archive = False

    def load_archive(self, folder) -> None:
        """Load a ``worldsmith archive`` folder and show it (A switches back)."""
        self.archive, self.show_archive = ArchiveGrid(folder), True

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN and event.key == pygame.K_p:
            self.show_path = not self.show_path
            return True
        if event.type == pygame.KEYDOWN and event.key == pygame.K_a and self.archive is not None:
            self.show_archive = not self.show_archive
            return True
        return super().handle(event)

    def draw(self, surface: pygame.Surface, area: pygame.Rect) -> None:
        if self.show_archive and self.archive is not None:
            self.archive.draw(surface, area)
        else:
            super().draw(surface, area)

    def prepare(self, index: int, slot: Slot) -> None:
        self.images[index] = png_surface(slot.result.extra)

    def layout(self, area: pygame.Rect) -> list[pygame.Rect]:
        top = pygame.Rect(area.x, area.y, area.w, int(area.h * 0.42))
        half = (area.w - 8) // 2
        low = area.h - top.h - 8
        return [top, pygame.Rect(area.x, top.bottom + 8, half, low),
                pygame.Rect(area.x + half + 8, top.bottom + 8, area.w - half - 8, low)]

    def draw_slot(self, surface: pygame.Surface, rect: pygame.Rect, index: int, slot: Slot) -> None:
        level = slot.asset
        img = self.fitted(index, self.images[index], rect.w - 4 if index else 10**6, rect.h - 26)
        origin = self.blit_scrolled(surface, rect, index, img)
        rows, cols = level.tiles.shape
        tile = pygame.Vector2(img.get_width() / cols, img.get_height() / rows)
        path = list(level.path or [])
        label = f"{rows}x{cols}  path: {len(path)} cells" if path else f"{rows}x{cols}  no path"
        text(surface, label, (rect.right - 12 - font(18).size(label)[0], rect.y + 4), 18, DIM)
        if self.show_path and len(path) > 1:
            points = [origin + pygame.Vector2((c + 0.5) * tile.x, (r + 0.5) * tile.y) for r, c in path]
            clip = surface.get_clip()
            surface.set_clip(rect.inflate(-4, -4))
            pygame.draw.lines(surface, PATH_COLOUR, False, points, 3)
            pygame.draw.circle(surface, ACCENT, points[0], 5)
            pygame.draw.circle(surface, ACCENT, points[-1], 5)
            surface.set_clip(clip)
