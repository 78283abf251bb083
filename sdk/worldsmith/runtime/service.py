"""AssetService: generate assets off the game's frame, batched, prefetched, with CPU fallback.

Models load once per (id, config), in the worker (or in the caller's thread with ``load``, at a
loading screen); at most ``max_generators`` stay loaded (least recently used dropped first).
``request`` returns a ``Future`` at once: it never waits on generation, on a model loading or on
a generator's module importing (a config is checked at the call once its generator's module is
imported, by ``load`` or an earlier request; before that the Future fails with the
:class:`ConfigError`). Bad arguments (id, seed, ``n``) raise at the call. At most ``queue_size``
requested assets are outstanding (queued or held by the worker for batching); ``n`` items take
``n`` slots, all or none. Prefetches have their own lane of ``prefetch_size`` slots, so they
never make ``request`` busy. A background worker drains a priority queue, groups queued jobs of
the same generator into one batched call, and serves prefetched seeds from a bounded LRU cache.

Every Future finishes: with its asset, with the error that stopped it (a batch that fails is
retried one job at a time, so a failing seed fails only its own Future; an error in the worker
itself fails the Futures it held and the worker goes on), or cancelled by ``close()``. After
``close()``, ``request``/``prefetch``/``load`` raise :class:`ServiceClosed`; ``close()`` drops
the loaded models and cached assets and hands freed heap back to the OS where the C library
allows (glibc's ``malloc_trim``); memory torch keeps for itself is not returned. A CUDA
out-of-memory error moves that generator to the CPU and retries instead of crashing the game.

``backend`` picks what runs a neural generator's network: ``"torch"`` (eager; the default),
``"optimised"`` (CUDA graphs per batch bucket, channels_last, and bf16 where it leaves the
quantised output unchanged; plain inference mode on the CPU) or ``"onnxruntime"`` (the network
exported to ONNX once and run by onnxruntime on the CPU with ``threads`` threads). Procedural
generators ignore it. onnxruntime gives the torch path's assets too: its raw values differ from
torch's in the last bits, so a sprite sheet where that could change a pixel is made again by
torch (about a quarter of ``sprites/lpc-v1`` sheets; 0 pixels differed on 576 sheets measured).

``threads`` (default 1) is the torch (process-wide) and onnxruntime thread count; ``None`` leaves
torch's setting alone. One thread stays fast beside a busy game: with a CPU hog on each core of a
2-core machine, p50 per request with 1 / 2 threads was 8 / 8 ms (``sprites/lpc-v2``), 66 / 40 ms
(``sprites/lpc-v1``), 25 / 26 ms (``levels/smb-v1``) and 12 / 14 ms (``levels/zelda-v1``) with
torch, and 85 / 109, 19 / 41 and 10 / 16 ms (the last three) with onnxruntime (median of 4 runs
of ``tools/backend_agreement.py --latency``); a second thread also takes the game's other core,
and stalls when it loses it (a sprite sheet's network took 270 ms instead of 15 beside other
jobs). Torch is the default backend: on the CPU it is as fast as onnxruntime for these networks
(idle: 23 vs 24 ms a sprite sheet, 7 vs 7 ms an SMB level) and never re-makes a sheet.

>>> with AssetService(device="cpu") as svc:
...     fut = svc.request("plots/quest-v1", seed=7, acts=2)
...     fut.result(timeout=60) == __import__("worldsmith").make("plots/quest-v1", acts=2)(seed=7)
True
"""
from __future__ import annotations

import gc
import itertools
import json
import queue
import sys
import threading
import weakref
from collections import OrderedDict
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np

from worldsmith.core.config import check_int
from worldsmith.core.device import resolve_device
from worldsmith.core.errors import ConfigError, WorldsmithError
from worldsmith.core.generator import NeuralGenerator
from worldsmith.core.registry import make, spec
from worldsmith.core.seeding import check_seed, child_seeds
from worldsmith.core.threads import set_threads
from worldsmith.runtime.onnx import OrtRunner

REQUEST, PREFETCH = 0, 1
BACKENDS = ("torch", "optimised", "onnxruntime")


class ServiceBusy(WorldsmithError):
    """The request queue is full; try again next frame (or pass ``block=True``)."""


class ServiceClosed(WorldsmithError):
    """The service was closed; requests need a new :class:`AssetService`."""


