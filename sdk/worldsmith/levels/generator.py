"""Tile-level generators: a trained VAE decodes latents, repairs and agents make them playable.

``levels/smb-v1`` decodes a smooth sequence of latents into 14x16 windows and blends each
overlap in probability space (no seams); ``levels/loderunner-v1`` and ``levels/zelda-v1`` decode
one 22x32 level or 16x11 room per item (Zelda rooms come out transposed, 11x16, as the game
shows them). ``search=`` runs CMA-ES in latent space toward targets.

>>> import worldsmith as ws
>>> level = ws.make("levels/smb-v1", width=56)(seed=3)
>>> level.shape, level.path[-1][1]
((14, 56), 55)
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np
import torch

from worldsmith.core.device import ieee_fp32, resolve_device
from worldsmith.core.errors import ConfigError
from worldsmith.core.generator import NeuralGenerator
from worldsmith.core.seeding import rng, torch_generator
from worldsmith.core.weights import building, load_folder
from worldsmith.levels import _smbkernels, inpaint, playable
from worldsmith.levels.agents import solve_tiles, zelda_path
from worldsmith.levels.agents.smb_astar import astar_fails
from worldsmith.levels.agents.smb_route import Mender, RouteCheck
from worldsmith.levels.config import LodeRunnerConfig, SMBConfig, SMBConfigV2, SMBConfigV3, ZeldaConfig
from worldsmith.levels.data import unit_hash
from worldsmith.levels.model import Decoder, LevelVAE, build, for_inference
from worldsmith.levels.placement import blend_rows, expected_counts
from worldsmith.levels.prompt import targets as prompt_targets
from worldsmith.levels.repair import SmbRepairer
from worldsmith.levels.search import cma_search, parse_targets, score
from worldsmith.levels.tiles import VGLC_SIDE, transposed
from worldsmith.types.level import TileLevel

TRIES = 8
COPY_TRIES = 32  # re-samples of a level that equals a training unit before it is handed out
OVERLAP = 4  # columns shared by neighbouring SMB windows
MIN_ROWS = 4  # windows per network call in levels/smb-v3: from 4 rows a window's logits are the same
#               bits whatever the batch (oneDNN runs other kernels below; tests/levels/test_generator.py)


@functools.lru_cache(maxsize=8)
def load_model(weights: str, device: str) -> tuple[LevelVAE, dict]:
    """The VAE in ``weights`` (a name or folder) on ``device``, and its config."""
    config, state = load_folder(weights)
    with building(weights, "level VAE"):
        return for_inference(build(config, state, str(weights))).to(resolve_device(device)), config


class LevelGenerator(NeuralGenerator):
    """Shared machinery: model loading, seeded latents, search and the playability loop."""

    game: ClassVar[str]
    asset_type = TileLevel
    draws: ClassVar[bool] = True  # the playability loop draws from a numpy rng (SMB's: none; search does)

    def __init__(self, **config: Any):
        super().__init__(**config)
        self.device = self.config.device  # `to()` (e.g. the runtime's OOM fallback) changes it
        c = self.config
        self.canvas = inpaint.canvas(c.source, c.keep, getattr(c, "extend", 0), self.game) if c.source else None

    def _model(self) -> tuple[LevelVAE, frozenset[str]]:
        """The VAE and the hashes of its training units (levels equal to one are re-sampled)."""
        model, config = load_model(self.config.weights or f"levels-{self.game}-v1", self.device)
        if config.get("game") != self.game:
            raise ConfigError("weights", f"a {self.game} model", f"{self.config.weights} ({config.get('game')})")
        return model, frozenset(config.get("copy_hashes", ()))

    @property
    def network(self) -> Decoder:
        """The decoder, latents ``(B, z)`` -> tile logits ``(B, C, H, W)`` (ONNX, benchmarks)."""
        return Decoder(self._model()[0])

    def latents(self, seeds) -> torch.Tensor:
        """``(len(seeds), z)`` window latents, row ``i`` drawn from ``seeds[i]`` alone."""
        z_dim = self._model()[0].z_dim
        return torch.cat([LevelGenerator._latents(self, torch_generator(s), 1, z_dim) for s in seeds])

    @staticmethod
    def quantise(logits: torch.Tensor) -> torch.Tensor:
        """Raw logits -> tile ids (what bf16 must not change)."""
        return logits.argmax(1)

    def _latents(self, gen: torch.Generator, k: int, z_dim: int) -> torch.Tensor:
        """``(k, z)`` samples of the model's prior (its fitted mixture, if it has one) at the
        temperature."""
        return self._model()[0].sample_prior(k, gen, self.config.temperature)

    def _logits(self, model: LevelVAE, z: torch.Tensor) -> torch.Tensor:
        """Latents ``(B, z)`` -> tile logits ``(B, C, H, W)`` on the CPU, through the plugged-in
        runner if there is one (TF32 off: a GPU gives the CPU's tiles)."""
        with torch.inference_mode(), ieee_fp32():
            return (self.runner or model.decode)(z.to(model.from_z.weight.device)).cpu()

    def _decode(self, model: LevelVAE, z: torch.Tensor) -> np.ndarray:
        """Latents -> raw tile array (argmax of the decoded logits)."""
        return self._logits(model, z)[0].argmax(0).numpy().astype(np.uint8)

    def _n_latents(self) -> int:
        """Latents per item (SMB: one per window)."""
        return 1

    def _fix(self, model: LevelVAE, z: torch.Tensor, gen: torch.Generator | None,
             r: np.random.Generator | None) -> playable.Result:
        """Decode, repair and re-sample (from ``gen``; once only without it) until playable."""
        fresh = (lambda k: self._latents(gen, k, model.z_dim)) if gen is not None else None
        return self._playable(self._decoder(model), z, fresh, r)

    def _decoder(self, model: LevelVAE) -> playable.Decode:
        """The decode function of one playability loop."""
        return lambda z: self._decode(model, z)

    def _playable(self, decode: playable.Decode, z: torch.Tensor, fresh: playable.Fresh,
                  r: np.random.Generator) -> playable.Result:
        """The game's loop in :mod:`worldsmith.levels.playable`."""
        raise NotImplementedError

    def _search(self, model: LevelVAE, copies: frozenset[str], z: torch.Tensor,
                r: np.random.Generator) -> torch.Tensor:
        """CMA-ES from ``z`` toward the ``search`` targets, scoring one repaired decode each; a
        copy of a training unit scores as unplayable (it would be re-sampled, losing the search)."""
        targets = {**parse_targets(self.config.search, self.game),
                   **prompt_targets(self.config.prompt, self.game, getattr(self.config, "width", None))}

        def objective(x: np.ndarray) -> float:
            tiles, path, _ = self._fix(model, torch.tensor(x, dtype=torch.float32).view_as(z), None, r)
            return score(tiles, self.game, None if unit_hash(tiles) in copies else path, targets)

        best = cma_search(z.numpy(), objective, self.config.search_evals, r)
        return torch.tensor(best, dtype=torch.float32)

    def _one(self, model: LevelVAE, copies: frozenset[str], seed: int) -> TileLevel:
        """One level from ``seed``: latents, optional search, the playability loop, no copies."""
        steered = bool(self.config.search or self.config.prompt)
        gen, r = torch_generator(seed), rng(seed) if steered or self.draws else None
        z = self._latents(gen, self._n_latents(), model.z_dim)
        if steered:
            z = self._search(model, copies, z, r)
        if self.config.playable:
            tiles, path, attempts = self._fix(model, z, gen, r)
            for _ in range(COPY_TRIES):
                if not copies or unit_hash(tiles) not in copies:       # SMB: none (levels, not units)
                    break
                tiles, path, more = self._fix(model, self._latents(gen, len(z), model.z_dim), gen, r)
                attempts += more
        else:
            tiles = self._decode(model, z)
            path, attempts = self._solve(tiles), 1
        meta = self.meta(seed, extra={"attempts": attempts, "playable": path is not None})
        tiles, path = self._shown(tiles, list(path or []))
        return TileLevel(tiles=tiles, game=self.game, path=path, meta=meta)

    def _shown(self, tiles: np.ndarray, path: list) -> tuple[np.ndarray, list]:
        """The level and path in the game's orientation (the model's, but for Zelda)."""
        return tiles, path

    def _solve(self, tiles: np.ndarray) -> list | None:
        """The game's agent with this generator's rules."""
        return solve_tiles(tiles, self.game)

    def _generate(self, seeds):
        model, copies = self._model()
        if self.canvas is not None:
            return [inpaint.level(self, model, self.canvas, s, 16 - OVERLAP) for s in seeds]
        return [self._one(model, copies, s) for s in seeds]


class SMBGenerator(LevelGenerator):
    """Super Mario Bros levels, 14 rows by ``width`` columns, stitched from VAE windows."""

    id = "levels/smb-v1"
    Config = SMBConfig
    game = "smb"
    draws = False
    test_config = {"width": 56}

    def _n_latents(self) -> int:
        stride = 16 - OVERLAP
        return max(1, -(-(self.config.width - 16) // stride) + 1)

    def _latents(self, gen: torch.Generator, k: int, z_dim: int) -> torch.Tensor:
        """A first-order autoregressive walk: neighbouring windows look alike."""
        z = np.array(super()._latents(gen, k, z_dim).numpy(), np.float32)    # (k, z), C order
        rho = self.config.smoothness
        _smbkernels.walk(z, np.float32(rho), np.float32((1 - rho * rho) ** 0.5))  # C: numpy's float32 steps
        return torch.from_numpy(z)

    def _decode(self, model: LevelVAE, z: torch.Tensor) -> np.ndarray:
        return stitch(self._window_probs(model, None)(z), self.config.width)

    def _decoder(self, model: LevelVAE, ahead: torch.Tensor | None = None) -> playable.Decode:
        """Decode that runs the network only on the windows whose latents changed since its last
        call (a re-sample changes two), so a level's decodes cost about one whole decode.
        ``ahead``: latents of windows a re-sample may bring (``levels/smb-v3``)."""
        last: list = []                                   # [latents, window probabilities, tiles]
        stride, width = 16 - OVERLAP, self.config.width
        probs_of = self._window_probs(model, ahead)

        def decode(z: torch.Tensor) -> np.ndarray:
            if not last or last[0].shape != z.shape:
                probs = probs_of(z)
                last[:] = [z.clone(), probs, stitch(probs, width)]
                return last[2].copy()
            rows = (z != last[0]).any(1).nonzero().flatten().tolist()
            if rows:
                last[1][rows] = probs_of(z[rows])
                last[0] = z.clone()
                lo, hi = rows[0] * stride, min(width, rows[-1] * stride + 16)
                last[2][:, lo:hi] = stitch(last[1], width, lo, hi)
            return last[2].copy()
        return decode

    def _window_probs(self, model: LevelVAE, ahead: torch.Tensor | None) -> Callable[[torch.Tensor], torch.Tensor]:
        """Window latents ``(k, z)`` -> tile probabilities ``(k, C, 14, 16)``: one network call
        of the ``k`` windows (``ahead`` is ``levels/smb-v3``'s; here always ``None``)."""
        return lambda z: self._logits(model, z).softmax(1)

    def _second(self) -> playable.Second:
        """The check besides the tile search (the column where it fails): the A* route with
        ``agent="route"`` (the default), the A* agent with ``agent="both"``, else none."""
        if self.config.agent == "route":
            return RouteCheck()
        return astar_fails if self.config.agent == "both" else None

    def _solve(self, tiles: np.ndarray) -> list | None:
        path = super()._solve(tiles)
        return None if path is None or playable.second_fails(self._second(), tiles) is not None else path

    def _playable(self, decode, z, fresh, r):
        second, repair = self._second(), SmbRepairer()   # repairs only the re-sampled columns again
        if isinstance(second, RouteCheck):                # mended after the repair: the check then
            mender = Mender(second)                       # knows the level's verdict
            return playable.smb(decode, z, fresh, 16 - OVERLAP, TRIES, second,
                                lambda tiles: mender(repair(tiles)), second_first=True)
        return playable.smb(decode, z, fresh, 16 - OVERLAP, TRIES, second, repair)


def stitch(probs: torch.Tensor, width: int, lo: int = 0, hi: int | None = None) -> np.ndarray:
    """Blend ``(n, C, H, w)`` window probabilities that overlap by ``OVERLAP`` columns with
    triangular weights, and take the argmax: a ``(H, width)`` tile array (columns ``[lo, hi)``
    only, if given: the same values as those columns of the whole).

    >>> p = torch.zeros(2, 3, 1, 16); p[0, 1] = 1; p[1, 2] = 1
    >>> stitch(p, 28).tolist()[0][10:18]
    [1, 1, 1, 1, 2, 2, 2, 2]
    >>> stitch(p, 28, 12, 16).tolist()[0]
    [1, 1, 2, 2]
    """
    hi = width if hi is None else hi
    out = np.empty((probs.shape[2], hi - lo), np.uint8)
    _smbkernels.blend(np.ascontiguousarray(probs.numpy()), out, width, lo, hi, OVERLAP)   # C: numpy's float32 sums
    return out


class SMBGeneratorV2(SMBGenerator):
    """``levels/smb-v1`` with the A* route as the default check (``agent="route"``): levels the
    Mario AI framework's A* agent finishes too (docs/levels.md, "The A* route"). The same model
    and config fields; ``levels/smb-v1`` keeps its levels byte for byte.

    >>> import worldsmith as ws
    >>> v2 = ws.make("levels/smb-v2", width=56)(seed=3)
    >>> v2.tiles.tolist() == ws.make("levels/smb-v1", width=56, agent="route")(seed=3).tiles.tolist()
    True
    """

    id = "levels/smb-v2"
    Config = SMBConfigV2


class SMBGeneratorV3(SMBGeneratorV2):
    """``levels/smb-v2`` with a shorter tail: the two windows of its first re-sample are drawn
    with the level's (the same latents ``levels/smb-v2`` draws then) and decoded in the same
    network call, so a level re-sampled once costs no second network call. Every call decodes at
    least :data:`MIN_ROWS` windows, where a window's logits are the same bits in any batch (on one
    torch thread, the library's default), so decoding ahead changes no tile. Its levels are
    ``levels/smb-v2``'s but where a re-sampled window's float rounding (2 windows a call there)
    tips a tile, or the last window alone is re-sampled (here: the first of a fresh pair). Config
    and model: ``levels/smb-v2``'s.

    >>> import worldsmith as ws
    >>> v3, v2 = ws.make("levels/smb-v3", width=56), ws.make("levels/smb-v2", width=56)
    >>> [(v3(seed=s).tiles == v2(seed=s).tiles).all() for s in (2, 3)]   # seed 3: its last window re-sampled
    [np.True_, np.False_]
    """

    id = "levels/smb-v3"
    Config = SMBConfigV3

    def _fix(self, model: LevelVAE, z: torch.Tensor, gen: torch.Generator | None,
             r: np.random.Generator | None) -> playable.Result:
        if gen is None:
            return super()._fix(model, z, gen, r)
        spare = [self._latents(gen, 2, model.z_dim)]     # the first re-sample's windows, drawn now

        def fresh(k: int) -> torch.Tensor:
            return (spare.pop() if spare else self._latents(gen, 2, model.z_dim))[:k]
        return self._playable(self._decoder(model, ahead=spare[0]), z, fresh, r)

    def _window_probs(self, model: LevelVAE, ahead: torch.Tensor | None) -> Callable[[torch.Tensor], torch.Tensor]:
        """Window latents ``(k, z)`` -> probabilities, batch-invariant (padded to :data:`MIN_ROWS`
        windows a call); the first call decodes ``ahead`` too, and a later call for those
        latents (or the first of them) takes them from there."""
        kept: list[torch.Tensor] = []

        def probs(z: torch.Tensor) -> torch.Tensor:
            k = len(z)
            if kept and k <= len(kept[0]) and torch.equal(z, ahead[:k]):
                return kept[0][:k]
            extra = ahead if ahead is not None and not kept else z[:0]
            pad = z.new_zeros(max(0, MIN_ROWS - k - len(extra)), z.shape[1])
            out = self._logits(model, torch.cat([z, extra, pad])).softmax(1)      # (k + extra + pad, C, 14, 16)
            if len(extra):
                kept.append(out[k:k + len(extra)])
            return out[:k]
        return probs


class LodeRunnerGenerator(LevelGenerator):
    """Lode Runner levels, 22x32, one per item, every gold reachable."""

    id = "levels/loderunner-v1"
    Config = LodeRunnerConfig
    game = "loderunner"

    def _decode(self, model: LevelVAE, z: torch.Tensor) -> np.ndarray:
        """Rows blended as smooth as the real levels', then gold and enemies as many as the
        decoder expects (:mod:`worldsmith.levels.placement`)."""
        probs = self._logits(model, z).softmax(1)[0].numpy()
        return expected_counts(blend_rows(probs).argmax(0).astype(np.uint8), probs)

    def _playable(self, decode, z, fresh, r):
        return playable.loderunner(decode, z, fresh, r, TRIES)


class ZeldaGenerator(LevelGenerator):
    """Zelda dungeon rooms, 11 rows by 16 columns as the game shows them (the model works on
    VGLC's transposed 16x11 rooms), walls closed, every door reachable."""

    id = "levels/zelda-v1"
    Config = ZeldaConfig
    game = "zelda"

    def _solve(self, tiles: np.ndarray) -> list | None:
        return zelda_path(tiles, self.config.ladder)

    def _shown(self, tiles: np.ndarray, path: list) -> tuple[np.ndarray, list]:
        """Rows and columns swapped; the path found again on the room as shown (the same
        verdict; the agent's own route there, so ``solve(level) == level.path``)."""
        tiles = transposed(tiles, [])[0]
        return tiles, (self._solve(tiles) or []) if path else []

    def _playable(self, decode, z, fresh, r):
        doors = self.config.doors
        doors = doors if doors == "auto" else "".join(VGLC_SIDE[side] for side in doors)
        return playable.zelda(decode, z, fresh, r, TRIES, doors, self.config.ladder)
