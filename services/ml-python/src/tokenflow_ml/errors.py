"""Domain errors and their single mapping to HTTP responses (OpenAI error shape under /v1)."""

from __future__ import annotations

import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from tokenflow_ml.deadline import WorkStopped


def ensure_within_limit(field: str, chars: int, limit: int) -> None:
    """413 naming the field when a text is longer than ML_MAX_TEXT_CHARS."""
    if chars > limit:
        raise StarletteHTTPException(
            413, f"{field}: {chars} characters exceed ML_MAX_TEXT_CHARS={limit}"
        )


class CapabilityUnavailable(Exception):
    def __init__(self, capability: str, reason: str) -> None:
        super().__init__(f"{capability} unavailable: {reason}")
        self.capability = capability
        self.reason = reason


class Saturated(Exception):
    def __init__(self, capability: str, retry_after_s: float) -> None:
        super().__init__(f"{capability} is saturated; retry later")
        self.capability = capability
        self.retry_after_s = retry_after_s


class UnknownMethod(Exception):
    def __init__(self, field: str, value: str, available: list[str]) -> None:
        super().__init__(f"{field}: method {value!r} is not loaded; available: {available}")
        self.field = field


_OPENAI_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    404: "not_found_error",
    413: "invalid_request_error",
    422: "invalid_request_error",
    503: "service_unavailable",
    504: "timeout_error",
}
# nginx's "client closed request": only ever in our own logs and metrics, nobody receives it.
CLIENT_CLOSED_REQUEST = 499


def is_openai_path(path: str) -> bool:
    return path.startswith("/v1/")


def error_response(
    request_path: str,
    status: int,
    message: str,
    code: str | None = None,
    headers: dict[str, str] | None = None,
    param: str | None = None,
) -> JSONResponse:
    if is_openai_path(request_path):
        body: dict[str, Any] = {
            "error": {
                "message": message,
                "type": _OPENAI_TYPES.get(status, "api_error"),
                "code": code,
                "param": param,
            }
        }
        status = 400 if status == 422 else status
    else:
        body = {"detail": message}
    return JSONResponse(body, status_code=status, headers=headers)


def _describe_validation(exc: RequestValidationError) -> tuple[str, str | None]:
    parts = []
    first_field = None
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", []) if p != "body"]
        field = ".".join(loc) or "body"
        first_field = first_field or field
        msg = str(err.get("msg", "invalid"))
        if err.get("type") == "json_invalid":
            msg = "malformed JSON body"
        parts.append(f"{field}: {msg}")
    return "; ".join(parts) or "invalid request", first_field


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def on_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        message, field = _describe_validation(exc)
        if is_openai_path(request.url.path):
            return error_response(request.url.path, 400, message, "invalid_request", param=field)
        return JSONResponse({"detail": message, "errors": _jsonable(exc.errors())}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return error_response(
            request.url.path, exc.status_code, str(exc.detail), headers=dict(exc.headers or {})
        )

    @app.exception_handler(CapabilityUnavailable)
    async def on_unavailable(request: Request, exc: CapabilityUnavailable) -> JSONResponse:
        return error_response(
            request.url.path,
            503,
            f"{exc.capability} unavailable: {exc.reason}",
            "model_unavailable",
        )

    @app.exception_handler(Saturated)
    async def on_saturated(request: Request, exc: Saturated) -> JSONResponse:
        request.app.state.services.metrics.rejections.labels(capability=exc.capability).inc()
        retry = str(max(1, math.ceil(exc.retry_after_s)))
        return error_response(
            request.url.path, 503, str(exc), "overloaded", headers={"Retry-After": retry}
        )

    @app.exception_handler(WorkStopped)
    async def on_stopped(request: Request, exc: WorkStopped) -> JSONResponse:
        if exc.reason == "disconnect":
            return error_response(
                request.url.path, CLIENT_CLOSED_REQUEST, str(exc), "client_disconnected"
            )
        return error_response(request.url.path, 504, str(exc), "deadline_exceeded")

    @app.exception_handler(UnknownMethod)
    async def on_unknown_method(request: Request, exc: UnknownMethod) -> JSONResponse:
        return error_response(request.url.path, 400, str(exc), "unknown_method", param=exc.field)


def _jsonable(errors: Any) -> Any:
    out = []
    for err in errors:
        item = {k: v for k, v in err.items() if k in ("type", "loc", "msg")}
        out.append(item)
    return out
