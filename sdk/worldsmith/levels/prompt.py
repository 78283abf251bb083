"""Text prompts for the level generators, as MarioGPT takes them: ``"many pipes, some enemies,
no blocks, high elevation"`` becomes an interval target per attribute for the latent search.

Each phrase is ``<bucket> <attribute>``. Count attributes have the buckets ``no`` (none),
``little``, ``some`` and ``many``: ``little`` up to the first tercile of the training levels'
non-zero values, ``some`` up to the second, ``many`` above it (:data:`THRESHOLDS`, computed by
:func:`thresholds`). SMB counts are per 100 columns, scaled to the level's ``width``; SMB
``elevation`` (the mean height of each column's topmost solid tile) is ``low`` up to the
training median, ``high`` above it. A level is in the bucket when its feature
(:mod:`worldsmith.levels.search`) lies in the interval; the search scores 0 there.

>>> targets("many pipes, no blocks, high elevation", "smb", width=200)
{'pipes': (11.0, inf), 'blocks': (0.0, 0.0), 'elevation': (2.43, inf)}
>>> bucket_of("pipes", 6.0, "smb", width=200)
'some'
>>> targets("lots of gold", "loderunner")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
worldsmith.core.errors.ConfigError: prompt: expected phrases ... (buckets no, ...), got 'lots of gold'
"""
from __future__ import annotations

import math
from typing import Iterable

import numpy as np

from worldsmith.core.errors import ConfigError
from worldsmith.levels.search import FEATURES

COUNT_BUCKETS = ("no", "little", "some", "many")
LEVEL_BUCKETS = ("low", "high")
#: prompt word -> search feature, per game
ATTRIBUTES: dict[str, dict[str, str]] = {
    "smb": {"enemies": "enemies", "pipes": "pipes", "blocks": "blocks", "coins": "coins",
            "gaps": "gaps", "elevation": "elevation"},
    "loderunner": {"gold": "gold", "enemies": "enemies", "ladders": "ladders", "ropes": "ropes",
                   "bricks": "bricks"},
    "zelda": {"enemies": "monsters", "blocks": "blocks", "water": "water"},
}
LEVEL_ATTRIBUTES = frozenset({"elevation"})   # low/high by the median, not counted
SMB_WINDOW, SMB_STRIDE = 100, 10   # SMB attributes are measured on 100-column windows, 10 apart
#: Bucket edges per game and attribute: counts ``(t1, t2)`` (little <= t1 < some <= t2 < many;
#: the 1/3 and 2/3 quantiles of the non-zero values), elevation ``(median,)``. Computed by
#: ``python tools/evaluate_prompts.py --thresholds`` (:func:`thresholds`) from the training
#: files of VGLC (the validation files held out): SMB per 100-column window (10 apart, 97
#: windows of 11 levels), Lode Runner per level (120), Zelda per room (286 non-void rooms of
#: 14 dungeons).
THRESHOLDS: dict[str, dict[str, tuple[float, ...]]] = {
    "smb": {"enemies": (7.0, 15.0), "pipes": (2.0, 5.0), "blocks": (12.0, 29.0), "coins": (3.0, 13.33),
            "gaps": (3.0, 4.0), "elevation": (2.42,)},
    "loderunner": {"gold": (12.67, 20.33), "enemies": (3.0, 3.0), "ladders": (49.33, 75.0),
                   "ropes": (15.67, 33.0), "bricks": (123.33, 187.67)},
    "zelda": {"enemies": (2.0, 4.0), "blocks": (8.0, 22.0), "water": (12.0, 39.33)},
}


def attribute_values(game: str, levels: Iterable[np.ndarray]) -> dict[str, np.ndarray]:
    """Every prompt attribute of ``game`` over the units its thresholds are measured on (SMB:
    100-column windows, per 100 columns; Lode Runner: levels; Zelda: rooms)."""
    from worldsmith.levels.data import samples  # lazy: training-data helpers, only for thresholds

    levels = list(levels)
    if game == "smb":
        units = [lv[:, c:c + SMB_WINDOW] for lv in levels
                 for c in range(0, lv.shape[1] - SMB_WINDOW + 1, SMB_STRIDE)]
    else:
        units = list(samples(game, levels))
    feats = FEATURES[game]
    return {word: np.array([feats[name](u, []) for u in units]) for word, name in ATTRIBUTES[game].items()}


