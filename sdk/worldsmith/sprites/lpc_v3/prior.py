"""The outfit prior of ``sprites/lpc-v3``: which parts a character wears, per slot.

The slots the composited training characters wear (body to head, 13 of them) come from those
characters, as in ``sprites/lpc-v2``: the anchors (body, nose, ears: one skin) together from one
training character, every other slot from a training character of the same sex, drawn
independently. Only parts drawn in every requested animation are drawn (a weapon: drawn in one of
them), so a sheet never shows a part with holes; the donors are the training characters whose
whole outfit is drawn in the requested animations (as the real characters that can play them:
fewer robes and dresses, so more men, where thrust or shoot is asked for), or, where a slot's
pinned part rules all of those out, any character whose part in that slot is. The slots no
training character wears (cape, neck, back, weapon, shield: gear) are drawn with the chances
``gear`` gives (default none, :data:`GEAR`), uniformly over the parts that fit. ``parts=`` pins slots by
name (or ``None``: nothing there).

>>> from worldsmith.sprites.lpc_v3.parts import PartLibrary
>>> lib = PartLibrary.tiny()
>>> prior = Prior.tiny(lib)
>>> outfit = prior.sample(lib, np.random.default_rng(0), ["walk"], {})
>>> outfit.shape, int(outfit[SLOTS.index("body")]) >= 0
((18,), True)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from worldsmith.sprites.lpc_v3.parts import SEXES, SLOTS, Part, PartLibrary
from worldsmith.types.lpc_sheet import FRAMES

ANCHORS = ("body", "nose", "ears")
# slot -> default chance a character wears something there: none, as no real (composited) character
# does; ``gear=`` sets them (drawn in this order, after the other slots, so a clasp can follow its
# cape and a shield its weapon)
GEAR = {"cape": 0.0, "neck": 0.0, "back": 0.0, "weapon": 0.0, "shield": 0.0}
TWO_HANDED = ("bow", "greatbow", "recurvebow", "bow_skeleton", "spear_two_handed")


def covers(lib: PartLibrary, part: Part, animations: Sequence[str]) -> bool:
    """Whether ``part`` can be shown in ``animations``: a weapon is drawn in at least one of them;
    anything else draws something in each of their rows that faces a direction its walk shows
    (a frame may be empty where the body hides the part; a whole row may not)."""
    drawn = lib.drawn[part.pieces].any(0)                                    # (178,)
    if part.kind == "weapon":
        return any(drawn[i] for i, f in enumerate(FRAMES) if f.animation in animations)
    rows: dict[tuple[str, str], bool] = {}
    for i, f in enumerate(FRAMES):
        rows[(f.animation, f.direction)] = rows.get((f.animation, f.direction), False) or bool(drawn[i])
    walk = {d for (a, d), on in rows.items() if a == "walk" and on}
    return all(on for (a, d), on in rows.items() if a in animations and a != "walk" and d in walk)


@dataclass
class Prior:
    """Training outfits (variant ids per slot, -1 none) and their sexes (0 male, 1 female)."""

    donors: np.ndarray                    # (N, 18) int32
    sex: np.ndarray                       # (N,) int32
    _fits: dict = field(default_factory=dict, repr=False, compare=False)
    _ok: dict = field(default_factory=dict, repr=False, compare=False)

    def fits(self, lib: PartLibrary, animations: Sequence[str]) -> np.ndarray:
        """``(variants + 1,)`` bool: the variant's part covers ``animations`` (last entry: "none")."""
        key = tuple(animations)
        if key not in self._fits:
            part_ok = np.array([covers(lib, p, animations) for p in lib.parts])
            self._fits[key] = np.append(part_ok[[v["part"] for v in lib.variants]], True)
        return self._fits[key]

    def sample(self, lib: PartLibrary, r: np.random.Generator, animations: Sequence[str],
               pinned: dict[str, Part | None], sex: str | None = None,
               gear: dict[str, float] | None = None) -> np.ndarray:
        """One outfit ``(18,)`` int32 of variant ids drawn with ``r``; ``pinned`` fixes slots,
        ``gear`` the chances of the gear slots (default :data:`GEAR`)."""
        fits, ok = self.fits(lib, animations), self.donors_ok(lib, animations, pinned)
        anchors = [SLOTS.index(s) for s in ANCHORS]
        pool = ok[:, anchors].all(1) & self._pinned_ok(pinned, ANCHORS)
        if sex is not None:
            pool &= self.sex == SEXES.index(sex)
        outfit = np.full(len(SLOTS), -1, np.int32)
        drawn = set()
        if pool.any():                      # one character's skin: its body, nose and ears as they are
            i = r.choice(np.flatnonzero(pool))
            outfit[anchors] = self.donors[i, anchors]
            sex, drawn = SEXES[int(self.sex[i])], set(ANCHORS)
        else:
            sex = sex or SEXES[int(r.integers(2))]
        chances = {**GEAR, **(gear or {})}
        for slot in [s for s in SLOTS if s not in GEAR] + list(GEAR):       # a cape before its clasp
            if slot not in drawn:
                outfit[SLOTS.index(slot)] = self._draw_slot(lib, r, slot, sex, ok, fits, pinned, outfit, chances)
        return outfit

    def donors_ok(self, lib: PartLibrary, animations: Sequence[str], pinned: Sequence[str]) -> np.ndarray:
        """``(N, 18)`` bool, read-only: donor i's part in slot j may be drawn for ``animations``: it
        covers them and, where some donor of the same sex wears a whole outfit that does (over the
        slots not ``pinned``), so does donor i's; where none does, the slots are judged alone.
        Cached per animations and pinned slots."""
        key = (tuple(animations), frozenset(pinned))
        if key not in self._ok:
            fits = self.fits(lib, animations)
            ok = fits[self.donors] if len(self.donors) else np.zeros((0, len(SLOTS)), bool)   # -1 -> last
            whole = ok[:, [j for j, s in enumerate(SLOTS) if s not in pinned]].all(1)             # (N,)
            some = np.array([whole[self.sex == k].any() for k in range(len(SEXES))], bool)      # per sex
            ok &= (whole | ~some[self.sex])[:, None]
            ok.flags.writeable = False
            self._ok[key] = ok
        return self._ok[key]

    def _pinned_ok(self, pinned: dict[str, Part | None], slots: Sequence[str]) -> np.ndarray:
        ok = np.ones(len(self.donors), bool)
        for slot in slots:
            if slot in pinned:
                part = pinned[slot]
                ok &= np.isin(self.donors[:, SLOTS.index(slot)], part.variants if part else [-1])
        return ok

    def _draw_slot(self, lib: PartLibrary, r: np.random.Generator, slot: str, sex: str, ok: np.ndarray,
                   fits: np.ndarray, pinned: dict[str, Part | None], outfit: np.ndarray,
                   chances: dict[str, float]) -> int:
        j = SLOTS.index(slot)
        if slot in pinned and pinned[slot] is None:
            return -1
        if slot not in GEAR:
            pool = ok[:, j] & (self.sex == SEXES.index(sex)) & self._pinned_ok(pinned, [slot])
            if pool.any():
                return int(self.donors[r.choice(np.flatnonzero(pool)), j])
        if slot in pinned:
            return int(r.choice(pinned[slot].variants))
        if slot in GEAR and r.random() < self._chance(slot, outfit, chances):
            choices = [v for p in lib.parts if p.slot == slot and p.sex == sex and fits[p.variants[0]]
                       and self._goes_with(lib, p, outfit) for v in p.variants]
            if choices:
                return int(r.choice(choices))
        return -1

    @staticmethod
    def _chance(slot: str, outfit: np.ndarray, chances: dict[str, float]) -> float:
        if slot == "neck" and outfit[SLOTS.index("cape")] >= 0 and chances["neck"] > 0:
            return 0.8                                                   # a cape is usually clasped
        return chances[slot]

    @staticmethod
    def _goes_with(lib: PartLibrary, part: Part, outfit: np.ndarray) -> bool:
        """Combinations the art does not support: a shield beside a two-handed weapon, a cape clasp
        without a cape."""
        weapon = outfit[SLOTS.index("weapon")]
        if part.slot == "shield" and weapon >= 0:
            return lib.parts[lib.variants[weapon]["part"]].name not in TWO_HANDED
        if part.slot == "neck" and part.name.startswith("cape"):
            return outfit[SLOTS.index("cape")] >= 0
        return True

    @classmethod
    def tiny(cls, lib: PartLibrary, n: int = 6, seed: int = 0) -> "Prior":
        """Random donors over ``lib``'s worn parts (for tests and examples)."""
        r = np.random.default_rng(seed)
        sex = r.integers(0, 2, n).astype(np.int32)
        donors = np.full((n, len(SLOTS)), -1, np.int32)
        for i in range(n):
            for p in lib.parts:
                if p.kind == "worn" and p.sex == SEXES[sex[i]]:
                    donors[i, SLOTS.index(p.slot)] = r.choice(p.variants)
        return cls(donors, sex)
