"""Behaviour a client sees from the embedded default: payload shapes, chat streaming, bad input."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from tokenflow_ml.export_openapi import OPENAPI_PATH, render

MODEL = "smollm2-135m-instruct"


def test_openapi_document_is_committed_and_current() -> None:
    assert json.loads(OPENAPI_PATH.read_text()) == json.loads(render()), (
        "openapi.json is stale: run `pnpm --filter @tokenflow/ml-python openapi`"
    )


def test_health_ready_metrics_request_id(embedded_client: TestClient) -> None:
    assert embedded_client.get("/health").json() == {"status": "ok"}
    ready = embedded_client.get("/ready")
    assert ready.status_code == 200 and ready.json()["ready"] is True
    caps = {c["capability"]: c for c in ready.json()["capabilities"]}
    assert set(caps) == {"compression", "classification", "generation"}
    assert all(c["loaded"] and c["load_seconds"] is not None for c in caps.values())
    res = embedded_client.get("/health", headers={"X-Request-Id": "abc-123"})
    assert res.headers["x-request-id"] == "abc-123"
    assert len(embedded_client.get("/health").headers["x-request-id"]) == 32
    text = embedded_client.get("/metrics").text
    for name in ("tokenflow_ml_inference_seconds", "tokenflow_ml_in_flight",
                 "tokenflow_ml_queue_depth", "tokenflow_ml_rejections_total",
                 "tokenflow_ml_requests_total"):  # fmt: skip
        assert name in text


def test_compress_preserves_code_json_and_force_tokens(embedded_client: TestClient) -> None:
    code = "```python\ndef total(xs):\n    return sum(x * 2 for x in xs)\n```"
    blob = '{"plan": "pro", "seats": 12, "tags": ["a", "b"]}'
    prose = (
        "We talked for a long while about the general direction of the project and how the team "
        "feels about the pace of the work so far, which is mostly fine but somewhat slow. "
    ) * 6
    text = f"{prose}\n{code}\nThe config was {blob} and the magic word is ZEPHYRINE.\n{prose}"
    res = embedded_client.post(
        "/compress",
        json={
            "text": text,
            "ratio": 0.5,
            "force_tokens": ["ZEPHYRINE"],
            "preserve": ["code", "json"],
        },
    )
    body = res.json()
    assert res.status_code == 200
    assert code in body["compressed_text"] and blob in body["compressed_text"]
    assert "ZEPHYRINE" in body["compressed_text"]
    assert body["compression_ratio"] == pytest.approx(
        body["compressed_tokens"] / body["original_tokens"], abs=1e-3
    )
    assert any(not s["kept"] for s in body["segments"]) and any(s["kept"] for s in body["segments"])


def test_classify_label_fallback_and_multi_label(embedded_client: TestClient) -> None:
    cats = ["function-calling", "multilingual", "nsfw"]
    res = embedded_client.post(
        "/classify",
        json={"prompt": "¿Dónde está la estación de tren?", "possible_categories": cats},
    ).json()
    assert res["top_category"] == "multilingual"
    multi = embedded_client.post(
        "/classify",
        json={
            "prompt": "Call the weather API for Paris",
            "possible_categories": cats,
            "multi_label": True,
        },
    ).json()
    assert all(0 <= c["score"] <= 1 for c in multi["all_categories"])
    scores = [c["score"] for c in multi["all_categories"]]
    assert scores == sorted(scores, reverse=True)


def test_chat_completion_non_streaming(embedded_client: TestClient) -> None:
    models = embedded_client.get("/v1/models").json()
    assert models["object"] == "list" and models["data"][0]["id"] == MODEL
    res = embedded_client.post(
        "/v1/chat/completions",
        json={"model": MODEL, "messages": [{"role": "user", "content": "Say hello."}],
              "max_tokens": 12, "temperature": 0.7, "top_p": 0.9, "seed": 7},
    )  # fmt: skip
    body = res.json()
    assert res.status_code == 200
    assert body["object"] == "chat.completion" and body["id"].startswith("chatcmpl-")
    assert body["choices"][0]["message"]["role"] == "assistant"
    assert body["choices"][0]["message"]["content"]
    assert body["choices"][0]["finish_reason"] in ("stop", "length")
    usage = body["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"] > 0


@pytest.mark.parametrize("include_usage", [False, True])
def test_chat_completion_streaming(embedded_client: TestClient, include_usage: bool) -> None:
    payload = {
        "model": MODEL,
        "messages": [{"role": "user", "content": "Count from one to ten."}],
        "max_tokens": 24,
        "stream": True,
        "stream_options": {"include_usage": include_usage},
    }
    with embedded_client.stream("POST", "/v1/chat/completions", json=payload) as res:
        assert res.headers["content-type"].startswith("text/event-stream")
        lines = [line for line in res.iter_lines() if line]
    assert lines[-1] == "data: [DONE]"
    chunks = [json.loads(line.removeprefix("data: ")) for line in lines[:-1]]
    assert all(c["object"] == "chat.completion.chunk" and c["model"] == MODEL for c in chunks)
    assert len({c["id"] for c in chunks}) == 1
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    contents = [c["choices"][0]["delta"]["content"] for c in chunks if c["choices"]]
    assert sum(1 for t in contents if t) >= 3
    finals = [c for c in chunks if c["choices"] and c["choices"][0]["finish_reason"]]
    assert len(finals) == 1 and finals[0]["choices"][0]["finish_reason"] == "length"
    assert chunks[-1]["usage"]["completion_tokens"] == 24
    if include_usage:
        assert chunks[-1]["choices"] == []


def test_chat_stop_sequence(embedded_client: TestClient) -> None:
    res = embedded_client.post(
        "/v1/chat/completions",
        json={"model": MODEL, "messages": [{"role": "user", "content": "List three fruits."}],
              "max_tokens": 40, "stop": ["\n", "."]},
    ).json()  # fmt: skip
    content = res["choices"][0]["message"]["content"]
    assert "\n" not in content and "." not in content
    assert res["choices"][0]["finish_reason"] == "stop"


BAD_REQUESTS = [
    ("/compress", {"text": ""}, 422, "text"),
    ("/compress", {"text": "   "}, 422, "text"),
    ("/compress", {"text": "hello", "ratio": 0}, 422, "ratio"),
    ("/compress", {"text": "hello", "ratio": 1.5}, 422, "ratio"),
    ("/compress", {"text": "hello", "method": "zip"}, 422, "method"),
    ("/compress", {"text": "hello", "preserve": ["poems"]}, 422, "preserve"),
    ("/classify", {"prompt": "hi", "possible_categories": []}, 422, "possible_categories"),
    ("/classify", {"prompt": "hi", "possible_categories": ["a", "a"]}, 422, "possible_categories"),
    ("/classify", {"prompt": "", "possible_categories": ["a", "b"]}, 422, "prompt"),
]


@pytest.mark.parametrize(("path", "body", "status", "field"), BAD_REQUESTS)
def test_bad_input_names_the_field(
    embedded_client: TestClient, path: str, body: dict[str, object], status: int, field: str
) -> None:
    res = embedded_client.post(path, json=body)
    assert res.status_code == status
    assert field in res.json()["detail"]


def test_unloaded_method_oversize_and_malformed_bodies(embedded_client: TestClient) -> None:
    res = embedded_client.post("/compress", json={"text": "hello there", "method": "llmlingua2"})
    assert res.status_code == 400 and "method" in res.json()["detail"]
    res = embedded_client.post("/compress", json={"text": "x" * 200_001})
    assert res.status_code == 413 and "ML_MAX_TEXT_CHARS" in res.json()["detail"]
    res = embedded_client.post(
        "/compress", content=b'{"text": "abc', headers={"content-type": "application/json"}
    )
    assert res.status_code == 422 and "JSON" in res.json()["detail"]
    res = embedded_client.post(
        "/classify", content=b'{"prompt": "\xff\xfe", "possible_categories": ["a"]}',
        headers={"content-type": "application/json"},
    )  # fmt: skip
    assert 400 <= res.status_code < 500
    res = embedded_client.post("/v1/chat/completions", json={"model": MODEL, "messages": []})
    assert res.status_code == 400
    assert set(res.json()["error"]) >= {"message", "type", "code"}
    res = embedded_client.post(
        "/v1/chat/completions",
        json={"model": "gpt-9", "messages": [{"role": "user", "content": "x"}]},
    )
    assert res.status_code == 404 and res.json()["error"]["type"] == "not_found_error"
    assert embedded_client.get("/health").status_code == 200
