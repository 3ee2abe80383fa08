"""ASGI middleware: request id, internal-token auth, one JSON log line and metrics per request.

Pure ASGI (not BaseHTTPMiddleware) so streamed responses and client disconnects pass through. It
also stamps when the request arrived: a request's deadline counts from there, queueing included.
"""

from __future__ import annotations

import hmac
import logging
import re
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tokenflow_ml.config import Settings
from tokenflow_ml.errors import error_response
from tokenflow_ml.metrics import Metrics

log = logging.getLogger("tokenflow_ml.access")
_SAFE_ID = re.compile(r"^[\w.:-]{1,128}$")
# Liveness and readiness answer without a token: probes and start-up scripts have none.
PUBLIC_PATHS = frozenset({"/health", "/ready"})
KNOWN_PATHS = frozenset(
    {"/health", "/ready", "/metrics", "/compress", "/compress/messages", "/classify",
     "/v1/chat/completions", "/v1/models", "/openapi.json", "/docs"}
)  # fmt: skip


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings, metrics: Metrics) -> None:
        self.app = app
        self.settings = settings
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        incoming = headers.get("x-request-id", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        state["received_at"] = time.monotonic()
        path: str = scope["path"]
        started = time.perf_counter()
        status = {"code": 500}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            token = self.settings.internal_token  # None only with ML_ALLOW_ANONYMOUS=true
            if token is not None and path not in PUBLIC_PATHS:
                given = headers.get("x-internal-token", "")
                if not hmac.compare_digest(given.encode(), token.encode()):
                    response = error_response(
                        path, 401, "missing or invalid X-Internal-Token", "unauthorized"
                    )
                    await response(scope, receive, send_with_id)
                    return
            await self.app(scope, receive, send_with_id)
        finally:
            endpoint = path if path in KNOWN_PATHS else "other"
            self.metrics.requests.labels(
                endpoint=endpoint, method=scope["method"], status=str(status["code"])
            ).inc()
            fields: dict[str, Any] = {
                "request_id": request_id,
                "method": scope["method"],
                "path": path,
                "status": status["code"],
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            }
            log.info("request", extra=fields)