def thresholds(game: str, levels: Iterable[np.ndarray]) -> dict[str, tuple[float, ...]]:
    """Bucket edges of ``game`` from its training ``levels`` (see :data:`THRESHOLDS`).

    >>> from worldsmith.types.tiles import LODERUNNER
    >>> lv = np.full((22, 32), LODERUNNER.id("."), np.uint8)
    >>> golds = [lv.copy() for _ in range(6)]
    >>> for k, g in enumerate(golds):
    ...     g[0, :k] = LODERUNNER.id("G")
    >>> thresholds("loderunner", golds)["gold"]
    (2.33, 3.67)
    """
    out = {}
    for word, v in attribute_values(game, levels).items():
        if word in LEVEL_ATTRIBUTES:
            out[word] = (round(float(np.median(v)), 2),)
        else:
            nz = v[v > 0] if (v > 0).any() else np.ones(1)
            out[word] = tuple(round(float(q), 2) for q in np.quantile(nz, [1 / 3, 2 / 3]))
    return out


def _interval(game: str, word: str, bucket: str, scale: float) -> tuple[float, float]:
    """The feature interval of one phrase: counts are whole numbers, so the edges (scaled by
    ``scale``) are rounded down and every count bucket holds at least one count."""
    edges = THRESHOLDS[game][word]
    if word in LEVEL_ATTRIBUTES:
        return (0.0, edges[0]) if bucket == "low" else (round(edges[0] + 0.01, 2), math.inf)
    little = max(1.0, float(math.floor(edges[0] * scale)))
    some = max(little + 1, float(math.floor(edges[1] * scale)))
    return {"no": (0.0, 0.0), "little": (1.0, little), "some": (little + 1, some),
            "many": (some + 1, math.inf)}[bucket]


def _error(game: str, text: str) -> ConfigError:
    counts = ", ".join(a for a in ATTRIBUTES[game] if a not in LEVEL_ATTRIBUTES)
    levels = "".join(f"; {' or '.join(LEVEL_BUCKETS)} {a}" for a in ATTRIBUTES[game] if a in LEVEL_ATTRIBUTES)
    return ConfigError("prompt", f"phrases '<bucket> <attribute>' (buckets {', '.join(COUNT_BUCKETS)}; "
                                 f"attributes {counts}{levels})", text)


def parse(text: str, game: str) -> dict[str, str]:
    """``"many pipes, no blocks"`` -> ``{"pipes": "many", "blocks": "no"}``; an unknown word,
    a malformed phrase or one attribute asked twice differently raise :class:`ConfigError`.

    >>> parse("Many pipes,  no blocks", "smb")
    {'pipes': 'many', 'blocks': 'no'}
    """
    asked: dict[str, str] = {}
    for phrase in filter(None, (p.strip().lower() for p in text.split(","))):
        words = phrase.split()
        if len(words) != 2:
            raise _error(game, phrase)
        bucket, word = words
        if word not in ATTRIBUTES[game]:
            raise _error(game, word)
        allowed = LEVEL_BUCKETS if word in LEVEL_ATTRIBUTES else COUNT_BUCKETS
        if bucket not in allowed:
            raise ConfigError("prompt", f"one of {', '.join(allowed)} before {word!r}", bucket)
        if asked.get(word, bucket) != bucket:
            raise ConfigError("prompt", f"one bucket for {word!r}", f"{asked[word]} and {bucket}")
        asked[word] = bucket
    return asked


def scale(game: str, width: int | None) -> float:
    """Factor from threshold units to whole-level counts (SMB: ``width`` / 100).

    >>> scale("smb", 250), scale("zelda", None)
    (2.5, 1.0)
    """
    return (width or SMB_WINDOW) / SMB_WINDOW if game == "smb" else 1.0


def targets(text: str, game: str, width: int | None = None) -> dict[str, tuple[float, float]]:
    """Search targets (feature -> interval) of a prompt for a level of ``game`` (SMB: ``width``
    columns)."""
    s = scale(game, width)
    return {ATTRIBUTES[game][w]: _interval(game, w, b, s) for w, b in parse(text, game).items()}


def bucket_of(word: str, value: float, game: str, width: int | None = None) -> str:
    """The bucket a feature value falls in (the first whose interval holds it)."""
    buckets = LEVEL_BUCKETS if word in LEVEL_ATTRIBUTES else COUNT_BUCKETS
    s = scale(game, width)
    for b in buckets:
        lo, hi = _interval(game, word, b, s)
        if lo <= value <= hi:
            return b
    return buckets[-1]
