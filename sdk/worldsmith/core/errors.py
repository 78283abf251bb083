"""The exceptions worldsmith raises for bad input.

Every error names the input that was wrong and what was expected, so the CLI can print it as one
line. All derive from :class:`WorldsmithError`.

>>> try:
...     raise ConfigError("width", "an int in [28, 4096]", 3)
... except WorldsmithError as e:
...     print(e)
width: expected an int in [28, 4096], got 3
"""
from __future__ import annotations

from typing import Any


class WorldsmithError(Exception):
    """Base class of every error worldsmith raises on bad input."""


class ConfigError(WorldsmithError, ValueError):
    """A config value, option or argument is out of range or of the wrong type."""

    def __init__(self, name: str, expected: str, got: Any = ...):
        self.name, self.expected, self.got = name, expected, got
        tail = "" if got is ... else f", got {got!r}"
        super().__init__(f"{name}: expected {expected}{tail}")


class UnknownGeneratorError(WorldsmithError, LookupError):
    """A generator id that is not registered."""

    def __str__(self) -> str:  # LookupError would quote the message
        return str(self.args[0])


class FormatError(WorldsmithError, ValueError):
    """A file (level, plot JSON, image, manifest...) whose content is malformed."""


class ExportError(WorldsmithError):
    """An asset cannot be written in the requested format."""


class WeightsError(WorldsmithError):
    """Model weights are missing, corrupt or do not match their MANIFEST."""


class MissingDependencyError(WorldsmithError):
    """An optional tool or package needed for this operation is not installed."""


def first_line(error: BaseException, limit: int | None = None) -> str:
    """``error``'s message cut to its first line (its class name when it has none), and to
    ``limit`` characters when given, for one-line messages.

    >>> first_line(ValueError("bad" + chr(10) + "at 3")), first_line(KeyError()), first_line(OSError("x" * 9), 4)
    ('bad', 'KeyError', 'xxxx...')
    """
    text = (str(error).strip().splitlines() or [type(error).__name__])[0]
    return text if limit is None or len(text) <= limit else text[:limit] + "..."
