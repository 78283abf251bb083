"""Argument parsing shared by the ``worldsmith`` command line and the family trainers it runs.

Bad input raises :class:`UsageError` (one line; the CLI prints it and exits 2) instead of
printing the usage and exiting.

>>> p = Parser(prog="worldsmith demo")
>>> _ = p.add_argument("--steps", type=int, default=10, help="training steps")
>>> "training steps (default: 10)" in p.format_help()
True
>>> p.parse_args(["--steps", "x"])
Traceback (most recent call last):
...
worldsmith.core.cliargs.UsageError: worldsmith demo: argument --steps: invalid int value: 'x'
"""
from __future__ import annotations

import argparse
from typing import Any, Callable


class UsageError(Exception):
    """A command-line usage error (turned into one line and exit code 2)."""


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Help that keeps the description's line breaks and shows every option's default."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if (action.option_strings and action.default is not None and action.default is not False
                and action.default not in (argparse.SUPPRESS, []) and "default" not in text):
            text += " (default: %(default)s)"
        return text


class Parser(argparse.ArgumentParser):
    """An argument parser with :class:`HelpFormatter` that raises :class:`UsageError`; its
    ``epilog_fn`` computes the epilog only when help is shown."""

    def __init__(self, *args: Any, epilog_fn: Callable[[], str] | None = None, **kwargs: Any):
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)
        self.epilog_fn = epilog_fn

    def error(self, message: str) -> None:  # one line, no usage dump
        raise UsageError(f"{self.prog}: {message}")

    def format_help(self) -> str:
        if self.epilog_fn is not None:  # computed only when help is asked for (it imports generators)
            self.epilog = self.epilog_fn()
        return super().format_help()
