"""A stateful property test of AssetService (issue 31): random requests (good and bad), prefetches,
cancellations and a close, from the game's thread; after every run each Future has finished with
an asset equal to the direct call, the error of its own seed (Fussy's seeds divisible by 7), or a cancellation."""
from __future__ import annotations

from concurrent.futures import CancelledError, Future

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from worldsmith.core import registry
from worldsmith.core.errors import ConfigError
from worldsmith.runtime import AssetService, ServiceBusy, ServiceClosed

FUSSY = "test/fussy-v1"  # tests.runtime.fakes.Fussy: seeds divisible by 7 fail
FINISH_S = 30  # every Future must be done this long after the run (generous for a loaded 2-core host)


class ServiceMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        registry._REGISTRY[FUSSY] = registry.GeneratorSpec(FUSSY, "tests.runtime.fakes:Fussy")
        self.svc = AssetService(device="cpu", queue_size=6, max_batch=3, cache_size=4, threads=None)
        self.futures: list[tuple[Future, int, int, int | None]] = []   # future, seed, scale, n
        self.closed = False

    @rule(seed=st.integers(0, 40), scale=st.integers(1, 3), n=st.sampled_from([None, None, 1, 2, 3]))
    def request(self, seed, scale, n):
        try:
            fut = self.svc.request(FUSSY, seed=seed, n=n, scale=scale)
        except ServiceClosed:
            assert self.closed
            return
        except ServiceBusy:
            return
        assert not self.closed
        self.futures.append((fut, seed, scale, n))

    @rule(n=st.sampled_from([0, -1, 1.5, 7]), scale=st.sampled_from([1, 99]))
    def bad_request(self, n, scale):
        with pytest.raises((ConfigError, ServiceClosed)):
            self.svc.request(FUSSY, seed=1, n=n, scale=scale)

    @rule(start=st.integers(0, 40))
    def prefetch(self, start):
        try:
            self.svc.prefetch(FUSSY, range(start, start + 10))
        except ServiceClosed:
            assert self.closed

    @rule(i=st.integers(0, 50))
    def cancel(self, i):
        if self.futures:
            self.futures[i % len(self.futures)][0].cancel()

    @rule()
    def close(self):
        self.svc.close()
        self.closed = True

    @invariant()
    def slots_never_leak(self):
        assert 0 <= self.svc._free[0] <= 6 and 0 <= self.svc._free[1] <= 4

    def teardown(self) -> None:
        try:
            for fut, seed, scale, n in self.futures:
                _check_outcome(fut, seed, scale, n)
        finally:
            self.svc.close()
            registry._REGISTRY.pop(FUSSY, None)


def _check_outcome(fut: Future, seed: int, scale: int, n: int | None) -> None:
    """The Future finished within FINISH_S, with the direct call's result, its own error or a cancel."""
    try:
        got = fut.result(timeout=FINISH_S)
    except CancelledError:
        return
    except ValueError as e:
        assert "unlucky seed" in str(e)
        return
    want = registry.make(FUSSY, scale=scale)(seed=seed, n=n)
    assert [x.value for x in (got if n else [got])] == [x.value for x in (want if n else [want])]


TestService = ServiceMachine.TestCase
TestService.settings = settings(max_examples=10, stateful_step_count=20, derandomize=True, deadline=None,
                                suppress_health_check=[HealthCheck.too_slow])
