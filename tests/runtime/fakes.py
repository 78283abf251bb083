"""Fake generators and worker controls shared by the AssetService tests."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import ClassVar

import torch

from worldsmith.core.config import Config, param
from worldsmith.core.generator import Generator
from worldsmith.runtime import AssetService
from worldsmith.types.base import Asset, AssetMeta


@dataclass(eq=False)
class Number(Asset):
    value: int
    meta: AssetMeta


@dataclass(frozen=True)
class NumberConfig(Config):
    scale: int = param(1, lo=1, hi=10)


class FlakyGPU(Generator):
    """A generator that runs out of CUDA memory whenever it is not on the CPU."""

    id = "test/flaky-v1"
    Config = NumberConfig
    asset_type = Number
    calls: ClassVar[list[int]] = []

    def _generate(self, seeds):
        FlakyGPU.calls.append(len(seeds))
        if self.device != "cpu":
            raise torch.cuda.OutOfMemoryError("simulated CUDA out of memory")
        return [Number(s * self.config.scale, self.meta(s)) for s in seeds]


class Fussy(Generator):
    """Fails for every seed divisible by 7; otherwise a number."""

    id = "test/fussy-v1"
    Config = NumberConfig
    asset_type = Number

    def _generate(self, seeds):
        if any(s % 7 == 0 for s in seeds):
            raise ValueError(f"unlucky seed among {seeds}")
        return [Number(s * self.config.scale, self.meta(s)) for s in seeds]


def _hold(svc: AssetService) -> None:
    """Stop the worker so requests queue up."""
    svc._stop.set()
    svc._worker.join()


def _resume(svc: AssetService) -> None:
    svc._stop.clear()
    svc._worker = threading.Thread(target=svc._run, daemon=True)
    svc._worker.start()
