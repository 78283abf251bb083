"""A tiny side-scroller built at runtime by worldsmith.

Each level is generated while you play: a playable SMB level (``levels/smb-v1``), a hero and
enemies (``sprites/lpc-v3`` characters with daggers: walk, slash and hurt animations) and a
quest (``plots/quest-v1``) whose beats wait at checkpoint flags. The next level is generated in
the background (an AssetService), so the game keeps its 60 fps; N jumps to it.

    python samples/platformer.py [--seed S] [--autoplay] [--frames N] [--screenshot PATH]

Keys: arrows run, Space jumps (hold for height), Down drops, X slashes (an enemy in reach is
defeated), 1-9 answer a quest box, N next level, Esc quits. ``--autoplay`` lets a bot replay the
level agent's path to the goal.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pygame  # noqa: E402
from _app import App, add_run_options, drive, headless_if_screenshot  # noqa: E402
from _common import BAD, Generation, Slot, Source, message, text  # noqa: E402
from platformer_game.bot import Bot  # noqa: E402
from platformer_game.draw import Cast, draw_dialog, draw_hud, draw_world, level_surface, redraw_tile  # noqa: E402
from platformer_game.world import Input, World  # noqa: E402

SIZE = (960, 540)
HUD = 36  # height of the top bar
BOT_READS = 1.0  # seconds the autoplay bot leaves a quest box open
LEVEL = Source("Level", "levels/smb-v1", {})
#: the hero (character 0) and three enemies, with the animations the game plays
CAST = Source("Cast", "sprites/lpc-v3", {"animations": ["walk", "slash", "hurt"], "parts": {"weapon": "dagger"}},
              n=4)
QUEST = Source("Quest", "plots/quest-v1", {"acts": 1, "endings": 2})


class Bundle:
    """The level, cast and quest of one seed, generated in the background."""

    def __init__(self, gen: Generation, seed: int):
        self.seed = seed
        self.slots = {s.label: Slot(s) for s in (LEVEL, CAST, QUEST)}
        for slot in self.slots.values():
            slot.request(gen, seed)

    @property
    def ready(self) -> bool:
        """True when every part has arrived (or is unavailable)."""
        for slot in self.slots.values():
            slot.poll()
        return not any(s.pending for s in self.slots.values())

    def asset(self, label: str):
        return self.slots[label].asset


class Platformer(App):
    """The game: ``step()`` runs one frame (input, simulation, drawing)."""

    def __init__(self, seed: int = 0, autoplay: bool = False, size: tuple[int, int] = SIZE):
        super().__init__("worldsmith platformer", size)
        self.autoplay = autoplay
        self.loading = Bundle(self.gen, seed)
        self.upcoming: Bundle | None = None
        self.world: World | None = None
        self.bot: Bot | None = None
        self.levels_won = 0
        self.time = 0.0
        self.frac = 0.0
        self.reading = 0.0

    # -- levels ------------------------------------------------------------------------------
    def _start(self, bundle: Bundle) -> None:
        level = bundle.asset("Level")
        if level is None:
            return
        self.world = World(level, bundle.asset("Quest"))
        self.bot = Bot(self.world) if self.autoplay else None
        self.tiles = level_surface(self.world)
        self.cast = Cast(bundle.asset("Cast"))
        self.current, self.loading = bundle, None
        self.upcoming = Bundle(self.gen, bundle.seed + 1)  # generate the next level meanwhile

    def next_level(self) -> None:
        """N: switch to the next level (as soon as it has been generated)."""
        if self.upcoming is not None:
            self.loading, self.upcoming = self.upcoming, None

    # -- frames ------------------------------------------------------------------------------
    def handle(self, event: pygame.event.Event) -> None:
        if event.type == pygame.QUIT:
            self.running = False
        elif event.type == pygame.KEYDOWN:
            if event.key == pygame.K_ESCAPE:
                self.running = False
            elif event.key == pygame.K_n:
                self.next_level()
            elif event.key == pygame.K_x and self.world is not None and self.loading is None:
                self.world.attack()
            elif pygame.K_1 <= event.key <= pygame.K_9 and self.world is not None:
                self.world.choose(event.key - pygame.K_1)

    def _input(self) -> Input:
        if self.bot is not None:
            return self.bot.input()
        keys = pygame.key.get_pressed()
        jump = bool(keys[pygame.K_SPACE] or keys[pygame.K_UP])
        return Input(keys[pygame.K_RIGHT] - keys[pygame.K_LEFT], jump, bool(keys[pygame.K_DOWN]))

    def step(self, dt: float | None = None) -> None:
        """One frame: events, background generation, simulation, drawing."""
        dt = self.clock.tick(60) / 1000.0 if dt is None else dt
        self.time += dt
        for event in pygame.event.get():
            self.handle(event)
        if self.loading is not None and self.loading.ready:
            self._start(self.loading)
        world = self.world
        if world is not None and self.loading is None:
            if world.dialog is None:
                self.reading = 0.0
            elif self.bot is not None:
                self.reading += dt
                if self.reading >= BOT_READS:  # long enough for a watcher to read the box
                    world.choose(self.bot.choose())
            bumped = world.tiles.copy()
            self.frac = world.update(dt, self._input())
            for r, c in zip(*(bumped != world.tiles).nonzero()):
                redraw_tile(self.tiles, world, r, c)
            if world.won and self.autoplay and self.upcoming is not None and self.upcoming.ready:
                self.levels_won += 1
                self.next_level()
        self.draw()
        pygame.display.flip()

    def draw(self) -> None:
        """The whole window."""
        screen, world = self.screen, self.world
        screen.fill((0, 0, 0))
        if world is None:
            box = screen.get_rect().inflate(-80, -120)
            error = self.loading.slots["Level"].error
            if error is not None:
                message(screen, box, "levels/smb-v1 is not available", error, BAD)
            else:
                message(screen, box, "generating a level...",
                        f"levels/smb-v1 + sprites/lpc-v3 + plots/quest-v1 (seed {self.loading.seed})")
            return
        top = screen.get_height() - self.tiles.get_height()
        draw_world(screen, world, self.tiles, self.cast, self.frac, top, self.time)
        s = world.stats
        parts = [f"seed {self.current.seed}", f"coins {s.coins}", f"stomps {s.stomps}", f"slashes {s.slashes}",
                 f"falls {s.falls}"]
        if self.clock.get_fps():
            parts.append(f"{self.clock.get_fps():.0f} fps")
        upcoming = self.upcoming or self.loading
        state = "ready (N)" if upcoming is not None and upcoming.ready else "generating..."
        draw_hud(screen, parts, f"next level: {state}")
        if world.dialog is not None:
            draw_dialog(screen, world.dialog, f"{world.story.graph.title}  -  choose with 1-9")
        elif world.won:
            ending = world.story.text if world.story is not None and world.story.ended else ""
            box = screen.get_rect().inflate(-200, -300)
            message(screen, box, "Level complete!  N: next level", ending)
        if self.loading is not None and world is not None:
            text(screen, "loading the next level...", (10, HUD + 8), 22, (255, 255, 255))

    @property
    def ready(self) -> bool:
        """True once a level is in play (not waiting for the one being generated)."""
        return self.world is not None and self.loading is None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--autoplay", action="store_true", help="a bot follows the level agent's path")
    add_run_options(parser)
    args = parser.parse_args(argv)
    headless_if_screenshot(args)
    return drive(Platformer(seed=args.seed, autoplay=args.autoplay), args, shot_frames=60)

if __name__ == "__main__":
    sys.exit(main())
