"""Head-worn parts (hair, beards, hats) placed into all 178 LPC frames from four drawings.

A part is drawn once per direction on a 128 x 128 canvas (``n s e w``: up, down, right, left),
with the leftmost pixel of the first row of the character's head at pixel (64, 64). Optional
drawings: ``bg-<dir>`` (drawn behind the head, e.g. a ponytail seen from the side),
``behindbody-<dir>`` (behind the whole body) and per-frame replacements named after the frames
they serve (``s-hurt3``, ``s-hurt1-hurt2``: hurt frames 3, 1 and 2). A sheet-sized drawing
``full`` / ``behindbody-full`` (1344 x 832) is used as it is.

:class:`Anchors` holds what the LPC build does per frame: where pixel (64, 64) goes
(``offsets``), which drawing direction a frame shows (``source``) and the cut-outs (the bow
arm drawn over the hair in shoot frames, the body in front of ``bg``/``behindbody`` layers).
They are fitted from the library by :mod:`.build_fit` and travel as a few numpy arrays.

>>> import numpy as np
>>> anchors = Anchors.synthetic(x=20, y=10)
>>> hat = np.zeros((128, 128, 4), np.uint8); hat[64:66, 64:70] = (200, 30, 30, 255)
>>> layers = place({d: hat for d in "nsew"}, anchors, "male")
>>> sorted(layers), layers["front"].shape
(['front'], (178, 64, 64, 4))
>>> np.argwhere(layers["front"][0, ..., 3] > 0).min(0).tolist()   # row, col of the first pixel
[10, 20]
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from worldsmith.core.errors import ConfigError, FormatError
from worldsmith.types.lpc_sheet import FRAME, FRAMES, N_FRAMES, SHEET

SEXES = ("male", "female")
DIRECTION_LETTERS = "nwse"                          # index = layout.DIRECTIONS (up, left, down, right)
LAYERS = {"bg": "bg-", "behind": "behindbody-", "front": ""}   # output layer -> file prefix, bottom first
CUT_PLANES = {"bg": [0, 1, 2], "behind": [1, 2], "front": [2]}   # the cut-out planes that clear a layer
SHADOW = (0xEA, 0xA3, 0x77)                         # the build's shadow key colour, made transparent
SOURCE_SIZE = 128
ORIGIN = 64                                         # source pixel (ORIGIN, ORIGIN) = head's top-left
_ALIASES = {"walkcycle": "walk"}
_KEY = re.compile(r"^(bg-|behindbody-)?([nsew]|full)((?:-[a-z]+\d+)*)$")


@dataclass(frozen=True)
class Anchors:
    """Per-frame placement rules for both body kinds (index 0 male, 1 female).

    offsets: (2, 178, 2) int16, (x, y) in the frame where a source's pixel (64, 64) lands.
    source:  (2, 178) uint8, index into ``"nwse"`` of the drawing a frame shows.
    cuts:    (2, 3, 178, 64, 64) bool, the cut-out planes: 0 cuts ``bg``; 1 cuts ``bg`` and
             ``behind``; 2 cuts every layer (the bow arm).
    """

    offsets: np.ndarray
    source: np.ndarray
    cuts: np.ndarray

    def __post_init__(self) -> None:
        shapes = {"offsets": (2, N_FRAMES, 2), "source": (2, N_FRAMES), "cuts": (2, 3, N_FRAMES, FRAME, FRAME)}
        for name, shape in shapes.items():
            if getattr(self, name).shape != shape:
                raise ConfigError(f"Anchors.{name}", f"shape {shape}", getattr(self, name).shape)

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Plain arrays for a safetensors file (cut-outs bit-packed: 547 KB in all).

        >>> a = Anchors.synthetic(); b = Anchors.from_arrays(a.to_arrays())
        >>> bool((a.offsets == b.offsets).all() and (a.cuts == b.cuts).all())
        True
        """
        return {"anchors.offsets": self.offsets.astype(np.int16),
                "anchors.source": self.source.astype(np.uint8),
                "anchors.cuts": np.packbits(self.cuts, axis=-1)}

    @classmethod
    def from_arrays(cls, d: dict[str, np.ndarray]) -> "Anchors":
        """The inverse of :meth:`to_arrays` (keys with the ``anchors.`` prefix)."""
        try:
            cuts = np.unpackbits(np.asarray(d["anchors.cuts"], np.uint8), axis=-1)[..., :FRAME].astype(bool)
            return cls(np.asarray(d["anchors.offsets"], np.int16), np.asarray(d["anchors.source"], np.uint8), cuts)
        except KeyError as e:
            raise FormatError(f"anchors: missing array {e.args[0]!r}") from None

    @classmethod
    def synthetic(cls, x: int = 24, y: int = 16) -> "Anchors":
        """Anchors with every frame at (x, y), the frame's own direction and no cut-outs (tests)."""
        offsets = np.tile(np.array([x, y], np.int16), (2, N_FRAMES, 1))
        source = np.tile(np.array([DIRECTION_LETTERS.index(_letter(f.direction)) for f in FRAMES], np.uint8), (2, 1))
        return cls(offsets, source, np.zeros((2, 3, N_FRAMES, FRAME, FRAME), bool))


