"""Bake a manifest on Ray: ``worldsmith bake MANIFEST --out DIR --ray [ADDRESS]``, or
``worldsmith.bake.bake(..., executor="ray", address=None)``. Needs the ``ray`` extra.

The files and the lock equal a one-process bake's, byte for byte (on the same kind of device):

- Assets are grouped by generator (id and config) and cut into batches of :data:`BATCH`. A pool
  of actors, one per CPU of the cluster (or per ``gpus`` share of its GPUs), keeps generators (and
  their models) loaded, the last :data:`CACHE` each. An actor stays on one group until its batches
  run out, at most :data:`DEPTH` batches queued on it, then takes the group with the fewest actors
  (the most batches left among equals); a big group is shared by idle actors. Actors start once:
  a new worker process (imports torch, loads weights) costs seconds, a manifest may hold many
  small groups.
- An actor writes nothing: it returns each asset's lock record (without hashes) and the bytes of
  every file (:func:`worldsmith.bake.render.render_files`, what ``asset.export`` would write). The
  driver stages whole results atomically and hashes the bytes, so a worker killed mid-task leaves
  no file behind, and its retried task (``max_restarts``/``max_task_retries`` :data:`RETRIES`)
  makes the same bytes again (same id, config and seed).
- The driver stages results as they arrive (:mod:`worldsmith.bake.staging`: a file that several
  assets write, such as a shared tileset, is written once and must hold the same bytes each
  time) and moves them into place at the end, as the one-process bake does; the lock lists the
  assets in manifest order. Progress: ``advance("bake", done, total, unit="asset")`` per asset.
- Bad input is checked on the driver before any actor starts (manifest, outputs inside ``--out``,
  ids, configs, output extensions); an error an actor raises on bad input (say, missing weights)
  comes back as the same one-line error.

Without ``address`` a local Ray starts with ``num_cpus=os.cpu_count()`` and stops at the end; with
one (``auto``, ``HOST:PORT`` or ``ray://HOST:10001``) the bake connects to that cluster. If Ray is
already initialised in this process, that session is used (and left running).
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
from collections import Counter, OrderedDict, deque
from typing import Any, Iterator

from worldsmith.bake.render import make_items, record_head, render_files
from worldsmith.bake.staging import Staging
from worldsmith.core import errors
from worldsmith.core.errors import ConfigError, MissingDependencyError, WorldsmithError, first_line
from worldsmith.core.formats import png_optimize as optimizing
from worldsmith.core.progress import advance, stage
from worldsmith.core.registry import make
from worldsmith.core.threads import set_threads

BATCH = 8  # assets per actor call
DEPTH = 2  # batches queued on one actor at a time (one running, one waiting)
CACHE = 4  # generators one actor keeps loaded
RETRIES = 3  # actor restarts and task retries after a worker process dies
ADDRESS_HELP = "the address of a running Ray cluster: auto, HOST:PORT or ray://HOST:10001"

Job = tuple[int, int, list[str], "int | None"]  # manifest index, seed, outputs (relative), n


class Worker:
    """A Ray actor's body: makes assets with the generators it keeps loaded, the last
    :data:`CACHE` ``(id, config)`` pairs it was given (the scheduler keeps a group on one actor)."""

    def __init__(self, device: str = "cpu", png_optimize: bool = False):
        self.device, self.png_optimize, self.gens = device, png_optimize, OrderedDict()

    def bake(self, key: tuple[str, str], batch: list[Job]) -> list[tuple] | tuple[str, str, str]:
        """Make each job's asset with generator ``key`` (id, config JSON); return
        ``[(index, record head, [(file, bytes)...], shared files)...]``, or
        ``("error", class name, message)`` for bad input (a WorldsmithError)."""
        try:
            gen = self.generator(key)
            return [self.bake_one(key[0], gen, *job) for job in batch]
        except WorldsmithError as e:
            return ("error", type(e).__name__, str(e))

    def generator(self, key: tuple[str, str]) -> Any:
        """Generator ``key``, made on first use and kept (least recently used dropped first)."""
        if key not in self.gens:
            set_threads(1)  # one CPU per actor (Ray's num_cpus)
            gen = make(key[0], **json.loads(key[1]))
            self.gens[key] = gen.to(self.device) if self.device != "cpu" else gen
            while len(self.gens) > CACHE:
                self.gens.popitem(last=False)
        self.gens.move_to_end(key)
        return self.gens[key]

    def bake_one(self, id: str, gen: Any, index: int, seed: int, outputs: list[str], n: int | None) -> tuple:
        """One asset: its record head, its files (relative to the output folder, in the order a
        one-process bake writes them) and the shared ones among them."""
        asset = make_items(gen, seed, n)
        with optimizing(self.png_optimize):
            return index, record_head(id, gen, seed, n, asset), *render_files(asset, outputs)


def bake_records(entries: list[dict[str, Any]], mine: list[int], staging: Staging,
                 address: str | None = None, gpus: float = 0.0, png_optimize: bool = False) -> list[dict[str, Any]]:
    """Bake ``entries[k]`` for ``k`` in ``mine`` on Ray into ``staging``; return the lock records
    in manifest order (what :func:`worldsmith.bake.bake` writes into the lock). The entries are
    checked already (:func:`worldsmith.bake.local.check_entries`)."""
    if isinstance(gpus, bool) or not isinstance(gpus, (int, float)) or not 0 <= gpus:
        raise ConfigError("--ray-gpus", "a number of GPUs per actor >= 0 (e.g. 1, or 0.25 to share one)", gpus)
    groups: dict[tuple[str, str], list[Job]] = {}
    for k in mine:
        entry = entries[k]
        key = (entry["id"], json.dumps(entry.get("config", {})))  # key order kept: it reaches the asset's meta
        groups.setdefault(key, []).append((k, entry["seed"], list(entry["outputs"]), entry.get("n")))
    with session(address) as ray:
        return _run(ray, groups, staging, gpus, png_optimize)


@contextlib.contextmanager
def session(address: str | None = None) -> Iterator[Any]:
    """The ``ray`` module, initialised: a new local Ray (``address`` None or ``"local"``; stopped at
    the end), the cluster at ``address``, or the session this process already has."""
    try:
        import ray  # optional: the [ray] extra
    except ImportError:
        raise MissingDependencyError("--ray: Ray is not installed; pip install 'worldsmith[ray]'") from None
    if ray.is_initialized():
        yield ray
        return
    quiet = {"log_to_driver": False, "logging_level": logging.ERROR}
    if address in (None, "local"):
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        stage("starting a local Ray")
        ray.init(address="local", num_cpus=os.cpu_count() or 2, include_dashboard=False, **quiet)
    else:
        stage(f"connecting to Ray at {address}")
        check_reachable(address)
        try:
            ray.init(address=address, **quiet)
        except (ConnectionError, ValueError, RuntimeError, TimeoutError) as e:
            raise ConfigError("--ray", f"{ADDRESS_HELP} ({first_line(e)})", address) from None
    try:
        yield ray
    finally:
        ray.shutdown()


def check_reachable(address: str, timeout: float = 5.0) -> None:
    """Refuse at once a HOST:PORT nobody listens on (``ray.init`` would retry for minutes)."""
    if address == "auto":
        return
    host, sep, port = address.removeprefix("ray://").rpartition(":")
    if not sep or not host or not port.isdigit():
        raise ConfigError("--ray", ADDRESS_HELP, address)
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except (OSError, ValueError) as e:
        raise ConfigError("--ray", f"{ADDRESS_HELP} (cannot reach {host}:{port}: {e.strerror or e})",
                          address) from None


def _run(ray: Any, groups: dict[tuple[str, str], list[Job]], staging: Staging, gpus: float,
         png_optimize: bool = False) -> list[dict[str, Any]]:
    """Run the groups' batches on a pool of actors, write results as they come; return the records."""
    resources = ray.cluster_resources()
    slots = max(1, int(resources.get("CPU", 1)))
    if gpus:
        if gpus > resources.get("GPU", 0):
            raise ConfigError("--ray-gpus", f"at most the {resources.get('GPU', 0):g} GPUs of the Ray cluster "
                                            "per actor", gpus)
        slots = max(1, min(slots, int(resources["GPU"] / gpus)))
    queued = {g: deque(jobs[i:i + BATCH] for i in range(0, len(jobs), BATCH)) for g, jobs in groups.items()}
    total = sum(len(jobs) for jobs in groups.values())
    remote = ray.remote(Worker).options(num_cpus=1, num_gpus=gpus, max_restarts=RETRIES, max_task_retries=RETRIES)
    actors = [[remote.remote("cuda" if gpus else "cpu", png_optimize), None, 0]  # [handle, group, batches in flight]
              for _ in range(min(slots, sum(map(len, queued.values()))))]
    fresh = deque(sorted(queued, key=lambda g: -len(queued[g])))  # groups no actor took yet, biggest first
    started: set[tuple[str, str]] = set()  # groups taken, with batches still queued
    per_group: Counter = Counter()  # actors working on each group
    in_flight: dict[Any, tuple[list[Any], str]] = {}  # ObjectRef -> (its actor, generator id)
    with contextlib.ExitStack() as stack:
        stack.callback(_kill, ray, actors)
        writer = _Writer(staging)
        while True:
            for a in actors:
                while a[2] < DEPTH:
                    if a[1] is None or not queued[a[1]]:  # its group is drained: a new one, or help another
                        started = {g for g in started if queued[g]}  # as many as actors, at most
                        per_group[a[1]] -= 1
                        if fresh:
                            a[1] = fresh.popleft()
                            started.add(a[1])
                        elif started:
                            a[1] = min(started, key=lambda g: (per_group[g], -len(queued[g])))
                        else:
                            a[1] = None
                            break
                        per_group[a[1]] += 1
                    in_flight[a[0].bake.remote(a[1], queued[a[1]].popleft())] = (a, a[1][0])
                    a[2] += 1
            if not in_flight:
                break
            [ref], _ = ray.wait(list(in_flight), num_returns=1)
            a, id = in_flight.pop(ref)
            a[2] -= 1
            writer.take(_result(ray, ref, id), total)
    return [writer.records[k] for k in sorted(writer.records)]


