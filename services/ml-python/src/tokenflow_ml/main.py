"""Builds the FastAPI app: settings, model registry in the lifespan, middleware, routes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from tokenflow_ml import __version__
from tokenflow_ml.batcher import MicroBatcher
from tokenflow_ml.classification import Classification, ClassifyJob
from tokenflow_ml.config import Settings, get_settings
from tokenflow_ml.deps import Services
from tokenflow_ml.errors import install_error_handlers
from tokenflow_ml.limiter import CapabilityLimiter
from tokenflow_ml.logging_json import configure_logging
from tokenflow_ml.metrics import Metrics
from tokenflow_ml.middleware import RequestContextMiddleware
from tokenflow_ml.registry import ModelRegistry
from tokenflow_ml.routes import chat, classify, compress, ops


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    settings.check_auth()
    settings.apply_environment()
    configure_logging(settings.log_level)
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.torch_threads:
            import torch

            torch.set_num_threads(settings.torch_threads)
        from tokenflow_ml.loaders import build_registry

        registry = build_registry(settings)
        services = _services(settings, registry, metrics)
        app.state.services = services
        if settings.eager_load:
            await asyncio.to_thread(registry.load_all)
        try:
            yield
        finally:
            await asyncio.to_thread(services.batcher.close)

    app = FastAPI(
        title="TokenFlow ML service",
        version=__version__,
        description="Prompt compression (LLMLingua), prompt classification and an "
        "OpenAI-compatible local chat model. Token counts use tiktoken cl100k_base.",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.add_middleware(RequestContextMiddleware, settings=settings, metrics=metrics)
    app.include_router(ops.router)
    app.include_router(compress.router)
    app.include_router(classify.router)
    app.include_router(chat.router)
    _document_stream_chunks(app)
    return app


def _document_stream_chunks(app: FastAPI) -> None:
    """SSE chunks are not a response_model; add their schema so the TS client can type them, and
    the event that carries them, which the route's text/event-stream response names."""
    from fastapi.openapi.utils import get_openapi

    from tokenflow_ml.schemas import ChatCompletionChunk, ChatCompletionEvent

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            chunk = ChatCompletionChunk.model_json_schema(
                ref_template="#/components/schemas/{model}"
            )
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components.update(chunk.pop("$defs", {}))
            components["ChatCompletionChunk"] = chunk
            components["ChatCompletionEvent"] = ChatCompletionEvent.model_json_schema()
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _services(settings: Settings, registry: ModelRegistry, metrics: Metrics) -> Services:
    def classify_batch(jobs: list[ClassifyJob]) -> list[Classification]:
        backend = registry.get("classification", settings.classifier_backend)
        result: list[Classification] = backend.classify_batch(jobs)
        return result

    s = settings
    limiters = {
        "compression": CapabilityLimiter(
            "compression", s.max_concurrency_compression, s.max_queue_compression,
            s.queue_timeout_s,
        ),
        "classification": CapabilityLimiter(
            "classification", s.max_concurrency_classification, s.max_queue_classification,
            s.queue_timeout_s,
        ),
        "generation": CapabilityLimiter(
            "generation", s.max_concurrency_generation, s.max_queue_generation,
            s.queue_timeout_s,
        ),
    }  # fmt: skip
    batcher: MicroBatcher[ClassifyJob, Classification] = MicroBatcher(
        classify_batch,
        settings.classify_batch_window_ms,
        settings.classify_max_batch_size,
        enabled=settings.classify_batching,
    )
    return Services(settings, registry, metrics, limiters, batcher)


def app_factory() -> FastAPI:
    """Entry point for `uvicorn --factory tokenflow_ml.main:app_factory`."""
    return create_app()
