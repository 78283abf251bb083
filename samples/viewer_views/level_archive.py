"""A levels archive (``worldsmith archive ... --out DIR``) drawn as a grid: the heatmap's cells,
each holding a thumbnail of its elite, measure names on the axes (the levels view's A key)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pygame
from _common import DIM, FG, font, text

import worldsmith as ws
from worldsmith.levels.render import render

EMPTY = (24, 24, 24)


class ArchiveGrid:
    """The elites of one archive folder: its index, heatmap and one thumbnail per elite."""

    def __init__(self, folder: str | Path):
        folder = Path(folder)
        self.index = json.loads((folder / "index.json").read_text())
        self.heatmap = pygame.image.load(str(folder / "heatmap.png"))
        self.thumbs: dict[tuple[int, int], pygame.Surface] = {}
        for e in self.index["elites"]:
            level = ws.load(folder / e["file"])
            rgb = np.ascontiguousarray(render(level.tiles, level.game)[::4, ::4])   # 4 px a tile
            self.thumbs[tuple(e["cell"])] = pygame.image.frombuffer(rgb.tobytes(), rgb.shape[1::-1], "RGB")

    @property
    def title(self) -> str:
        """One line: generator, measures, coverage and QD score."""
        i = self.index
        return (f"{i['generator']} archive: {' x '.join(i['measures'])}, {len(i['elites'])} elites, "
                f"coverage {100 * i['coverage']:.0f}%, QD score {i['qd_score']:.1f}")

    def draw(self, surface: pygame.Surface, rect: pygame.Rect) -> pygame.Rect:
        """Draw the grid into ``rect`` (first measure across, second upward); returns the grid's rect."""
        cols, rows = self.index["cells"]
        text(surface, self.title, (rect.x + 6, rect.y + 4), 18, FG)
        inner = pygame.Rect(rect.x + 40, rect.y + 28, rect.w - 48, rect.h - 56)
        cw, ch = max(1, inner.w // cols), max(1, inner.h // rows)
        grid = pygame.Rect(inner.x, inner.y, cw * cols, ch * rows)
        surface.blit(pygame.transform.scale(self.heatmap, grid.size), grid)
        for (c, r), thumb in self.thumbs.items():
            box = pygame.Rect(grid.x + c * cw, grid.bottom - (r + 1) * ch, cw, ch).inflate(-4, -4)
            f = min(box.w / thumb.get_width(), box.h / thumb.get_height())
            img = pygame.transform.smoothscale(thumb, (max(1, int(thumb.get_width() * f)),
                                                       max(1, int(thumb.get_height() * f))))
            surface.blit(img, img.get_rect(center=box.center))
        for k in range(cols + 1):
            pygame.draw.line(surface, EMPTY, (grid.x + k * cw, grid.y), (grid.x + k * cw, grid.bottom))
        for k in range(rows + 1):
            pygame.draw.line(surface, EMPTY, (grid.x, grid.y + k * ch), (grid.right, grid.y + k * ch))
        (lo_x, hi_x), (lo_y, hi_y) = self.index["ranges"]
        mx, my = self.index["measures"]
        text(surface, f"{mx} {lo_x:g} .. {hi_x:g}  ->", (grid.x, grid.bottom + 6), 18, DIM)
        label = pygame.transform.rotate(font(18).render(f"{my} {lo_y:g} .. {hi_y:g}  ->", True, DIM), 90)
        surface.blit(label, (grid.x - 26, grid.bottom - label.get_height()))
        return grid
