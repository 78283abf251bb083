"""Generate assets to files: shared by ``worldsmith generate`` and ``worldsmith bake``.

A bake manifest (TOML) lists assets; each becomes files under the output folder, and
``assets.lock.json`` records id, version, config, seed and the sha256 of every file, so a bake
is reproducible and re-running it gives byte-identical files::

    [[asset]]
    id = "plots/quest-v1"
    seed = 1
    config = { acts = 3 }
    outputs = ["quest1.ink", "quest1.json"]

Modules: :mod:`.manifest` reads and checks manifests and shard specs, :mod:`.render` makes one
asset's files and its lock record, :mod:`.local` bakes a manifest and writes (or merges) the lock,
:mod:`.ray` bakes on Ray, :mod:`.staging` stages a bake's files (a shared file written once) and
moves them into place, :mod:`.credits` writes the combined ``CREDITS.txt``.
"""
from worldsmith.bake.local import bake, merge_locks
from worldsmith.bake.manifest import parse_shard, read_manifest
from worldsmith.bake.render import generate_files

__all__ = ["bake", "generate_files", "merge_locks", "parse_shard", "read_manifest"]
