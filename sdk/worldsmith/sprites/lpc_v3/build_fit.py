"""Fit :class:`~.headwear.Anchors` from the LPC library: built hair/facial sheets vs their sources.

For every ``_build/{hair,facial}/<style>`` with per-direction drawings, each built frame (the
base sheet ``<layer>/<sex>/<style>.png``, still in the source ramp) is compared with the drawing
a frame would use (``n s e w``, or a ``s-hurtN``-style replacement) at every offset in a
17 x 17 window; a vote counts matching drawn pixels minus mismatched ones (union of drawn
pixels). Votes are pooled over styles (hair and facial share one head layout) and the best
(direction, offset) per frame wins. ``exclude`` leaves one style out for a held-out check.
The cut-out planes come from ``masks_<sex>.png`` (grey #808080 cuts ``bg``, silver #C0C0C0
``bg`` and ``behind``, white #FFFFFF every layer: the bow arm, the same pixels as
``cutouts_<sex>.png``); :func:`cut_agreement` checks them against what the sheets erase.

With the LPC data (``$WORLDSMITH_DATA``; tools/rebuild_lpc_build.py runs this)::

    root = data_dir() / "sprites" / "lpc_library"
    anchors = fit_anchors(root)
    print(reference_agreement(anchors, root))
"""
from __future__ import annotations

import functools
import json
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from worldsmith.core.errors import ConfigError, FormatError
from worldsmith.sprites.lpc_v3.headwear import (
    DIRECTION_LETTERS,
    LAYERS,
    ORIGIN,
    SEXES,
    SOURCE_SIZE,
    Anchors,
    _key_for,
    _resolve,
    flatten,
    frames_of,
    load_sources,
    place,
)
from worldsmith.types.lpc_sheet import FRAME, FRAMES, N_FRAMES

PART_LAYERS = ("hair", "facial")
RADIUS = 8                                            # offset search window: centre +- RADIUS
MASK_COLOURS = ((128, 128, 128), (192, 192, 192), (255, 255, 255))   # cut-out planes 0, 1, 2


@dataclass(frozen=True)
class Style:
    """One ``_build`` style: its drawings per body kind and its built base frames per body kind."""

    layer: str
    name: str
    sources: tuple[dict[str, np.ndarray], dict[str, np.ndarray]]   # male, female
    built: tuple[np.ndarray, np.ndarray]                           # (178, 64, 64, 4) each
    build_layers: tuple[str, ...]                                  # layers the library build drew

    @property
    def key(self) -> str:
        return f"{self.layer}/{self.name}"

    @property
    def has_directions(self) -> bool:
        return "s" in self.sources[0]


def read_rgba(path: Path) -> np.ndarray:
    """An image file as RGBA uint8, FormatError naming it when unreadable."""
    try:
        with Image.open(path) as im:
            return np.array(im.convert("RGBA"))
    except (OSError, ValueError) as e:
        raise FormatError(f"{path}: expected a readable PNG ({e})") from None


def style_names(root: Path) -> list[tuple[str, str]]:
    """(layer, style) of every ``_build`` style folder, sorted."""
    root = Path(root)
    if not (root / "_build").is_dir():
        raise ConfigError("library_root", "the LPC library folder holding _build/", str(root))
    return [(layer, p.name) for layer in PART_LAYERS
            for p in sorted((root / "_build" / layer).iterdir()) if p.is_dir()]


def load_style(root: Path, layer: str, name: str) -> Style:
    """The drawings and built base frames of one style."""
    folder = Path(root) / "_build" / layer / name
    per_sex = [folder / sex for sex in SEXES] if (folder / SEXES[0]).is_dir() else [folder, folder]
    sources = tuple(load_sources(f) for f in per_sex)
    built = tuple(frames_of(read_rgba(Path(root) / layer / sex / f"{name}.png")) for sex in SEXES)
    # the build looks for a layer's files as <style>/<prefix>* only: a layer kept in the per-sex
    # folders (xlong's behindbody-full.png) is left out of the built sheet
    drawn = tuple(n for n, prefix in LAYERS.items() if any(folder.glob(f"{prefix}*")))
    return Style(layer, name, sources, built, drawn)


def build_flatten(style: Style, layers: dict[str, np.ndarray]) -> np.ndarray:
    """Placed layers stacked as the library build stacked them (only its ``build_layers``)."""
    return flatten({k: v for k, v in layers.items() if k in style.build_layers})


@functools.lru_cache(maxsize=None)
def cached_style(root: str, key: str) -> Style:
    """:func:`load_style` cached per (root, "layer/style")."""
    layer, name = key.split("/")
    return load_style(Path(root), layer, name)


