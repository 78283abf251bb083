"""``sprites/lpc-v3``: whole LPC characters with every animation, parts by name, exact credits.

One seed -> one outfit (a part or none per slot, from the model's prior, or pinned with
``parts=``) -> every frame of the requested animations drawn from the library's own art in the
LPC layering order. The default is all six animations (178 frames), exported as the standard
832 x 1344 LPC sheet.

>>> import worldsmith as ws
>>> hero = ws.make("sprites/lpc-v3")(seed=3)
>>> hero.images.shape
(1, 178, 64, 64, 4)
>>> knight = ws.make("sprites/lpc-v3", parts={"torso": "plate/chest", "weapon": "spear", "hair": None},
...                  animations=["walk", "thrust"])(seed=3)
>>> knight.parts[0]["weapon"].startswith("spear"), "hair" in knight.parts[0]
(True, False)
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from worldsmith.core.config import Config, param
from worldsmith.core.errors import ConfigError
from worldsmith.core.generator import Generator
from worldsmith.core.seeding import rng
from worldsmith.core.weights import cache_key, load_folder
from worldsmith.pixels import recolor as paint
from worldsmith.sprites.lpc_v3.model import CharacterModel
from worldsmith.sprites.lpc_v3.parts import SEXES, SLOTS, Part
from worldsmith.sprites.lpc_v3.prior import GEAR, covers
from worldsmith.sprites.lpc_v3.userpart import SLOTS as HEAD_SLOTS
from worldsmith.types.character import CharacterBatch
from worldsmith.types.lpc_sheet import ANIMATIONS, check_animations

_MODELS: dict[tuple[str, float], CharacterModel] = {}


@dataclass(frozen=True)
class CharacterConfig(Config):
    """Options of ``sprites/lpc-v3``."""

    weights: str = param("sprites-lpc-v3", help="model folder: a shipped name or a path")
    animations: list = param(list(ANIMATIONS), help="animations to draw, in any order: " + ", ".join(ANIMATIONS))
    parts: dict = param({}, help="slot -> part name (see `worldsmith info sprites/lpc-v3`; 'name/variant' picks a "
                                 "colour file), null for none, or for head/hair/facial a part file or folder of "
                                 "drawings of your own, e.g. {\"hair\": \"ponytail\", \"weapon\": \"spear\"}")
    sex: str = param("any", choices=("any", "male", "female"), help="body sex (any: drawn by the prior)")
    gear: dict = param({}, help="gear slot (cape, neck, back, weapon, shield) -> chance a character wears one "
                                "(0..1; default 0, as the real LPC characters), e.g. {\"weapon\": 1, \"back\": 0.3} "
                                "to arm everyone and give some a quiver")
    recolor: dict = param({}, help="slot -> list of '#rrggbb' (dark to light; one colour keeps the shading), or a "
                                   "colour name of the part (hair: 'blonde', 'raven', ...)")

    def check(self) -> None:
        check_animations(self.animations)
        for slot, chance in self.gear.items():
            if slot not in GEAR or isinstance(chance, bool) or not isinstance(chance, (int, float)) \
                    or not 0 <= chance <= 1:
                raise ConfigError(f"gear.{slot}", f"a gear slot ({', '.join(GEAR)}) with a chance from 0 to 1",
                                  chance if slot in GEAR else slot)
        for slot in list(self.parts) + list(self.recolor):
            if slot not in SLOTS:
                raise ConfigError("parts" if slot in self.parts else "recolor",
                                  f"slot names ({', '.join(SLOTS)})", slot)


def load_model(weights: str | Path) -> CharacterModel:
    """The lpc-v3 model of a model folder (verified, cached per folder)."""
    folder, key = cache_key(weights)
    if key not in _MODELS:
        _MODELS[key] = CharacterModel.from_folder(*load_folder(folder, numpy=True))
    return _MODELS[key]


class CharacterGenerator(Generator):
    """Whole LPC characters from the part library and outfit prior."""

    item_bytes = 178 * 64 * 64 * 12          # RGBA, classes and the class below, a working copy
    id = "sprites/lpc-v3"
    Config = CharacterConfig
    asset_type = CharacterBatch
    test_config = {"animations": ["walk", "hurt"]}

    def __init__(self, **config: Any):
        super().__init__(**config)
        self.animations = check_animations(self.config.animations)
        self.pinned = {sex: self._pin(sex) for sex in SEXES}
        if not any(p is not None for p in self.pinned.values()):
            raise self._pin_error()

    @classmethod
    def catalogue(cls) -> dict[str, list[str]]:
        """Every slot's part names (either body sex), for ``worldsmith info``."""
        lib = load_model(cls.Config().weights).lib
        return {slot: lib.names(slot) for slot in SLOTS}

    def warm(self) -> None:
        """Unpack every part's pixels now (about 0.6 s and 50 MB) instead of on first use (the
        first characters would cost up to ~30 ms more while the cache fills)."""
        self.model.lib.warm()

    @property
    def model(self) -> CharacterModel:
        """The part library and outfit prior."""
        return load_model(self.config.weights)

    def _pin(self, sex: str) -> dict[str, Part | None] | None:
        """``parts=`` resolved for ``sex`` (None if a named part is not drawn for that sex)."""
        if self.config.sex not in ("any", sex):
            return None

        pinned: dict[str, Part | None] = {}
        for slot, name in self.config.parts.items():
            if name is None:
                pinned[slot] = None
                continue
            if sex not in self._sexes(slot, name):
                return None
            pinned[slot] = self._find(slot, name, sex)
            if not covers(self.model.lib, pinned[slot], self.animations):
                lacks = [a for a in self.animations if not covers(self.model.lib, pinned[slot], [a])]
                raise ConfigError(f"parts.{slot}", f"a part drawn in the requested animations ({name} has no "
                                  f"{', '.join(lacks)} rows)", name)
        return pinned

    @staticmethod
    def _own(slot: str, name: str) -> bool:
        """Whether ``name`` is a part of the user's own (a part file or a folder of drawings,
        ``parts={"head": "my_hat/"}``), worn on both bodies; raises for a slot that cannot wear one."""
        if not (isinstance(name, str) and Path(name).exists()):
            return False
        if slot not in HEAD_SLOTS:
            raise ConfigError(f"parts.{slot}", f"a library part name (parts of your own are worn as "
                              f"{', '.join(HEAD_SLOTS)})", name)
        return True

    def _sexes(self, slot: str, name: str) -> list[str]:
        """The body sexes part ``name`` is drawn for."""
        return list(SEXES) if self._own(slot, name) else self.model.lib.sexes(slot, name)

    def _find(self, slot: str, name: str, sex: str) -> Part:
        """A library part by name, or a part of the user's own."""
        if self._own(slot, name):
            return self.model.user_part(slot, name, sex)
        return self.model.lib.find(slot, name, sex)

    def _pin_error(self) -> ConfigError:
        sexes = {slot: self._sexes(slot, name) for slot, name in self.config.parts.items() if name is not None}
        return ConfigError("parts", "parts drawn for one body sex together (" + "; ".join(
            f"{slot}: {', '.join(v) or 'none'}" for slot, v in sexes.items()) + f"; sex={self.config.sex})",
            self.config.parts)

    def outfits(self, seeds: Sequence[int]) -> np.ndarray:
        """``(n, 18)`` int32: the variant each seed's character wears per slot (-1: none)."""
        model, sexes = self.model, [s for s in SEXES if self.pinned[s] is not None]
        out = []
        for seed in seeds:
            r = rng(seed)
            if len(sexes) == 2 and not self.config.parts:         # the body's donor decides the sex
                out.append(model.prior.sample(model.lib, r, self.animations, {}, gear=self.config.gear))
                continue
            sex = sexes[0] if len(sexes) == 1 else SEXES[int(r.integers(2))]
            out.append(model.prior.sample(model.lib, r, self.animations, self.pinned[sex], sex, self.config.gear))
        return np.stack(out).astype(np.int32)

    def _generate(self, seeds: Sequence[int]) -> CharacterBatch:
        cfg, model = self.config, self.model
        outfits = self.outfits(seeds)
        classes, palette, blended = model.draw(outfits, self.animations)
        meta = self.meta(list(seeds))
        for slot, colors in cfg.recolor.items():
            palette = self._recolor(outfits, classes, palette, slot, colors)
            meta = meta.with_post("recolor", slot=slot, colors=colors)
        images = model.rgba(classes, palette, blended)
        names = [{SLOTS[j]: self._name(model, int(v)) for j, v in enumerate(o) if v >= 0} for o in outfits]
        files = [{SLOTS[j]: list(model.lib.variants[int(v)]["files"]) for j, v in enumerate(o) if v >= 0}
                 for o in outfits]
        return CharacterBatch(images, meta, list(self.animations), classes, palette, list(SLOTS), names, files)

    @staticmethod
    def _name(model: CharacterModel, variant: int) -> str:
        """``part/variant``, or just the part where the variant adds nothing (``shield``,
        ``human/tanned``)."""
        v = model.lib.variants[variant]
        part = model.lib.parts[v["part"]].name
        return part if v["name"] == "default" or part.endswith("/" + v["name"]) else f"{part}/{v['name']}"

    def _recolor(self, outfits: np.ndarray, classes: np.ndarray, palette: np.ndarray, slot: str,
                 colors: Any) -> np.ndarray:
        j, model = SLOTS.index(slot), self.model
        if not isinstance(colors, str):
            return paint.replace_rgba(palette, classes, j, colors)
        out = palette.copy()
        for i, variant in enumerate(outfits[:, j]):
            if variant < 0:
                continue
            part = model.part(int(variant))
            named = [v for v in part.variants if model.lib.variants[v]["name"] == colors]
            if not named:
                known = sorted(model.lib.variants[v]["name"] for v in part.variants)
                raise ConfigError(f"recolor.{slot}", f"a list of '#rrggbb' or a colour of {part.name} "
                                  f"({', '.join(known)})", colors)
            pal = model.lib.palette(named[0])
            out[i, j] = 0
            out[i, j, :len(pal)] = pal
        return out

    @staticmethod
    def combine(items: list[CharacterBatch]) -> CharacterBatch:
        """Single-character batches -> the one batch ``n=`` returns."""
        return CharacterBatch.concat(items)
