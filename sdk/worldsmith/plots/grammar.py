"""The quest grammar: motivations -> strategies -> actions, after Doran & Parberry (2011).

Doran and Parberry read 750+ quests from four MMORPGs and found nine NPC motivations, each met by a
few strategies, each strategy a sequence of about twenty terminal actions; actions such as
``goto`` and ``get`` may expand into sub-quests. This module re-expresses that grammar (our own
wording, not their tables verbatim) and derives a strategy's action list of a wanted length.

>>> import random
>>> actions = derive("knowledge", "spy", 3, random.Random(1))
>>> len(actions), all(a in ACTIONS for a in actions)
(3, True)
"""
from __future__ import annotations

import random

#: motivation -> {strategy: actions}
STRATEGIES: dict[str, dict[str, tuple[str, ...]]] = {
    "knowledge": {"deliver": ("get", "goto", "give"), "spy": ("goto", "spy", "goto", "report"),
                  "interview": ("goto", "listen", "goto", "report"), "field test": ("get", "goto", "use", "report")},
    "comfort": {"luxuries": ("get", "goto", "give"), "pests": ("goto", "damage", "goto", "report"),
                "shelter": ("gather", "repair")},
    "reputation": {"rare item": ("get", "goto", "give"), "enemies": ("goto", "kill", "goto", "report"),
                   "dangerous place": ("goto", "explore", "report")},
    "serenity": {"revenge": ("goto", "damage"), "capture": ("get", "goto", "capture", "give"),
                 "check on": ("goto", "listen", "report"), "recover": ("get", "goto", "give"),
                 "rescue": ("goto", "damage", "escort", "report")},
    "protection": {"attack": ("goto", "damage", "report"), "treat": ("get", "goto", "repair"),
                   "diversion": ("goto", "damage"), "fortify": ("goto", "repair"), "guard": ("goto", "defend")},
    "conquest": {"attack": ("goto", "damage"), "steal": ("goto", "steal", "goto", "give")},
    "wealth": {"gather": ("goto", "gather"), "steal": ("goto", "steal"), "make": ("gather", "repair")},
    "ability": {"assemble": ("repair", "use"), "training": ("get", "use"), "practice": ("damage",),
                "research": ("read", "experiment")},
    "equipment": {"assemble": ("repair",), "deliver": ("get", "goto", "give"), "steal": ("steal",),
                  "trade": ("goto", "exchange")},
}
MOTIVATIONS = tuple(STRATEGIES)

#: sub-quest rewrites: an action may become one of these sequences
EXPANSIONS: dict[str, tuple[tuple[str, ...], ...]] = {
    "goto": (("learn", "goto"), ("explore",), ("stealth", "goto")),
    "get": (("steal",), ("goto", "gather"), ("goto", "exchange")),
    "learn": (("goto", "listen"), ("goto", "read")),
    "damage": (("stealth", "damage"), ("goto", "kill")),
    "give": (("goto", "give"),),
    "report": (("goto", "report"),),
    "use": (("get", "use"),),
    "repair": (("gather", "repair"),),
    "steal": (("stealth", "steal"), ("spy", "steal")),
    "exchange": (("get", "exchange"),),
    "experiment": (("read", "experiment"),),
}
ACTIONS = ("goto", "explore", "learn", "get", "steal", "spy", "capture", "kill", "listen", "read",
           "give", "exchange", "use", "gather", "damage", "defend", "escort", "experiment", "repair",
           "report", "stealth")
#: actions dropped first when a strategy is longer than the branch depth
FILLER = ("goto", "report")


def derive(motivation: str, strategy: str, length: int, rng: random.Random) -> list[str]:
    """The actions of ``strategy``, expanded by sub-quest rules or trimmed to ``length`` actions."""
    actions = list(STRATEGIES[motivation][strategy])
    while len(actions) < length:
        spots = [i for i, a in enumerate(actions) if a in EXPANSIONS]
        if not spots:  # nothing expands: the hero must first travel there
            actions.insert(0, "goto")
            continue
        i = rng.choice(spots)
        actions[i:i + 1] = rng.choice(EXPANSIONS[actions[i]])
    for filler in FILLER:
        while len(actions) > length and filler in actions:
            actions.remove(filler)
    return actions[len(actions) - length:]


def strategies_for(motivation: str, count: int, rng: random.Random) -> list[tuple[str, str]]:
    """``count`` distinct (motivation, strategy) pairs, the motivation's own first, then borrowed."""
    own = [(motivation, s) for s in STRATEGIES[motivation]]
    rng.shuffle(own)
    if len(own) >= count:
        return own[:count]
    others = [(m, s) for m in MOTIVATIONS if m != motivation for s in STRATEGIES[m]]
    return own + rng.sample(others, count - len(own))
