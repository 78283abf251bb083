"""One asset to files: make its items, render each output's bytes, write them, record the lock head.

Shared by ``worldsmith generate`` (:func:`generate_files`), the local bake
(:mod:`worldsmith.bake.local`) and the Ray bake (:mod:`worldsmith.bake.ray`), which make an
asset's files with :func:`render_files` and stage them (:mod:`worldsmith.bake.staging`).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator, Sequence

from worldsmith.core.atomic import sha256_file, write_all_atomic
from worldsmith.core.errors import ExportError, FormatError
from worldsmith.core.formats import check_requirements, render, shared_names
from worldsmith.core.generator import VERSION
from worldsmith.core.progress import advance
from worldsmith.core.registry import make
from worldsmith.core.seeding import seed_to_json


def generate_files(id: str, seed: int, config: dict[str, Any], outputs: Sequence[str | Path],
                   n: int | None = None) -> dict[str, Any]:
    """Make asset ``id`` and export it to each of ``outputs``, all files or none; return a record
    of what was written. An output whose optional tool is missing (Graphviz' ``dot`` for a plot
    ``.png``) is an error before anything is made.

    With ``n`` and a generator that returns a list, item ``i`` goes to ``<stem>_<i><ext>``.
    """
    gen = make(id, **config)
    check_outputs(gen, outputs)
    asset = make_items(gen, seed, n)
    files: dict[Path, bytes] = {}
    for out, rendered in render_outputs(asset, outputs):
        for name, data in rendered.items():
            path = out.parent / name
            if files.get(path, data) != data:
                raise ExportError(f"{path}: two outputs write other bytes under this name; give them different names")
            files[path] = data
    written = write_all_atomic(files)
    return {**record_head(id, gen, seed, n, asset), "files": {str(f): sha256_file(f) for f in written}}


def render_outputs(asset: Any, outputs: Sequence[str | Path]) -> Iterator[tuple[Path, Any]]:
    """Yield ``(output, {file name beside it: bytes})`` for each output in turn (a list asset: one
    per item, ``<stem>_<i><ext>``). Nothing is written: :func:`generate_files` writes them all at the
    end, the bakes stage them (:mod:`worldsmith.bake.staging`)."""
    for out in map(Path, outputs):
        items = [(out.with_name(f"{out.stem}_{i:03d}{out.suffix}"), a) for i, a in enumerate(asset)] \
            if isinstance(asset, list) else [(out, asset)]
        for path, item in items:
            yield path, render(item, path.suffix.lower().lstrip("."), path.name)


def render_files(asset: Any, outputs: Sequence[str]) -> tuple[list[tuple[str, bytes]], set[str]]:
    """An asset's files for ``outputs`` (relative to the output folder): ``[(name, bytes)...]`` in
    writing order, and the names among them that are shared (content-named, e.g. a Tiled tileset)."""
    files: list[tuple[str, bytes]] = []
    shared: set[str] = set()
    for out, rendered in render_outputs(asset, outputs):
        files += [((out.parent / name).as_posix(), data) for name, data in rendered.items()]
        shared |= {(out.parent / name).as_posix() for name in shared_names(rendered)}
    return files, shared


def record_head(id: str, gen: Any, seed: int, n: int | None, asset: Any = None) -> dict[str, Any]:
    """The lock record of one asset without its files: id, version, config, seed (and n), and for
    characters drawn from credited art (``sprites/lpc-v3``) the art files each one draws."""
    credits = getattr(asset, "files", None) if getattr(asset, "credited", False) else None
    return {"id": id, "version": VERSION, "config": gen.config.to_dict(), "seed": seed_to_json(seed),
            **({"n": n} if n is not None else {}), **({"credits": credits} if credits else {})}


def make_items(gen: Any, seed: int, n: int | None) -> Any:
    """``gen(seed=seed, n=n)``, reporting the items of a batch (see :mod:`worldsmith.core.progress`)."""
    if n is None:
        return gen(seed=seed)
    advance(gen.id, 0, n, unit="item")
    return gen(seed=seed, n=n, progress=lambda done: advance(gen.id, done, n, unit="item"))


def check_outputs(gen: Any, outputs: Sequence[str | Path]) -> None:
    """Raise :class:`ExportError` before any generating if an output's extension is not one of
    the formats ``gen``'s assets export to, :class:`MissingDependencyError` if its format needs a
    tool this machine lacks."""
    formats = gen.formats()
    for out in map(Path, outputs):
        ext = out.suffix.lower().lstrip(".")
        if ext not in formats:
            given = f".{ext}" if ext else "a name without an extension"
            listed = " ".join("." + f for f in formats)
            raise ExportError(f"{out}: {gen.id} exports to the formats {listed}, not {given}")
        check_requirements(gen.asset_type, ext)


def inside(out_dir: Path, outputs: list[Path], where: str) -> None:
    """Raise unless every output, links resolved, lies inside ``out_dir``."""
    root = out_dir.resolve()
    for out in outputs:
        real = out.parent.resolve() / out.name
        if real != root and root not in real.parents:
            raise FormatError(f"{where}: {out} leads outside {out_dir} (through a link)")