@dataclass(order=True)
class _Job:
    priority: int
    order: int
    key: tuple[str, str] = field(compare=False)
    seed: int = field(compare=False)
    future: Future | None = field(compare=False, default=None)


class AssetService:
    """Serve ``request(id, seed, n=None, **config) -> Future`` from a background worker."""

    def __init__(self, device: str = "auto", max_batch: int = 64, queue_size: int = 1024,
                 cache_size: int = 256, threads: int | None = 1, backend: str = "torch",
                 max_generators: int = 16, prefetch_size: int | None = None):
        if backend not in BACKENDS:
            raise ConfigError("backend", f"one of {', '.join(BACKENDS)}", backend)
        if threads is not None:
            threads = check_int("threads", threads, 1)
        self.max_batch = check_int("max_batch", max_batch, 1)
        self.queue_size = check_int("queue_size", queue_size, 1)
        self.cache_size = check_int("cache_size", cache_size, 0)
        self.max_generators = check_int("max_generators", max_generators, 1)
        self.prefetch_size = check_int("prefetch_size", cache_size if prefetch_size is None else prefetch_size, 0)
        if threads:
            set_threads(threads)   # process-wide (torch's setting): see worldsmith.core.threads
        self.device = str(resolve_device(device))
        if backend == "onnxruntime" and self.device != "cpu":
            raise ConfigError("backend", "'onnxruntime' with device='cpu' (it runs on the CPU)", backend)
        self.backend, self.threads = backend, threads or 1
        self.fallbacks: list[str] = []  # generator ids moved to the CPU after an OOM
        self._queue: queue.PriorityQueue[_Job] = queue.PriorityQueue()
        self._held: list[_Job] = []
        self._gens: OrderedDict[tuple[str, str], Any] = OrderedDict()  # loaded, least recent first
        self._cache: OrderedDict[tuple[tuple[str, str], int], Any] = OrderedDict()
        self._lock = threading.Lock()
        self._room = threading.Condition(self._lock)   # free slots per lane changed, or closed
        self._free = {REQUEST: self.queue_size, PREFETCH: self.prefetch_size}
        self._closed = False
        self._order = itertools.count()
        self._stop = threading.Event()
        self._worker = self._start_worker()
        # a script that ends without close() stops the worker before the interpreter tears down
        # (a daemon thread killed inside torch aborts the process)
        self._stopper = weakref.finalize(self, _stop_worker, self._stop, self._worker)

    # -- public API -------------------------------------------------------------------------
    def load(self, id: str, **config: Any):
        """Load (once) and warm up generator ``id`` with ``config`` in the caller's thread (at a
        loading screen); return it."""
        self._ensure_open()
        return self._generator(self._key(id, config))

    def request(self, id: str, seed: int, n: int | None = None, *, block: bool = False,
                **config: Any) -> Future:
        """A Future of ``make(id, **config)(seed=seed, n=n)``; raises ServiceBusy when full."""
        self._ensure_open()
        key = self._key(id, config)
        self._check(key)  # the id now; the config now if its module is imported (never imports)
        seed = check_seed(seed)
        if n is None:
            return self._submit(key, [seed], block)[0]
        n = check_int("n", n, 1, self.queue_size)
        return _gather(self._submit(key, child_seeds(seed, n), block), key[0])

    def prefetch(self, id: str, seeds: Iterable[int], **config: Any) -> None:
        """Generate ``seeds`` in the background ahead of need, in the prefetch lane (at most
        ``prefetch_size`` at a time); seeds beyond its free room are dropped silently."""
        self._ensure_open()
        key = self._key(id, config)
        self._check(key)
        wanted = [check_seed(s) for s in itertools.islice(seeds, self.prefetch_size)]
        with self._lock:
            take = min(len(wanted), self._free[PREFETCH])
            self._free[PREFETCH] -= take
        for seed in wanted[:take]:
            self._queue.put(_Job(PREFETCH, next(self._order), key, seed))

    def close(self) -> None:
        """Stop the worker, cancel pending requests, drop loaded models and cached assets."""
        with self._room:
            self._closed = True
            self._room.notify_all()
        self._stopper()
        for job in self._drain_all():
            self._release([job])
            if job.future is not None:
                job.future.cancel()
        with self._lock:
            self._gens.clear()
            self._cache.clear()
        _return_memory()

    def __enter__(self) -> "AssetService":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- internals --------------------------------------------------------------------------
    def _ensure_open(self) -> None:
        if self._closed:
            raise ServiceClosed("this AssetService is closed; create a new one")

    def _start_worker(self) -> threading.Thread:
        worker = threading.Thread(target=self._run, name="worldsmith-assets", daemon=True)
        worker.start()
        return worker

    @staticmethod
    def _key(id: str, config: dict[str, Any]) -> tuple[str, str]:
        try:
            return id, json.dumps(config, sort_keys=True, default=_plain)
        except (TypeError, ValueError) as e:   # an object JSON cannot hold, a circular config
            raise ConfigError("config", "numbers, strings, booleans, lists and dicts", str(e)) from None

    @staticmethod
    def _check(key: tuple[str, str]) -> None:
        """Raise for an unknown id, and for a bad config when the generator's module is already
        imported (cheap: nothing is imported or loaded here)."""
        cls = _imported(spec(key[0]).entry_point)
        if cls is not None:
            cls.Config.from_dict(json.loads(key[1]))

    def _generator(self, key: tuple[str, str]):
        """The loaded generator of ``key``, loaded and warmed up first if need be (outside the
        lock, so requests and other generators never wait on it)."""
        with self._lock:
            gen = self._gens.get(key)
            if gen is not None:
                self._gens.move_to_end(key)
                return gen
        gen = make(key[0], **json.loads(key[1])).to(self.device)
        if isinstance(gen, NeuralGenerator):
            gen.runner = self._runner(gen)
        try:
            gen.warm()
            gen(seed=0)  # warm up: load weights, allocate buffers, capture graphs
        except WorldsmithError:
            raise
        except Exception:  # noqa: BLE001 - seed 0 may fail where others work; requests report their own
            pass
        with self._lock:
            gen = self._gens.setdefault(key, gen)
            self._gens.move_to_end(key)
            while len(self._gens) > self.max_generators:
                self._gens.popitem(last=False)
        return gen

    def _runner(self, gen: Any) -> Any:
        """The network runner for ``gen`` under this service's backend (None: eager torch)."""
        return runner_for(gen, self.backend, self.device, self.threads)

    def _submit(self, key: tuple[str, str], seeds: list[int], block: bool) -> list[Future]:
        """One Future per seed: cached assets at once, the others queued, taking one request slot
        each, all or none."""
        with self._room:
            while True:
                self._ensure_open()
                misses = sum((key, s) not in self._cache for s in seeds)
                if self._free[REQUEST] >= misses:
                    break
                if not block:
                    raise ServiceBusy("request queue is full; retry next frame or pass block=True")
                self._room.wait()
            self._free[REQUEST] -= misses
            hits = {s: self._cache.pop((key, s)) for s in seeds if (key, s) in self._cache}
        if not self._worker.is_alive() and not self._stop.is_set():
            self._worker = self._start_worker()    # pragma: no cover - the worker catches everything
        futures = []
        for s in seeds:
            future: Future = Future()
            if s in hits:
                future.set_result(hits[s])
            else:
                self._queue.put(_Job(REQUEST, next(self._order), key, s, future))
            futures.append(future)
        return futures

    def _release(self, jobs: list[_Job]) -> None:
        with self._room:
            for job in jobs:
                self._free[job.priority] += 1
            self._room.notify_all()

    def _drain_all(self) -> list[_Job]:
        jobs, self._held = self._held, []
        while True:
            try:
                jobs.append(self._queue.get_nowait())
            except queue.Empty:
                return sorted(jobs)

    def _next_batch(self) -> list[_Job]:
        if not self._held:
            try:
                self._held.append(self._queue.get(timeout=0.05))
            except queue.Empty:
                return []
        jobs = self._drain_all()
        key = jobs[0].key
        batch = [j for j in jobs if j.key == key][: self.max_batch]
        chosen = {id(j) for j in batch}
        self._held = [j for j in jobs if id(j) not in chosen]
        return batch

    def _run(self) -> None:
        while not self._stop.is_set():
            batch: list[_Job] = []
            try:
                batch = self._next_batch()
                if batch:
                    self._deliver(batch)
            except Exception as e:  # noqa: BLE001 - a fault in the worker fails its jobs, not the service
                for job in batch:
                    self._fail(job, e)
            finally:
                self._release(batch)

    def _deliver(self, batch: list[_Job]) -> None:
        # a cancelled Future is skipped; the others can no longer be cancelled from here on
        live = [j for j in batch if j.future is None or j.future.set_running_or_notify_cancel()]
        if not live:
            return
        try:
            gen = self._generator(live[0].key)
        except Exception as e:  # noqa: BLE001 - the model does not load: every job of it fails
            for job in live:
                self._fail(job, e)
            return
        if len(live) == 1:
            self._deliver_one(gen, live[0])
            return
        try:
            items = self._generate(gen, [j.seed for j in live], live[0].key[0])
        except Exception:  # noqa: BLE001 - one bad seed must not fail the others: one job at a time
            for job in live:
                self._deliver_one(gen, job)
            return
        for job, item in zip(live, items):
            self._succeed(job, item)

    def _deliver_one(self, gen: Any, job: _Job) -> None:
        try:
            item = self._generate(gen, [job.seed], job.key[0])[0]
        except Exception as e:  # noqa: BLE001
            self._fail(job, e)
            return
        self._succeed(job, item)

    def _succeed(self, job: _Job, item: Any) -> None:
        if job.future is not None:
            job.future.set_result(item)
        else:
            self._remember((job.key, job.seed), item)

    @staticmethod
    def _fail(job: _Job, error: Exception) -> None:
        if job.future is not None and not job.future.done():
            job.future.set_exception(error)

    def _generate(self, gen: Any, seeds: list[int], id: str) -> Any:
        import torch  # lazy: torch (1.2 s), start-up time

        try:
            return gen._generate(seeds)
        except torch.cuda.OutOfMemoryError:
            if gen.device == "cpu":
                raise
            torch.cuda.empty_cache()
            gen.to("cpu")
            self.fallbacks.append(id)
            return gen._generate(seeds)

    def _remember(self, key: tuple[tuple[str, str], int], asset: Any) -> None:
        with self._lock:
            self._cache[key] = asset
            self._cache.move_to_end(key)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)


