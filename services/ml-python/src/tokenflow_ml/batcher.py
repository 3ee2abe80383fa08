"""Micro-batcher: requests arriving within a few ms share one forward pass of the classifier."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Generic, TypeVar

In = TypeVar("In")
Out = TypeVar("Out")


class MicroBatcher(Generic[In, Out]):
    def __init__(
        self,
        fn: Callable[[list[In]], list[Out]],
        window_ms: float,
        max_batch_size: int,
        enabled: bool = True,
    ) -> None:
        self.fn = fn
        self.window_s = window_ms / 1000
        self.max_batch_size = max(1, max_batch_size)
        self.enabled = enabled
        self._pending: list[tuple[In, asyncio.Future[Out]]] = []
        self._timer: asyncio.TimerHandle | None = None
        self.batches = 0

    async def submit(self, item: In) -> Out:
        if not self.enabled:
            self.batches += 1
            return (await asyncio.to_thread(self.fn, [item]))[0]
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Out] = loop.create_future()
        self._pending.append((item, future))
        if len(self._pending) >= self.max_batch_size:
            self._flush()
        elif self._timer is None:
            self._timer = loop.call_later(self.window_s, self._flush)
        return await future

    def _flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batch, self._pending = self._pending, []
        if batch:
            self.batches += 1
            asyncio.get_running_loop().create_task(self._run(batch))

    async def _run(self, batch: list[tuple[In, asyncio.Future[Out]]]) -> None:
        try:
            outputs = await asyncio.to_thread(self.fn, [item for item, _ in batch])
        except Exception as exc:
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        for (_, future), out in zip(batch, outputs, strict=True):
            if not future.done():
                future.set_result(out)
