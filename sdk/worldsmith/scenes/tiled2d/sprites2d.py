"""Original procedural sprites for the 2D scenes: creatures, items, markers and a fallback hero;
and the hero's sheets from the public sprite generators (``sprites/lpc-v2`` for the v1 scenes,
``sprites/lpc-v3`` for the v2 scenes).

Creatures are a seeded body shape (beetle, slime or bat) in a seeded colour with eyes and a
two-frame step; items (coin, key, chest, flag, checkpoint post) are fixed drawings. Every sheet
is ``(frames, h, w, 4)`` uint8 RGBA.

>>> import numpy as np
>>> creature(np.random.default_rng(0)).shape
(2, 16, 16, 4)
>>> hero_sheet(np.random.default_rng(0)).shape
(4, 4, 64, 64, 4)
>>> pick_hero("procedural", 5)[1]
'procedural'
>>> sheets, source = hero_sheets("auto", 5)
>>> source, {k: v.shape[0] for k, v in sheets.items()}
('sprites/lpc-v3', {'hero': 36, 'hero_slash': 24, 'hero_hurt': 6})
"""
from __future__ import annotations

import colorsys
import functools
from typing import Any

import numpy as np

import worldsmith as ws
from worldsmith.core.config import param
from worldsmith.core.errors import ConfigError
from worldsmith.core.seeding import rng
from worldsmith.scenes.tiled2d.tiles2d import draw

BODIES = ("beetle", "slime", "bat")
HERO = "sprites/lpc-v2"
HERO_V3 = "sprites/lpc-v3"  # the v2 scenes' hero
DIRECTIONS = ("down", "left", "right", "up")  # direction order of every hero sheet
#: the v2 scenes' hero sheets: sheet name -> (lpc-v3 animation, frames per direction); each sheet
#: holds its frames direction by direction in DIRECTIONS order (hurt faces down only)
HERO_ANIMATIONS = {"hero": ("walk", 9), "hero_slash": ("slash", 6), "hero_hurt": ("hurt", 6)}
#: config choices for the hero sprite: sprites/lpc-v2, procedural, or lpc when it is installed
HERO_CHOICES = ("auto", "lpc", "procedural")


def hero_param(source: str, sheets: str = "") -> Any:
    """The scene configs' ``hero`` field for a hero drawn by ``source`` (``sheets``: what it adds)."""
    return param("auto", choices=HERO_CHOICES,
                 help=f"hero sprite: {source}{sheets}, procedural, or lpc if installed")


def _hue(rng: np.random.Generator, s: float = 0.7, v: float = 0.8) -> tuple[str, str, str]:
    """A random base colour with a darker and a lighter shade, as hex strings."""
    h = float(rng.random())

    def hexc(sat: float, val: float) -> str:
        r, g, b = colorsys.hsv_to_rgb(h, sat, val)
        return "#%02x%02x%02x" % (int(r * 255), int(g * 255), int(b * 255))

    return hexc(s, v), hexc(s, v * 0.55), hexc(s * 0.5, min(1.0, v * 1.25))


