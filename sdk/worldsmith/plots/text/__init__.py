"""Surface text for plot graphs: a small Tracery-style grammar expanded with a seeded RNG.

``#symbol#`` expands to a random alternative of ``symbol`` (looked up first in the fixed slots,
then in the theme's lexicon, then in the shared templates); ``#symbol.cap#`` capitalises and
``#symbol.a#`` prefixes "a"/"an". The theme lexicons and templates live in this package.

>>> import random
>>> t = Text("fantasy", random.Random(3))
>>> t.expand("#giver.cap# waits.", giver="old Maren")
'Old Maren waits.'
"""
from __future__ import annotations

import random
import re
from typing import Any, Mapping, Sequence

from worldsmith.plots.text import fantasy, noir, scifi, templates

THEMES = {"fantasy": fantasy.LEXICON, "scifi": scifi.LEXICON, "noir": noir.LEXICON}
_SYMBOL = re.compile(r"#([a-z_0-9]+)((?:\.[a-z]+)*)#")


class Text:
    """Expands templates for one quest: a theme's lexicon plus fixed slots (names, places...)."""

    def __init__(self, theme: str, rng: random.Random):
        self.rng = rng
        self.rules: dict[str, Sequence[str]] = {**templates.RULES, **THEMES[theme]}
        self.slots: dict[str, str] = {}

    def pick(self, symbol: str) -> str:
        """One alternative of ``symbol``, unexpanded."""
        return self.rng.choice(self.rules[symbol])

    def sample(self, symbol: str, k: int) -> list[str]:
        """``k`` distinct alternatives of ``symbol`` (with repeats only when it has fewer)."""
        pool = list(self.rules[symbol])
        out = self.rng.sample(pool, min(k, len(pool)))
        while len(out) < k:
            out.append(self.rng.choice(pool))
        return out

    def expand(self, template: str, **slots: Any) -> str:
        """``template`` with every ``#symbol#`` expanded (slots given here override fixed ones)."""
        local: Mapping[str, Any] = {**self.slots, **slots}

        def sub(m: re.Match) -> str:
            name, mods = m.group(1), m.group(2)
            if name in local:
                value = str(local[name])
            else:
                value = self.expand(self.pick(name), **slots)
            for mod in mods.split(".")[1:]:
                value = _MODIFIERS[mod](value)
            return value

        return _SYMBOL.sub(sub, template)


def _article(word: str) -> str:
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word


_MODIFIERS = {"cap": lambda s: s[:1].upper() + s[1:], "a": _article}