def _letter(direction: str) -> str:
    return {"up": "n", "left": "w", "down": "s", "right": "e"}[direction]


def parse_key(key: str) -> tuple[str, str, frozenset[tuple[str, int]]]:
    """``"bg-s-hurt1-hurt2"`` -> (layer, direction letter or "full", {(animation, index)}).

    >>> layer, letter, tokens = parse_key("bg-s-hurt1-hurt2")
    >>> layer, letter, sorted(tokens)
    ('bg', 's', [('hurt', 1), ('hurt', 2)])
    """
    m = _KEY.match(key)
    if not m:
        raise FormatError(f"{key}: expected a drawing name like n, s-hurt2, bg-e, behindbody-w or full")
    layer = {"bg-": "bg", "behindbody-": "behind", None: "front"}[m.group(1)]
    tokens = set()
    for tok in filter(None, m.group(3).split("-")):
        name, index = re.match(r"([a-z]+)(\d+)", tok).groups()
        tokens.add((_ALIASES.get(name, name), int(index)))
    return layer, m.group(2), frozenset(tokens)


def _check_image(name: str, img: np.ndarray, full: bool) -> None:
    shape = (*SHEET, 4) if full else (SOURCE_SIZE, SOURCE_SIZE, 4)
    if not isinstance(img, np.ndarray) or img.dtype != np.uint8 or img.shape != shape:
        got = (getattr(img, "shape", type(img).__name__), str(getattr(img, "dtype", "")))
        raise FormatError(f"{name}: expected an RGBA uint8 image of shape {shape}, got {got}")


def load_sources(folder: str | Path) -> dict[str, np.ndarray]:
    """Read a folder of part drawings (``n.png s.png e.png w.png`` + optional layers) as RGBA.

    Raises FormatError naming the file for a missing direction, a wrong size or a non-RGBA
    image (palette images with transparency are accepted and converted).

    >>> import tempfile, numpy as np; from PIL import Image
    >>> d = Path(tempfile.mkdtemp())
    >>> for k in "nsew": Image.fromarray(np.zeros((128, 128, 4), np.uint8)).save(d / f"{k}.png")
    >>> sorted(load_sources(d))
    ['e', 'n', 's', 'w']
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FormatError(f"{folder}: expected a folder of part drawings (n.png s.png e.png w.png)")
    out = {}
    for path in sorted(folder.glob("*.png")):
        layer, letter, _ = parse_key(path.stem)
        with Image.open(path) as im:
            if im.mode not in ("RGBA", "LA") and not (im.mode == "P" and "transparency" in im.info):
                raise FormatError(f"{path}: expected an RGBA PNG (with transparency), got mode {im.mode}")
            img = np.array(im.convert("RGBA"))
        _check_image(str(path), img, letter == "full")
        out[path.stem] = img
    if "full" not in out:
        missing = [f"{k}.png" for k in "nsew" if k not in out]
        # facial hair has no back view: a part needs at least the down-facing drawing
        if "s.png" in missing or len(missing) == 4:
            raise FormatError(f"{folder}: expected the drawings n.png s.png e.png w.png, missing {' '.join(missing)}")
    return out


def _resolve(sources: dict, layer: str) -> dict[str, dict[frozenset, str]] | None:
    """The drawings of one layer: {direction letter or "full": {frame tokens: key}}; None if none."""
    table: dict[str, dict[frozenset, str]] = {}
    for k in sources:
        name, letter, tokens = parse_key(k)
        if name == layer:
            table.setdefault(letter, {})[tokens] = k
    return table or None


def _key_for(table: dict, letter: str, frame) -> str | None:
    per = table.get(letter, {})
    for tokens, key in per.items():
        if (frame.animation, frame.index) in tokens:
            return key
    return per.get(frozenset())


def _gather(src: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Frames (n, 64, 64, 4) cut from one 128 x 128 drawing at per-frame offsets (n, 2)."""
    r = np.arange(FRAME)[None, :, None] + ORIGIN - offsets[:, 1, None, None]    # (n, 64, 1)
    c = np.arange(FRAME)[None, None, :] + ORIGIN - offsets[:, 0, None, None]    # (n, 1, 64)
    inside = (r >= 0) & (r < SOURCE_SIZE) & (c >= 0) & (c < SOURCE_SIZE)
    out = src[np.clip(r, 0, SOURCE_SIZE - 1), np.clip(c, 0, SOURCE_SIZE - 1)]
    return np.where(inside[..., None], out, 0).astype(np.uint8)


