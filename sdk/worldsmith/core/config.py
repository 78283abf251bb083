"""Generator configs: dataclasses with ranges, validated on construction, to and from JSON.

A family declares its config as a dataclass deriving from :class:`Config`, with :func:`param`
fields carrying ranges or choices. ``from_dict`` rejects unknown keys (with a "did you mean"),
wrong types and out-of-range values with a :class:`ConfigError` naming the field.

>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Demo(Config):
...     width: int = param(200, lo=28, hi=4096, help="columns")
...     theme: str = param("fantasy", choices=("fantasy", "scifi"))
>>> Demo.from_dict({"width": 64}).to_dict()
{'width': 64, 'theme': 'fantasy'}
>>> Demo.from_dict({"width": 3})
Traceback (most recent call last):
...
worldsmith.core.errors.ConfigError: width: expected an int in [28, 4096], got 3
"""
from __future__ import annotations

import difflib
import functools
import json
import math
import typing
from dataclasses import MISSING, dataclass, field, fields
from typing import Any, Mapping, Sequence

import numpy as np

from worldsmith.core.errors import ConfigError


def param(default: Any, *, lo: float | None = None, hi: float | None = None,
          choices: Sequence[Any] | None = None, help: str = "") -> Any:
    """A config field with a default, an optional [lo, hi] range or choices, and help text."""
    meta = {"lo": lo, "hi": hi, "choices": tuple(choices) if choices else None, "help": help}
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda: json.loads(json.dumps(default)), metadata=meta)
    return field(default=default, metadata=meta)


def check_int(name: str, value: Any, lo: int, hi: int | None = None) -> int:
    """``value`` as an int in ``lo..hi`` (numpy integers accepted) or a :class:`ConfigError`.

    >>> check_int("n", 3, 1)
    3
    >>> check_int("max_batch", 1.5, 1)
    Traceback (most recent call last):
    ...
    worldsmith.core.errors.ConfigError: max_batch: expected an int >= 1, got 1.5
    """
    want = f"an int >= {lo}" if hi is None else f"an int in {lo}..{hi}"
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ConfigError(name, want, value)
    if value < lo or (hi is not None and value > hi):
        raise ConfigError(name, want, value)
    return int(value)


def _type_name(tp: Any) -> str:
    return getattr(tp, "__name__", None) or str(tp).replace("typing.", "")


def _check_type(name: str, value: Any, tp: Any) -> Any:
    """Return ``value`` coerced to ``tp`` (int -> float only) or raise ConfigError."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        args = typing.get_args(tp)
        if value is None and type(None) in args:
            return None
        simple = [a for a in args if a is not type(None)]
        for arg in simple:
            try:
                return _check_type(name, value, arg)
            except ConfigError:
                continue  # not this member of the union: try the next
        raise ConfigError(name, " or ".join(_type_name(a) for a in args), value)
    if tp is bool:
        if not isinstance(value, bool):
            raise ConfigError(name, "a bool (true/false)", value)
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(name, "an int", value)
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(name, "a number", value)
        try:
            finite = math.isfinite(value)   # NaN passes every range check; JSON cannot hold either
        except OverflowError:               # an int past the largest float
            finite = False
        if not finite:
            raise ConfigError(name, "a finite number", _short(value))
        return float(value)
    if tp is str:
        if not isinstance(value, str):
            raise ConfigError(name, "a string", value)
        return value
    if origin in (list, tuple) or tp in (list, tuple):
        if not isinstance(value, (list, tuple)):
            raise ConfigError(name, "a list", value)
        return list(value) if origin is list or tp is list else tuple(value)
    if origin is dict or tp is dict:
        if not isinstance(value, Mapping):
            raise ConfigError(name, "a table/dict", value)
        return dict(value)
    return value


@functools.lru_cache(maxsize=None)
def _hints(cls: type) -> dict[str, Any]:
    """``cls``'s field types, resolved once a class (resolving them evaluates every annotation)."""
    return typing.get_type_hints(cls)


