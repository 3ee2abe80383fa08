"""Hands the heap memory a request freed back to the operating system.

glibc keeps what a thread frees in that thread's arena, and after large frees it raises its mmap
threshold, so later large buffers come from arenas too. Measured on the service: after 200,000-
character texts the process stayed ~120 MB above its baseline for good; with `malloc_trim(0)`
after each request's work it returns to the baseline. A no-op where libc has no malloc_trim.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable


def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS)
        return None
    return trim


_trim = _malloc_trim()


def trim_heap() -> None:
    if _trim is not None:
        _trim(0)
