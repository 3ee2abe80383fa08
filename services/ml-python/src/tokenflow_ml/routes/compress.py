"""POST /compress: prompt compression with protected spans and a kept/removed word view."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Depends

from tokenflow_ml.compression import compress_text
from tokenflow_ml.deps import Services, get_services
from tokenflow_ml.errors import UnknownMethod, ensure_within_limit
from tokenflow_ml.schemas import CompressRequest, CompressResponse, ErrorResponse, TextSegment

router = APIRouter(tags=["compression"])
log = logging.getLogger("tokenflow_ml.compress")

ERRORS: dict[int | str, dict[str, object]] = {
    400: {"model": ErrorResponse, "description": "Unknown or unloaded method"},
    413: {"model": ErrorResponse, "description": "Text longer than ML_MAX_TEXT_CHARS"},
    503: {"model": ErrorResponse, "description": "Model unavailable or saturated"},
}


@router.post(
    "/compress", response_model=CompressResponse, responses=ERRORS, operation_id="compress"
)
async def compress(
    body: CompressRequest, services: Services = Depends(get_services)
) -> CompressResponse:
    settings = services.settings
    ensure_within_limit("text", len(body.text), settings.max_text_chars)
    method = body.method or settings.compression_default_method
    available = services.registry.methods("compression")
    if method not in available:
        raise UnknownMethod("method", method, available)
    backend = services.registry.get("compression", method)
    preserve = list(
        settings.compression_default_preserve if body.preserve is None else body.preserve
    )
    if settings.log_prompts:
        log.info("compress input", extra={"text": body.text})
    result = await services.run(
        "compression", backend.model_name, compress_text, backend, body.text, body.ratio,
        body.target_tokens, body.force_tokens, preserve,
    )  # fmt: skip
    return CompressResponse(
        original_text=result.original_text,
        compressed_text=result.compressed_text,
        original_tokens=result.original_tokens,
        compressed_tokens=result.compressed_tokens,
        compression_ratio=round(result.compression_ratio, 4),
        method=result.method,
        model=result.model,
        latency_ms=round(result.latency_ms, 2),
        segments=[TextSegment(text=t, kept=k) for t, k in result.segments],
    )
