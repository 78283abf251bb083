"""Seeds: validation, child seeds for batch items, and seeded RNGs (never the global RNG).

Item ``i`` of a batch made with ``seed`` uses ``child_seed(seed, i)``, so a batch equals its
items made one by one.

>>> child_seed(7, 0) == child_seed(7, 0) != child_seed(7, 1)
True
>>> float(rng(3).random()) == float(rng(3).random())
True

JSON files hold seeds as decimal strings (:func:`seed_to_json`): a seed uses all 63 bits, and
parsers that read every JSON number as a double (JavaScript, GDScript) round integers above 2**53.
"""
from __future__ import annotations

import numpy as np

from worldsmith.core.errors import ConfigError, FormatError

MAX_SEED = 2**63 - 1

#: a seed as the SDK holds it: one int, one per item of a batch, or none (a hand-made asset)
Seed = int | list[int] | None


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


def seed_to_json(seed: Seed) -> str | list[str] | None:
    """``seed`` as JSON files hold it: a decimal string (a list of them for a batch's seeds).

    >>> seed_to_json(2**63 - 1), seed_to_json([1, 2]), seed_to_json(None)
    ('9223372036854775807', ['1', '2'], None)
    """
    if isinstance(seed, list):
        return [str(int(s)) for s in seed]
    return None if seed is None else str(int(seed))


def seed_from_json(value: object) -> Seed:
    """Inverse of :func:`seed_to_json`; also reads the JSON numbers of files written before.

    >>> seed_from_json("9223372036854775807") == 2**63 - 1, seed_from_json(7), seed_from_json(["1", 2])
    (True, 7, [1, 2])
    >>> seed_from_json("7.0")
    Traceback (most recent call last):
    ...
    worldsmith.core.errors.FormatError: seed: expected a decimal string or an int in 0..9223372036854775807, got '7.0'
    """
    if isinstance(value, list):
        return [_one_seed(v) for v in value]
    return None if value is None else _one_seed(value)


def _one_seed(value: object) -> int:
    seed = None
    if isinstance(value, int) and not isinstance(value, bool):
        seed = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 20:
        seed = int(value)
    if seed is None or not 0 <= seed <= MAX_SEED:
        shown = (f"<{value.bit_length()}-bit int>" if isinstance(value, int) and value.bit_length() > 128
                 else f"{value[:40]}..." if isinstance(value, str) and len(value) > 40 else value)
        raise FormatError(f"seed: expected a decimal string or an int in 0..{MAX_SEED}, got {shown!r}")
    return seed