def creature(rng: np.random.Generator, body: str | None = None) -> np.ndarray:
    """A two-frame 16x16 monster: ``(2, 16, 16, 4)``. ``body`` is one of :data:`BODIES`."""
    body = body or BODIES[int(rng.integers(len(BODIES)))]
    base, dark, light = _hue(rng)
    eye = 2 + int(rng.integers(2))
    frames = []
    for f in range(2):
        step = (1 if f else -1)
        if body == "beetle":
            ops = [("line", (4, 13, 4 - step, 15), dark, None), ("line", (11, 13, 11 + step, 15), dark, None),
                   ("ellipse", (1, 3, 14, 14), base, dark), ("line", (7, 3, 7, 13), dark, None),
                   ("rect", (3, 5, 4, 6), light, None), ("rect", (10, 8, 11, 9), light, None)]
        elif body == "slime":
            top = 4 + f
            ops = [("ellipse", (1, top, 14, 17), base, dark), ("rect", (4, top + 2, 5, top + 3), light, None)]
        else:
            wing = 2 if f else 6
            ops = [("poly", [(0, wing), (6, 6), (6, 10)], dark, None),
                   ("poly", [(15, wing), (9, 6), (9, 10)], dark, None), ("ellipse", (4, 4, 11, 12), base, dark)]
        y = 7 if body != "slime" else 8 + f
        ops += [("rect", (5, y, 5 + eye - 1, y + eye - 1), "#ffffff", None),
                ("rect", (10 - eye + 1, y, 10, y + eye - 1), "#ffffff", None),
                ("rect", (5, y + eye - 1, 5, y + eye - 1), "#000000", None),
                ("rect", (10, y + eye - 1, 10, y + eye - 1), "#000000", None)]
        frames.append(draw(ops))
    return np.stack(frames)


@functools.lru_cache(maxsize=None)
def items() -> dict[str, np.ndarray]:
    """Fixed item sheets: coin (4 spin frames), key, chest, flag (16x64), checkpoint post (16x32)."""
    gold, dark = "#ffd43a", "#a87800"
    coin = np.stack([draw([("ellipse", (8 - w, 2, 7 + w, 13), gold, dark), ("line", (8, 4, 8, 11), dark, None)])
                     for w in (5, 3, 1, 3)])
    key = draw([("ellipse", (1, 4, 7, 10), gold, dark), ("rect", (3, 6, 5, 8), (0, 0, 0, 0), None),
                ("rect", (7, 6, 14, 8), gold, dark), ("rect", (11, 8, 12, 11), gold, dark)])[None]
    chest = draw([("rect", (1, 5, 14, 14), "#9a5a1a", "#4a2a08"), ("rect", (1, 5, 14, 8), "#b8742a", "#4a2a08"),
                  ("rect", (6, 7, 9, 10), gold, dark)])[None]
    pennant = ("poly", [(5, 6), (15, 11), (5, 16)], "#e83a3a", "#8a1010")
    flag = draw([("rect", (1, 60, 6, 63), "#5a5a5a", None), ("rect", (3, 4, 4, 60), "#e0e0e0", "#808080"),
                 ("ellipse", (1, 0, 6, 5), gold, dark), pennant], (16, 64))[None]
    ink = "#6a5030"
    post = draw([("rect", (7, 10, 8, 31), "#7a5a3a", None), ("rect", (2, 2, 13, 11), "#f0e8d0", ink),
                 ("line", (4, 5, 11, 5), ink, None), ("line", (4, 8, 9, 8), ink, None)], (16, 32))[None]
    return {"coin": coin, "key": key, "chest": chest, "flag": flag, "checkpoint": post}


def _hero_frame(direction: int, frame: int, skin: str, shirt: str, pants: str, hair: str) -> np.ndarray:
    """One 64x64 frame of the fallback hero: direction 0..3 = down, left, right, up."""
    side = direction in (1, 2)
    swing = (0, 3, 0, -3)[frame] if side else 0
    lift = 0 if side else abs((0, 3, 0, -3)[frame])  # front and back views step in place
    ops = [("rect", (25 + swing, 44, 30 + swing, 58), pants, "#202020"),
           ("rect", (34 - swing, 44, 39 - swing, 58 - lift), pants, "#202020"),
           ("rect", (23, 28, 40, 46), shirt, "#202020"), ("ellipse", (22, 10, 41, 29), skin, "#202020"),
           ("ellipse", (22, 8, 41, 19), hair, None)]
    if direction == 0:
        ops += [("rect", (27, 19, 28, 21), "#202020", None), ("rect", (35, 19, 36, 21), "#202020", None)]
    elif side:
        x = 36 if direction == 2 else 26
        ops += [("rect", (x, 19, x + 1, 21), "#202020", None)]
    else:
        ops += [("ellipse", (22, 8, 41, 26), hair, None)]
    return draw(ops, (64, 64))


