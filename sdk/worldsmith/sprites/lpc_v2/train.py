"""``worldsmith train sprites --model layers``: fit the layered model of ``sprites/lpc-v2``.

With the LPC npz, its slot maps (``lpc_walk64_slots.npz``) say which layer is on top at each pixel
and the npz names each character's layers, so layers are fitted per asset (colour variants of one
asset folder share a shape when their silhouettes agree). A folder of user sheets has neither: each
sheet is cut into horizontal bands (``--bands``: head / torso / legs by default) that act as slots,
with shade classes from each band's own colours, so new characters recombine bands of different
sheets.

The fit is one pass over the layers (about two minutes for the LPC data on 2 cores). It works group
by group and saves its state after each (``<out>/fit_state.npz``), so ``--minutes`` can stop it and
``--resume`` continue it. It writes ``<out>/model`` (the model folder), ``<out>/log.jsonl`` (a line
per group) and ``<out>/fit.png`` (layers fitted over time, and the share of held-out characters'
pixels the model redraws exactly, per slot).
"""
from __future__ import annotations

import argparse
import io
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from worldsmith.core.atomic import write_atomic
from worldsmith.core.curves import log_line, pyplot, read_log, save_figure
from worldsmith.core.errors import ConfigError
from worldsmith.core.progress import advance, stage
from worldsmith.sprites.credits import credits
from worldsmith.sprites.data import SheetData
from worldsmith.sprites.lpc_v2.layers import TRANSPARENT, LayerFit, colour, layer_groups, shade_maps
from worldsmith.sprites.lpc_v2.model import LayerModel

ANCHOR_SLOTS = ("body", "nose", "ears")  # drawn in the body's skin colours: one donor for all three


@dataclass
class Prepared:
    """Training characters taken apart into slots, ready for :meth:`LayerFit.add_group`."""

    sheets: np.ndarray       # (n, 16, H, W, 4)
    slot_maps: np.ndarray    # (n, 16, H, W)
    outfits: np.ndarray      # (n, slots) layer ids
    groups: np.ndarray       # (L,) group of each layer
    condition: np.ndarray    # (n,)
    slots: list[str]
    layer_names: list[str]
    anchors: list[int]
    shades: int


def parse_bands(text: str, height: int) -> list[int]:
    """``"30,44"`` -> the rows where bands start after the first: ``[30, 44]``.

    >>> parse_bands("30,44", 64)
    [30, 44]
    """
    try:
        cuts = [int(t) for t in text.split(",")]
    except ValueError:
        cuts = []
    if not cuts or cuts != sorted(set(cuts)) or not (0 < cuts[0] and cuts[-1] < height):
        raise ConfigError("bands", f"increasing rows inside 1..{height - 1}, comma-separated (e.g. 30,44)", text)
    return cuts


def band_maps(sheets: np.ndarray, cuts: list[int]) -> np.ndarray:
    """Slot maps of user sheets: each opaque pixel's band (by row), 255 where transparent."""
    rows = np.searchsorted(np.array(cuts), np.arange(sheets.shape[2]), side="right").astype(np.uint8)
    maps = np.broadcast_to(rows[None, None, :, None], sheets.shape[:-1]).copy()
    maps[sheets[..., 3] == 0] = TRANSPARENT
    return maps


def prepare(data: SheetData, shades: int, bands: str) -> Prepared:
    """The slot layering of ``data``: its LPC layering, or bands for user sheets."""
    lay = data.layering
    if lay is not None:
        folder = ["/".join(name.split("/")[:-1]) for name in lay.layer_names]
        slot_of = np.full(len(folder), -1)
        for j in range(len(lay.slots)):
            worn = lay.outfits[:, j]
            slot_of[worn[worn >= 0]] = j
        keys = {key: i for i, key in enumerate(sorted(set(zip(slot_of.tolist(), folder))))}
        groups = np.array([keys[k] for k in zip(slot_of.tolist(), folder)])
        anchors = [lay.slots.index(s) for s in ANCHOR_SLOTS if s in lay.slots]
        return Prepared(data.sheets, lay.slot_maps, lay.outfits, groups, lay.condition, lay.slots,
                        lay.layer_names, anchors, shades or 8)
    cuts = parse_bands(bands, data.sheets.shape[2])
    n, b = len(data.sheets), len(cuts) + 1
    edges = [0] + cuts + [data.sheets.shape[2]]
    return Prepared(data.sheets, band_maps(data.sheets, cuts), np.arange(n * b, dtype=np.int32).reshape(n, b),
                    np.tile(np.arange(b), n), np.zeros(n, np.int32),
                    [f"rows {edges[j]}-{edges[j + 1] - 1}" for j in range(b)],
                    [f"sheet {i} band {j}" for i in range(n) for j in range(b)], [], shades or 16)


