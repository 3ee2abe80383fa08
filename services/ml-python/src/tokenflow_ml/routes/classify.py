"""POST /classify: route a prompt to one (or several) of the given categories."""

from __future__ import annotations

import logging
import time

from fastapi import APIRouter

from tokenflow_ml.classification import ClassifyJob
from tokenflow_ml.deps import DeadlineDep, ServicesDep
from tokenflow_ml.errors import ensure_within_limit
from tokenflow_ml.schemas import (
    CategoryScore,
    ClassifyRequest,
    ClassifyResponse,
    ErrorResponse,
    ValidationErrorResponse,
)

router = APIRouter(tags=["classification"])
log = logging.getLogger("tokenflow_ml.classify")

ERRORS: dict[int | str, dict[str, object]] = {
    # FastAPI's own answer to a body it cannot decode at all (not UTF-8).
    400: {"model": ErrorResponse, "description": "Body that cannot be decoded"},
    413: {
        "model": ErrorResponse,
        "description": "Prompt or descriptions longer than ML_MAX_TEXT_CHARS",
    },
    422: {"model": ValidationErrorResponse, "description": "Invalid request body"},
    503: {"model": ErrorResponse, "description": "Model unavailable or saturated"},
    504: {"model": ErrorResponse, "description": "Stopped at the request's deadline"},
}


@router.post(
    "/classify", response_model=ClassifyResponse, responses=ERRORS, operation_id="classify"
)
async def classify(
    body: ClassifyRequest, services: ServicesDep, deadline: DeadlineDep
) -> ClassifyResponse:
    settings = services.settings
    ensure_within_limit("prompt", len(body.prompt), settings.max_text_chars)
    # Description texts are embedded and cached per text: bounded like the prompt.
    ensure_within_limit(
        "descriptions",
        sum(len(t) for texts in (body.descriptions or {}).values() for t in texts),
        settings.max_text_chars,
    )
    method = settings.classifier_backend
    backend = services.registry.get("classification", method)
    descriptions = {
        c: texts for c, texts in (body.descriptions or {}).items() if c in body.possible_categories
    }
    job = ClassifyJob(body.prompt, list(body.possible_categories), body.multi_label, descriptions)
    if settings.log_prompts:
        log.info("classify input", extra={"prompt": body.prompt})
    started = time.perf_counter()
    result = await services.classify(job, backend.model_name, deadline)
    ranked = sorted(
        (
            CategoryScore(category=c, score=round(s, 6))
            for c, s in zip(job.categories, result.scores, strict=True)
        ),
        key=lambda cs: cs.score,
        reverse=True,
    )
    return ClassifyResponse(
        top_category=ranked[0].category,
        confidence_score=ranked[0].score,
        all_categories=ranked,
        model=backend.model_name,
        method=result.method,
        calibrated=result.calibrated,
        latency_ms=round((time.perf_counter() - started) * 1000, 2),
    )
