"""``sprites/lpc-v3`` characters in the sprite evaluation's terms.

The walk metrics score v1/v2-shaped sheets ``(n, 4, 4, 64, 64, 4)``: directions down, left, right,
up x walk columns 0, 2, 4, 6 (the four frames per direction ``lpc_walk64.npz`` holds).
:func:`walk_sheets` takes exactly those 16 of a :class:`~worldsmith.types.character.CharacterBatch`'s
frames. For the other animations, :func:`cells` picks 16 frames the same way (4 directions x 4
columns spread over the animation; ``hurt``, one direction of 6 frames: all 6), and
:func:`descriptors` averages the feature network's frame embeddings over them, as the sheet
descriptor does over a walk sheet's 16 cells. :func:`composites` draws real LPC characters (their
library files) for any animation, the held-out reference of that animation.

>>> from worldsmith.types.character import CharacterBatch
>>> walk = [layout.FRAMES[i] for i in layout.frame_indices(["walk"])]
>>> [(walk[i].direction, walk[i].index) for i in cells(["walk"], "walk")][:5]
[('down', 0), ('down', 2), ('down', 4), ('down', 6), ('left', 0)]
>>> [layout.FRAMES[i].index for i in cells(None, "shoot")][:4], len(cells(None, "hurt"))
([0, 4, 8, 12], 6)
>>> b = CharacterBatch(np.zeros((2, 36, 64, 64, 4), np.uint8), animations=["walk"])
>>> walk_sheets(b).shape
(2, 4, 4, 64, 64, 4)
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from worldsmith.sprites.data import crop
from worldsmith.types import lpc_sheet as layout
from worldsmith.types.sprite import DIRECTIONS as SHEET_DIRECTIONS

WALK_COLUMNS = (0, 2, 4, 6)                # the walk frames of lpc_walk64.npz (and v1/v2 sheets)


def columns(animation: str) -> list[int]:
    """The 4 frame indices per direction the evaluation looks at (``hurt``: all 6)."""
    count = layout.ANIMATIONS[animation]
    if animation == "walk":
        return list(WALK_COLUMNS)
    if animation == "hurt":
        return list(range(count))
    return [int(c) for c in np.round(np.linspace(0, count - 1, 4))]


def cells(animations: Sequence[str] | None, animation: str) -> list[int]:
    """Indices, into the frames of a batch drawn with ``animations`` (None: all six), of
    ``animation``'s evaluation frames, direction-major in sheet order (down, left, right, up) and
    then column: 16 frames (``hurt``: 6)."""
    frames = [layout.FRAMES[i] for i in layout.frame_indices(animations)]
    if animation not in {f.animation for f in frames}:
        raise ValueError(f"no {animation} frames among {', '.join(layout.check_animations(animations))}")
    where = {(f.animation, f.direction, f.index): j for j, f in enumerate(frames)}
    directions = ("down",) if animation == "hurt" else SHEET_DIRECTIONS
    return [where[(animation, d, c)] for d in directions for c in columns(animation)]


def walk_sheets(batch) -> np.ndarray:
    """A CharacterBatch with walk frames -> v1/v2-shaped sheets ``(n, 4, 4, 64, 64, 4)`` uint8
    (direction down/left/right/up, walk column 0/2/4/6)."""
    idx = cells(batch.animations, "walk")
    return batch.images[:, idx].reshape(len(batch.images), 4, 4, *batch.images.shape[2:])


def descriptors(net, frames: np.ndarray, batch: int = 512) -> np.ndarray:
    """Feature network ``net``'s embedding averaged over each character's frames: ``(n, 128)``
    float32 for uncropped frames ``(n, C, 64, 64, 4)`` uint8 (cropped like the walk sheets)."""
    import torch  # lazy: torch, start-up time (the numpy helpers need none)

    n, per = frames.shape[:2]
    flat = crop(frames.reshape(-1, *frames.shape[2:]))              # (n * C, 64, 48, 4)
    out = []
    with torch.inference_mode():
        for i in range(0, len(flat), batch):
            x = torch.from_numpy(flat[i:i + batch]).permute(0, 3, 1, 2).float() / 127.5 - 1
            out.append(net(x)[0].numpy())
    return np.concatenate(out).reshape(n, per, -1).mean(1)


def covering(model, outfits: np.ndarray, animation: str) -> np.ndarray:
    """``(n,)`` bool: every part of each outfit ``(n, 18)`` is drawn in ``animation`` (the parts
    ``sprites/lpc-v3`` would choose for it; :func:`~worldsmith.sprites.lpc_v3.prior.covers`)."""
    fits = model.prior.fits(model.lib, [animation])                  # (variants + 1,): -1 -> True
    return fits[outfits].all(1)


def outfits_of(model, layers: np.ndarray, names: Sequence[str], sex: np.ndarray) -> np.ndarray:
    """The v3 outfits ``(n, 18)`` of composited characters: ``layers`` ``(n, slots)`` indices into
    ``names`` (library files, -1 none) and ``sex`` ``(n,)`` (0 male, 1 female)."""
    return np.stack([model.outfit_of([names[j] for j in row if j >= 0], ("male", "female")[int(s)])
                     for row, s in zip(layers, sex)])


def composites(model, outfits: np.ndarray, animation: str, chunk: int = 64) -> np.ndarray:
    """Outfits ``(n, 18)`` drawn by ``model`` in ``animation``: its evaluation frames
    (:func:`cells`) ``(n, C, 64, 64, 4)`` uint8."""
    idx = cells([animation], animation)
    out = []
    for i in range(0, len(outfits), chunk):
        classes, palette, blended = model.draw(outfits[i:i + chunk], [animation])
        out.append(model.rgba(classes[:, idx], palette, blended[:, idx]))
    return np.concatenate(out) if out else np.zeros((0, len(idx), 64, 64, 4), np.uint8)
