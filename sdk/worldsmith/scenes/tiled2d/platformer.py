"""``scenes/platformer-v1`` and ``-v2``: a playable side-scrolling level composed from the public
generators.

The level comes from ``levels/smb-v1`` (re-drawn with our own tileset), the hero from
``sprites/lpc-v2`` (or a procedural hero where that generator is not installed), enemies are
original procedural creatures standing where the level put ``E``, coins and ? blocks become item
objects, a flag marks the goal, three noise backgrounds scroll behind, and the beats of a short
``plots/quest-v1`` quest are bound to checkpoints along the agent's route.

Sub-assets use child seeds of the scene seed, so a scene is deterministic.

``scenes/platformer-v2`` is the same scene with a ``sprites/lpc-v3`` hero: sheet ``hero`` walks
9 frames per direction (down, left, right, up; frame 0 standing), and ``hero_slash`` and
``hero_hurt`` come with it (see :func:`worldsmith.scenes.tiled2d.sprites2d.hero_sheets`). The v1 id keeps
its ``sprites/lpc-v2`` hero, so its seeds give the same scenes as before.

>>> import worldsmith as ws
>>> s = ws.make("scenes/platformer-v1", width=40, hero="procedural")(seed=1)
>>> s.layers()
['checkpoints', 'items', 'enemies', 'goal', 'spawn']
>>> s.layer("checkpoints")[0].properties["beat"] == s.plot.start
True
>>> v2 = ws.make("scenes/platformer-v2", width=40)(seed=1)
>>> v2.meta.extra["hero"], v2.sprites["hero"].shape[0], v2.layer("spawn")[0].frame
('sprites/lpc-v3', 36, 18)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

import worldsmith as ws
from worldsmith.core.config import Config, param
from worldsmith.core.errors import ConfigError
from worldsmith.core.generator import Generator
from worldsmith.core.seeding import child_seed, rng
from worldsmith.plots.runner import PlotRunner
from worldsmith.scenes.tiled2d.parallax import backgrounds
from worldsmith.scenes.tiled2d.sprites2d import (
    BODIES,
    HERO,
    HERO_ANIMATIONS,
    HERO_V3,
    check_hero,
    creature,
    hero_param,
    hero_sheet_info,
    hero_sheets,
    items,
    pick_hero,
)
from worldsmith.scenes.tiled2d.tiles2d import THEMES, TILE, platformer_tileset
from worldsmith.types.level import TileLevel
from worldsmith.types.plot import PlotGraph
from worldsmith.types.scene import Scene2D, SceneObject

LEVEL_TRIES = 6
LAYERS = ["checkpoints", "items", "enemies", "goal", "spawn"]  # drawn in this order: the hero on top
RIGHT = 2  # direction index of a right-facing walk in the sprite sheet layout
#: SMB tile character -> tile name (characters missing here become objects or sky)
TILE_OF = {"X": "ground", "S": "brick", "?": "question", "Q": "used block", "<": "pipe top left",
           ">": "pipe top right", "[": "pipe left", "]": "pipe right", "B": "cannon top", "b": "cannon"}


@dataclass(frozen=True)
class PlatformerConfig(Config):
    """Config of ``scenes/platformer-v1``."""

    width: int = param(160, lo=32, hi=1024, help="level length in tiles")
    theme: str = param("auto", choices=("auto", *THEMES), help="colours of sky and tiles")
    hero: str = hero_param(HERO)
    enemy_kinds: int = param(2, lo=1, hi=4, help="distinct procedural enemy species")
    acts: int = param(1, lo=1, hi=3, help="acts of the quest whose beats become checkpoints")

    hero_source: ClassVar[str] = HERO  # the generator hero="lpc" needs

    def check(self) -> None:
        check_hero(self.hero, self.hero_source)


@dataclass(frozen=True)
class PlatformerV2Config(PlatformerConfig):
    """Config of ``scenes/platformer-v2``: v1's, with a ``sprites/lpc-v3`` hero."""

    hero: str = hero_param(HERO_V3, " (walk, slash, hurt)")
    hero_source: ClassVar[str] = HERO_V3


class PlatformerGenerator(Generator):
    """Composed platformer scenes: level + hero + enemies + items + flag + backgrounds + quest."""

    id = "scenes/platformer-v1"
    Config = PlatformerConfig
    asset_type = Scene2D
    test_config = {"width": 40, "hero": "procedural"}

    def _generate(self, seeds):
        return [self._one(s) for s in seeds]

    def _one(self, seed: int) -> Scene2D:
        cfg = self.config
        r = rng(child_seed(seed, 0))
        theme = cfg.theme if cfg.theme != "auto" else list(THEMES)[int(r.integers(len(THEMES)))]
        level = self._level(seed)
        heroes, hero_meta, walk = self._hero(child_seed(seed, 2))
        plot = ws.make("plots/quest-v1", acts=cfg.acts, endings=1, locks=0)(seed=child_seed(seed, 3))
        tileset = platformer_tileset(theme)
        species = [creature(r, BODIES[k % len(BODIES)]) for k in range(cfg.enemy_kinds)]
        art = items()
        sprites = {**heroes, **{k: art[k] for k in ("coin", "checkpoint", "flag")},
                   **{f"enemy{k}": s for k, s in enumerate(species)}}
        objects = (_spawn(level, walk) + _enemies(level, r, cfg.enemy_kinds) + _items(level, r)
                   + _checkpoints(level, plot) + _goal(level))
        height = level.shape[0] * TILE
        return Scene2D(
            kind="platformer", tiles=_tile_layer(level, tileset), tileset=tileset.images,
            tile_names=tileset.names, tile_solid=tileset.solid, objects=objects, object_layers=LAYERS,
            sprites=sprites, backgrounds=backgrounds(r, height, theme), plot=plot,
            solution=[{"row": int(a), "col": int(b)} for a, b in level.path],
            meta=self.meta(seed, extra={"theme": theme, **hero_meta, "level_seed": level.meta.seed}))

    def _hero(self, seed: int) -> tuple[dict[str, np.ndarray], dict, int]:
        """The hero's sheets (v1: ``hero``, 4 walk frames per direction), what ``meta.extra``
        says of them (v1: their source) and the walk frames per direction."""
        hero, source = pick_hero(self.config.hero, seed)
        return {"hero": hero.reshape(16, 64, 64, 4)}, {"hero": source}, 4

    def _level(self, seed: int) -> TileLevel:
        """The first playable ``levels/smb-v1`` level among the scene's level seeds."""
        gen = ws.make("levels/smb-v1", width=self.config.width)
        for k in range(LEVEL_TRIES):
            level = gen(seed=child_seed(seed, 10 + k))
            if level.path and level.meta.extra.get("playable"):
                return level
        raise ConfigError("width", f"a width the level model can fill playably in {LEVEL_TRIES} tries",
                          self.config.width)


