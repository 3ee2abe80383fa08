"""POST /compress and /compress/messages: word-level compression with protected spans."""

from __future__ import annotations

import logging

from fastapi import APIRouter

from tokenflow_ml.compression import WordScorer, compress_texts
from tokenflow_ml.deps import DeadlineDep, Services, ServicesDep
from tokenflow_ml.errors import UnknownMethod, ensure_within_limit
from tokenflow_ml.schemas import (
    CompressedMessage,
    CompressMessage,
    CompressMessagesRequest,
    CompressMessagesResponse,
    CompressOptions,
    CompressRequest,
    CompressResponse,
    ErrorResponse,
    TextSegment,
    ValidationErrorResponse,
)

router = APIRouter(tags=["compression"])
log = logging.getLogger("tokenflow_ml.compress")

ERRORS: dict[int | str, dict[str, object]] = {
    400: {"model": ErrorResponse, "description": "Unknown or unloaded method"},
    413: {"model": ErrorResponse, "description": "Text longer than ML_MAX_TEXT_CHARS"},
    422: {"model": ValidationErrorResponse, "description": "Invalid request body"},
    503: {"model": ErrorResponse, "description": "Model unavailable or saturated"},
    504: {"model": ErrorResponse, "description": "Stopped at the request's deadline"},
}
KEPT_ROLES = frozenset({"system", "developer"})


def _scorer(services: Services, options: CompressOptions) -> WordScorer:
    method = options.method or services.settings.compression_default_method
    available = services.registry.methods("compression")
    if method not in available:
        raise UnknownMethod("method", method, available)
    scorer: WordScorer = services.registry.get("compression", method)
    return scorer


def _preserve(services: Services, options: CompressOptions) -> list[str]:
    default = services.settings.compression_default_preserve
    return list(default if options.preserve is None else options.preserve)


@router.post(
    "/compress", response_model=CompressResponse, responses=ERRORS, operation_id="compress"
)
async def compress(
    body: CompressRequest, services: ServicesDep, deadline: DeadlineDep
) -> CompressResponse:
    ensure_within_limit("text", len(body.text), services.settings.max_text_chars)
    scorer = _scorer(services, body)
    if services.settings.log_prompts:
        log.info("compress input", extra={"text": body.text})
    result = await services.run(
        "compression", scorer.model_name, deadline, compress_texts, scorer, [body.text], [True],
        body.ratio, body.target_tokens, body.force_tokens, _preserve(services, body),
        body.question,
    )  # fmt: skip
    [part] = result.parts
    return CompressResponse(
        original_text=part.original_text,
        compressed_text=part.compressed_text,
        original_tokens=result.original_tokens,
        compressed_tokens=result.compressed_tokens,
        compression_ratio=round(result.compression_ratio, 4),
        method=result.method,
        model=result.model,
        latency_ms=round(result.latency_ms, 2),
        segments=[TextSegment(text=t, kept=k) for t, k in part.segments],
    )


def compressible(messages: list[CompressMessage]) -> list[bool]:
    """Each message's own flag, else: system/developer and the latest user message are kept."""
    last_user = max((i for i, m in enumerate(messages) if m.role == "user"), default=-1)
    return [
        m.compress if m.compress is not None else (m.role not in KEPT_ROLES and i != last_user)
        for i, m in enumerate(messages)
    ]


@router.post(
    "/compress/messages",
    response_model=CompressMessagesResponse,
    responses=ERRORS,
    operation_id="compressMessages",
)
async def compress_messages(
    body: CompressMessagesRequest, services: ServicesDep, deadline: DeadlineDep
) -> CompressMessagesResponse:
    ensure_within_limit(
        "messages", sum(len(m.content) for m in body.messages), services.settings.max_text_chars
    )
    scorer = _scorer(services, body)
    flags = compressible(body.messages)
    question = body.question
    if question is None:  # the latest user message, when it is kept, is the question
        kept_users = [m.content for m, c in zip(body.messages, flags, strict=True)
                      if m.role == "user" and not c]  # fmt: skip
        question = kept_users[-1] if kept_users else None
    result = await services.run(
        "compression", scorer.model_name, deadline, compress_texts, scorer,
        [m.content for m in body.messages], flags, body.ratio, body.target_tokens,
        body.force_tokens, _preserve(services, body), question,
    )  # fmt: skip
    return CompressMessagesResponse(
        messages=[
            CompressedMessage(
                role=m.role,
                content=part.compressed_text,
                compressed=flag,
                original_tokens=part.original_tokens,
                compressed_tokens=part.compressed_tokens,
            )
            for m, part, flag in zip(body.messages, result.parts, flags, strict=True)
        ],
        original_tokens=result.original_tokens,
        compressed_tokens=result.compressed_tokens,
        compression_ratio=round(result.compression_ratio, 4),
        method=result.method,
        model=result.model,
        latency_ms=round(result.latency_ms, 2),
        question=question,
    )
