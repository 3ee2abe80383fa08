"""The service answers as its committed OpenAPI document says: schemathesis generates requests from
the document and checks statuses, content types and bodies against it, over ASGI with the real
models (the transport runs the app's lifespan once and keeps it for the session)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import AUTH
from tests.conftest import settings as service_settings
from tokenflow_ml.main import create_app


def not_a_server_error_but_its_own_deadline(
    ctx: Any, response: Any, case: schemathesis.Case
) -> Any:
    """504 is the documented answer once a request's own X-Request-Timeout-Ms is spent, and the
    generator sends 1 ms; any other 5xx is a server error."""
    headers = {k.lower() for k in case.headers or {}}
    if response.status_code == 504 and "x-request-timeout-ms" in headers:
        return None
    return not_a_server_error(ctx, response, case)


CHECKS = [
    not_a_server_error_but_its_own_deadline,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
]


DOCUMENT = Path(__file__).resolve().parents[1] / "openapi.json"

# Short generations keep the chat examples (streamed or not) fast on CPU.
app = create_app(service_settings(generation_max_tokens=4))
# Loaded from the file, not the app, so collecting this module loads no model.
schema = schemathesis.openapi.from_path(DOCUMENT)


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_conforms_to_its_openapi_document(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS, app=app, headers=AUTH)


def test_streamed_chat_conforms_to_its_openapi_document() -> None:
    # Generated bodies rarely name the loaded model, so the event stream gets one explicit case.
    operation = schema["/v1/chat/completions"]["POST"]
    case = operation.Case(
        body={
            "model": service_settings().generation_model_id,
            "messages": [{"role": "user", "content": "Say hi"}],
            "stream": True,
        },
        media_type="application/json",
    )
    response = case.call_and_validate(checks=CHECKS, app=app, headers=AUTH)
    assert response.headers["content-type"][0].startswith("text/event-stream")