def runner_for(gen: Any, backend: str, device: str = "cpu", threads: int = 1) -> Any:
    """What runs ``gen``'s network under ``backend`` on ``device``, as the service plugs it in as
    ``gen.runner`` (None: the eager torch network; also for generators without one)."""
    if backend == "torch" or not isinstance(gen, NeuralGenerator):
        return None
    z = gen.latents([0, 1])
    if backend == "onnxruntime":
        return OrtRunner(gen.network, z, threads)
    from worldsmith.runtime.accel import FastNetwork, bf16_is_exact  # lazy: torch (1.2 s), start-up time

    exact = device != "cpu" and bf16_is_exact(gen.network, gen.latents(list(range(16))), gen.quantise, device)
    return FastNetwork(gen.network, device, bf16=exact)


def _gather(parts: list[Future], id: str) -> Future:
    """One Future of the generator's combined batch, once every part is done (cancelled when a
    part is; cancelling it cancels the parts not yet running)."""
    out: Future = Future()
    remaining = [len(parts)]
    lock = threading.Lock()

    def done(_: Future) -> None:
        with lock:
            remaining[0] -= 1
            if remaining[0]:
                return
        if any(p.cancelled() for p in parts):
            out.cancel()
            return
        try:
            out.set_result(spec(id).load().combine([p.result() for p in parts]))
        except Exception as e:  # noqa: BLE001
            out.set_exception(e)

    def cancelled(_: Future) -> None:
        if out.cancelled():
            for p in parts:
                p.cancel()

    out.add_done_callback(cancelled)
    for p in parts:
        p.add_done_callback(done)
    return out


def _imported(entry_point: str) -> type | None:
    """The class ``"module:Class"`` names if its module is imported already, else None."""
    module, _, name = entry_point.partition(":")
    return getattr(sys.modules.get(module), name, None)


def _plain(value: Any) -> Any:
    """numpy scalars and arrays in a config as the plain values JSON holds."""
    if isinstance(value, (np.generic, np.ndarray)):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON")


def _return_memory() -> None:
    """Collect garbage and hand freed heap pages back to the OS (glibc only)."""
    gc.collect()
    if sys.platform.startswith("linux"):
        import ctypes  # lazy: only to reach malloc_trim, once per close()

        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):   # not glibc (musl): nothing to trim
            pass


def _stop_worker(stop: threading.Event, worker: threading.Thread) -> None:
    """Ask the worker to stop and wait for its current batch (at most 10 s)."""
    stop.set()
    worker.join(timeout=10)
