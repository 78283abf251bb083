"""Seeds: validation, child seeds for batch items, and seeded RNGs (never the global RNG).

Item ``i`` of a batch made with ``seed`` uses ``child_seed(seed, i)``, so a batch equals its
items made one by one.

>>> child_seed(7, 0) == child_seed(7, 0) != child_seed(7, 1)
True
>>> float(rng(3).random()) == float(rng(3).random())
True
"""
from __future__ import annotations

import numpy as np

from worldsmith.core.errors import ConfigError

MAX_SEED = 2**63 - 1


def check_seed(seed: object, name: str = "seed") -> int:
    """Return ``seed`` as an int, or raise :class:`ConfigError` if it is not in [0, 2**63)."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ConfigError(name, f"an int in [0, {MAX_SEED}]", seed)
    if not 0 <= int(seed) <= MAX_SEED:
        raise ConfigError(name, f"an int in [0, {MAX_SEED}]", seed)
    return int(seed)


def child_seed(seed: int, index: int) -> int:
    """The seed of item ``index`` of a batch made with ``seed`` (a 63-bit int)."""
    state = np.random.SeedSequence(check_seed(seed), spawn_key=(index,)).generate_state(2, np.uint32)
    return int((int(state[0]) << 31) ^ int(state[1])) & MAX_SEED


def child_seeds(seed: int, n: int) -> list[int]:
    """``[child_seed(seed, i) for i in range(n)]``."""
    return [child_seed(seed, i) for i in range(n)]


def rng(seed: int) -> np.random.Generator:
    """A fresh numpy Generator (PCG64) for ``seed``."""
    return np.random.default_rng(check_seed(seed))


def torch_generator(seed: int):
    """A fresh CPU ``torch.Generator`` seeded with ``seed``; draw noise on it, then move it."""
    import torch  # lazy: torch (1.2 s), start-up time

    g = torch.Generator(device="cpu")
    g.manual_seed(check_seed(seed))
    return g
