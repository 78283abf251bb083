"""Sprite training data as whole-character sheets: the LPC npz, or a folder of PNG sheets.

A sheet array is ``(n, 16, S, 3S/4, 4)`` uint8: character, cell (4 * direction + walk frame),
rows, columns (the middle 3/4 of the S x S frame; S = 64, or 32 for ``lpc_walk32``), RGBA.
Transparent pixels are zeroed.

>>> import numpy as np
>>> parse_grid("4x4")
(4, 4)
>>> crop(np.zeros((2, 64, 64, 4), np.uint8)).shape
(2, 64, 48, 4)
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from worldsmith.core.errors import ConfigError, FormatError

CELLS = 16  # cells of a sheet: 4 directions x 4 walk frames (cell = 4 * direction + frame)
FRAME = 64  # side of a full frame


@dataclass
class Layering:
    """How each character of a :class:`SheetData` is layered (the LPC npz with its slot maps)."""

    slot_maps: np.ndarray              # (n, 16, H, W) uint8: topmost slot per pixel, 255 transparent
    outfits: np.ndarray                # (n, slots) int: layer drawn in each slot, -1 none
    slots: list[str]                   # slot names in drawing order
    layer_names: list[str]             # layer id -> asset path, e.g. "hair/male/pixie/gray2.png"
    condition: np.ndarray              # (n,) int: body kind (the LPC "sex"); slots are drawn to match it

    def take(self, idx: np.ndarray) -> "Layering":
        """The characters at ``idx``."""
        return Layering(self.slot_maps[idx], self.outfits[idx], self.slots, self.layer_names,
                        self.condition[idx])


@dataclass
class SheetData:
    """Sheets plus per-character labels (empty dict for user folders) and, where the data has slot
    maps, their layering."""

    sheets: np.ndarray                 # (n, 16, 64, 48, 4) uint8
    labels: dict[str, np.ndarray]      # name -> (n,) int, e.g. "body", "hair", "clothing"
    classes: dict[str, list[str]]      # name -> class names
    layering: Layering | None = None

    def split(self, val_fraction: float, seed: int) -> tuple["SheetData", "SheetData"]:
        """(train, validation) split of whole characters, fixed by ``seed``."""
        order = np.random.default_rng(seed).permutation(len(self.sheets))
        n_val = max(1, int(round(len(order) * val_fraction)))
        return self.take(np.sort(order[n_val:])), self.take(np.sort(order[:n_val]))

    def take(self, idx: np.ndarray) -> "SheetData":
        """The characters at ``idx``."""
        return SheetData(self.sheets[idx], {k: v[idx] for k, v in self.labels.items()}, self.classes,
                         self.layering.take(idx) if self.layering else None)


def crop(frames: np.ndarray) -> np.ndarray:
    """``(..., S, S, 4)`` frames -> ``(..., S, 3S/4, 4)``, transparent pixels zeroed."""
    side = frames.shape[-2]
    out = frames[..., side // 8:side // 8 + side * 3 // 4, :].copy()
    out[out[..., 3] < 128] = 0
    out[..., 3] = np.where(out[..., 3] > 0, 255, 0)
    return out


def uncrop(frames: np.ndarray) -> np.ndarray:
    """``(..., S, 3S/4, 4)`` -> ``(..., S, S, 4)`` frames, padded with transparency."""
    side = frames.shape[-3]
    pad = [(0, 0)] * (frames.ndim - 2) + [(side // 8, side // 8), (0, 0)]
    return np.pad(frames, pad)


def _slot_labels(layers: np.ndarray, names: np.ndarray, slot: int, part: slice) -> tuple[np.ndarray, list[str]]:
    keys = ["none" if i < 0 else "/".join(str(names[i]).split("/")[part]) for i in layers[:, slot]]
    classes = sorted(set(keys))
    index = {k: i for i, k in enumerate(classes)}
    return np.array([index[k] for k in keys], np.int64), classes


def slots_path(path: str | Path) -> Path:
    """Where the slot maps of an LPC walk npz lie: ``<stem>_slots.npz`` beside it."""
    path = Path(path)
    return path.with_name(path.stem + "_slots.npz")


def _layering(path: Path, order: np.ndarray, sheets: np.ndarray, layers: np.ndarray, names: np.ndarray,
              slots: list[str], sex: np.ndarray) -> Layering:
    """The slot maps of ``path`` in the sheets' order, cropped like them, transparent where they are."""
    try:
        with np.load(path) as d:
            slot_map = d["slot_map"]
    except (OSError, ValueError, KeyError) as e:
        raise FormatError(f"{path}: not an LPC slot-map npz ({e})") from None
    if len(slot_map) != len(order):
        raise FormatError(f"{path}: {len(slot_map)} slot maps for {len(order)} frames")
    side = slot_map.shape[-1]
    maps = slot_map[order][:, :, side // 8:side // 8 + side * 3 // 4].reshape(sheets.shape[:-1])
    maps[sheets[..., 3] == 0] = 255                                    # partial alpha cropped away
    first = order.reshape(len(sheets), CELLS)[:, 0]
    return Layering(maps, layers[first].astype(np.int32), slots, [str(n) for n in names],
                    sex[first].astype(np.int32))


def load_npz(path: str | Path, layering: bool = False) -> SheetData:
    """The LPC walk npz as sheets, with body / hair-style / clothing labels per character (and, with
    ``layering``, the slot maps of :func:`slots_path` and each character's layers)."""
    try:
        d = np.load(path)
        images, char, direction, frame = d["images"], d["char_id"], d["direction"], d["frame"]
        layers, names, slots = d["layers"], d["layer_names"], [str(s) for s in d["slots"]]
        sex = d["sex"] if layering else None
    except (OSError, ValueError, KeyError) as e:
        raise FormatError(f"{path}: not an LPC walk npz ({e})") from None
    side = images.shape[1]
    if side not in (32, 64) or images.shape[1:] != (side, side, 4):
        raise FormatError(f"{path}: expected 64x64 or 32x32 RGBA frames, got {images.shape[1:]}")
    frame_rank = np.unique(frame, return_inverse=True)[1]
    order = np.lexsort((frame_rank, direction, char))                  # char-major, then cell
    n = len(order) // CELLS
    sheets = crop(images[order]).reshape(n, CELLS, side, side * 3 // 4, 4)
    first = order.reshape(n, CELLS)[:, 0]
    labels, classes = {}, {}
    for name, slot, part in (("body", "body", slice(None)), ("hair", "hair", slice(2, 3)),
                             ("clothing", "torso", slice(None))):
        labels[name], classes[name] = _slot_labels(layers[first], names, slots.index(slot), part)
    layered = _layering(slots_path(path), order, sheets, layers, names, slots, sex) if layering else None
    return SheetData(sheets, labels, classes, layered)


def parse_grid(text: str) -> tuple[int, int]:
    """``"RxC"`` -> (rows, cols); rows are the 4 directions, cols >= 4 walk frames."""
    rows, sep, cols = text.lower().partition("x")
    if not (sep and rows.isdigit() and cols.isdigit()) or int(rows) != 4 or int(cols) < 4:
        raise ConfigError("sheet-grid", "ROWSxCOLS with 4 rows (down, left, right, up) and >= 4 "
                          "walk-frame columns, e.g. 4x4", text)
    return int(rows), int(cols)


def _read_png(path: Path) -> np.ndarray:
    try:
        with Image.open(io.BytesIO(path.read_bytes())) as im:
            return np.asarray(im.convert("RGBA"))
    except Exception as e:  # noqa: BLE001 - PIL raises many types for broken files
        raise FormatError(f"{path}: not a readable image ({e})") from None


def load_sheet_folder(folder: str | Path, grid: str = "4x4") -> SheetData:
    """A folder of PNG sheets, each ``grid`` cells of 64 x 64 (rows = directions); columns are
    sampled at 4 evenly spaced walk frames."""
    rows, cols = parse_grid(grid)
    files = sorted(Path(folder).glob("*.png"))
    if not files:
        raise FormatError(f"{folder}: no .png sprite sheets found")
    pick = np.linspace(0, cols, 4, endpoint=False).astype(int)
    sheets = []
    for path in files:
        im = _read_png(path)
        if im.shape[:2] != (rows * FRAME, cols * FRAME):
            raise FormatError(f"{path}: a {grid} grid of 64x64 frames is {cols * FRAME}x{rows * FRAME} "
                              f"pixels, got {im.shape[1]}x{im.shape[0]}")
        cells = im.reshape(rows, FRAME, cols, FRAME, 4).transpose(0, 2, 1, 3, 4)[:, pick]
        sheets.append(crop(cells.reshape(CELLS, FRAME, FRAME, 4)))
    return SheetData(np.stack(sheets), {}, {})
