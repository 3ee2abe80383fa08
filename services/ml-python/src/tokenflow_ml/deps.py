"""FastAPI dependencies: the loaded models and shared services live on `app.state`; every ML
request gets a deadline that its client's disconnect cancels."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header, Request

from tokenflow_ml.batcher import MicroBatcher
from tokenflow_ml.classification import Classification, ClassifyJob
from tokenflow_ml.config import Settings
from tokenflow_ml.deadline import Deadline, WorkStopped
from tokenflow_ml.limiter import CapabilityLimiter
from tokenflow_ml.metrics import Metrics
from tokenflow_ml.registry import ModelRegistry
from tokenflow_ml.worker import run_in_worker

T = TypeVar("T")
DEADLINE_HEADER = "X-Request-Timeout-Ms"


@dataclass
class Services:
    settings: Settings
    registry: ModelRegistry
    metrics: Metrics
    limiters: dict[str, CapabilityLimiter]
    batcher: MicroBatcher[ClassifyJob, Classification]

    @asynccontextmanager
    async def admitted(
        self, capability: str, model: str, deadline: Deadline
    ) -> AsyncIterator[None]:
        """Hold one of the capability's slots (bounded wait, then 503) and time the work."""
        limiter = self.limiters[capability]
        queued = self.metrics.queue_depth.labels(capability=capability)
        running = self.metrics.in_flight.labels(capability=capability)
        queued.inc()
        waiting = True
        try:
            async with limiter.slot(deadline):
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

    async def run(
        self, capability: str, model: str, deadline: Deadline, fn: Callable[..., T], *args: Any
    ) -> T:
        """Run blocking inference in a worker thread under the capability's admission limit; the
        thread stops at its next model pass once the deadline passes or the client leaves."""
        async with self.admitted(capability, model, deadline):
            return await run_in_worker(deadline, f"{capability}-worker", fn, *args)

    async def classify(self, job: ClassifyJob, model: str, deadline: Deadline) -> Classification:
        """One job through the batching thread; a job given up before its batch starts is
        dropped from it."""
        async with self.admitted("classification", model, deadline):
            try:
                return await asyncio.wait_for(self.batcher.submit(job), deadline.remaining())
            except TimeoutError:
                raise WorkStopped("deadline", deadline.budget_s) from None


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


async def request_deadline(
    request: Request,
    services: ServicesDep,
    timeout_ms: Annotated[
        int | None,
        Header(
            alias=DEADLINE_HEADER.lower(),
            ge=1,
            description="Milliseconds the caller will wait, counted from when the request "
            "arrives; the work stops when they are spent (504). Capped by ML_REQUEST_TIMEOUT_S, "
            "which applies alone when the header is absent.",
        ),
    ] = None,
) -> AsyncIterator[Deadline]:
    budget = services.settings.request_timeout_s
    if timeout_ms is not None:
        budget = min(budget, timeout_ms / 1000)
    deadline = Deadline(budget, request.scope.get("state", {}).get("received_at"))
    handler = asyncio.current_task()
    assert handler is not None
    gone = False

    async def watch() -> None:
        # The body is read by now, so the next message is the client's disconnect (uvicorn also
        # sends one once the response is complete; by then this watcher is cancelled).
        nonlocal gone
        while (await request.receive())["type"] != "http.disconnect":
            pass
        gone = True
        deadline.cancel()
        handler.cancel()  # wakes whatever the handler awaits: the queue, a batch, the worker

    watcher = asyncio.create_task(watch())
    try:
        yield deadline
    except asyncio.CancelledError:
        if not gone:
            raise
        handler.uncancel()
        raise WorkStopped("disconnect", budget) from None
    finally:
        watcher.cancel()


# "function" scope: the watcher ends when the handler returns, before a streamed body starts
# (streams have their own disconnect handling).
DeadlineDep = Annotated[Deadline, Depends(request_deadline, scope="function")]
