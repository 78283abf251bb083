"""The ``--autoplay`` bot: replays the level agent's moves with ordinary inputs.

It asks the agent for its states (cell and jump stage, one per move) on the level, finds the
hero's state among them each step and presses the input whose real game move (``world.move``)
reaches the next one; quest boxes get the option that leads closest to an ending.
"""
from __future__ import annotations

from _common import best_choice

from platformer_game.world import Input, World, move
from worldsmith.levels.agents import smb_states

INPUTS = [Input(dx, jump, down) for jump, down in ((False, False), (True, False), (False, True))
          for dx in (1, 0, -1)]


class Bot:
    """Inputs for ``world`` that follow its level's agent path to the goal."""

    def __init__(self, world: World):
        self.world = world
        self.states = smb_states(world.level.tiles)[0] or []
        self.index = 0

    def _locate(self) -> int | None:
        """The hero's index among the agent's states, searching forward from the last one."""
        hero = self.world.hero
        here = (hero.r, hero.c, hero.phase)
        for i in range(self.index, len(self.states)):
            if self.states[i] == here:
                return i
        return self.states.index(here) if here in self.states else None

    def input(self) -> Input:
        """The input for the next grid move (run right and jump when lost off the agent's way)."""
        hero = self.world.hero
        found = self._locate()
        if found is None or found + 1 >= len(self.states):
            return Input(1, not self.world.clear[hero.r][min(hero.c + 1, self.world.w - 1)])
        self.index = found
        target = self.states[found + 1]
        for inp in INPUTS:
            if move(self.world.clear, hero.r, hero.c, hero.phase, hero.steer, inp)[:3] == target:
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