def hero_sheet(rng: np.random.Generator) -> np.ndarray:
    """A procedural walk sheet in the ``sprites/lpc-v2`` layout: ``(4, 4, 64, 64, 4)``
    (direction down/left/right/up, frame, rows, columns, RGBA)."""
    skin = ("#f1c7a5", "#d9a066", "#8d5524", "#c68642")[int(rng.integers(4))]
    shirt, _, _ = _hue(rng)
    pants, hair = _hue(rng, 0.4, 0.45)[0], _hue(rng, 0.6, 0.35)[0]
    return np.stack([np.stack([_hero_frame(d, f, skin, shirt, pants, hair) for f in range(4)])
                     for d in range(4)])


def pick_hero(choice: str, seed: int) -> tuple[np.ndarray, str]:
    """The hero's ``(4, 4, 64, 64, 4)`` walk sheet for config value ``choice`` (one of
    :data:`HERO_CHOICES`) and where it came from (``sprites/lpc-v2`` or ``procedural``)."""
    if choice != "procedural" and HERO in ws.list_generators():
        return ws.make(HERO)(seed=seed).images[0], HERO
    return hero_sheet(rng(seed)), "procedural"


def hero_sheets(choice: str, seed: int) -> tuple[dict[str, np.ndarray], str]:
    """The v2 scenes' hero: sheets named as in :data:`HERO_ANIMATIONS` and where they came from.

    From ``sprites/lpc-v3`` (through ``ws.make``): ``hero`` is the walk, 9 frames per direction
    (frame 0 standing), ``hero_slash`` 6 per direction, ``hero_hurt`` 6 facing down; directions
    in :data:`DIRECTIONS` order, so frame ``d * 9 + i`` is walk frame ``i`` facing ``DIRECTIONS[d]``.
    The procedural fallback has the walk only, in the same layout (its standing frame, then its
    4-frame step twice)."""
    if choice != "procedural" and HERO_V3 in ws.list_generators():
        animations = [a for a, _ in HERO_ANIMATIONS.values()]
        batch = ws.make(HERO_V3, animations=animations)(seed=seed)
        frames = {(f.animation, f.direction, f.index): img for f, img in zip(batch.frames, batch.images[0])}
        sheets = {}
        for name, (animation, count) in HERO_ANIMATIONS.items():
            sheets[name] = np.stack([frames[animation, d, i] for d in DIRECTIONS for i in range(count)
                                     if (animation, d, i) in frames])
        return sheets, HERO_V3
    walk = hero_sheet(rng(seed))                                    # (4, 4, 64, 64, 4)
    walk = np.concatenate([walk[:, :1], walk, walk], axis=1)        # (4, 9, ...): stand, step, step
    return {"hero": walk.reshape(-1, *walk.shape[2:])}, "procedural"


def hero_sheet_info(sheets: dict[str, np.ndarray]) -> dict[str, dict]:
    """Per hero sheet of :func:`hero_sheets`: its animation, directions and frames per direction
    (what a v2 scene's ``meta.extra["hero_sheets"]`` says, so a game can cut the sheets)."""
    out = {}
    for name, frames in sheets.items():
        animation, count = HERO_ANIMATIONS[name]
        directions = ["down"] if animation == "hurt" else list(DIRECTIONS)
        assert len(frames) == count * len(directions), (name, frames.shape)
        out[name] = {"animation": animation, "directions": directions, "frames": count}
    return out


def check_hero(choice: str, source: str = HERO) -> None:
    """Raise :class:`ConfigError` for ``hero="lpc"`` when ``source`` (``sprites/lpc-v2``, or
    ``sprites/lpc-v3`` for the v2 scenes) is not installed."""
    if choice == "lpc" and source not in ws.list_generators():
        raise ConfigError("hero", f"'procedural' or 'auto' ({source} is not installed)", choice)
