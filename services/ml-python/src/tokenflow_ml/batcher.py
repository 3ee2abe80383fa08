"""Micro-batcher: one inference thread runs every request that is waiting as one forward pass.

Requests go into a queue; a single worker thread takes whatever is queued when the model becomes
free (up to `max_batch_size`) and runs it as one batch, so a lone request never waits for a timer
and a burst shares one padded pass. Disabled, the same worker runs one request per pass: the naive
baseline differs from batching in nothing else (same thread, same admission limits).
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

In = TypeVar("In")
Out = TypeVar("Out")


@dataclass
class _Pending(Generic[In, Out]):
    item: In
    future: asyncio.Future[Out]
    loop: asyncio.AbstractEventLoop


class MicroBatcher(Generic[In, Out]):
    def __init__(
        self,
        fn: Callable[[list[In]], list[Out]],
        window_ms: float,
        max_batch_size: int,
        enabled: bool = True,
    ) -> None:
        self.fn = fn
        # Optional extra wait for stragglers once a request is in hand; 0 (the default) batches
        # only what queued up while the previous pass ran, which costs a lone request nothing.
        self.window_s = max(0.0, window_ms / 1000)
        self.max_batch_size = max(1, max_batch_size) if enabled else 1
        self.enabled = enabled
        self._queue: queue.SimpleQueue[_Pending[In, Out] | None] = queue.SimpleQueue()
        self._worker: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self.batches = 0
        self.largest_batch = 0

    async def submit(self, item: In) -> Out:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Out] = loop.create_future()
        self._ensure_worker()
        self._queue.put(_Pending(item, future, loop))
        return await future

    def close(self) -> None:
        """Stop the worker after the batches already queued (called at app shutdown)."""
        with self._start_lock:
            worker, self._worker = self._worker, None
        if worker is not None:
            self._queue.put(None)
            worker.join(timeout=30)

    def _ensure_worker(self) -> None:
        if self._worker is not None and self._worker.is_alive():
            return
        with self._start_lock:
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(
                    target=self._loop, name="classify-batcher", daemon=True
                )
                self._worker.start()

    def _loop(self) -> None:
        while True:
            first = self._queue.get()  # blocks: no polling, no sleep while idle
            if first is None:
                return
            batch, stop = self._collect(first)
            self._run(batch)
            if stop:
                return

    def _collect(self, first: _Pending[In, Out]) -> tuple[list[_Pending[In, Out]], bool]:
        batch = [first]
        deadline = time.monotonic() + self.window_s
        while len(batch) < self.max_batch_size:
            remaining = deadline - time.monotonic()
            try:
                nxt = (
                    self._queue.get(timeout=remaining)
                    if remaining > 0
                    else self._queue.get_nowait()
                )
            except queue.Empty:
                break
            if nxt is None:
                return batch, True
            batch.append(nxt)
        return batch, False

    def _run(self, batch: list[_Pending[In, Out]]) -> None:
        live = [p for p in batch if not p.future.done()]  # the caller may have gone away
        if not live:
            return
        self.batches += 1
        self.largest_batch = max(self.largest_batch, len(live))
        outputs: list[Out] | None = None
        error: BaseException | None = None
        try:
            outputs = self.fn([p.item for p in live])
        except Exception as exc:  # delivered to every caller of the batch
            error = exc
        by_loop: dict[asyncio.AbstractEventLoop, list[int]] = {}
        for i, pending in enumerate(live):
            by_loop.setdefault(pending.loop, []).append(i)
        for loop, indices in by_loop.items():
            futures = [live[i].future for i in indices]
            outs = None if outputs is None else [outputs[i] for i in indices]
            # One wake-up of the event loop per batch, not one per request. A closed loop means
            # nobody is waiting any more.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(_settle, futures, outs, error)


def _settle(
    futures: list[asyncio.Future[Out]], outputs: list[Out] | None, error: BaseException | None
) -> None:
    for i, future in enumerate(futures):
        if future.done():
            continue
        if outputs is None:
            future.set_exception(error or RuntimeError("classification batch failed"))
        else:
            future.set_result(outputs[i])
