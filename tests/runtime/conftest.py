"""AssetService test fixtures: torch's thread count restored, the flaky fake generator registered."""
from __future__ import annotations

import pytest

from tests.runtime.fakes import FlakyGPU
from worldsmith.core import registry


@pytest.fixture(autouse=True)
def _restore_torch_threads():
    """AssetService sets torch's process-wide thread count (default 1): later tests keep theirs."""
    import torch

    import worldsmith

    before = torch.get_num_threads()
    yield
    worldsmith.set_threads(before)


@pytest.fixture
def flaky():
    """The id of :class:`FlakyGPU`, registered for the test."""
    registry._REGISTRY["test/flaky-v1"] = registry.GeneratorSpec("test/flaky-v1", "tests.runtime.fakes:FlakyGPU")
    FlakyGPU.calls.clear()
    yield "test/flaky-v1"
    del registry._REGISTRY["test/flaky-v1"]
