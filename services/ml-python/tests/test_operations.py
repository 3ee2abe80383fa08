"""Auth, admission control, load failures and fuzzed input, on light configurations."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from tests.conftest import AUTH, settings
from tokenflow_ml.main import create_app


@pytest.fixture(scope="module")
def classify_only() -> Iterator[TestClient]:
    app = create_app(
        settings(enable_compression=False, enable_generation=False, internal_token="s3cret")
    )
    with TestClient(app, headers={"X-Internal-Token": "s3cret"}) as client:
        yield client


def test_internal_token_required_except_health_and_ready(classify_only: TestClient) -> None:
    anon = {"X-Internal-Token": ""}
    assert classify_only.get("/health", headers=anon).status_code == 200
    assert classify_only.get("/ready", headers=anon).status_code == 200
    assert classify_only.get("/metrics", headers=anon).status_code == 401
    res = classify_only.post("/v1/chat/completions", headers={"X-Internal-Token": "nope"}, json={})
    assert res.status_code == 401 and res.json()["error"]["type"] == "authentication_error"
    body = {"prompt": "hello", "possible_categories": ["a", "b"]}
    assert classify_only.post("/classify", headers=anon, json=body).status_code == 401
    assert classify_only.post("/classify", json=body).status_code == 200


def test_model_load_failure_is_reported_and_isolated() -> None:
    app = create_app(
        settings(
            llmlingua_model="/nonexistent/model",
            enable_generation=False,
            compression_methods=["llmlingua"],
            compression_default_method="llmlingua",
        )
    )
    with TestClient(app, headers=AUTH) as client:
        ready = client.get("/ready")
        assert ready.status_code == 503
        caps = {c["capability"]: c for c in ready.json()["capabilities"]}
        assert caps["compression"]["loaded"] is False and caps["compression"]["error"]
        assert caps["classification"]["loaded"] is True
        res = client.post("/compress", json={"text": "hello world"})
        assert res.status_code == 503 and "compression unavailable" in res.json()["detail"]
        ok = client.post("/classify", json={"prompt": "hi", "possible_categories": ["a", "b"]})
        assert ok.status_code == 200


def test_saturated_capability_answers_503_with_retry_after() -> None:
    app = create_app(
        settings(
            enable_compression=False,
            enable_generation=False,
            max_concurrency_classification=1,
            queue_timeout_s=0.2,
        )
    )
    with TestClient(app, headers=AUTH) as client:
        services = app.state.services
        release = threading.Event()
        original = services.batcher.fn

        def slow(jobs: list[object]) -> list[list[float]]:
            release.wait(5)
            return original(jobs)  # type: ignore[no-any-return]

        services.batcher.fn = slow
        body = {"prompt": "hello", "possible_categories": ["a", "b"]}
        first = threading.Thread(target=lambda: client.post("/classify", json=body))
        first.start()
        try:
            for _ in range(50):
                if services.limiters["classification"].in_flight:
                    break
                threading.Event().wait(0.02)
            res = client.post("/classify", json=body)
            assert res.status_code == 503
            assert int(res.headers["retry-after"]) >= 1
            assert (
                'tokenflow_ml_rejections_total{capability="classification"} 1.0'
                in client.get("/metrics").text
            )
        finally:
            release.set()
            first.join()
            services.batcher.fn = original
        assert client.post("/classify", json=body).status_code == 200


def test_micro_batcher_shares_forward_passes() -> None:
    app = create_app(
        settings(enable_compression=False, enable_generation=False, classify_batch_window_ms=20)
    )
    with TestClient(app):
        backend = app.state.services.registry.get("classification", "embedding")
        before = backend.forward_passes

        async def burst() -> list[int]:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://t", headers=AUTH
            ) as client:
                reqs = [
                    client.post(
                        "/classify",
                        json={"prompt": f"prompt {i}", "possible_categories": ["x", "y"]},
                    )
                    for i in range(8)
                ]
                return [r.status_code for r in await asyncio.gather(*reqs)]

        assert asyncio.run(burst()) == [200] * 8
        assert backend.forward_passes - before < 8
        assert len(backend.cache) >= 2  # "x" and "y" label texts were cached


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=10,
)
bodies = st.fixed_dictionaries(
    {},
    optional={
        "text": json_values, "ratio": json_values, "method": json_values, "preserve": json_values,
        "prompt": json_values, "possible_categories": json_values, "multi_label": json_values,
        "descriptions": json_values, "model": json_values, "messages": json_values,
        "force_tokens": json_values, "target_tokens": json_values,
    },
)  # fmt: skip


@hyp_settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(path=st.sampled_from(["/compress", "/classify", "/v1/chat/completions"]), body=bodies)
def test_fuzzed_bodies_never_500(
    classify_only: TestClient, path: str, body: dict[str, object]
) -> None:
    res = classify_only.post(
        path, content=json.dumps(body), headers={"content-type": "application/json"}
    )
    assert res.status_code < 500 or res.status_code == 503, res.text