@dataclass
class FitState(LayerFit):
    """The fit so far and how many layer groups are done; saved atomically after each group."""

    done: int = 0

    def save(self, path: Path) -> None:
        buf = io.BytesIO()
        np.savez(buf, shapes=self.shapes, layer_shape=self.layer_shape, palettes=self.palettes,
                 done=np.array(self.done))
        write_atomic(path, buf.getvalue())

    @classmethod
    def load(cls, path: Path, n_layers: int, shades: int) -> "FitState":
        if not path.is_file():
            raise ConfigError("resume", f"a fit state from an earlier run in {path.parent}", str(path))
        with np.load(path) as d:
            if d["palettes"].shape != (n_layers, shades, 3):
                raise ConfigError("resume", "a fit state of the same data and --shades", str(path))
            return cls(list(d["shapes"]), d["layer_shape"], d["palettes"], int(d["done"]))


def redrawn(model: LayerModel, data: SheetData) -> dict[str, float]:
    """Per slot, the share of held-out characters' opaque pixels (in that slot) the model redraws
    exactly from their own layers (characters wearing a layer the fit never saw are skipped)."""
    lay = data.layering
    known = ((lay.outfits < 0) | (model.layer_shape[np.maximum(lay.outfits, 0)] >= 0)).all(1)
    idx = np.flatnonzero(known)[:200]
    if not len(idx):
        return {}
    classes, palette = model.draw(lay.outfits[idx])
    match = (colour(classes, palette) == data.sheets[idx]).all(-1)
    return {s: float(match[lay.slot_maps[idx] == j].mean()) for j, s in enumerate(model.slots)
            if (lay.slot_maps[idx] == j).any()}


def plot(log: list[dict], exact: dict[str, float], path: Path) -> bool:
    """``fit.png``: layers fitted over time, and :func:`redrawn` per slot (False without matplotlib)."""
    plt = pyplot()
    if plt is None:
        return False
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.5))
    a.plot([r["seconds"] / 60 for r in log], [r["layers_done"] for r in log], marker=".")
    a.set(xlabel="minutes", ylabel="layers fitted", title="fit progress")
    b.bar(list(exact), list(exact.values()))
    b.set(ylim=(0, 1), ylabel="held-out pixels redrawn exactly", title="per slot")
    b.tick_params(axis="x", rotation=60)
    fig.tight_layout()
    save_figure(fig, path)
    return True


def train_layers(train: SheetData, val: SheetData, args: argparse.Namespace) -> int:
    """Fit (or resume fitting) the layered model; write ``<out>/model``. Returns 0."""
    stage("taking the training characters apart into layers")
    prep = prepare(train, args.shades, args.bands)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    state_path, log_path = out / "fit_state.npz", out / "log.jsonl"
    state = (FitState.load(state_path, len(prep.groups), prep.shades) if args.resume
             else FitState.empty(len(prep.groups), prep.shades))
    log = read_log(log_path) if args.resume else []
    if not args.resume:
        write_atomic(log_path, b"")
    start, offset = time.monotonic(), (log[-1]["seconds"] if log else 0.0)
    groups = layer_groups(prep.outfits, prep.groups)
    work = [int(np.isin(prep.outfits, members).sum()) for members in groups]     # layers worn: the cost
    shade = shade_maps(prep.sheets, prep.slot_maps, prep.shades)
    advance("fit sprite layers", sum(work[:state.done]), sum(work), unit="layer")
    for members in groups[state.done:]:
        if args.minutes and time.monotonic() - start > args.minutes * 60:
            state.save(state_path)
            print(f"stopped after {args.minutes} min with {state.done}/{len(groups)} layer groups fitted; "
                  f"continue with --resume --out {out}")
            return 0
        state.add_group(members, prep.sheets, prep.slot_maps, shade, prep.outfits)
        state.done += 1
        state.save(state_path)
        advance("fit sprite layers", sum(work[:state.done]), sum(work), unit="layer")
        log.append({"group": state.done, "layers_done": int((state.layer_shape >= 0).sum()),
                    "shapes": len(state.templates), "seconds": round(offset + time.monotonic() - start, 2)})
        log_line(log_path, log[-1])
    model = LayerModel(prep.slots, state.shapes, state.layer_shape, state.palettes,
                       prep.outfits.astype(np.int32), prep.condition.astype(np.int32), prep.anchors,
                       prep.layer_names)
    exact = redrawn(model, val) if val.layering is not None else {}
    model.save(out / "model", credits() if train.layering is not None else "Trained on the user's own sheets.\n",
               {"data": "sheets folder" if args.sheets else "lpc_walk64", "val_fraction": args.val_fraction,
                "split_seed": args.split_seed, "bands": None if train.layering is not None else args.bands,
                "heldout_exact": exact})
    plot(log, exact, out / "fit.png")
    print(f"model written to {out / 'model'}: {len(model.shapes)} shapes, {int((model.layer_shape >= 0).sum())} "
          f"layers; held-out pixels redrawn exactly: "
          + (", ".join(f"{k} {v:.3f}" for k, v in exact.items()) or "n/a (no slot maps)"))
    return 0
