"""Configs of the level generators, importable without torch (``worldsmith info`` reads them).

>>> SMBConfig(width=56).width
56
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from worldsmith.core.config import Config, param
from worldsmith.core.errors import ConfigError
from worldsmith.levels.prompt import targets as prompt_targets
from worldsmith.levels.search import parse_targets


@dataclass(frozen=True)
class LevelConfig(Config):
    """Options every level generator shares."""

    game: ClassVar[str]

    temperature: float = param(1.0, lo=0.0, hi=3.0, help="scale of the latent noise")
    playable: bool = param(True, help="repair and re-sample until the agent solves the level")
    search: str = param("", help="CMA-ES targets, e.g. 'enemies=8,gaps=3' (see levels.search)")
    prompt: str = param("", help="e.g. 'many pipes, some enemies, no blocks' (see levels.prompt)")
    search_evals: int = param(96, lo=8, hi=5000, help="level evaluations the search may spend")
    weights: str = param("", help="model folder or name (default: the shipped one)")
    device: str = param("cpu", choices=("cpu", "auto", "cuda"), help="torch device")
    source: str = param("", help="a level file (.txt VGLC or .json) to inpaint or continue (levels.inpaint)")
    keep: str = param("", help="tiles of source= kept as they are: columns 'a:b' or rectangles 'r0:r1/c0:c1', "
                               "comma-separated; the rest is regenerated")

    def check(self) -> None:
        both = set(parse_targets(self.search, self.game)) & set(prompt_targets(self.prompt, self.game))
        if both:
            raise ConfigError("prompt", "attributes that search= does not also set", ", ".join(sorted(both)))
        if (self.keep or getattr(self, "extend", 0)) and not self.source:
            raise ConfigError("source", "a level file to keep tiles of or extend (keep= and extend= need one)", "")
        steered = [name for name in ("search", "prompt") if getattr(self, name, "")]
        if self.source and (steered or not self.playable):
            raise ConfigError((steered or ["playable"])[0], "no search or prompt and playable=true with source= "
                                                            "(the latents are fitted to the kept tiles)")


AGENT_HELP = ("playability check: 'search' (the tile search, levels.agents.smb), 'route' (and a route the A* "
              "agent plays reliably, levels.agents.smb_route; levels/smb-v2's default) or 'both' (the A* agent "
              "of levels.agents.smb_astar must finish the level too; slower). With source= the tile search only")


@dataclass(frozen=True)
class SMBConfig(LevelConfig):
    """Config of ``levels/smb-v1``."""

    game: ClassVar[str] = "smb"
    width: int = param(200, lo=28, hi=4096, help="level length in columns")
    smoothness: float = param(0.3, lo=0.0, hi=0.95, help="correlation of neighbouring window latents")
    agent: str = param("search", choices=("search", "route", "both"), help=AGENT_HELP)
    extend: int = param(0, lo=0, hi=4096, help="columns appended after source= (its width + extend; "
                                               "width= is not used with a source)")

    def check(self) -> None:
        super().check()
        if self.source and self.agent == "both":
            raise ConfigError("agent", "'route' or 'search' with source= (inpainting checks the level with "
                                       "the tile search only)", self.agent)


@dataclass(frozen=True)
class SMBConfigV2(SMBConfig):
    """Config of ``levels/smb-v2``: ``levels/smb-v1``'s, the A* route the default check."""

    agent: str = param("route", choices=("route", "search", "both"), help=AGENT_HELP)


@dataclass(frozen=True)
class SMBConfigV3(SMBConfigV2):
    """Config of ``levels/smb-v3``: ``levels/smb-v2``'s."""


@dataclass(frozen=True)
class LodeRunnerConfig(LevelConfig):
    """Config of ``levels/loderunner-v1``."""

    game: ClassVar[str] = "loderunner"


@dataclass(frozen=True)
class ZeldaConfig(LevelConfig):
    """Config of ``levels/zelda-v1``."""

    game: ClassVar[str] = "zelda"
    doors: str = param("auto", help="door sides as the game shows the room, letters of 'NESW', or 'auto' "
                                    "(as the model draws)")
    ladder: bool = param(True, help="the hero may cross one tile of water (NES Zelda's stepladder); "
                                    "false: every door and floor tile connects by walking alone")

    def check(self) -> None:
        super().check()
        d = self.doors
        if d != "auto" and (not d or set(d) - set("NESW") or len(set(d)) != len(d)):
            raise ConfigError("doors", "'auto' or distinct letters of 'NESW' such as 'NS'", d)