def _tile_layer(level: TileLevel, tileset) -> np.ndarray:
    """``(H, W)`` gids: the level's solid tiles redrawn, grass on ground with open sky above."""
    chars = level.vocab.chars
    table = np.array([tileset.gid(TILE_OF[c]) if c in TILE_OF else 0 for c in chars], np.uint16)
    tiles = table[level.tiles]
    ground = tiles == tileset.gid("ground")
    open_above = np.ones_like(ground)
    open_above[1:] = tiles[:-1] == 0
    tiles[ground & open_above] = tileset.gid("ground top")
    return tiles


def _cells(level: TileLevel, char: str) -> list[tuple[int, int]]:
    rows, cols = np.nonzero(level.tiles == level.vocab.id(char))
    return sorted(zip(cols.tolist(), rows.tolist()))  # left to right


class PlatformerV2Generator(PlatformerGenerator):
    """``scenes/platformer-v2``: the v1 scene with a ``sprites/lpc-v3`` hero (walk, slash, hurt)."""

    id = "scenes/platformer-v2"
    Config = PlatformerV2Config
    test_config = {"width": 40}

    def _hero(self, seed: int) -> tuple[dict[str, np.ndarray], dict, int]:
        sheets, source = hero_sheets(self.config.hero, seed)
        return sheets, {"hero": source, "hero_sheets": hero_sheet_info(sheets)}, HERO_ANIMATIONS["hero"][1]


def _spawn(level: TileLevel, walk: int = 4) -> list[SceneObject]:
    row, col = level.path[0]
    return [SceneObject("spawn", "hero", "spawn", col * TILE, (row + 1) * TILE, 2 * TILE, 2 * TILE,
                        sprite="hero", frame=RIGHT * walk, properties={"facing": "right"})]


def _enemies(level: TileLevel, r: np.random.Generator, kinds: int) -> list[SceneObject]:
    out = []
    solid = level.vocab.solid_mask()[level.tiles]
    for col, row in _cells(level, "E"):
        below = np.flatnonzero(solid[row + 1:, col])
        if not len(below):
            continue                                     # over a pit: it would only fall
        row += int(below[0])                             # enemies stand on the first ground below
        k = int(r.integers(kinds))
        out.append(SceneObject("enemies", f"enemy {len(out) + 1}", "enemy", col * TILE, (row + 1) * TILE, TILE, TILE,
                               sprite=f"enemy{k}",
                               properties={"species": k, "patrol": int(r.integers(2, 6))}))
    return out


def _items(level: TileLevel, r: np.random.Generator) -> list[SceneObject]:
    out = [SceneObject("items", f"coin {i + 1}", "coin", col * TILE, (row + 1) * TILE, TILE, TILE, sprite="coin",
                       properties={"value": 1}) for i, (col, row) in enumerate(_cells(level, "o"))]
    for i, (col, row) in enumerate(_cells(level, "?")):
        prize = "power-up" if r.random() < 0.2 else "coin"
        out.append(SceneObject("items", f"block {i + 1}", "question_block", col * TILE, (row + 1) * TILE,
                               TILE, TILE, properties={"contains": prize}))
    return out


def _mainline(plot: PlotGraph) -> list[str]:
    """Beat ids of the play-through that always takes the first choice."""
    run = PlotRunner(plot)
    while not run.ended:
        run.choose(0)
    return list(run.history)


def _stands(level: TileLevel) -> list[tuple[int, int]]:
    """The cells of the agent's route where the hero stands on solid ground."""
    solid = level.vocab.solid_mask()[level.tiles]
    h = level.shape[0]
    return [(row, col) for row, col in level.path if row + 1 < h and solid[row + 1, col]]


def _checkpoints(level: TileLevel, plot: PlotGraph) -> list[SceneObject]:
    """One checkpoint post per main-line beat, spread evenly over the route's standing cells."""
    stands = _stands(level)
    beats = _mainline(plot)
    picks = np.linspace(0, len(stands) - 1, len(beats)).round().astype(int)
    out = []
    for order, (beat, i) in enumerate(zip(beats, picks)):
        row, col = stands[i]
        b = plot.beat(beat)
        out.append(SceneObject("checkpoints", beat, "checkpoint", col * TILE, (row + 1) * TILE, TILE, 2 * TILE,
                               sprite="checkpoint", properties={"beat": beat, "order": order, "kind": b.kind,
                                                                "text": b.text}))
    return out


def _goal(level: TileLevel) -> list[SceneObject]:
    row, col = _stands(level)[-1]
    return [SceneObject("goal", "flag", "goal", col * TILE, (row + 1) * TILE, TILE, 4 * TILE, sprite="flag")]
