"""Continuation and inpainting: regenerate part of an existing level, the rest kept tile for tile.

``source=`` names a level file (VGLC ``.txt`` or a worldsmith ``.json``), ``keep=`` the tiles that
stay (:func:`keep_mask`) and, for SMB, ``extend=N`` appends ``N`` new columns. The free tiles come
from the level VAE with latents *fitted* to the kept tiles they overlap: gradient steps on the
decoder's log-likelihood of those tiles plus the N(0, I) prior (:func:`fit`), from the seed's own
latents, so what is drawn next to a kept tile continues it. SMB fits the 14x16 windows that hold
kept and free tiles, encodes the windows that are wholly kept and walks on from them (the
``smoothness`` walk); Lode Runner and Zelda fit their one latent. The kept tiles are then pasted
back, the repairs run on the result and the kept tiles are pasted again; the agent checks the
whole level, and failures re-sample (and, for SMB, at last flatten) free tiles only. A level
whose kept tiles block the agent whatever the free tiles hold is an error.

Only the kept tiles of the source and its size are read, so a result is its own source: the
same ``keep`` (``meta.extra["inpaint"]["keep"]``; after ``extend`` the old columns) and seed on
the result's file give the result again.

>>> keep_mask("0:2,3:", (2, 4)).astype(int).tolist()
[[1, 1, 0, 1], [1, 1, 0, 1]]
>>> keep_mask("0:1/1:3", (2, 4)).astype(int).tolist()
[[0, 1, 1, 0], [0, 0, 0, 0]]
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from worldsmith.core.device import ieee_fp32
from worldsmith.core.errors import ConfigError, FormatError
from worldsmith.core.seeding import rng, torch_generator
from worldsmith.levels.agents import SmbSearch, loderunner_path, reachable, smb_search, zelda_path
from worldsmith.levels.data import SHAPES
from worldsmith.levels.export import MAX_SIDE, read_json
from worldsmith.levels.repair import (
    SAFE,
    smb_flatten,
    smb_repair,
    zelda_connect,
    zelda_sides,
    zelda_walls,
)
from worldsmith.types.level import TileLevel
from worldsmith.types.tiles import LODERUNNER, ZELDA, parse_text, vocab

STEPS = 50        # gradient steps of one fit
RATE = 0.1        # Adam's step size
PRIOR = 1.0       # weight of the pull toward the starting latent against the kept tiles' NLL
TRIES = 8         # re-samples before SMB flattens / before Lode Runner and Zelda give up
LOOKBACK = 16     # SMB: free columns this far behind the stuck column may be re-sampled
LR_STARTS = 4     # Lode Runner: start cells tried per decode
BRIDGE = 6        # SMB: free columns flattened past the stuck one once re-sampling gives up
TURNED_SIDE = {"N": "W", "E": "S", "S": "E", "W": "N"}   # a side of a room turned 11x16 -> of 16x11
KEEP_HELP = ("column ranges 'a:b' (columns a to b-1, all rows; open ends allowed) or rectangles "
             "'r0:r1/c0:c1' (rows r0..r1-1 of columns c0..c1-1), comma-separated")


@dataclass(frozen=True)
class Canvas:
    """The level to fill, in the model's orientation: ``tiles`` (kept cells hold the source's
    tiles, free cells 0 and are never read), ``keep`` (bool, same shape), the source file's
    SHA-256, the canonical keep (in the source's orientation) and whether the source was turned."""

    tiles: np.ndarray
    keep: np.ndarray
    sha256: str
    keep_text: str
    turned: bool = False   # a Zelda room given as the game shows it (11x16): the model's is 16x11

    @property
    def width(self) -> int:
        """Columns of the result."""
        return self.tiles.shape[1]

    def paste(self, tiles: np.ndarray) -> np.ndarray:
        """``tiles`` with every kept cell set back to the source's."""
        return np.where(self.keep, self.tiles, tiles).astype(np.uint8)


def read_source(path: str, game: str) -> tuple[np.ndarray, str]:
    """The tiles of the level file ``path`` (``.txt`` VGLC text or a worldsmith ``.json``) of
    ``game``, and the SHA-256 of the file's bytes; a :class:`ConfigError` on ``source`` otherwise."""
    p = Path(path)
    want = f"a {game} level file (.txt VGLC text or a worldsmith .json)"
    if p.suffix.lower() not in (".txt", ".json") or not p.is_file():
        raise ConfigError("source", want, path)
    data = p.read_bytes()
    try:
        if p.suffix.lower() == ".json":
            level = read_json(p)
            if level.game != game:
                raise ConfigError("source", want, f"{path} (a {level.game} level)")
            tiles = level.tiles
        else:
            tiles = parse_text(data.decode("utf-8"), vocab(game), source=str(path))
    except FormatError as e:                          # its message names the file and the place
        raise ConfigError("source", want, str(e)) from None
    except UnicodeDecodeError:
        raise ConfigError("source", want, f"{path}: not UTF-8 text") from None
    h, w = SHAPES[game]
    shapes = {(h, w), (w, h)} if game == "zelda" else {(h, w)}       # Zelda: VGLC's or the game's
    if (game == "smb" and tiles.shape[0] != h) or (game != "smb" and tiles.shape not in shapes):
        size = f"{h} rows" if game == "smb" else " or ".join(f"{a} x {b}" for a, b in sorted(shapes)) + " tiles"
        raise ConfigError("source", f"a {game} level of {size}", f"{path} ({tiles.shape[0]} x {tiles.shape[1]})")
    return tiles, hashlib.sha256(data).hexdigest()


def _span(text: str, size: int) -> tuple[int, int]:
    """``'a:b'`` (open ends allowed) -> ``(a, b)`` with ``0 <= a < b <= size``; ValueError else."""
    a, sep, b = text.partition(":")
    if not sep:
        raise ValueError(text)
    lo, hi = int(a) if a.strip() else 0, int(b) if b.strip() else size
    if not 0 <= lo < hi <= size:
        raise ValueError(text)
    return lo, hi


def keep_boxes(text: str, shape: tuple[int, int]) -> list[tuple[int, int, int, int]]:
    """The ``(r0, r1, c0, c1)`` boxes ``keep`` names in a ``shape`` level (see ``KEEP_HELP``)."""
    h, w = shape
    boxes = []
    for item in filter(None, (p.strip() for p in text.split(","))):
        try:
            rows, sep, cols = item.rpartition("/")
            boxes.append((*(_span(rows, h) if sep else (0, h)), *_span(cols, w)))
        except ValueError:
            raise ConfigError("keep", f"{KEEP_HELP}, inside the {h} x {w} source", text) from None
    return boxes


def keep_mask(text: str, shape: tuple[int, int]) -> np.ndarray:
    """The cells of a ``shape`` level that ``keep`` names, a bool array."""
    mask = np.zeros(shape, bool)
    for r0, r1, c0, c1 in keep_boxes(text, shape):
        mask[r0:r1, c0:c1] = True
    return mask


def _canonical(boxes: list[tuple[int, int, int, int]], h: int) -> str:
    """``keep`` text with every end written out (it means the same on a wider level).

    >>> _canonical([(0, 14, 0, 40), (2, 5, 50, 60)], 14)
    '0:40,2:5/50:60'
    """
    return ",".join(f"{c0}:{c1}" if (r0, r1) == (0, h) else f"{r0}:{r1}/{c0}:{c1}" for r0, r1, c0, c1 in boxes)


def canvas(source: str, keep: str, extend: int, game: str) -> Canvas:
    """The canvas of a config: the source's kept tiles (all of them with ``keep`` empty and
    ``extend`` > 0) and ``extend`` free columns after them."""
    tiles, sha = read_source(source, game)
    h, w = tiles.shape
    if w > MAX_SIDE:
        raise ConfigError("source", f"a level of at most {MAX_SIDE} columns", f"{source} ({w} columns)")
    if extend > MAX_SIDE - w:
        raise ConfigError("extend", f"an int in [0, {MAX_SIDE - w}] (at most {MAX_SIDE} columns in all)", extend)
    if game == "smb" and w + extend < 28:
        raise ConfigError("extend", f"at least {28 - w} (an SMB level has 28 columns or more)", extend)
    if not keep.strip() and not extend:
        raise ConfigError("keep", f"{KEEP_HELP}, or extend= more columns", keep)
    boxes = keep_boxes(keep, (h, w)) if keep.strip() else [(0, h, 0, w)]
    mask = keep_mask(_canonical(boxes, h), (h, w))
    if mask.all() and not extend:
        raise ConfigError("keep", "a region that leaves tiles to regenerate", keep)
    full = np.zeros((h, w + extend), bool)
    full[:, :w] = mask
    kept = np.zeros(full.shape, np.uint8)
    kept[:, :w] = np.where(mask, tiles, 0)
    if game == "zelda" and (h, w) != SHAPES[game]:                  # turned to the model's 16x11
        return Canvas(np.ascontiguousarray(kept.T), np.ascontiguousarray(full.T), sha, _canonical(boxes, h), True)
    return Canvas(kept, full, sha, _canonical(boxes, h))


def fit(model: Any, z: torch.Tensor, target: np.ndarray, mask: np.ndarray) -> torch.Tensor:
    """Latents ``(B, z)`` moved by ``STEPS`` Adam steps toward decoding the ``target`` tiles
    ``(B, H, W)`` where ``mask`` is set: their negative log-likelihood plus ``PRIOR`` times
    ``|x - z|^2 / 2`` (the prior's pull toward the starting draw); the model's weights are not
    changed."""
    params = list(model.parameters())
    flags = [p.requires_grad for p in params]
    for p in params:
        p.requires_grad_(False)
    device = params[0].device
    y, m = torch.from_numpy(target.astype(np.int64)).to(device), torch.from_numpy(mask).to(device)
    x = z.clone().to(device).requires_grad_(True)
    anchor, m1, m2 = z.clone().to(device), torch.zeros_like(x), torch.zeros_like(x)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # steps this small gain nothing from more, and spin-wait on a busy CPU
    try:
        with torch.inference_mode(False), torch.enable_grad(), ieee_fp32():
            for t in range(1, STEPS + 1):           # Adam by hand: torch.optim costs seconds of imports
                nll = F.cross_entropy(model.decode(x), y, reduction="none")[m].sum()
                loss = nll + PRIOR * 0.5 * (x - anchor).pow(2).sum()
                (grad,) = torch.autograd.grad(loss, x)
                with torch.no_grad():
                    m1.mul_(0.9).add_(grad, alpha=0.1)
                    m2.mul_(0.999).addcmul_(grad, grad, value=0.001)
                    x -= RATE * (m1 / (1 - 0.9 ** t)) / ((m2 / (1 - 0.999 ** t)).sqrt() + 1e-8)
    finally:
        torch.set_num_threads(threads)
        for p, flag in zip(params, flags):
            p.requires_grad_(flag)
    return x.detach().cpu()


def _encode(model: Any, windows: np.ndarray, channels: int) -> torch.Tensor:
    """The encoder's mean latents of tile windows ``(B, H, W)``."""
    x = F.one_hot(torch.from_numpy(windows.astype(np.int64)), channels).permute(0, 3, 1, 2).float()
    with torch.inference_mode(), ieee_fp32():
        return model.encode(x.to(next(model.parameters()).device))[0].cpu()


class SmbFill:
    """The SMB windows of a canvas (14x16, ``stride`` apart): ``fixed`` (wholly kept: encoded),
    ``fitted`` (kept and free: fitted) and free (the walk); ``latents`` and ``resample`` give
    each window its latent, walking on from its left neighbour."""

    def __init__(self, gen: Any, model: Any, cv: Canvas, stride: int, n: int):
        self.gen, self.model, self.cv, self.stride = gen, model, cv, stride
        h, w = cv.tiles.shape
        self.cols = [(i * stride, min(w, i * stride + 16)) for i in range(n)]
        self.target = np.zeros((n, h, 16), np.uint8)
        self.mask = np.zeros((n, h, 16), bool)
        for i, (a, b) in enumerate(self.cols):
            self.target[i, :, :b - a], self.mask[i, :, :b - a] = cv.tiles[:, a:b], cv.keep[:, a:b]
        self.fixed = [bool(m.all()) for m in self.mask]
        self.fitted = [bool(m.any()) and not f for m, f in zip(self.mask, self.fixed)]
        rho = gen.config.smoothness
        self.a, self.b = np.float32(rho), np.float32((1 - rho * rho) ** 0.5)

    def free_columns(self, i: int) -> np.ndarray:
        """Columns of window ``i`` that hold a free tile."""
        a, b = self.cols[i]
        return a + np.flatnonzero(~self.cv.keep[:, a:b].all(0))

    def latents(self, eps: torch.Tensor) -> torch.Tensor:
        """Every window's latent from the prior draws ``eps`` ``(n, z)``."""
        z = eps.clone()
        fixed = [i for i, f in enumerate(self.fixed) if f]
        if fixed:
            z[fixed] = _encode(self.model, self.target[fixed], vocab(self.gen.game).size)
        return self._fit(self._walk(eps, range(len(eps)), z), list(range(len(eps))), eps)

    def resample(self, z: torch.Tensor, rows: list[int], eps: torch.Tensor) -> torch.Tensor:
        """``z`` with windows ``rows`` drawn again from ``eps`` ``(len(rows), z)``."""
        full = torch.zeros_like(z)
        full[rows] = eps
        return self._fit(self._walk(full, rows, z.clone()), rows, full)

    def _walk(self, eps: torch.Tensor, rows, z: torch.Tensor) -> torch.Tensor:
        """``z`` with the non-fixed windows of ``rows`` set to the walk from their left neighbour."""
        for i in rows:
            if not self.fixed[i]:
                z[i] = eps[i] if i == 0 else self.a * z[i - 1] + self.b * eps[i]
        return z

    def _fit(self, z: torch.Tensor, rows: list[int], eps: torch.Tensor) -> torch.Tensor:
        """``z`` with the fitted windows among ``rows`` fitted to their kept tiles, and the free
        windows after them walked on again from the fitted latents."""
        fit_rows = [i for i in rows if self.fitted[i]]
        if fit_rows:
            z[fit_rows] = fit(self.model, z[fit_rows], self.target[fit_rows], self.mask[fit_rows])
            return self._walk(eps, [i for i in rows if not self.fitted[i]], z)
        return z


def smb(gen: Any, model: Any, cv: Canvas, seed: int, stride: int) -> tuple[np.ndarray, list, int, int]:
    """An SMB level on ``cv`` from ``seed`` with ``gen`` (a plain generator of the canvas's
    width): the tiles, the agent's path, the decodes it took and the stretches it flattened."""
    tgen = torch_generator(seed)

    def draw(k: int) -> torch.Tensor:
        return model.sample_prior(k, tgen, gen.config.temperature)    # the prior; SmbFill walks

    n = gen._n_latents()
    fill = SmbFill(gen, model, cv, stride, n)
    decode = gen._decoder(model)

    def compose(z: torch.Tensor) -> np.ndarray:
        return cv.paste(smb_repair(cv.paste(decode(z))))

    z = fill.latents(draw(n))
    tiles = compose(z)
    search = SmbSearch(tiles, lookback=LOOKBACK)
    states, attempt, flattened = search.run()[0], 1, 0
    while states is None:
        far = search.far
        near = sorted((abs(int(np.abs(cols - far).min())), i) for i in range(n)
                      if len(cols := fill.free_columns(i)) and cols.max() >= far - LOOKBACK and cols.min() < far + 16)
        if attempt < TRIES and near:
            rows = sorted(i for _, i in near[:2])
            z = fill.resample(z, rows, draw(len(rows)))
            new, attempt = compose(z), attempt + 1
        else:
            new, flattened = cv.paste(smb_flatten(tiles, max(SAFE, far - 1), far + BRIDGE)), flattened + 1
            if (new == tiles).all() or flattened > cv.width:
                raise ConfigError("source", "kept tiles the agent can get past (keep fewer tiles near there)",
                                  f"Mario stuck at column {far} of {cv.width} whatever the free tiles hold")
        search.update(tiles, new)
        tiles = new
        states = search.run()[0]
    return tiles, smb_search(tiles)[0], attempt, flattened


def _lr_ladders(tiles: np.ndarray, cv: Canvas) -> np.ndarray:
    """Kept ladders whose lower end meets a free tile go on down through free tiles to the next
    brick or ladder (players climb up only by ladders: a kept part above is reached by them)."""
    out, ladder, stop = tiles.copy(), LODERUNNER.id("#"), LODERUNNER.ids("Bb#")
    for r, c in np.argwhere(cv.keep & (tiles == ladder)):
        r += 1
        while r < out.shape[0] and not cv.keep[r, c] and out[r, c] not in stop:
            out[r, c], r = ladder, r + 1
    return out


def _lr_gold(tiles: np.ndarray, cv: Canvas, reach: set[tuple[int, int]], r: np.random.Generator) -> np.ndarray:
    """Free gold out of ``reach`` dropped; with no gold left at all, up to 3 placed on free empty
    cells in reach."""
    gold, empty = LODERUNNER.id("G"), LODERUNNER.id(".")
    out = tiles.copy()
    for cell in map(tuple, np.argwhere(~cv.keep & (out == gold))):
        if (int(cell[0]), int(cell[1])) not in reach:
            out[cell] = empty
    if not (out == gold).any():
        cells = [c for c in sorted(reach) if out[c] == empty and not cv.keep[c]]
        for i in r.permutation(len(cells))[:3]:
            out[cells[i]] = gold
    return out


def _lr_repair(tiles: np.ndarray, cv: Canvas, r: np.random.Generator) -> tuple[np.ndarray, list | None]:
    """Kept ladders continued, exactly one start and free gold only where the player reaches it
    (placed if there is none); the start is the kept one, else tried at the model's starts and
    then the highest free cells one can stand on (falls and digs lead down, only ladders up)."""
    start, empty = LODERUNNER.id("M"), LODERUNNER.id(".")
    base = _lr_ladders(tiles, cv)
    kept_start, free = cv.keep & (base == start), ~cv.keep
    if kept_start.any():
        cells = np.argwhere(kept_start)[:1]
    else:
        below = np.ones_like(base, bool)
        below[:-1] = np.isin(base[1:], LODERUNNER.ids("Bb#"))
        cells = np.concatenate([np.argwhere(free & (base == start)), np.argwhere(free & (base == empty) & below)])
    base = np.where(free & (base == start), empty, base).astype(np.uint8)
    out, path = base, None
    for cell in cells[:LR_STARTS]:
        out = base.copy()
        out[tuple(cell)] = start
        out = _lr_gold(out, cv, reachable(out, "loderunner", tuple(int(v) for v in cell)), r)
        path = loderunner_path(out)
        if path is not None:
            break
    return out, path


def _zelda_repair(tiles: np.ndarray, cv: Canvas, doors: str, ladder: bool) -> tuple[np.ndarray, list | None]:
    """Walls with doors (``doors``, or where the level has them), then corridors carved through
    free tiles until every door and walkable tile connects (or carving changes nothing)."""
    sides = doors if doors != "auto" else (zelda_sides(tiles) or "NESW")
    out = cv.paste(zelda_walls(tiles, sides))
    path = zelda_path(out, ladder)
    while path is None:
        first = tuple(int(v) for v in np.argwhere(out == ZELDA.id("D"))[0]) if (out == ZELDA.id("D")).any() else None
        if first is None:
            break
        new = cv.paste(zelda_connect(out, reachable(out, "zelda", first, ladder)))
        if (new == out).all():
            break
        out, path = new, zelda_path(new, ladder)
    return out, path


def single(gen: Any, model: Any, cv: Canvas, seed: int) -> tuple[np.ndarray, list, int, int]:
    """A Lode Runner level or Zelda room on ``cv`` from ``seed``: fit, paste, repair, check; up
    to ``TRIES`` fresh starts, then an error naming the kept tiles."""
    tgen, r = torch_generator(seed), rng(seed)
    for attempt in range(1, TRIES + 1):
        z = fit(model, gen._latents(tgen, 1, model.z_dim), cv.tiles[None], cv.keep[None])
        raw = cv.paste(gen._decode(model, z))
        if gen.game == "loderunner":
            tiles, path = _lr_repair(raw, cv, r)
        else:
            doors = gen.config.doors if not cv.turned or gen.config.doors == "auto" else \
                "".join(TURNED_SIDE[d] for d in gen.config.doors)
            tiles, path = _zelda_repair(raw, cv, doors, gen.config.ladder)
        if path is not None:
            return tiles, path, attempt, 0
    raise ConfigError("source", f"kept tiles the {gen.game} agent can play with the rest regenerated "
                                "(keep fewer tiles)", f"no playable level in {TRIES} tries")


def level(gen: Any, model: Any, cv: Canvas, seed: int, stride: int = 0) -> TileLevel:
    """The inpainted or continued level of ``seed`` (SMB: windows ``stride`` apart), its meta
    recording the source's hash and the canonical keep."""
    if gen.game == "smb":
        plain = type(gen)(**{**gen.config.to_dict(), "width": cv.width, "source": "", "keep": "", "extend": 0})
        tiles, path, attempts, flattened = smb(plain, model, cv, seed, stride)
    else:
        tiles, path, attempts, flattened = single(gen, model, cv, seed)
        if cv.turned:                                   # back as the source shows it, the route found there
            tiles = np.ascontiguousarray(tiles.T)
            path = zelda_path(tiles, gen.config.ladder)
    info = {"source_sha256": cv.sha256, "keep": cv.keep_text, "kept": int(cv.keep.sum()), "flattened": flattened}
    meta = gen.meta(seed, extra={"attempts": attempts, "playable": True, "inpaint": info})
    return TileLevel(tiles=tiles, game=gen.game, path=list(path), meta=meta)
