"""The feature network behind the sprite metrics: a small CNN trained on the LPC labels.

One 64 x 48 frame -> a 128-d embedding (the space FID/KID and precision/recall are measured in)
and logits for direction, body, hair style and clothing (direction accuracy and identity
consistency). Shipped as ``weights/sprites-features-v1``.

>>> import torch
>>> net = FeatureNet({"direction": 4, "body": 3})
>>> emb, logits = net(torch.zeros(5, 4, 64, 48))
>>> tuple(emb.shape), {k: tuple(v.shape) for k, v in logits.items()}
((5, 128), {'direction': (5, 4), 'body': (5, 3)})
>>> [tuple(a.shape[1:]) for a in net.activations(torch.zeros(5, 4, 64, 48))]
[(32, 64, 48), (64, 32, 24), (128, 16, 12), (128, 8, 6)]
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch
from torch import nn

from worldsmith.core.curves import log_line, plot_curves
from worldsmith.core.device import resolve_device
from worldsmith.core.errors import ConfigError
from worldsmith.core.progress import Budget
from worldsmith.core.weights import load_folder, resolve, save_folder
from worldsmith.sprites.credits import credits
from worldsmith.sprites.data import SheetData
from worldsmith.types.sprite import DIRECTIONS

WEIGHTS = "sprites-features-v1"
EMBED = 128


class FeatureNet(nn.Module):
    """``frames (M, 4, 64, 48)`` in [-1, 1] -> ``(embedding (M, 128), {head: logits (M, k)})``."""

    def __init__(self, heads: dict[str, int]):
        super().__init__()
        self.heads_spec = dict(heads)
        self.body = nn.Sequential(
            nn.Conv2d(4, 32, 3, padding=1), nn.ReLU(),                     # (M, 32, 64, 48)
            nn.Conv2d(32, 64, 4, 2, 1), nn.BatchNorm2d(64), nn.ReLU(),     # (M, 64, 32, 24)
            nn.Conv2d(64, 128, 4, 2, 1), nn.BatchNorm2d(128), nn.ReLU(),   # (M, 128, 16, 12)
            nn.Conv2d(128, 128, 4, 2, 1), nn.BatchNorm2d(128), nn.ReLU(),  # (M, 128, 8, 6)
            nn.Flatten(),                                                  # (M, 6144)
            nn.Linear(128 * 8 * 6, EMBED), nn.ReLU())                      # (M, 128)
        self.heads = nn.ModuleDict({k: nn.Linear(EMBED, n) for k, n in heads.items()})  # (M, k)

    def forward(self, frames: torch.Tensor) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        emb = self.body(frames)
        return emb, {k: head(emb) for k, head in self.heads.items()}

    def activations(self, frames: torch.Tensor) -> list[torch.Tensor]:
        """The four convolution layers' outputs ``(M, c, h, w)``, 64 x 48 down to 8 x 6 (the
        spatial features a perceptual loss compares)."""
        out, x = [], frames
        for layer in self.body:
            x = layer(x)
            if isinstance(layer, nn.Flatten):
                break
            if isinstance(layer, nn.ReLU):
                out.append(x)
        return out


def frame_labels(data: SheetData) -> dict[str, np.ndarray]:
    """Per-frame labels ``(n * 16,)``: direction from the cell, the rest from the character."""
    n = len(data.sheets)
    labels = {"direction": np.tile(np.repeat(np.arange(4), 4), n)}
    labels.update({k: np.repeat(v, 16) for k, v in data.labels.items()})
    return labels


def load_features(name: str | Path = WEIGHTS) -> tuple[FeatureNet, dict[str, list[str]]]:
    """The shipped (or given) feature network in eval mode, and its class names per head."""
    config, state = load_folder(name)
    net = FeatureNet({k: len(v) for k, v in config["classes"].items()})
    net.load_state_dict({k: v.float() for k, v in state.items()})
    return net.eval(), config["classes"]


def load_independent(folder: str | Path, option: str) -> FeatureNet:
    """The feature network in ``folder`` for a training-side use (the ``option`` that names it),
    refusing the metrics' own network: what the generator is tuned or selected by must not be
    what it is scored by."""
    if resolve(folder).resolve() == resolve(WEIGHTS).resolve():
        raise ConfigError(option, f"a feature network other than the metrics' own ({WEIGHTS}), "
                                  "or the evaluation would no longer be independent", str(folder))
    return load_features(folder)[0]


def _accuracy(net: FeatureNet, frames: torch.Tensor, labels: dict[str, torch.Tensor]) -> dict[str, float]:
    net.eval()
    hits = {k: 0 for k in labels}
    with torch.no_grad():
        for i in range(0, len(frames), 1024):
            _, logits = net(frames[i:i + 1024].permute(0, 3, 1, 2).float() / 127.5 - 1)
            for k in labels:
                hits[k] += int((logits[k].argmax(1) == labels[k][i:i + 1024]).sum())
    net.train()
    return {k: round(v / len(frames), 4) for k, v in hits.items()}


def train_features(train: SheetData, val: SheetData, args: argparse.Namespace) -> int:
    """Train the feature network on ``train``'s labels; report validation accuracy; save it."""
    if not train.labels:
        raise ConfigError("data", "the LPC npz (a sheet folder has no labels to learn)", args.sheets)
    device = resolve_device(args.device)
    torch.manual_seed(args.seed)
    classes = {"direction": list(DIRECTIONS), **train.classes}
    net = FeatureNet({k: len(v) for k, v in classes.items()}).to(device)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    frames = torch.from_numpy(train.sheets.reshape(-1, 64, 48, 4)).to(device)  # (M, 64, 48, 4)
    labels = {k: torch.from_numpy(v).to(device) for k, v in frame_labels(train).items()}
    gen = torch.Generator().manual_seed(args.seed)
    batch = max(args.batch, 8) * 8
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    budget, log = Budget("train features", args.steps), out / "features_log.jsonl"
    for step in range(1, args.steps + 1):
        idx = torch.randint(len(frames), (batch,), generator=gen).to(device)
        _, logits = net(frames[idx].permute(0, 3, 1, 2).float() / 127.5 - 1)
        loss = sum(nn.functional.cross_entropy(logits[k], labels[k][idx]) for k in labels)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        budget.update(step, loss=loss.item())
        if step % 50 == 0 or step == args.steps:
            log_line(log, {"step": step, "loss": loss.item()})
    val_frames = torch.from_numpy(val.sheets.reshape(-1, 64, 48, 4)).to(device)
    acc = _accuracy(net, val_frames, {k: torch.from_numpy(v).to(device) for k, v in frame_labels(val).items()})
    log_line(log, {"step": args.steps, "val_accuracy": acc})
    plot_curves(log, out / "features_curves.png")
    print(f"feature net validation accuracy: {acc}")
    save_folder(out / "features", {"classes": classes, "val_accuracy": acc, "steps": args.steps,
                                   "seed": args.seed, "split_seed": args.split_seed,
                                   "val_fraction": args.val_fraction},
                net.state_dict(), credits())
    return 0
