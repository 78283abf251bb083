"""worldsmith asset viewer: preview every asset family in one pygame window.

    python samples/viewer.py [--seed S] [--view sprites|levels|scenes|plot] [--save-dir DIR]
    python samples/viewer.py --screenshot docs/viewer_levels.png --view levels --seed 7
    python samples/viewer.py --view levels --archive archive/   # A: the archive / the levels

Keys: 1-4 (or click a tab) switch views, R regenerates with the next seed, S saves the view's
assets with their exporters, Tab moves the focus between panels, arrows / wheel scroll, F1 lists
every key, Esc quits. In Sprites, A / Shift+A switch the animation and D turns the enlarged
character. Generation runs in the background (an AssetService), so the window never
freezes; a family whose generator has not landed shows a "not available" panel.
"""
from __future__ import annotations

import argparse
import sys
from concurrent.futures import Future
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pygame  # noqa: E402
from _app import App, add_run_options, drive, headless_if_screenshot  # noqa: E402
from _common import ACCENT, BG, DIM, FG, PANEL, font, text  # noqa: E402
from viewer_views import VIEWS  # noqa: E402

SIZE = (1280, 760)
TAB_H, HUD_H = 34, 28
HELP = ("1-4 / click a tab   switch view (in Plot: Ctrl+1-4)", "R   regenerate with the next seed",
        "S   save the view's assets (--save-dir)", "Tab / click   focus a panel",
        "arrows / wheel   scroll", "F1   this help", "Esc   quit")


