"""Operational endpoints: liveness, per-capability readiness, Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from tokenflow_ml.deps import Services, get_services
from tokenflow_ml.schemas import CapabilityStatus, HealthResponse, ReadyResponse

router = APIRouter(tags=["operations"])


@router.get("/health", response_model=HealthResponse, operation_id="health")
async def health() -> HealthResponse:
    return HealthResponse()


@router.get(
    "/ready",
    response_model=ReadyResponse,
    responses={503: {"model": ReadyResponse, "description": "Some capability is not loaded"}},
    operation_id="ready",
)
async def ready(services: Services = Depends(get_services)) -> JSONResponse:
    body = ReadyResponse(
        ready=services.registry.ready,
        capabilities=[
            CapabilityStatus(
                capability=c.capability,
                method=c.method,
                model=c.model,
                loaded=c.loaded,
                device=c.device,
                load_seconds=c.load_seconds,
                error=c.error,
            )
            for c in services.registry.capabilities.values()
        ],
    )
    return JSONResponse(body.model_dump(), status_code=200 if body.ready else 503)


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}, "description": "Prometheus exposition"}},
    operation_id="metrics",
)
async def metrics(services: Services = Depends(get_services)) -> Response:
    return Response(generate_latest(services.metrics.registry), media_type=CONTENT_TYPE_LATEST)
