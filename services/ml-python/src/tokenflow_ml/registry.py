"""Loads the configured models once and records per-capability status for /ready.

A capability that fails to load keeps its error; its endpoint answers 503 with that reason while
the other capabilities keep serving.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tokenflow_ml.config import Settings
from tokenflow_ml.errors import CapabilityUnavailable

log = logging.getLogger("tokenflow_ml.registry")


@dataclass
class Capability:
    capability: str
    method: str
    model: str
    device: str
    loader: Callable[[], Any]
    warmup: Callable[[Any], None] | None = None
    backend: Any = None
    loaded: bool = False
    load_seconds: float | None = None
    error: str | None = None

    def __post_init__(self) -> None:
        self._lock = threading.Lock()

    def load(self) -> None:
        with self._lock:
            if self.loaded or self.error is not None:
                return
            started = time.perf_counter()
            try:
                backend = self.loader()
                if self.warmup is not None:
                    self.warmup(backend)
            except Exception as exc:
                self.error = f"{type(exc).__name__}: {exc}"[:500]
                log.error("model load failed", extra={"capability": self.key, "error": self.error})
                return
            self.backend = backend
            self.loaded = True
            self.load_seconds = round(time.perf_counter() - started, 3)
            log.info("model loaded", extra={"capability": self.key, "seconds": self.load_seconds})

    @property
    def key(self) -> str:
        return f"{self.capability}:{self.method}"


class ModelRegistry:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.capabilities: dict[str, Capability] = {}

    def add(self, cap: Capability) -> None:
        self.capabilities[cap.key] = cap

    def load_all(self) -> None:
        for cap in self.capabilities.values():
            cap.load()

    def methods(self, capability: str) -> list[str]:
        return [c.method for c in self.capabilities.values() if c.capability == capability]

    def get(self, capability: str, method: str) -> Any:
        cap = self.capabilities.get(f"{capability}:{method}")
        if cap is None:
            raise CapabilityUnavailable(capability, f"method {method!r} is not configured")
        if not cap.loaded:
            cap.load()  # lazy when ML_EAGER_LOAD=false; a no-op after a failure
        if cap.error is not None:
            raise CapabilityUnavailable(capability, cap.error)
        return cap.backend

    @property
    def ready(self) -> bool:
        return bool(self.capabilities) and all(c.loaded for c in self.capabilities.values())
