"""AssetService always answers: every Future finishes, bad arguments fail at the call, prefetches
never make requests busy, nothing is imported in the caller's thread (issue 31)."""
from __future__ import annotations

import sys
import threading
import types
from concurrent.futures import CancelledError

import numpy as np
import pytest

from tests.runtime.fakes import _hold, _resume
from worldsmith.core import registry
from worldsmith.core.errors import ConfigError
from worldsmith.runtime import AssetService, ServiceBusy, ServiceClosed


@pytest.mark.parametrize("arg, value", [("max_batch", 0), ("max_batch", -1), ("max_batch", 1.5),
                                        ("cache_size", -1), ("queue_size", 0), ("prefetch_size", -2),
                                        ("max_generators", True), ("threads", 2.0)])
def test_constructor_arguments_are_checked(arg, value):
    with pytest.raises(ConfigError, match=arg):
        AssetService(device="cpu", **{arg: value})


@pytest.mark.parametrize("n", [0, -1, 1.5, "2", 5])
def test_a_bad_n_fails_at_the_call_and_queues_nothing(flaky, n):
    with AssetService(device="cpu", queue_size=4) as svc:
        _hold(svc)
        with pytest.raises(ConfigError, match="n: expected an int in 1..4"):
            svc.request(flaky, seed=1, n=n)
        assert svc._queue.qsize() == 0 and svc._free[0] == 4


def test_after_close_every_call_raises_service_closed(flaky):
    svc = AssetService(device="cpu")
    svc.close()
    for call in (lambda: svc.request(flaky, seed=1), lambda: svc.prefetch(flaky, [1]), lambda: svc.load(flaky)):
        with pytest.raises(ServiceClosed):
            call()
    svc.close()                                    # closing twice is fine


def test_close_finishes_every_pending_future_and_wakes_a_blocked_caller(flaky):
    svc = AssetService(device="cpu", queue_size=2)
    svc.load(flaky)
    _hold(svc)
    batch = svc.request(flaky, seed=1, n=2)
    errors: list[BaseException] = []

    def blocked() -> None:
        try:
            svc.request(flaky, seed=9, block=True)
        except ServiceClosed as e:
            errors.append(e)

    caller = threading.Thread(target=blocked)
    caller.start()
    svc.close()
    caller.join(timeout=30)
    assert not caller.is_alive() and len(errors) == 1
    assert batch.cancelled()
    with pytest.raises(CancelledError):
        batch.result(timeout=1)


def test_numpy_scalars_are_accepted_in_seed_and_config(flaky):
    with AssetService(device="cpu") as svc:
        fut = svc.request(flaky, seed=np.int64(3), scale=np.int32(2))
        assert fut.result(timeout=30).value == 6
        assert svc.request(flaky, seed=3, scale=2).result(timeout=30).value == 6
        assert len(svc._gens) == 1                 # the same (id, config) as plain ints


def test_a_prefetch_storm_never_makes_a_request_busy(flaky):
    with AssetService(device="cpu", queue_size=4, cache_size=8) as svc:
        svc.load(flaky)
        _hold(svc)
        for start in range(0, 10_000, 100):
            svc.prefetch(flaky, range(start, start + 100))
        assert svc._queue.qsize() == 8             # the prefetch lane holds 8; the rest dropped
        futures = [svc.request(flaky, seed=s) for s in range(100, 104)]
        with pytest.raises(ServiceBusy):
            svc.request(flaky, seed=200)
        _resume(svc)
        assert [f.result(timeout=30).value for f in futures] == [100, 101, 102, 103]


def test_a_fault_in_the_worker_fails_its_futures_and_the_worker_goes_on(flaky, monkeypatch):
    with AssetService(device="cpu") as svc:
        svc.load(flaky)
        real = AssetService._succeed
        faults = iter([RuntimeError("worker bug")])

        def once(self, job, item):
            fault = next(faults, None)
            if fault is not None:
                raise fault
            real(self, job, item)

        monkeypatch.setattr(AssetService, "_succeed", once)
        with pytest.raises(RuntimeError, match="worker bug"):
            svc.request(flaky, seed=1).result(timeout=30)
        assert svc.request(flaky, seed=2).result(timeout=30).value == 2
        assert svc._worker.is_alive() and svc._free[0] == svc.queue_size


@pytest.fixture
def slow_module(tmp_path, monkeypatch):
    """A generator whose module takes until ``gate`` opens to import (a family importing torch)."""
    gate = threading.Event()
    monkeypatch.setitem(sys.modules, "ws_test_gate", types.SimpleNamespace(gate=gate))
    (tmp_path / "ws_test_slow_family.py").write_text(
        "import ws_test_gate\nws_test_gate.gate.wait(30)\nfrom tests.runtime.fakes import FlakyGPU as Slow\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    registry._REGISTRY["test/slow-v1"] = registry.GeneratorSpec("test/slow-v1", "ws_test_slow_family:Slow")
    yield gate
    gate.set()
    sys.modules.pop("ws_test_slow_family", None)
    del registry._REGISTRY["test/slow-v1"]


def test_the_first_request_never_imports_in_the_callers_thread(slow_module):
    with AssetService(device="cpu") as svc:
        done = threading.Event()
        futures = []
        caller = threading.Thread(target=lambda: (futures.append(svc.request("test/slow-v1", seed=4, scale=2)),
                                                  done.set()))
        caller.start()
        returned = done.wait(10)                   # request() came back while the import still waits
        slow_module.set()
        assert returned
        assert futures[0].result(timeout=30).value == 8
        with pytest.raises(ConfigError, match="scale"):       # now imported: checked at the call
            svc.request("test/slow-v1", seed=4, scale=99)


def test_a_bad_config_for_a_module_not_yet_imported_fails_its_future(slow_module):
    slow_module.set()
    with AssetService(device="cpu") as svc:
        fut = svc.request("test/slow-v1", seed=4, scale=99)
        with pytest.raises(ConfigError, match="scale"):
            fut.result(timeout=30)