def _place_layer(sources: dict, table: dict, anchors: Anchors, s: int) -> np.ndarray:
    """One layer in all frames, before cut-outs."""
    out = np.zeros((N_FRAMES, FRAME, FRAME, 4), np.uint8)
    if "full" in table:
        return frames_of(sources[table["full"][frozenset()]])
    picks: dict[str, list[int]] = {}
    for i, f in enumerate(FRAMES):
        key = _key_for(table, DIRECTION_LETTERS[anchors.source[s, i]], f)
        if key is not None:
            picks.setdefault(key, []).append(i)
    for key, idx in picks.items():
        out[idx] = _gather(sources[key], anchors.offsets[s, idx].astype(np.int64))
    return out


def place(sources: dict[str, np.ndarray], anchors: Anchors, sex: str) -> dict[str, np.ndarray]:
    """The part in all 178 frames, per drawing layer: {"front", "bg", "behind"} (those drawn).

    Each is RGBA (178, 64, 64, 4) uint8, with the build's cut-outs and shadow key applied;
    :func:`flatten` stacks them like the library's built sheet.

    >>> import numpy as np
    >>> img = np.zeros((128, 128, 4), np.uint8); img[64, 64] = 255
    >>> place({"s": img, "bg-s": img}, Anchors.synthetic(), "female")["bg"].shape
    (178, 64, 64, 4)
    """
    if sex not in SEXES:
        raise ConfigError("sex", f"one of {SEXES}", sex)
    s = SEXES.index(sex)
    for key, img in sources.items():
        _check_image(key, img, parse_key(key)[1] == "full")
    out = {}
    for name in LAYERS:
        table = _resolve(sources, name)
        if table is None:
            continue
        frames = _place_layer(sources, table, anchors, s)
        cut = anchors.cuts[s, CUT_PLANES[name]].any(0)
        frames[cut | (frames[..., :3] == SHADOW).all(-1)] = 0
        out[name] = frames
    return out


def over(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    """Porter-Duff "over" of two RGBA uint8 images, straight alpha, float64, rounded (as ImageMagick's
    8-bit output, and as the library's composited characters were made).

    >>> over(np.array([[0, 0, 0, 156]], np.uint8), np.array([[200, 100, 50, 255]], np.uint8)).tolist()
    [[78, 39, 19, 255]]
    """
    ta, ba = top[..., 3:] / 255.0, bottom[..., 3:] / 255.0
    oa = ta + ba * (1 - ta)
    rgb = (top[..., :3] * ta + bottom[..., :3] * ba * (1 - ta)) / np.maximum(oa, 1e-12)
    return np.concatenate([np.where(oa > 0, np.round(rgb), 0), np.round(oa * 255)], -1).astype(np.uint8)


def flatten(layers: dict[str, np.ndarray]) -> np.ndarray:
    """Stack placed layers bottom to top (bg, behind, front) into one RGBA frame array."""
    acc = None
    for name in LAYERS:
        if name in layers:
            acc = layers[name].copy() if acc is None else over(layers[name], acc)
    if acc is None:
        raise ConfigError("layers", "at least one of bg, behind, front", sorted(layers))
    return acc


def frames_of(sheet: np.ndarray) -> np.ndarray:
    """The 178 frames (178, 64, 64, C) of a (1344, 832, C) sheet, in layout order."""
    rows = np.array([f.row for f in FRAMES]) * FRAME
    cols = np.array([f.col for f in FRAMES]) * FRAME
    r = rows[:, None, None] + np.arange(FRAME)[None, :, None]
    c = cols[:, None, None] + np.arange(FRAME)[None, None, :]
    return sheet[r, c]


def sheet_of(frames: np.ndarray) -> np.ndarray:
    """The inverse of :func:`frames_of`: a (1344, 832, C) sheet, unused cells transparent."""
    out = np.zeros((*SHEET, frames.shape[-1]), frames.dtype)
    for f, img in zip(FRAMES, frames):
        out[f.row * FRAME:(f.row + 1) * FRAME, f.col * FRAME:(f.col + 1) * FRAME] = img
    return out