def load_library(root: str | Path) -> tuple[Style, ...]:
    """Every style of the library (each loaded once per process)."""
    root = str(Path(root).resolve())
    return tuple(cached_style(root, f"{layer}/{name}") for layer, name in style_names(Path(root)))


def _codes(img: np.ndarray) -> np.ndarray:
    """RGBA uint8 (..., 4) -> uint32 codes, 0 for every transparent pixel."""
    code = np.ascontiguousarray(img).view(np.uint32)[..., 0]
    return np.where(img[..., 3] > 0, code, 0)


def _drawing(style: Style, sex: int, frame: int, letter_index: int) -> np.ndarray | None:
    """The front drawing a frame uses if it shows direction ``letter_index``."""
    table = _resolve(style.sources[sex], "front")
    key = _key_for(table, DIRECTION_LETTERS[letter_index], FRAMES[frame]) if table else None
    return None if key is None else style.sources[sex][key]


def _bbox_estimate(built: np.ndarray, src: np.ndarray) -> tuple[int, int] | None:
    """Offset aligning the top-left of the drawn boxes of a built frame and a drawing."""
    b, s = np.argwhere(built[..., 3] > 0), np.argwhere(src[..., 3] > 0)
    if not len(b) or not len(s):
        return None
    (by, bx), (sy, sx) = b.min(0), s.min(0)
    return int(bx - sx + ORIGIN), int(by - sy + ORIGIN)


@functools.lru_cache(maxsize=None)
def _style_estimates(root: str, key: str) -> np.ndarray:
    """(2, 178, 4, 2) float box-aligned offsets of one style (NaN where it has no drawing)."""
    st = cached_style(root, key)
    out = np.full((2, N_FRAMES, 4, 2), np.nan)
    for s in range(2):
        for i in range(N_FRAMES):
            for d in range(4):
                src = _drawing(st, s, i, d) if st.has_directions else None
                est = None if src is None else _bbox_estimate(st.built[s][i], src)
                if est is not None:
                    out[s, i, d] = est
    return out


