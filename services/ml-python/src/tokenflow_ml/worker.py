"""Runs one request's blocking model work in a thread of its own, under the request's deadline."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from tokenflow_ml.deadline import Deadline, running_under
from tokenflow_ml.heap import trim_heap

T = TypeVar("T")


async def run_in_worker(deadline: Deadline, name: str, fn: Callable[..., T], *args: Any) -> T:
    """`fn(*args)` in a new thread named `name`; returns (or raises) when that thread ends.

    Cancelling the caller (the client went away) cancels the deadline, then still waits for the
    thread to stop at its next check, so the caller's admission slot is never freed while its work
    runs on. A thread per request, not a pool: a stopped request leaves nothing running, which
    is also what the tests observe."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[T] = loop.create_future()

    def settle(result: T | None, error: BaseException | None) -> None:
        if done.done():
            return
        if error is not None:
            done.set_exception(error)
        else:
            done.set_result(result)  # type: ignore[arg-type]

    def work() -> None:
        result: T | None = None
        error: BaseException | None = None
        try:
            with running_under(deadline):
                result = fn(*args)
        except BaseException as exc:  # delivered to the awaiting handler
            error = exc
        trim_heap()
        with contextlib.suppress(RuntimeError):  # the loop closed: nobody is waiting
            loop.call_soon_threadsafe(settle, result, error)

    threading.Thread(target=work, name=name, daemon=True).start()
    try:
        return await asyncio.shield(done)
    except asyncio.CancelledError:
        deadline.cancel()
        with contextlib.suppress(BaseException):
            await asyncio.shield(done)
        raise