@dataclass(frozen=True)
class Config:
    """Base class of generator configs (subclass as a frozen dataclass of :func:`param` fields)."""

    def __post_init__(self) -> None:
        hints = _hints(type(self))
        for f in fields(self):
            value = _check_type(f.name, getattr(self, f.name), hints[f.name])
            self._check_bounds(f.name, value, f.metadata, hints[f.name])
            object.__setattr__(self, f.name, value)
        self.check()

    @staticmethod
    def _check_bounds(name: str, value: Any, meta: Mapping[str, Any], tp: Any) -> None:
        if value is None or not meta:
            return
        choices, lo, hi = meta.get("choices"), meta.get("lo"), meta.get("hi")
        if choices and value not in choices:
            raise ConfigError(name, "one of " + ", ".join(map(repr, choices)), value)
        if (lo is not None or hi is not None) and isinstance(value, (int, float)):
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                kind = "an int" if tp is int else "a number"
                raise ConfigError(name, f"{kind} in [{lo}, {hi}]", value)

    def check(self) -> None:
        """Cross-field checks; override and raise :class:`ConfigError`."""

    @classmethod
    def from_dict(cls, values: Mapping[str, Any] | None = None, **more: Any):
        """Build and validate a config; unknown keys raise with a "did you mean"."""
        values = {**(values or {}), **more}
        names = [f.name for f in fields(cls)]
        for key in values:
            if key not in names:
                close = difflib.get_close_matches(key, names, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise ConfigError(key, f"a config field of {cls.__name__}: {', '.join(names)}{hint}")
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        """The config as a JSON-ready dict (field order)."""
        return {f.name: _jsonable(getattr(self, f.name)) for f in fields(self)}

    def replace(self, **changes: Any):
        """A validated copy with ``changes`` applied."""
        return type(self).from_dict({**self.to_dict(), **changes})

    @classmethod
    def describe(cls) -> list[dict[str, Any]]:
        """One dict per field: name, type, default, lo/hi or choices, help (for ``info``)."""
        hints = _hints(cls)
        rows = []
        for f in fields(cls):
            default = f.default if f.default is not MISSING else f.default_factory()  # type: ignore[misc]
            row = {"name": f.name, "type": _type_name(hints[f.name]), "default": _jsonable(default)}
            row.update({k: v for k, v in f.metadata.items() if v not in (None, "")})
            if row.get("choices"):
                row["choices"] = list(row["choices"])
            rows.append(row)
        return rows

    @classmethod
    def parse_value(cls, key: str, text: str) -> Any:
        """Parse a CLI ``--set key=value`` string for field ``key`` (JSON, else a bare string)."""
        hints = _hints(cls)
        if key not in hints:
            cls.from_dict({key: None})  # raises the "did you mean" error
        if len(text) > MAX_VALUE_CHARS:
            raise ConfigError(key, f"a value of at most {MAX_VALUE_CHARS} characters", _short(text))
        if hints[key] is str:
            return text
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            low = text.lower()
            if low in ("true", "false"):
                return low == "true"
            return text
        except (ValueError, RecursionError):    # an int of thousands of digits; deep nesting
            raise ConfigError(key, "a number of at most 4300 digits nested at most "
                                   f"{MAX_DEPTH} deep", _short(text)) from None
        if _depth(value) > MAX_DEPTH:
            raise ConfigError(key, f"a value nested at most {MAX_DEPTH} deep", _short(text))
        return value


MAX_VALUE_CHARS = 100_000   # a --set value; the longest real one (a search target list) is far shorter
MAX_DEPTH = 16              # nesting of lists and tables in a config value


def _depth(value: Any, limit: int = MAX_DEPTH + 1) -> int:
    """How deeply lists and dicts nest in ``value`` (counted up to ``limit``)."""
    if limit <= 0 or not isinstance(value, (list, dict)):
        return 0
    items = value.values() if isinstance(value, dict) else value
    return 1 + max((_depth(v, limit - 1) for v in items), default=0)


def _short(value: Any) -> str:
    """``value`` for an error message: at most 60 characters."""
    text = value if isinstance(value, str) else (f"<{value.bit_length()}-bit int>" if isinstance(value, int)
                                                   else repr(value))
    return text if len(text) <= 60 else f"{text[:40]}... ({len(text)} characters)"


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value
