"""``sprites/lpc-v2``: layered characters: learned layer shapes coloured by per-layer palettes.

One seed -> one outfit (a layer or none per slot: body, eyes, nose, ears, legs, feet, torso,
torso_over, belt, hands, facial, hair, head; see :mod:`worldsmith.sprites.lpc_v2.model`) -> a class
map (per pixel: which slot, which shade) coloured by the outfit's palette. Every pixel is one of the
character's colours, the same in all 16 cells: crisp pixel art without clean-up, so the default
post-processing is none (the same options as ``sprites/lpc-v1`` apply on request).

The batch carries the class map and palette, so a character can be recoloured in one call: here
the config's ``recolor`` and ``palette_seed``, or :meth:`SpriteBatch.recolor` afterwards.

>>> import worldsmith as ws
>>> heroes = ws.make("sprites/lpc-v2")(seed=5, n=2)
>>> heroes.images.shape, heroes.classes.shape, heroes.palette.shape
((2, 4, 4, 64, 64, 4), (2, 4, 4, 64, 64), (2, 13, 8, 3))
>>> red = heroes.recolor("hair", ["#ff2020"])
>>> int((red.images != heroes.images).any(-1).sum()) > 0
True
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from worldsmith.core.config import Config, param
from worldsmith.core.errors import ConfigError
from worldsmith.core.generator import Generator
from worldsmith.core.seeding import check_seed, rng
from worldsmith.core.weights import cache_key, load_folder
from worldsmith.pixels import recolor as paint
from worldsmith.sprites.data import uncrop
from worldsmith.sprites.look import apply_steps, check_look, look_steps
from worldsmith.sprites.lpc_v2.model import LayerModel
from worldsmith.types.sprite import SpriteBatch

_MODELS: dict[tuple[str, float], LayerModel] = {}


@dataclass(frozen=True)
class LayeredConfig(Config):
    """Options of ``sprites/lpc-v2`` (those of ``sprites/lpc-v1``, plus recolouring)."""

    weights: str = param("sprites-lpc-v2", help="model folder: a shipped name or a path")
    truncation: float = param(1.0, lo=0.0, hi=1.0, help="per slot, draw only the commonest layers worn by "
                                                       "this share of training characters (lower: safer, "
                                                       "less varied)")
    palette: str | list = param("none", help="'none' (the layers' own colours), 'auto' (an octree palette "
                                             "of `colors`), 'pico8', 'db32' or a list of '#rrggbb'")
    colors: int = param(24, lo=2, hi=256, help="colours per character for palette='auto'")
    outline: str = param("off", help="'off' or a 1-px outline colour '#rrggbb'")
    cleanup: bool = param(False, help="remove specks (and, with orphans, orphan pixels)")
    orphans: bool = param(False, help="with cleanup: repaint orphan pixels by majority")
    variations_of: int | None = param(None, lo=0, help="a seed: make variations of its character")
    variation: float = param(0.3, lo=0.0, hi=1.0, help="for variations_of: the chance each slot is re-drawn")
    interpolate: list = param([], help="two seeds [a, b]: characters between a and b (slots from each)")
    mix: float | None = param(None, lo=0.0, hi=1.0, help="share of slots from b on the interpolate path "
                                                          "(default: drawn from each seed)")
    palette_seed: int | None = param(None, lo=0, help="a seed: colour every slot with the palette of that "
                                                      "seed's character (where it has that slot)")
    recolor: dict = param({}, help="slot -> list of '#rrggbb' (dark to light; one colour keeps the "
                                   "shading), e.g. {\"hair\": [\"#c02020\"]}")

    def check(self) -> None:
        check_look(self)
        for slot, colors in self.recolor.items():
            paint.ramp(colors, np.zeros((8, 3), np.uint8), f"recolor.{slot}")
        if self.palette_seed is not None:
            check_seed(self.palette_seed, "palette_seed")


def load_model(weights: str | Path) -> LayerModel:
    """The layered model of a model folder (verified, cached per folder)."""
    folder, key = cache_key(weights)
    if key not in _MODELS:
        _MODELS[key] = LayerModel.from_folder(*load_folder(folder, numpy=True))
    return _MODELS[key]


class LayeredSpriteGenerator(Generator):
    """Character walk sheets from the layered LPC model."""

    item_bytes = 3 * 4 * 4 * 64 * 64 * 5  # RGBA and class map, a working copy and the joined batch

    id = "sprites/lpc-v2"
    Config = LayeredConfig
    asset_type = SpriteBatch

    def __init__(self, **config: Any):
        super().__init__(**config)
        model = self.model
        unknown = sorted(set(self.config.recolor) - set(model.slots))
        if unknown:
            raise ConfigError("recolor", f"slot names of this model ({', '.join(model.slots)})", unknown[0])

    @property
    def model(self) -> LayerModel:
        """The layered model (shapes, palettes, outfit prior)."""
        return load_model(self.config.weights)

    def outfits(self, seeds: Sequence[int]) -> np.ndarray:
        """``(n, slots)`` int32: the layer each seed's character wears per slot (-1: none), from
        the config (truncation, variations, interpolation)."""
        cfg, model = self.config, self.model

        def draw(seed: int) -> np.ndarray:
            return model.sample(rng(seed), cfg.truncation)

        if cfg.variations_of is not None:
            base = draw(cfg.variations_of)
            return np.stack([model.vary(base, rng(s), cfg.variation, cfg.truncation) for s in seeds])
        if cfg.interpolate:
            a, b = (draw(s) for s in cfg.interpolate)
            return np.stack([model.blend(a, b, cfg.mix if cfg.mix is not None else float(rng(s).random()),
                                         rng(s)) for s in seeds])
        return np.stack([draw(s) for s in seeds])

    def _generate(self, seeds: Sequence[int]) -> SpriteBatch:
        cfg, model = self.config, self.model
        classes, palette = model.draw(self.outfits(seeds))                # (n, 16, H, W), (n, slots, K, 3)
        meta = self.meta(list(seeds))
        if cfg.palette_seed is not None:
            other = self.outfits([cfg.palette_seed])
            theirs = np.repeat(model.draw(other)[1], len(seeds), 0)
            palette = paint.borrow(palette, theirs, np.repeat(other >= 0, len(seeds), 0))
            meta = meta.with_post("recolor", palette_seed=cfg.palette_seed)
        for slot, colors in cfg.recolor.items():
            palette = paint.replace(palette, classes, model.slots.index(slot), colors)
            meta = meta.with_post("recolor", slot=slot, colors=colors)
        sheets = paint.colour(classes, palette)                                 # (n, 16, H, W, 4)
        steps = look_steps(cfg)
        if steps:
            sheets = np.stack([apply_steps(steps, sheet) for sheet in sheets])
        for step, params in steps:
            meta = meta.with_post(step.__name__, **params)
        n = len(seeds)
        return SpriteBatch(uncrop(sheets).reshape(n, 4, 4, 64, 64, 4), meta,
                           classes=uncrop(classes[..., None])[..., 0].reshape(n, 4, 4, 64, 64),
                           palette=palette, slots=list(model.slots))

    @staticmethod
    def combine(items: list[SpriteBatch]) -> SpriteBatch:
        """Single-character batches -> the one batch ``n=`` returns."""
        return SpriteBatch.concat(items)
