"""Bounded admission per capability: a few run, a bounded queue waits (briefly), the rest get 503."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from tokenflow_ml.deadline import Deadline
from tokenflow_ml.errors import Saturated


class CapabilityLimiter:
    def __init__(
        self, capability: str, max_concurrency: int, max_waiting: int, queue_timeout_s: float
    ) -> None:
        self.capability = capability
        self.max_concurrency = max(1, max_concurrency)
        self.max_waiting = max(0, max_waiting)  # the queue is bounded, never open-ended
        self.queue_timeout_s = queue_timeout_s
        self._semaphore = asyncio.Semaphore(self.max_concurrency)
        self.in_flight = 0
        self.waiting = 0

    @asynccontextmanager
    async def slot(self, deadline: Deadline) -> AsyncIterator[None]:
        if self._semaphore.locked():  # every slot taken (or others already queued): wait
            if self.waiting >= self.max_waiting:
                raise Saturated(self.capability, self.queue_timeout_s or 1.0)
            self.waiting += 1
            try:
                await asyncio.wait_for(
                    self._semaphore.acquire(),
                    timeout=max(0.0, min(self.queue_timeout_s, deadline.remaining())),
                )
            except TimeoutError:
                deadline.check()  # the request's own deadline passed first: 504, not 503
                raise Saturated(self.capability, self.queue_timeout_s or 1.0) from None
            finally:
                self.waiting -= 1
        else:
            await self._semaphore.acquire()
        self.in_flight += 1
        try:
            yield
        finally:
            self.in_flight -= 1
            self._semaphore.release()