class Viewer(App):
    """The viewer window: a tab bar, the current view, and a HUD. ``step()`` runs one frame."""

    def __init__(self, seed: int = 0, view: str = "sprites", save_dir: str | Path = "saved",
                 size: tuple[int, int] = SIZE, threads: int = 1):
        super().__init__("worldsmith viewer", size, threads)
        self.views = [cls(self.gen) for cls in VIEWS]
        self.start_seed = seed
        self.save_dir = Path(save_dir)
        self.show_help = False
        self.status = ""
        self.saving: Future | None = None
        self.current = 0
        self.select(self.view_index(view))

    # -- control ------------------------------------------------------------------------------
    def view_index(self, name: str) -> int:
        """Index of the view called ``name`` (case-insensitive)."""
        names = [v.name.lower() for v in self.views]
        if name.lower() not in names:
            raise SystemExit(f"unknown view {name!r}; expected one of {', '.join(names)}")
        return names.index(name.lower())

    @property
    def view(self):
        return self.views[self.current]

    def select(self, index: int) -> None:
        """Show view ``index``; it generates with the start seed the first time."""
        self.current = index
        if self.view.seed is None:
            self.view.regenerate(self.start_seed)

    def regenerate(self) -> None:
        """R: the current view with the next seed."""
        self.view.regenerate((self.view.seed or 0) + 1)
        self.status = ""

    def save(self) -> None:
        """S: export the current view's assets into the save folder, in the background."""
        jobs = self.view.savers(self.save_dir)
        if not jobs:
            self.status = "nothing to save yet"
            return
        self.saving = self.gen.run(lambda: [path for job in jobs for path in job()])
        self.status = "saving..."

    def _saved(self) -> None:
        if self.saving is None or not self.saving.done():
            return
        future, self.saving = self.saving, None
        try:
            self.status = f"saved {len(future.result())} file(s) to {self.save_dir}"
        except Exception as e:  # noqa: BLE001 - shown in the HUD
            self.status = f"save failed: {e}"

    def handle(self, event: pygame.event.Event) -> None:
        """Dispatch one event: global keys first, then the view."""
        if event.type == pygame.QUIT:
            self.running = False
        elif event.type == pygame.KEYDOWN and self._global_key(event):
            return
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1 and event.pos[1] < TAB_H:
            for i, rect in enumerate(self._tab_rects()):
                if rect.collidepoint(event.pos):
                    self.select(i)
            return
        self.view.handle(event)

    def _global_key(self, event: pygame.event.Event) -> bool:
        key, ctrl = event.key, bool(event.mod & pygame.KMOD_CTRL)
        digit = key - pygame.K_1 if pygame.K_1 <= key <= pygame.K_9 else None
        if digit is not None and (ctrl or not self.view.uses_digits) and digit < len(self.views):
            self.select(digit)
        elif key == pygame.K_ESCAPE:
            self.running = False
        elif key == pygame.K_F1:
            self.show_help = not self.show_help
        elif key == pygame.K_r:
            self.regenerate()
        elif key == pygame.K_s:
            self.save()
        else:
            return False
        return True

    # -- frames ----------------------------------------------------------------------------------
    def step(self, dt: float | None = None) -> None:
        """Handle pending events, advance and draw one frame."""
        dt = self.clock.tick(60) / 1000.0 if dt is None else dt
        for event in pygame.event.get():
            self.handle(event)
        self.view.poll()
        self._saved()
        self.view.update(dt, pygame.key.get_pressed())
        self.draw()
        pygame.display.flip()

    def draw(self) -> None:
        """Draw the whole window."""
        w, h = self.screen.get_size()
        self.screen.fill(BG)
        area = pygame.Rect(8, TAB_H + 6, w - 16, h - TAB_H - HUD_H - 12)
        self.view.draw(self.screen, area)
        self._draw_tabs()
        self._draw_hud()
        if self.show_help:
            self._draw_help()

    def _tab_rects(self) -> list[pygame.Rect]:
        return [pygame.Rect(8 + i * 150, 4, 142, TAB_H - 6) for i in range(len(self.views))]

    def _draw_tabs(self) -> None:
        for i, rect in enumerate(self._tab_rects()):
            on = i == self.current
            pygame.draw.rect(self.screen, ACCENT if on else PANEL, rect, border_radius=5)
            text(self.screen, f"{i + 1}  {self.views[i].name}", (rect.x + 12, rect.y + 6), 22,
                 BG if on else FG)
        text(self.screen, "F1: keys", (self.screen.get_width() - 80, 10), 18, DIM)

    def _draw_hud(self) -> None:
        w, h = self.screen.get_size()
        bar = pygame.Rect(0, h - HUD_H, w, HUD_H)
        pygame.draw.rect(self.screen, PANEL, bar)
        slot = self.view.slots[self.view.focus] if self.view.slots else None
        parts = []
        if slot is not None:
            parts.append(slot.source.id)
            seed = slot.result.seed if slot.result else slot.seed
            parts.append(f"seed {seed}")
            if slot.result:
                parts.append(f"generated in {slot.result.ms:.0f} ms")
            if slot.pending:
                parts.append(f"generating seed {slot.seed}...")
        if self.clock.get_fps():
            parts.append(f"{self.clock.get_fps():.0f} fps")
        text(self.screen, "   |   ".join(parts), (10, bar.y + 6), 20)
        if self.status and (slot is None or not slot.pending):
            width = font(20).size(self.status)[0]
            text(self.screen, self.status, (w - width - 10, bar.y + 6), 20, ACCENT)

    def _draw_help(self) -> None:
        lines = [*HELP, *self.view.keys]
        box = pygame.Rect(0, 0, 520, 40 + 26 * len(lines))
        box.center = self.screen.get_rect().center
        pygame.draw.rect(self.screen, PANEL, box, border_radius=8)
        pygame.draw.rect(self.screen, ACCENT, box, 2, border_radius=8)
        text(self.screen, f"Keys ({self.view.name} view)", (box.x + 16, box.y + 10), 24, ACCENT)
        for i, line in enumerate(lines):
            text(self.screen, line, (box.x + 16, box.y + 38 + 26 * i), 20)

    @property
    def ready(self) -> bool:
        """True once the current view has no generation (or save) in flight."""
        return self.view.settled and self.saving is None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0, help="first seed of every view")
    parser.add_argument("--view", default="sprites", help="view to open: " + ", ".join(v.name for v in VIEWS))
    parser.add_argument("--save-dir", default="saved", help="where S writes assets")
    parser.add_argument("--archive", metavar="DIR", help="a `worldsmith archive` folder for the levels view")
    add_run_options(parser)
    args = parser.parse_args(argv)
    headless_if_screenshot(args)
    viewer = Viewer(seed=args.seed, view=args.view, save_dir=args.save_dir)
    if args.archive:
        viewer.views[viewer.view_index("levels")].load_archive(args.archive)
    return drive(viewer, args, shot_frames=12)


if __name__ == "__main__":
    sys.exit(main())