def window_centres(root: str, keys: list[str]) -> np.ndarray:
    """(2, 178, 4, 2) int: median box-aligned offset over ``keys`` per body kind, frame, direction."""
    est = np.stack([_style_estimates(root, k) for k in keys])
    with np.errstate(all="ignore"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            med = np.nanmedian(est, 0)
    return np.where(np.isnan(med), np.array([32, 16]), np.round(med)).astype(np.int64)


def _padded(src: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A drawing's colour codes padded by two frames each side, and the integral image of
    its drawn pixels (a leading zero row and column)."""
    pad = np.zeros((SOURCE_SIZE + 4 * FRAME, SOURCE_SIZE + 4 * FRAME), np.uint32)
    pad[2 * FRAME:2 * FRAME + SOURCE_SIZE, 2 * FRAME:2 * FRAME + SOURCE_SIZE] = _codes(src)
    return pad, np.pad((pad != 0).astype(np.int32).cumsum(0).cumsum(1), ((1, 0), (1, 0)))


def _frame_votes(built: np.ndarray, padded: tuple[np.ndarray, np.ndarray], centre: np.ndarray) -> np.ndarray:
    """(W, W) votes, [y, x] around ``centre``: matched minus unmatched drawn pixels."""
    pad, drawn = padded
    ys, xs = np.nonzero(built[..., 3] > 0)
    want = _codes(built)[ys, xs]
    offs = np.arange(-RADIUS, RADIUS + 1)
    top, left = ORIGIN + 2 * FRAME - (centre[1] + offs), ORIGIN + 2 * FRAME - (centre[0] + offs)
    got = pad[top[:, None, None] + ys, left[None, :, None] + xs]               # (Wy, Wx, k)
    matched = (got == want).sum(-1)
    overlap = (got != 0).sum(-1)
    t, l_ = top[:, None], left[None, :]
    in_window = drawn[t + FRAME, l_ + FRAME] - drawn[t, l_ + FRAME] - drawn[t + FRAME, l_] + drawn[t, l_]
    union = len(ys) + in_window - overlap
    return (2 * matched - union).astype(np.int32)


_VOTES: dict[tuple, np.ndarray] = {}


def style_votes(root: str, key: str, centres: np.ndarray) -> np.ndarray:
    """(2, 178, 4, W, W) int32 votes of one style (zeros where it has no such drawing); each
    frame's votes are cached per window centre, so refits with other styles left out are quick."""
    w = 2 * RADIUS + 1
    out = np.zeros((2, N_FRAMES, 4, w, w), np.int32)
    style = cached_style(root, key)
    if not style.has_directions:
        return out
    padded: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for s in range(2):
        for i in range(N_FRAMES):
            for d in range(4):
                cache_key = (root, key, s, i, d, *centres[s, i, d].tolist())
                if cache_key not in _VOTES:
                    src = _drawing(style, s, i, d)
                    if src is not None and id(src) not in padded:
                        padded[id(src)] = _padded(src)
                    _VOTES[cache_key] = (np.zeros((w, w), np.int32) if src is None
                                         else _frame_votes(style.built[s][i], padded[id(src)], centres[s, i, d]))
                out[s, i, d] = _VOTES[cache_key]
    return out


def library_cuts(root: Path, layer: str = "hair") -> np.ndarray:
    """(2, 3, 178, 64, 64) bool cut-out planes from ``_build/<layer>/masks_<sex>.png``."""
    out = []
    for sex in SEXES:
        masks = frames_of(read_rgba(Path(root) / "_build" / layer / f"masks_{sex}.png"))
        out.append([(masks[..., :3] == c).all(-1) & (masks[..., 3] > 0) for c in MASK_COLOURS])
    return np.array(out, bool)


def cutouts_agree(root: Path, layer: str = "hair") -> bool:
    """True when ``cutouts_<sex>.png`` mark exactly the white (front) plane of the masks."""
    cuts = library_cuts(root, layer)
    return all(bool(((frames_of(read_rgba(Path(root) / "_build" / layer / f"cutouts_{sex}.png"))[..., 3] > 0)
                     == cuts[s, 2]).all()) for s, sex in enumerate(SEXES))


def _match_style(key: str, exclude: str | None) -> bool:
    return exclude is not None and (key == exclude or key.split("/")[1] == exclude)


def voting_styles(library_root: str | Path, exclude: str | None = None,
                  styles: list[str] | None = None) -> list[str]:
    """The "layer/style" keys that vote: ``styles`` (names or keys; default all with n/s/e/w
    drawings) without ``exclude``."""
    root = str(Path(library_root).resolve())
    every = [f"{layer}/{name}" for layer, name in style_names(Path(root))]
    for name in [exclude] if exclude is not None else []:
        if not any(_match_style(k, name) for k in every):
            raise ConfigError("exclude", f"a style of {root}/_build", name)
    keys = [k for k in every if styles is None or any(_match_style(k, n) for n in styles)]
    keys = [k for k in keys if not _match_style(k, exclude) and cached_style(root, k).has_directions]
    if not keys:
        raise ConfigError("styles", "at least one style with n/s/e/w drawings", styles)
    return keys


def fit_anchors(library_root: str | Path, exclude: str | None = None, styles: list[str] | None = None) -> Anchors:
    """Anchors fitted from the library's built sheets, optionally without one style.

    ``exclude``: a style name ("plain") or "layer/style" ("facial/beard") left out of the vote;
    ``styles``: vote with these styles only (default: every style with per-direction drawings).
    """
    return fit_details(library_root, exclude, styles)[0]


def fit_details(library_root: str | Path, exclude: str | None = None,
                styles: list[str] | None = None) -> tuple[Anchors, int]:
    """:func:`fit_anchors` and how many fitted offsets lie on the search window's edge (0: the
    window was wide enough)."""
    root = str(Path(library_root).resolve())
    keys = voting_styles(root, exclude, styles)
    centres = window_centres(root, keys)
    total = sum(style_votes(root, k, centres) for k in keys)                  # (2, 178, 4, W, W)
    w = 2 * RADIUS + 1
    flat = total.reshape(2, N_FRAMES, -1).argmax(-1)                          # over (d, y, x)
    d, rest = np.divmod(flat, w * w)
    y, x = np.divmod(rest, w)
    pick = centres[np.arange(2)[:, None], np.arange(N_FRAMES)[None, :], d]     # (2, 178, 2)
    offsets = np.stack([pick[..., 0] + x - RADIUS, pick[..., 1] + y - RADIUS], -1)
    border = int(((x == 0) | (x == w - 1) | (y == 0) | (y == w - 1)).sum())
    return Anchors(offsets.astype(np.int16), d.astype(np.uint8), library_cuts(Path(root))), border


def reference_offsets(library_root: str | Path, layer: str = "hair") -> np.ndarray:
    """(2, 178, 2) int16 (x, y) of the leftmost pixel of each frame's reference line."""
    out = np.zeros((2, N_FRAMES, 2), np.int16)
    for s, sex in enumerate(SEXES):
        marks = frames_of(read_rgba(Path(library_root) / "_build" / layer / f"reference_points_{sex}.png"))[..., 3] > 0
        for i, m in enumerate(marks):
            ys, xs = np.nonzero(m)
            out[s, i] = (xs[ys == ys.min()].min(), ys.min()) if len(ys) else (-1, -1)
    return out


def reference_agreement(anchors: Anchors, library_root: str | Path) -> dict[str, float]:
    """Share of frames whose fitted offset equals the reference point, per body kind, and the
    share of frames whose fitted drawing is the frame's own direction."""
    ref = reference_offsets(library_root)
    same = (anchors.offsets == ref).all(-1)
    own = np.array([DIRECTION_LETTERS.index({"up": "n", "left": "w", "down": "s", "right": "e"}[f.direction])
                    for f in FRAMES])
    return {**{f"offsets_{sex}": float(same[s].mean()) for s, sex in enumerate(SEXES)},
            "source_is_own_direction": float((anchors.source == own).mean())}


def cut_agreement(library_root: str | Path, anchors: Anchors) -> dict[str, float]:
    """The cut-outs the sheets show vs the mask planes. Per style and body kind, the pixels the
    placed part draws before cutting but the built sheet leaves empty ("erased by the build")
    are compared with the pixels the mask planes erase: returns the shares of the first inside
    the second (precision), of the second inside the first (recall), and their union agreement."""
    plain = Anchors(anchors.offsets, anchors.source, np.zeros_like(anchors.cuts))
    both = sheet_only = masks_only = 0
    for st in load_library(library_root):
        for s, sex in enumerate(SEXES):
            uncut = build_flatten(st, place(st.sources[s], plain, sex))[..., 3] > 0
            by_masks = uncut & ~(build_flatten(st, place(st.sources[s], anchors, sex))[..., 3] > 0)
            by_sheet = uncut & ~(st.built[s][..., 3] > 0)
            both += int((by_masks & by_sheet).sum())
            sheet_only += int((by_sheet & ~by_masks).sum())
            masks_only += int((by_masks & ~by_sheet).sum())
    return {"precision": both / max(both + sheet_only, 1), "recall": both / max(both + masks_only, 1),
            "union": both / max(both + sheet_only + masks_only, 1), "pixels": both + sheet_only + masks_only}


def palettes(library_root: str | Path, layer: str) -> dict[str, dict[tuple, tuple]]:
    """Named colour ramps of ``_build/<layer>/palettes.json`` as {name: {RGBA from: RGBA to}}."""
    path = Path(library_root) / "_build" / layer / "palettes.json"
    try:
        raw = json.loads(path.read_text())
    except (OSError, ValueError) as e:
        raise FormatError(f"{path}: expected a JSON palette file ({e})") from None
    return {name: {_rgba(k): _rgba(v) for k, v in ramp.items()} for name, ramp in raw.items()}


def _rgba(h: str) -> tuple[int, int, int, int]:
    v = [int(h.lstrip("#")[i:i + 2], 16) for i in range(0, len(h.lstrip("#")), 2)]
    return tuple(v + [255] * (4 - len(v)))


def recolour(img: np.ndarray, ramp: dict[tuple, tuple]) -> np.ndarray:
    """Replace exact RGBA colours in order (the build's ``-fill to -opaque from`` chain).

    >>> img = np.array([[[48, 7, 39, 255], [1, 2, 3, 255]]], np.uint8)
    >>> recolour(img, {(48, 7, 39, 255): (0, 0, 0, 255)})[0].tolist()
    [[0, 0, 0, 255], [1, 2, 3, 255]]
    """
    return next(recolours(img, {"one": ramp}))[1]


def recolours(img: np.ndarray, ramps: dict[str, dict[tuple, tuple]]):
    """(name, recoloured image) for each ramp; the distinct colours are found once."""
    codes, inverse = np.unique(np.ascontiguousarray(img).view(np.uint32), return_inverse=True)
    for name, ramp in ramps.items():
        colours = codes[:, None].view(np.uint8).copy()
        for src, dst in ramp.items():
            colours[(colours == np.array(src, np.uint8)).all(-1)] = dst
        yield name, colours[inverse.reshape(-1)].reshape(img.shape)


def union_agreement(a: np.ndarray, b: np.ndarray) -> float:
    """Share of pixels drawn in either image that are identical RGBA (1.0 when neither draws)."""
    union = (a[..., 3] > 0) | (b[..., 3] > 0)
    same = (a == b).all(-1) & union
    return float(same.sum() / union.sum()) if union.any() else 1.0
