"""A bake's files, staged: each asset's files go into a hidden folder inside the output folder as
the asset is made, and reach their places only when the whole bake (or shard) has succeeded.

A name several assets write (a shared tileset, or a sidecar by accident) must hold the same
bytes each time: it is staged once, and a second, different content is a :class:`FormatError`
naming both assets, raised before any file of the bake reaches its place. Files a writer marks
as shared (:class:`worldsmith.core.formats.Files`) are listed by name in the asset's lock record
and hashed once in the lock's ``shared`` section (:func:`shared_section`).

>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp())
>>> with Staging(out) as staging:
...     a = staging.add(0, [("a.tmx", b"map a"), ("t.tsx", b"tileset")], {"t.tsx"})
...     b = staging.add(1, [("b.tmx", b"map b"), ("t.tsx", b"tileset")], {"t.tsx"})
>>> sorted(p.name for p in out.iterdir()), list(a["files"]), b["shared"]
(['a.tmx', 'b.tmx', 't.tsx'], ['a.tmx'], ['t.tsx'])
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterable

from worldsmith.core.atomic import sha256_file, write_atomic
from worldsmith.core.errors import FormatError


class Staging:
    """Stage files under ``out_dir/.bake-*`` with :meth:`add`; on leaving the ``with`` block move
    them into place, or (after an error) remove them, and ``out_dir`` too if the bake made it."""

    def __init__(self, out_dir: Path):
        self.out_dir, self.folder = Path(out_dir), Path()
        self.hashes: dict[str, tuple[str, int]] = {}  # name -> (sha256, index of the asset that staged it)
        self.made_out_dir = False

    def __enter__(self) -> Staging:
        self.made_out_dir = not self.out_dir.exists()
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(prefix=".bake-", dir=self.out_dir))
        return self

    def add(self, index: int, files: Iterable[tuple[str, bytes]], shared: set[str]) -> dict[str, Any]:
        """Stage asset ``index``'s files (names relative to the output folder); return its lock
        entries: ``files`` (name -> sha256, shared files left out) and ``shared`` (their names)."""
        own: dict[str, str] = {}
        for name, data in files:
            digest = hashlib.sha256(data).hexdigest()
            seen = self.hashes.get(name)
            if seen is None:
                write_atomic(self.folder / name, data)
                self.hashes[name] = (digest, index)
            elif seen[0] != digest:
                raise FormatError(f"{self.out_dir / name}: asset[{index}] writes other bytes than asset[{seen[1]}] "
                                  "under this name; give the outputs different names or folders")
            if name not in shared:
                own[name] = digest
        return {"files": own, **({"shared": sorted(shared)} if shared else {})}

    def __exit__(self, kind, error, trace) -> None:
        try:
            if kind is None:
                for name in self.hashes:
                    (self.out_dir / name).parent.mkdir(parents=True, exist_ok=True)
                    os.replace(self.folder / name, self.out_dir / name)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
            if kind is not None and self.made_out_dir:
                with contextlib.suppress(OSError):  # left if another bake (a shard) uses it now
                    self.out_dir.rmdir()


def shared_section(out_dir: Path, records: list[dict[str, Any]]) -> dict[str, str]:
    """The lock's ``shared`` section: each shared file the records name, with its sha256."""
    names = sorted({name for rec in records for name in rec.get("shared", [])})
    return {name: sha256_file(out_dir / name) for name in names}
