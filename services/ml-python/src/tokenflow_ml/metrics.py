"""Prometheus metrics, one registry per app instance (tests build several apps per process)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.inference_seconds = Histogram(
            "tokenflow_ml_inference_seconds",
            "Inference latency per capability and model.",
            ["capability", "model"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
            registry=self.registry,
        )
        self.in_flight = Gauge(
            "tokenflow_ml_in_flight", "Requests running per capability.", ["capability"],
            registry=self.registry,
        )  # fmt: skip
        self.queue_depth = Gauge(
            "tokenflow_ml_queue_depth", "Requests waiting for a slot per capability.",
            ["capability"], registry=self.registry,
        )  # fmt: skip
        self.rejections = Counter(
            "tokenflow_ml_rejections_total", "Requests rejected as saturated.", ["capability"],
            registry=self.registry,
        )  # fmt: skip
        self.requests = Counter(
            "tokenflow_ml_requests_total", "HTTP requests by endpoint and status.",
            ["endpoint", "method", "status"], registry=self.registry,
        )  # fmt: skip
