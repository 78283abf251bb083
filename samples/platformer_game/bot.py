"""The ``--autoplay`` bot: replays the level agent's path with ordinary inputs.

Each step it finds the hero's cell on ``level.path`` and presses the input whose real game
move (``world.move``) lands on the next cell of the path; quest boxes get the option that leads
closest to an ending.
"""
from __future__ import annotations

from _common import best_choice
from platformer_game.world import Input, World, move

INPUTS = [Input(dx, jump, down) for jump, down in ((False, False), (True, False), (False, True))
          for dx in (1, 0, -1)]


class Bot:
    """Inputs for ``world`` that follow its level's agent path to the goal."""

    def __init__(self, world: World):
        self.world = world
        self.path = list(world.level.path or [])
        self.index = 0

    def _locate(self) -> int | None:
        """The hero's index on the path, searching forward from the last one."""
        here = (self.world.hero.r, self.world.hero.c)
        for i in range(self.index, len(self.path)):
            if self.path[i] == here:
                return i
        return self.path.index(here) if here in self.path else None

    def input(self) -> Input:
        """The input for the next grid move (run right and jump when lost off the path)."""
        hero = self.world.hero
        found = self._locate()
        if found is None or found + 1 >= len(self.path):
            return Input(1, not self.world.clear[hero.r][min(hero.c + 1, self.world.w - 1)])
        self.index = found
        target = self.path[found + 1]
        for inp in INPUTS:
            if move(self.world.clear, hero.r, hero.c, hero.j, inp)[:2] == target:
                return inp
        return Input(1 if target[1] >= hero.c else -1, target[0] < hero.r)

    def choose(self) -> int:
        """The quest option to take at an open box."""
        return best_choice(self.world.story) if self.world.story is not None else 0

    def play(self, max_steps: int = 20_000) -> bool:
        """Run the real game rules step by step (no rendering) until the goal; True if reached."""
        world = self.world
        for _ in range(max_steps):
            if world.won:
                return True
            if world.dialog is not None:
                world.choose(self.choose())
                continue
            world.tick(self.input())
        return world.won