def _kill(ray: Any, actors: list[list[Any]]) -> None:
    for a in actors:
        with contextlib.suppress(Exception):
            ray.kill(a[0])


def _result(ray: Any, ref: Any, id: str) -> list[tuple]:
    """``ray.get(ref)``; bad input raised in the actor is raised here as the same one-line error."""
    try:
        result = ray.get(ref)
    except (ray.exceptions.RayActorError, ray.exceptions.WorkerCrashedError, ray.exceptions.ObjectLostError) as e:
        raise WorldsmithError(f"{id}: a Ray worker failed {RETRIES + 1} times ({first_line(e)})") from None
    if isinstance(result, tuple) and result[:1] == ("error",):
        cls = getattr(errors, result[1], WorldsmithError)
        err = Exception.__new__(cls if isinstance(cls, type) and issubclass(cls, WorldsmithError) else WorldsmithError)
        Exception.__init__(err, result[2])
        raise err
    return result


class _Writer:
    """Stages finished assets (whole files, atomically) and keeps their lock records."""

    def __init__(self, staging: Staging):
        self.staging, self.records, self.done = staging, {}, 0

    def take(self, results: list[tuple], total: int) -> None:
        for index, head, files, shared in results:
            self.records[index] = {"index": index, **head, **self.staging.add(index, files, shared)}
            self.done += 1
            advance("bake", self.done, total, unit="asset")
