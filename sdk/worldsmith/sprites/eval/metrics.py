"""Sprite-sheet metrics in the feature network's space, plus pixel-level checks.

Sheets here are cropped ``(n, 16, 64, 48, 4)`` uint8 arrays (see :mod:`worldsmith.sprites.data`).
A sheet's descriptor is the mean of its 16 frame embeddings.

>>> import numpy as np
>>> a, b = (np.random.default_rng(s).normal(size=(200, 8)) for s in (0, 1))
>>> round(fid(a, a), 6), fid(a, b) < 1 < fid(a, b + 1), abs(kid(a, b)) < 0.1 < kid(a, b + 1)
(0.0, True, True)
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

IDENTITY_HEADS = ("body", "hair", "clothing")


@dataclass
class Features:
    """Feature-net outputs for ``n`` sheets."""

    embed: np.ndarray                 # (n, 16, 128) frame embeddings
    labels: dict[str, np.ndarray]     # head -> (n, 16) predicted class

    @property
    def sheet(self) -> np.ndarray:
        """(n, 128) sheet descriptors."""
        return self.embed.mean(1)

    def take(self, idx: np.ndarray) -> "Features":
        """The outputs of the sheets at ``idx``."""
        return Features(self.embed[idx], {k: v[idx] for k, v in self.labels.items()})


def _outputs(net, sheets: np.ndarray, batch: int):
    """The feature network's ``(embedding, logits)`` over every frame of ``sheets``, ``batch``
    frames at a time, in frame order."""
    import torch  # lazy: torch, start-up time (the numpy metrics need none)

    frames = sheets.reshape(-1, *sheets.shape[2:])
    with torch.inference_mode():
        for i in range(0, len(frames), batch):
            yield net(torch.from_numpy(frames[i:i + batch]).permute(0, 3, 1, 2).float() / 127.5 - 1)


def extract(net, sheets: np.ndarray, batch: int = 512) -> Features:
    """Run the feature network over every frame of ``sheets``."""
    embeds, labels = [], {k: [] for k in net.heads_spec}
    for emb, logits in _outputs(net, sheets, batch):
        embeds.append(emb.numpy())
        for k in labels:
            labels[k].append(logits[k].argmax(1).numpy())
    n = len(sheets)
    return Features(np.concatenate(embeds).reshape(n, 16, -1),
                    {k: np.concatenate(v).reshape(n, 16) for k, v in labels.items()})


def fid(a: np.ndarray, b: np.ndarray) -> float:
    """Frechet distance between Gaussians fitted to rows of ``a`` and ``b``."""
    from scipy import linalg  # lazy: scipy (0.3 s), start-up time

    mu = a.mean(0) - b.mean(0)
    ridge = 1e-6 * np.eye(a.shape[1])                                    # dead feature dims
    ca, cb = np.cov(a, rowvar=False) + ridge, np.cov(b, rowvar=False) + ridge
    root, _ = linalg.sqrtm(ca @ cb, disp=False)
    return float(max(0.0, mu @ mu + np.trace(ca + cb - 2 * np.real(root))))


def kid(a: np.ndarray, b: np.ndarray, subsets: int = 1000, size: int = 300, seed: int = 0) -> float:
    """Kernel inception distance: unbiased MMD^2 with the cubic polynomial kernel, averaged
    over random subsets (1,000: with 50, the same two sets of 220 and 1,890 characters scored
    from 0.92x to 1.52x of their mean, one subset seed to the next)."""
    rng = np.random.default_rng(seed)
    m = min(size, len(a), len(b))
    d = a.shape[1]
    total = 0.0
    for _ in range(subsets):
        x = a[rng.choice(len(a), m, replace=False)]
        y = b[rng.choice(len(b), m, replace=False)]
        kxx, kyy, kxy = ((x @ x.T / d + 1) ** 3, (y @ y.T / d + 1) ** 3, (x @ y.T / d + 1) ** 3)
        total += ((kxx.sum() - np.trace(kxx)) + (kyy.sum() - np.trace(kyy))) / (m * (m - 1)) - 2 * kxy.mean()
    return float(total / subsets)


def _pairwise(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    sq = (a * a).sum(1)[:, None] + (b * b).sum(1)[None] - 2 * a @ b.T
    return np.sqrt(np.maximum(sq, 0))


def precision_recall(real: np.ndarray, fake: np.ndarray, k: int = 3) -> tuple[float, float]:
    """Improved precision/recall (Kynkaanniemi et al. 2019) with k-NN balls."""
    def radii(x: np.ndarray) -> np.ndarray:
        return np.sort(_pairwise(x, x), 1)[:, k]

    r_real, r_fake = radii(real), radii(fake)
    precision = (_pairwise(fake, real) <= r_real[None]).any(1).mean()
    recall = (_pairwise(real, fake) <= r_fake[None]).any(1).mean()
    return float(precision), float(recall)


def _pixels(sheets: np.ndarray) -> np.ndarray:
    """Sheets as float vectors at half size, RGB over black (for copy detection)."""
    x = sheets[:, :, ::2, ::2].astype(np.float32) / 255
    return (x[..., :3] * x[..., 3:]).reshape(len(sheets), -1)


def nearest_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance from each row of ``a`` to its nearest row of ``b``: ``(len(a),)``."""
    return np.concatenate([_pairwise(c, b).min(1) for c in np.array_split(a, max(1, len(a) // 256))])


def memorised(fake: np.ndarray, train: np.ndarray, val: np.ndarray) -> float:
    """Share of generated sheets whose nearest training sheet is closer (in pixels) than any
    held-out validation sheet comes to the training set: closer than a genuinely new character
    ever gets, i.e. a copy."""
    tr = _pixels(train)
    return float((nearest_distance(_pixels(fake), tr) < nearest_distance(_pixels(val), tr).min()).mean())


def novelty(fake: np.ndarray, train: np.ndarray, val: np.ndarray) -> float:
    """Median distance of generated descriptors ``fake`` to their nearest training descriptor,
    over the same median for held-out real characters ``val``: about 1 when generated characters
    are as new as unseen real ones, well below 1 when they redraw training characters.

    >>> t = np.random.default_rng(0).normal(size=(500, 4))
    >>> novelty(t[:50] + 1e-3, t, t[:50] + 1) < 0.01, novelty(t[:50] + 1, t, t[:50] + 1)
    (True, 1.0)
    """
    return float(np.median(nearest_distance(fake, train)) / np.median(nearest_distance(val, train)))


def direction_accuracy(feats: Features) -> float:
    """Share of frames whose predicted direction is the cell's direction."""
    want = np.repeat(np.arange(4), 4)[None]
    return float((feats.labels["direction"] == want).mean())


def identity_consistency(feats: Features, heads: tuple[str, ...] = IDENTITY_HEADS) -> float:
    """Share of sheets whose 16 cells all get the same label from every head in ``heads`` (default:
    body, hair and clothing; one head at a time shows which part scatters)."""
    same = np.ones(len(feats.embed), bool)
    for head in heads:
        same &= (feats.labels[head] == feats.labels[head][:, :1]).all(1)
    return float(same.mean())


def label_agreement(net, sheets: np.ndarray, heads: tuple[str, ...] = IDENTITY_HEADS,
                    batch: int = 2048) -> np.ndarray:
    """How consistently feature network ``net`` labels each sheet's 16 frames: per head, the
    largest class probability averaged over the frames, then averaged over ``heads``; 1 when every
    frame gets the same class with certainty. ``(n,)`` for sheets ``(n, 16, 64, 48, 4)``.

    >>> import torch
    >>> from worldsmith.sprites.eval.features import FeatureNet
    >>> torch.manual_seed(0) and None
    >>> net = FeatureNet({"body": 3, "hair": 2, "clothing": 2}).eval()
    >>> a = label_agreement(net, np.zeros((2, 16, 64, 48, 4), np.uint8))
    >>> a.shape, bool((a > 0.3).all() and (a <= 1).all()), bool(a[0] == a[1])
    ((2,), True, True)
    """
    import torch  # lazy: torch, start-up time (the numpy metrics need none)

    probs: dict[str, list] = {h: [] for h in heads}
    for _, logits in _outputs(net, sheets, batch):
        for h in heads:
            probs[h].append(logits[h].softmax(1))
    n = len(sheets)
    per_head = [torch.cat(p).view(n, 16, -1).mean(1).max(1).values for p in probs.values()]
    return torch.stack(per_head).mean(0).double().numpy()


def colours_per_frame(sheets: np.ndarray) -> np.ndarray:
    """Distinct opaque RGB colours in each frame: ``(n * 16,)``."""
    frames = sheets.reshape(-1, *sheets.shape[2:])
    packed = (frames[..., 0].astype(np.int64) << 16) | (frames[..., 1].astype(np.int64) << 8) | frames[..., 2]
    return np.array([len(np.unique(p[f[..., 3] > 0])) for p, f in zip(packed, frames)])


def colours_per_character(sheets: np.ndarray) -> np.ndarray:
    """Distinct opaque RGB colours over all 16 cells of each sheet: ``(n,)``."""
    n, cells, h, w, c = sheets.shape
    return colours_per_frame(sheets.reshape(n, 1, cells * h, w, c))
