"""The built-in generators. Each family adds its ids here; nothing is imported until used."""
from worldsmith.core.registry import register

register("plots/quest-v1", "worldsmith.plots.generator:QuestGenerator",
         "branching quest graphs: branch-and-bottleneck acts with lock-and-key gates")
