"""A request's deadline and cancel flag, shared by the HTTP handler and the thread doing its work.

The handler sets the budget and cancels it when the client goes away; the model loops call
`check_deadline()` between passes, so the work itself stops, not only the wait for its answer.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Literal

StopReason = Literal["deadline", "disconnect"]


class WorkStopped(Exception):
    def __init__(self, reason: StopReason, budget_s: float) -> None:
        super().__init__(
            f"stopped at the request's {budget_s:g} s deadline (X-Request-Timeout-Ms, capped "
            "by ML_REQUEST_TIMEOUT_S)"
            if reason == "deadline"
            else "stopped: the client disconnected"
        )
        self.reason = reason
        self.budget_s = budget_s


class Deadline:
    def __init__(self, budget_s: float, started: float | None = None) -> None:
        self.budget_s = budget_s
        self.expires = (time.monotonic() if started is None else started) + budget_s
        # Set on the event loop, read by the worker thread between model passes.
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def remaining(self) -> float:
        return self.expires - time.monotonic()

    def check(self) -> None:
        if self._cancelled.is_set():
            raise WorkStopped("disconnect", self.budget_s)
        if self.remaining() <= 0:
            raise WorkStopped("deadline", self.budget_s)


_current: ContextVar[Deadline | None] = ContextVar("tokenflow_ml_deadline", default=None)


def check_deadline() -> None:
    """Raise WorkStopped when the request this thread works for is past its deadline or gone.
    A no-op outside a request (warm-up, training, the benchmarks)."""
    deadline = _current.get()
    if deadline is not None:
        deadline.check()


@contextmanager
def running_under(deadline: Deadline) -> Iterator[None]:
    """Make `check_deadline()` in this thread (context) check `deadline`."""
    token = _current.set(deadline)
    try:
        yield
    finally:
        _current.reset(token)
