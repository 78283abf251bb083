"""AssetService: results equal direct calls, batching, prefetch, bounded queue, OOM fallback."""
from __future__ import annotations

import json
import threading

import pytest
import torch

import worldsmith as ws
from tests.runtime.fakes import FlakyGPU, _hold, _resume
from worldsmith.core import registry
from worldsmith.runtime import AssetService, ServiceBusy


def test_simulated_cuda_oom_falls_back_to_cpu(flaky):
    with AssetService(device="cpu") as svc:
        gen = svc.load(flaky, scale=3)
        gen.device = "cuda"  # pretend the model lives on a GPU that is full
        assert svc.request(flaky, seed=5, scale=3).result(timeout=30).value == 15
        assert svc.fallbacks == [flaky] and gen.device == "cpu"


def test_requests_are_batched(flaky):
    with AssetService(device="cpu", max_batch=64) as svc:
        svc.load(flaky)
        svc._stop.set()  # hold the worker while we queue, then serve once
        svc._worker.join()
        futures = [svc.request(flaky, seed=s) for s in range(40)]
        svc._stop.clear()
        svc._worker = threading.Thread(target=svc._run, daemon=True)
        svc._worker.start()
        assert [f.result(timeout=30).value for f in futures] == list(range(40))
    assert 40 in FlakyGPU.calls  # one batched call served all 40


def test_bounded_queue_raises_busy_instead_of_blocking(flaky):
    svc = AssetService(device="cpu", queue_size=4)
    svc.load(flaky)
    svc._stop.set()
    svc._worker.join()
    for s in range(4):
        svc.request(flaky, seed=s)
    with pytest.raises(ServiceBusy):
        svc.request(flaky, seed=99)
    svc.close()


def test_jobs_held_by_the_worker_count_against_the_bound(flaky):
    gate = threading.Event()
    real = FlakyGPU._generate
    FlakyGPU._generate = lambda self, seeds: (gate.wait(30), real(self, seeds))[1]
    try:
        svc = AssetService(device="cpu", queue_size=3, max_batch=1)
        gate.set()
        svc.load(flaky)
        gate.clear()
        first = svc.request(flaky, seed=1)  # taken by the worker, which now waits on the gate
        for _ in range(200):
            if svc._queue.qsize() == 0:
                break
            threading.Event().wait(0.01)
        others = [svc.request(flaky, seed=s) for s in (2, 3)]
        with pytest.raises(ServiceBusy):
            svc.request(flaky, seed=4)
        gate.set()
        assert [f.result(timeout=30).value for f in [first, *others]] == [1, 2, 3]
        assert svc.request(flaky, seed=5).result(timeout=30).value == 5  # slots come back
        svc.close()
    finally:
        FlakyGPU._generate = real
        gate.set()


def test_prefetch_fills_a_bounded_cache(flaky):
    with AssetService(device="cpu", cache_size=8) as svc:
        svc.prefetch(flaky, range(20))
        svc.request(flaky, seed=1000).result(timeout=30)  # queued after the prefetches
        for _ in range(200):
            if len(svc._cache) == 8:
                break
            threading.Event().wait(0.01)
        assert len(svc._cache) == 8  # bounded: the prefetch lane took 8 seeds, the rest were dropped
        hit = svc.request(flaky, seed=7)
        assert hit.done() and hit.result().value == 7
        assert (("test/flaky-v1", "{}"), 19) not in svc._cache


def test_bad_id_and_config_fail_in_the_callers_thread():
    with AssetService(device="cpu") as svc:
        with pytest.raises(ws.errors.UnknownGeneratorError):
            svc.request("plots/nope-v1", seed=1)
        svc.load("plots/quest-v1")              # its module is imported: configs are checked at the call
        with pytest.raises(ws.errors.ConfigError):
            svc.request("plots/quest-v1", seed=1, acts=999)


