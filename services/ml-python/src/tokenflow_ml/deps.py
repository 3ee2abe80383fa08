"""FastAPI dependencies: the loaded models and shared services live on `app.state`."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import Request

from tokenflow_ml.batcher import MicroBatcher
from tokenflow_ml.classification import Classification, ClassifyJob
from tokenflow_ml.config import Settings
from tokenflow_ml.limiter import CapabilityLimiter
from tokenflow_ml.metrics import Metrics
from tokenflow_ml.registry import ModelRegistry

T = TypeVar("T")


@dataclass
class Services:
    settings: Settings
    registry: ModelRegistry
    metrics: Metrics
    limiters: dict[str, CapabilityLimiter]
    batcher: MicroBatcher[ClassifyJob, Classification]

    @asynccontextmanager
    async def admitted(self, capability: str, model: str) -> AsyncIterator[None]:
        """Hold one of the capability's slots (bounded wait, then 503) and time the work."""
        limiter = self.limiters[capability]
        queued = self.metrics.queue_depth.labels(capability=capability)
        running = self.metrics.in_flight.labels(capability=capability)
        queued.inc()
        waiting = True
        try:
            async with limiter.slot():
                queued.dec()
                waiting = False
                running.inc()
                started = time.perf_counter()
                try:
                    yield
                finally:
                    elapsed = time.perf_counter() - started
                    self.metrics.inference_seconds.labels(
                        capability=capability, model=model
                    ).observe(elapsed)
                    running.dec()
        finally:
            if waiting:
                queued.dec()

    async def run(self, capability: str, model: str, fn: Callable[..., T], *args: Any) -> T:
        """Run blocking inference in a worker thread under the capability's admission limit."""
        async with self.admitted(capability, model):
            return await asyncio.to_thread(fn, *args)


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services
