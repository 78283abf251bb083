"""A bake's combined ``CREDITS.txt``: every credited art file its assets draw, and the authors of each.

A lock record lists the art files of each credited asset under ``credits`` (see
:func:`worldsmith.bake.render.record_head`); the ``credits`` hook in the manifest of the family
that made the asset turns them into text (the sprites family's lists the LPC library's authors).
"""
from __future__ import annotations

from typing import Any

from worldsmith.core import registry
from worldsmith.core.errors import ConfigError
from worldsmith.core.family import load_ref

CREDITS_NAME = "CREDITS.txt"


def credits_text(records: list[dict[str, Any]]) -> bytes | None:
    """The bake's one ``CREDITS.txt`` for every credited asset of ``records`` (each art file and
    its authors once), or None when the bake has no credited asset."""
    by_hook: dict[str, list[dict[str, list[str]]]] = {}
    for rec in records:
        if rec.get("credits"):
            by_hook.setdefault(_credits_hook(rec["id"]), []).extend(rec["credits"])
    if not by_hook:
        return None
    return "\n".join(load_ref(hook)(characters) for hook, characters in by_hook.items()).encode()


def _credits_hook(id: str) -> str:
    """The ``"module:function"`` that credits the art of ``id``'s assets (its family's manifest)."""
    family = registry.family_of(id)
    if family is None or not family.credits:
        raise ConfigError(id, "a generator whose family declares a credits hook for the art its assets draw")
    return family.credits
