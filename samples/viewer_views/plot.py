"""Plot view: the quest graph as boxes and arrows with the current beat highlighted, and an
interactive play-through (number keys choose)."""
from __future__ import annotations

from collections import deque

import pygame
from _common import ACCENT, BG, DIM, FG, PANEL, Slot, Source, font, text, wrap

from viewer_views.base import View
from worldsmith.plots import PlotRunner

KIND_COLOURS = {"start": (90, 170, 110), "ending": (170, 90, 120), "beat": (70, 90, 140)}


def layers(graph) -> dict[str, int]:
    """Breadth-first depth of every beat from the start (unreached beats go last)."""
    depth = {graph.start: 0}
    queue = deque([graph.start])
    while queue:
        beat = queue.popleft()
        for choice in graph.choices_from(beat):
            if choice.target not in depth:
                depth[choice.target] = depth[beat] + 1
                queue.append(choice.target)
    last = max(depth.values()) + 1
    return {b.id: depth.get(b.id, last) for b in graph.beats}


class PlotView(View):
    """``plots/quest-v1`` drawn as a layered graph beside a playable text panel."""

    name = "Plot"
    sources = (Source("Quest", "plots/quest-v1", {"acts": 3, "endings": 3}, ext="ink"),)
    keys = ("1-9   take that choice", "Backspace   restart the story")
    uses_digits = True

    def __init__(self, gen):
        super().__init__(gen)
        self.play: PlotRunner | None = None
        self.depth: dict[str, int] = {}

    def prepare(self, index: int, slot: Slot) -> None:
        self.play = PlotRunner(slot.asset)
        self.depth = layers(slot.asset)

    def handle(self, event: pygame.event.Event) -> bool:
        if self.play is not None and event.type == pygame.KEYDOWN:
            index = event.key - pygame.K_1
            if 0 <= index < min(9, len(self.play.available())):
                self.play.choose(index)
                return True
            if event.key == pygame.K_BACKSPACE:
                self.play.reset()
                return True
        return super().handle(event)

    def draw_slot(self, surface: pygame.Surface, rect: pygame.Rect, index: int, slot: Slot) -> None:
        side = pygame.Rect(rect.right - 380, rect.y + 28, 370, rect.h - 36)
        graph_area = pygame.Rect(rect.x + 10, rect.y + 30, side.x - rect.x - 20, rect.h - 40)
        self._draw_graph(surface, graph_area, slot.asset)
        self._draw_story(surface, side, slot.asset)

    def _boxes(self, graph, area: pygame.Rect) -> dict[str, pygame.Rect]:
        cols: dict[int, list[str]] = {}
        for beat in graph.beats:
            cols.setdefault(self.depth[beat.id], []).append(beat.id)
        n = max(cols) + 1
        cw = area.w / n
        boxes = {}
        for d, ids in cols.items():
            rh = area.h / len(ids)
            for i, bid in enumerate(ids):
                box = pygame.Rect(0, 0, min(cw - 14, 130), min(rh - 6, 34))
                box.center = (int(area.x + (d + 0.5) * cw), int(area.y + (i + 0.5) * rh))
                boxes[bid] = box
        return boxes

    def _draw_graph(self, surface: pygame.Surface, area: pygame.Rect, graph) -> None:
        boxes = self._boxes(graph, area)
        path = set(zip(self.play.history, self.play.history[1:]))
        for c in graph.choices:
            a, b = boxes[c.source], boxes[c.target]
            on = (c.source, c.target) in path
            _arrow(surface, pygame.Vector2(a.midright if b.x > a.x else a.midleft),
                   pygame.Vector2(b.midleft if b.x > a.x else b.midright), ACCENT if on else DIM, on)
        size = 14 if min((b.h for b in boxes.values()), default=30) < 24 else 16
        for beat in graph.beats:
            box = boxes[beat.id]
            current = beat.id == self.play.beat
            pygame.draw.rect(surface, KIND_COLOURS.get(beat.kind, PANEL), box, border_radius=5)
            pygame.draw.rect(surface, ACCENT if current else BG, box, 3 if current else 1, border_radius=5)
            label = _fit(beat.id, box.w - 6, size)
            img = font(size).render(label, True, FG)
            surface.blit(img, img.get_rect(center=box.center))

    def _draw_story(self, surface: pygame.Surface, side: pygame.Rect, graph) -> None:
        pygame.draw.rect(surface, PANEL, side, border_radius=6)
        text(surface, graph.title, (side.x + 12, side.y + 10), 26, ACCENT)
        beat = graph.beat(self.play.beat)
        y = side.y + 42
        text(surface, f"[{beat.kind}] {beat.id}", (side.x + 12, y), 18, DIM)
        y += 22
        for line in wrap(self.play.text, side.w - 24, 20)[:14]:
            text(surface, line, (side.x + 12, y), 20)
            y += 20
        y += 12
        options = self.play.choices
        if self.play.ended:
            text(surface, "The end. Backspace restarts.", (side.x + 12, y), 20, ACCENT)
        for i, choice in enumerate(options[:9]):
            for j, line in enumerate(wrap(f"{i + 1}. {choice}", side.w - 24, 20)[:3]):
                text(surface, line, (side.x + 12 + (16 if j else 0), y), 20, ACCENT)
                y += 20
            y += 4
        values = ", ".join(f"{k}={v}" for k, v in self.play.values.items())
        for k, line in enumerate(wrap(values, side.w - 24, 16)[-4:]):
            text(surface, line, (side.x + 12, side.bottom - 76 + 16 * k), 16, DIM)


def _fit(s: str, width: int, size: int) -> str:
    """``s``, cut and ending in ".." if needed, to fit ``width`` pixels."""
    if font(size).size(s)[0] <= width:
        return s
    while len(s) > 1 and font(size).size(s + "..")[0] > width:
        s = s[:-1]
    return s + ".."


def _arrow(surface: pygame.Surface, a: pygame.Vector2, b: pygame.Vector2, colour, bold: bool) -> None:
    """A line from ``a`` to ``b`` with an arrow head at ``b``."""
    pygame.draw.line(surface, colour, a, b, 3 if bold else 1)
    if (b - a).length_squared() < 1:
        return
    d = (b - a).normalize() * 9
    left, right = d.rotate(150), d.rotate(-150)
    pygame.draw.polygon(surface, colour, [b, b + left, b + right])
