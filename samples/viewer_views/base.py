"""The view base class: a set of generator slots drawn into one area of the viewer window."""
from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pygame
from _common import ACCENT, DIM, Generation, Slot, Source, scale_to, slot_message, text


class View:
    """One tab of the viewer. Subclasses list their ``sources`` and draw the ready assets.

    Slots regenerate together with one seed; ``focus`` is the slot the HUD describes, arrow
    keys scroll, and ``savers`` export.
    """

    name: ClassVar[str] = ""
    sources: ClassVar[tuple[Source, ...]] = ()
    keys: ClassVar[tuple[str, ...]] = ()  # extra key help lines for F1
    uses_digits: ClassVar[bool] = False  # True: number keys go to the view (Ctrl+N switches)

    def __init__(self, gen: Generation):
        self.gen = gen
        self.slots = [Slot(s) for s in self.sources]
        self.focus = 0
        self.seed: int | None = None
        self.scroll = [pygame.Vector2() for _ in self.slots]
        self.rects: list[pygame.Rect] = []
        self._fitted: dict[int, tuple[tuple, pygame.Surface]] = {}

    # -- generation ---------------------------------------------------------------------------
    def regenerate(self, seed: int) -> None:
        """Request every slot's asset for ``seed`` (in the background)."""
        self.seed = seed
        for slot in self.slots:
            slot.request(self.gen, seed)

    def poll(self) -> None:
        """Collect finished generations and let the subclass prepare their surfaces."""
        for i, slot in enumerate(self.slots):
            if slot.poll() and slot.asset is not None:
                self.scroll[i].update(0, 0)
                try:
                    self.prepare(i, slot)
                except Exception as e:  # noqa: BLE001 - e.g. a family whose exporter has not landed
                    slot.error = f"{type(e).__name__}: {e}"

    @property
    def settled(self) -> bool:
        """True once no slot is still generating."""
        return not any(s.pending for s in self.slots)

    def prepare(self, index: int, slot: Slot) -> None:
        """Build cached surfaces for a new asset (subclasses)."""

    def savers(self, folder: Path) -> list:
        """Jobs exporting every ready asset of the view (see :meth:`Slot.saver`)."""
        return [job for job in (slot.saver(folder) for slot in self.slots) if job is not None]

    # -- input and drawing ------------------------------------------------------------------
    def handle(self, event: pygame.event.Event) -> bool:
        """React to an event; True when it was used. Base: focus clicks, Tab, wheel scroll."""
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            for i, r in enumerate(self.rects):
                if r.collidepoint(event.pos):
                    self.focus = i
                    return self.click(i, event.pos)
        if event.type == pygame.KEYDOWN and event.key == pygame.K_TAB and len(self.slots) > 1:
            self.focus = (self.focus + 1) % len(self.slots)
            return True
        if event.type == pygame.MOUSEWHEEL:
            self.scroll[self.focus] -= pygame.Vector2(event.x or event.y, 0) * 48
            return True
        return False

    def click(self, index: int, pos: tuple[int, int]) -> bool:
        """A left click inside slot ``index``'s rect (subclasses)."""
        return True

    def update(self, dt: float, keys: pygame.key.ScancodeWrapper) -> None:
        """Advance animations; arrow keys scroll the focused slot."""
        step = 600 * dt
        move = pygame.Vector2(keys[pygame.K_RIGHT] - keys[pygame.K_LEFT],
                              keys[pygame.K_DOWN] - keys[pygame.K_UP])
        if self.slots and move.length_squared():
            self.scroll[self.focus] += move * step

    def draw(self, surface: pygame.Surface, area: pygame.Rect) -> None:
        """Draw the view into ``area``."""
        self.rects = self.layout(area)
        for i, (slot, rect) in enumerate(zip(self.slots, self.rects)):
            if not slot_message(surface, rect, slot):
                self.draw_slot(surface, rect, i, slot)
            colour = ACCENT if i == self.focus and len(self.slots) > 1 else DIM
            pygame.draw.rect(surface, colour, rect, 1)
            text(surface, slot.source.label, (rect.x + 6, rect.y + 4), 18, colour)

    def layout(self, area: pygame.Rect) -> list[pygame.Rect]:
        """One rect per slot (base: the whole area for one slot, side by side otherwise)."""
        n = max(1, len(self.slots))
        w = (area.w - 8 * (n - 1)) // n
        return [pygame.Rect(area.x + i * (w + 8), area.y, w, area.h) for i in range(n)]

    def draw_slot(self, surface: pygame.Surface, rect: pygame.Rect, index: int, slot: Slot) -> None:
        """Draw a ready asset (subclasses)."""

    def fitted(self, index: int, img: pygame.Surface, w: int, h: int,
               upscale_int: bool = True) -> pygame.Surface:
        """``scale_to(img, w, h)``, cached per slot until the image or the size changes."""
        key = (id(img), w, h, upscale_int)
        cached = self._fitted.get(index)
        if cached is None or cached[0] != key:
            cached = self._fitted[index] = (key, scale_to(img, w, h, upscale_int))
        return cached[1]

    def blit_scrolled(self, surface: pygame.Surface, rect: pygame.Rect, index: int,
                      img: pygame.Surface, top: int = 24) -> pygame.Vector2:
        """Blit ``img`` into ``rect`` (below a ``top`` label strip) at the slot's scroll, clamped;
        returns the top-left where the image was drawn."""
        inner = pygame.Rect(rect.x + 2, rect.y + top, rect.w - 4, rect.h - top - 2)
        scroll = self.scroll[index]
        scroll.x = max(0.0, min(scroll.x, img.get_width() - inner.w))
        scroll.y = max(0.0, min(scroll.y, img.get_height() - inner.h))
        origin = pygame.Vector2(inner.x - scroll.x, inner.y - scroll.y)
        if img.get_width() < inner.w:
            origin.x = inner.centerx - img.get_width() // 2
        if img.get_height() < inner.h:
            origin.y = inner.centery - img.get_height() // 2
        clip = surface.get_clip()
        surface.set_clip(inner)
        surface.blit(img, origin)
        surface.set_clip(clip)
        return origin
