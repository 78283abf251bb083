"""A bake as a transaction: files staged in a hidden folder inside the output folder, published
with the lock last, one bake per output folder at a time.

- **Staging.** Each asset's files go into ``out_dir/.bake-<tag>-*/`` as the asset is made. A name
  several assets write (a shared tileset, or a sidecar by accident) must hold the same bytes each
  time: it is staged once, and other bytes are a :class:`FormatError` naming both assets. Names
  of the bake's own files (``assets.lock*.json``, hidden ``.bake*``) are refused. Files a writer
  marks as shared (:class:`worldsmith.core.formats.Files`) are listed by name in the asset's lock
  record and hashed once in the lock's ``shared`` section (:meth:`Staging.shared_section`).
- **Publishing.** Staged files are not synced one by one (an ``fsync`` costs milliseconds a
  file); when the bake has succeeded, one ``sync()`` puts them all on disk, the old lock is
  removed, a ``PUBLISHING`` marker is written into the staging folder, every file is moved into
  place, and the new lock last. An error before publishing removes the staging folder (and
  ``out_dir`` if the bake made it): the folder keeps its old files and its old lock. A run killed
  while publishing leaves the marker; the next bake (or ``bake merge``) of that folder finishes
  the move first, a staging folder without the marker is removed. So a lock on disk always describes the files on disk.
- **Run locks.** A bake holds ``out_dir/.bake.lock`` exclusively (``fcntl.flock``), a shard holds
  it shared plus its own ``.bake.<i>-of-<n>.lock`` exclusively, so the shards of one manifest
  share a folder while two plain bakes, a plain bake and a shard, or one shard twice, do not: the
  second gets "another bake is running". An exclusive holder removes its lock file when done, so a
  finished bake (or a merge after shards) leaves no hidden file. Where ``fcntl`` is missing
  (Windows) there is no run lock.

>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp())
>>> with Staging(out) as staging:
...     a = staging.add(0, [("a.tmx", b"map a"), ("t.tsx", b"tileset")], {"t.tsx"})
...     b = staging.add(1, [("b.tmx", b"map b"), ("t.tsx", b"tileset")], {"t.tsx"})
...     _ = staging.add_own("assets.lock.json", b"{}")
>>> sorted(p.name for p in out.iterdir() if not p.name.startswith(".")), list(a["files"]), b["shared"]
(['a.tmx', 'assets.lock.json', 'b.tmx', 't.tsx'], ['a.tmx'], ['t.tsx'])
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterable

from worldsmith.core.atomic import write_atomic
from worldsmith.core.errors import FormatError

PUBLISHING = "PUBLISHING"  # marker in a staging folder: complete, being moved into place
OWN_NAME = re.compile(r"(assets\.lock(\..*)?\.json|\.bake.*)")  # the bake's own files, never an asset's


def lock_name(tag: str) -> str:
    """The lock file of a bake (``tag`` ``""``) or of shard ``"i-of-n"``."""
    return "assets.lock.json" if not tag else f"assets.lock.{tag}.json"


class Staging:
    """Stage files under ``out_dir/.bake-<tag>-*`` with :meth:`add`; on leaving the ``with`` block
    publish them (lock last), or after an error remove them (and ``out_dir`` if the bake made it).
    ``tag`` is ``""`` for a whole bake, ``"i-of-n"`` for a shard."""

    def __init__(self, out_dir: Path, tag: str = ""):
        self.out_dir, self.tag, self.folder = Path(out_dir), tag, Path()
        self.hashes: dict[str, tuple[str, int]] = {}  # name -> (sha256, index of the asset that staged it)
        self.made_out_dir = False
        self._locks = contextlib.ExitStack()

    def __enter__(self) -> Staging:
        self.made_out_dir = not self.out_dir.exists()
        self.out_dir.mkdir(parents=True, exist_ok=True)
        try:
            self._locks.enter_context(run_lock(self.out_dir, self.tag))
            recover(self.out_dir, self.tag)
            self.folder = Path(tempfile.mkdtemp(prefix=f".bake-{self.tag or 'all'}-", dir=self.out_dir))
        except BaseException:
            self._locks.close()
            self._remove_made_out_dir()
            raise
        return self

    def add(self, index: int, files: Iterable[tuple[str, bytes]], shared: set[str]) -> dict[str, Any]:
        """Stage asset ``index``'s files (names relative to the output folder); return its lock
        entries: ``files`` (name -> sha256, shared files left out) and ``shared`` (their names)."""
        own: dict[str, str] = {}
        for name, data in files:
            if OWN_NAME.fullmatch(Path(name).name) and Path(name).parent == Path("."):
                raise FormatError(f"{self.out_dir / name}: asset[{index}] writes a file named like the bake's own "
                                  "lock or staging files; choose another output name")
            digest = hashlib.sha256(data).hexdigest()
            seen = self.hashes.get(name)
            if seen is None:
                write_atomic(self.folder / name, data, fsync=False)   # synced once, before publishing
                self.hashes[name] = (digest, index)
            elif seen[0] != digest:
                raise FormatError(f"{self.out_dir / name}: asset[{index}] writes other bytes than asset[{seen[1]}] "
                                  "under this name; give the outputs different names or folders")
            if name not in shared:
                own[name] = digest
        return {"files": own, **({"shared": sorted(shared)} if shared else {})}

    def add_own(self, name: str, data: bytes) -> str:
        """Stage one of the bake's own files (the lock, ``CREDITS.txt``); return its sha256. An
        asset that writes the same name is an error."""
        if name in self.hashes:
            raise FormatError(f"{self.out_dir / name}: asset[{self.hashes[name][1]}] writes the bake's own "
                              f"{name}; choose another output name")
        write_atomic(self.folder / name, data, fsync=False)
        self.hashes[name] = (hashlib.sha256(data).hexdigest(), -1)
        return self.hashes[name][0]

    def shared_section(self, records: list[dict[str, Any]]) -> dict[str, str]:
        """The lock's ``shared`` section: each shared file the records name, with its sha256."""
        return {name: self.hashes[name][0] for name in sorted({n for r in records for n in r.get("shared", [])})}

    def __exit__(self, kind, error, trace) -> None:
        marked = done = False
        try:
            if kind is None:
                _sync(self.folder)                  # every staged byte on disk before any name moves
                (self.out_dir / lock_name(self.tag)).unlink(missing_ok=True)   # no lock can lie from here
                write_atomic(self.folder / PUBLISHING, b"")
                marked = True
                _publish(self.folder, self.out_dir, lock_name(self.tag))
                done = True
        finally:
            if done or not marked:          # a publish cut short stays for the next run to finish
                shutil.rmtree(self.folder, ignore_errors=True)
            self._locks.close()
            if kind is not None:
                self._remove_made_out_dir()

    def _remove_made_out_dir(self) -> None:
        if self.made_out_dir:
            with contextlib.suppress(OSError):  # left if another bake (a shard) uses it now
                self.out_dir.rmdir()