MIX = [("plots/quest-v1", {}), ("levels/zelda-v1", {}), ("plots/quest-v1", {"acts": 2}),
       ("sprites/lpc-v1", {})]


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["torch", "onnxruntime"])
def test_thousand_mixed_requests_from_four_threads_match_direct_calls(backend):
    """Every asset equals the direct torch call's, onnxruntime's sprite sheets too (the bound
    stated in docs/runtime.md: 0 pixels differ)."""
    import resource

    if backend == "onnxruntime":
        pytest.importorskip("onnxruntime")
        pytest.importorskip("onnxscript")
    direct = {i: ws.make(gid, **cfg) for i, (gid, cfg) in enumerate(MIX)}
    results: dict[tuple[int, int], object] = {}
    with AssetService(device="cpu", queue_size=64, cache_size=16, backend=backend) as svc:
        for gid, cfg in MIX:
            svc.load(gid, **cfg)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

        def client(t: int) -> None:
            futures = []
            for k in range(250):
                kind = 3 if k % 25 == 0 else (t + k) % 3  # mixed, with a few sprite sheets
                gid, cfg = MIX[kind]
                futures.append(((kind, 1000 * t + k % 60), svc.request(gid, seed=1000 * t + k % 60, block=True, **cfg)))
            for key, fut in futures:
                results[key] = fut.result(timeout=300)

        threads = [threading.Thread(target=client, args=(t,)) for t in range(4)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert svc._queue.qsize() == 0 and len(svc._cache) <= 16
        growth_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    assert len(results) > 200
    for (kind, seed), asset in results.items():
        assert asset == direct[kind](seed=seed), (MIX[kind], seed)
    assert growth_mb < 500, f"peak memory grew by {growth_mb:.0f} MB"


def test_batched_request_equals_the_direct_batch():
    with AssetService(device="cpu") as svc:
        got = svc.request("sprites/lpc-v1", seed=9, n=3, colors=8).result(timeout=120)
    assert got == ws.make("sprites/lpc-v1", colors=8)(seed=9, n=3)
    with AssetService(device="cpu") as svc:
        quests = svc.request("plots/quest-v1", seed=9, n=3).result(timeout=120)
    assert quests == ws.make("plots/quest-v1")(seed=9, n=3)


def test_moving_a_generator_drops_its_plugged_in_runner():
    gen = ws.make("levels/zelda-v1")
    gen.runner = lambda z: None  # e.g. CUDA graphs captured on a GPU that just ran out of memory
    assert gen.to("cpu").runner is None and gen.device == "cpu"


def test_a_cancelled_request_leaves_the_worker_serving(flaky):
    with AssetService(device="cpu") as svc:
        svc.load(flaky)
        _hold(svc)
        gone, kept = svc.request(flaky, seed=1), svc.request(flaky, seed=2)
        assert gone.cancel()
        _resume(svc)
        assert kept.result(timeout=30).value == 2
        assert svc.request(flaky, seed=3).result(timeout=30).value == 3   # the worker is alive
        assert gone.cancelled()


def test_one_failing_seed_fails_only_its_own_request(flaky):
    real = FlakyGPU._generate

    def fussy(self, seeds):
        if 13 in seeds:
            raise ValueError("seed 13 is unlucky")
        return real(self, seeds)

    FlakyGPU._generate = fussy
    try:
        with AssetService(device="cpu") as svc:
            svc.load(flaky)
            _hold(svc)
            futures = {s: svc.request(flaky, seed=s) for s in (11, 12, 13, 14, 15)}
            _resume(svc)
            with pytest.raises(ValueError, match="unlucky"):
                futures[13].result(timeout=30)
            assert [futures[s].result(timeout=30).value for s in (11, 12, 14, 15)] == [11, 12, 14, 15]
    finally:
        FlakyGPU._generate = real


def test_request_does_not_wait_for_a_model_to_load(flaky):
    gate = threading.Event()
    real = FlakyGPU.__init__

    def slow_init(self, **config):
        gate.wait(30)                 # a model that takes long to load
        real(self, **config)

    FlakyGPU.__init__ = slow_init
    try:
        with AssetService(device="cpu") as svc:
            caller = threading.Thread(target=lambda: svc.request(flaky, seed=1, scale=2))
            caller.start()
            caller.join(timeout=10)
            loading = caller.is_alive()   # still inside request() while the worker loads?
            gate.set()
            assert not loading
    finally:
        FlakyGPU.__init__ = real
        gate.set()


def test_loaded_generators_are_bounded(flaky):
    with AssetService(device="cpu", max_generators=2) as svc:
        for scale in (1, 2, 3, 4):
            assert svc.request(flaky, seed=1, scale=scale).result(timeout=30).value == scale
        assert len(svc._gens) == 2
        assert [json.loads(k[1])["scale"] for k in svc._gens] == [3, 4]   # the most recent kept
    with pytest.raises(ws.errors.ConfigError):
        AssetService(device="cpu", max_generators=0)


def test_soak_8_threads_500_mixed_requests_with_cancellations_and_failures():
    import random
    import time

    registry._REGISTRY["test/fussy-v1"] = registry.GeneratorSpec("test/fussy-v1", "tests.runtime.fakes:Fussy")
    mix = [("plots/quest-v1", {}), ("plots/quest-v1", {"acts": 2}), ("test/fussy-v1", {}),
           ("test/fussy-v1", {"scale": 3})]
    outcomes: list[tuple] = []
    lock = threading.Lock()
    try:
        with AssetService(device="cpu", max_generators=4, cache_size=16) as svc:
            for gid, cfg in mix:
                svc.load(gid, **cfg)                     # the loading screen

            def player(t: int) -> None:                  # a game thread: a request a frame or so
                rnd = random.Random(t)
                for i in range(500):
                    gid, cfg = mix[rnd.randrange(len(mix))]
                    seed = rnd.randrange(10_000)
                    while True:                      # a game never blocks: busy means next frame
                        try:
                            fut = svc.request(gid, seed=seed, **cfg)
                            break
                        except ServiceBusy:
                            time.sleep(0.01)
                    cancelled = rnd.random() < 0.1 and fut.cancel()
                    with lock:
                        outcomes.append((gid, cfg, seed, fut, cancelled))
                    time.sleep(0.002)

            threads = [threading.Thread(target=player, args=(t,)) for t in range(8)]
            for th in threads:
                th.start()
            for th in threads:
                th.join()
            for gid, cfg, seed, fut, cancelled in outcomes:
                if cancelled:
                    assert fut.cancelled()
                    continue
                if gid == "test/fussy-v1" and seed % 7 == 0:
                    with pytest.raises(ValueError, match="unlucky"):      # only its own caller sees it
                        fut.result(timeout=60)
                    continue
                assert fut.result(timeout=60) == ws.make(gid, **cfg)(seed=seed)
            assert len(svc._gens) <= 4 and len(svc._cache) <= 16                 # memory stays bounded
            assert svc._free == {0: 1024, 1: 16}                                # every slot came back
    finally:
        del registry._REGISTRY["test/fussy-v1"]
    assert len(outcomes) == 4000


def test_threads_default_to_one_and_must_be_positive():
    with AssetService(device="cpu") as svc:
        assert svc.threads == 1 and torch.get_num_threads() == 1   # fast beside a busy game
    with pytest.raises(ws.errors.ConfigError, match="threads"):
        AssetService(device="cpu", threads=0)