def _sync(folder: Path) -> None:
    """Flush the staged files to disk: one ``sync()`` of the file systems (each file's ``fsync``
    where there is none)."""
    if hasattr(os, "sync"):
        os.sync()
        return
    for path in folder.rglob("*"):  # pragma: no cover - Windows
        if path.is_file():
            with open(path, "rb+") as f:
                os.fsync(f.fileno())


def _publish(folder: Path, out_dir: Path, lock: str) -> None:
    """Move every staged file of ``folder`` into ``out_dir``, the lock ``lock`` last."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != PUBLISHING)
    for path in sorted(files, key=lambda p: p.relative_to(folder).as_posix() == lock):
        target = out_dir / path.relative_to(folder)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)


def recover(out_dir: Path, tag: str) -> None:
    """Finish the publish a killed bake (or shard ``tag``) of ``out_dir`` began; remove its
    unfinished staging folders."""
    for folder in sorted(out_dir.glob(f".bake-{tag or 'all'}-*")):
        if (folder / PUBLISHING).is_file():
            _publish(folder, out_dir, lock_name(tag))
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def run_lock(out_dir: Path, tag: str = "", merging: bool = False):
    """Hold ``out_dir``'s run lock for a bake (``tag`` ``""``), a shard (``"i-of-n"``) or a merge
    (``merging``: exclusive, as a bake); another holder makes it a :class:`FormatError`."""
    try:
        import fcntl  # optional: POSIX only; Windows bakes run without a run lock
    except ImportError:  # pragma: no cover
        yield
        return
    with contextlib.ExitStack() as stack:
        wanted = [(".bake.lock", fcntl.LOCK_SH if tag and not merging else fcntl.LOCK_EX)]
        if tag and not merging:
            wanted.append((f".bake.{tag}.lock", fcntl.LOCK_EX))
        for name, mode in wanted:
            fd = os.open(out_dir / name, os.O_RDWR | os.O_CREAT, 0o644)
            stack.callback(os.close, fd)
            try:
                fcntl.flock(fd, mode | fcntl.LOCK_NB)
            except BlockingIOError:
                raise FormatError(f"{out_dir}: another bake is running into this folder ({name} is held); wait for "
                                  "it or choose another --out (shards of one manifest may share a folder)") from None
            if mode == fcntl.LOCK_EX:   # its only holder: remove it on the way out (a merge removes the shards')
                stack.callback((out_dir / name).unlink, missing_ok=True)
        yield
