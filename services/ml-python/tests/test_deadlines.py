"""Every ML request is bounded: pathological texts are answered in bounded time, and a request
whose deadline (X-Request-Timeout-Ms) passes stops its work, not only its answer."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.conftest import AUTH, FIXTURES, live_threads, settings
from tokenflow_ml.main import create_app

DEADLINE = "X-Request-Timeout-Ms"
SMALL = {"text": "The invoice of 3 March was paid in full, and the refund went out.", "ratio": 0.5}


def _random_run(alphabet: str, chars: int) -> str:
    rng = random.Random(0)
    return "".join(rng.choice(alphabet) for _ in range(chars))


# 100,000 characters each, under every size limit. Before the patterns were made linear, "a." took
# 49 s (35 s in the URL and entity patterns), a run of digits minutes, "[" x 100,000 a 500, and
# "@" x 2,000 alone 5 s of classification.
PATHOLOGICAL = {
    "dotted": "a." * 50_000,
    "digits": "1" * 100_000,
    "dashed-capitals": "A-" * 50_000,
    "base64": _random_run(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 100_000
    ),
    "at-signs": "@" * 100_000,
    "open-brackets": "[" * 100_000,
    "nested-arrays": "[1," * 33_333,
    "number-words": "one " * 25_000,
    "newlines": "\n" * 99_999 + "x",
}
# Generous for a shared 2-core CI machine: each takes 0.2-2 s here.
BOUND_S = 10


@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_pathological_text_is_compressed_in_bounded_time(
    embedded_client: TestClient, name: str
) -> None:
    started = time.monotonic()
    res = embedded_client.post(
        "/compress",
        json={"text": PATHOLOGICAL[name], "ratio": 0.5},
        headers={DEADLINE: str(BOUND_S * 1000)},
    )
    elapsed = time.monotonic() - started
    assert res.status_code == 200, res.text[:300]
    assert elapsed < BOUND_S, f"{name}: {elapsed:.1f} s"
    assert embedded_client.post("/compress", json=SMALL).status_code == 200


@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_pathological_prompt_is_classified_in_bounded_time(
    embedded_client: TestClient, catalog: dict[str, list[str]], name: str
) -> None:
    # The catalog's categories: the trained head runs, with the intent features over the prompt.
    body = {"prompt": PATHOLOGICAL[name], "possible_categories": list(catalog),
            "descriptions": catalog}  # fmt: skip
    started = time.monotonic()
    res = embedded_client.post("/classify", json=body, headers={DEADLINE: str(BOUND_S * 1000)})
    assert res.status_code == 200, res.text[:300]
    assert time.monotonic() - started < BOUND_S


def long_text(chars: int = 200_000) -> str:
    prose = "\n\n".join(p.read_text() for p in sorted(FIXTURES.glob("compression*/*.txt")))
    return (prose * (chars // len(prose) + 1))[:chars]


def test_short_deadline_stops_the_compression_worker(embedded_client: TestClient) -> None:
    # 200,000 characters of prose: several seconds of encoder windows; the deadline is 0.3 s.
    before = live_threads("compression-worker")
    started = time.monotonic()
    res = embedded_client.post(
        "/compress", json={"text": long_text(), "ratio": 0.5}, headers={DEADLINE: "300"}
    )
    elapsed = time.monotonic() - started
    assert res.status_code == 504, res.text[:300]
    assert "0.3 s deadline" in res.json()["detail"]
    # The answer waits for the worker to stop at its next check: a batch of encoder windows.
    assert elapsed < 2.5, f"answered after {elapsed:.2f} s"
    assert not live_threads("compression-worker") - before, "the worker is still running"
    assert embedded_client.post("/compress", json=SMALL).status_code == 200


def test_short_deadline_stops_llmlingua_between_chunks(embedded_client: TestClient) -> None:
    # ~5,000 tokens: 20 s or more of SmolLM2 on a 2-core CPU; checked every 256 tokens (~1 s).
    started = time.monotonic()
    res = embedded_client.post(
        "/compress",
        json={"text": long_text(20_000), "ratio": 0.5, "method": "llmlingua"},
        headers={DEADLINE: "1000"},
    )
    assert res.status_code == 504, res.text[:300]
    assert time.monotonic() - started < 4
    assert embedded_client.post("/compress", json=SMALL).status_code == 200


def test_deadline_caps_what_the_header_asks(embedded_client: TestClient) -> None:
    services = embedded_client.app.state.services  # type: ignore[attr-defined]
    configured = services.settings.request_timeout_s
    services.settings.request_timeout_s = 0.3
    try:
        started = time.monotonic()
        res = embedded_client.post(
            "/compress", json={"text": long_text(), "ratio": 0.5}, headers={DEADLINE: "600000"}
        )
        assert res.status_code == 504 and time.monotonic() - started < 2.5
    finally:
        services.settings.request_timeout_s = configured


def test_short_deadline_stops_local_generation(embedded_client: TestClient) -> None:
    body = {
        "model": "smollm2-135m-instruct",
        "messages": [{"role": "user", "content": "Count from 1 to 1000, one number a line."}],
        "max_tokens": 512,
        "temperature": 0,
    }
    before = live_threads("chat-generation")
    started = time.monotonic()
    res = embedded_client.post("/v1/chat/completions", json=body, headers={DEADLINE: "800"})
    assert res.status_code == 504, res.text[:300]
    assert res.json()["error"]["code"] == "deadline_exceeded"
    assert time.monotonic() - started < 3
    assert not live_threads("chat-generation") - before, "generation is still running"

    with embedded_client.stream(
        "POST", "/v1/chat/completions", json={**body, "stream": True}, headers={DEADLINE: "800"}
    ) as stream:
        lines = [line for line in stream.iter_lines() if line.startswith("data: ")]
    assert '"code": "deadline_exceeded"' in lines[-1], lines[-1]
    assert not live_threads("chat-generation") - before


@pytest.fixture(scope="module")
def classify_only() -> Iterator[TestClient]:
    app = create_app(settings(enable_compression=False, enable_generation=False))
    with TestClient(app, headers=AUTH) as client:
        yield client


def test_short_deadline_gives_up_a_queued_classification(classify_only: TestClient) -> None:
    services = classify_only.app.state.services  # type: ignore[attr-defined]
    release = threading.Event()
    original = services.batcher.fn
    seen: list[int] = []

    def slow(jobs: list[object]) -> list[object]:
        seen.append(len(jobs))
        release.wait(5)
        return original(jobs)  # type: ignore[no-any-return]

    services.batcher.fn = slow
    body = {"prompt": "hello", "possible_categories": ["a", "b"]}
    try:
        first = threading.Thread(target=lambda: classify_only.post("/classify", json=body))
        first.start()  # occupies the batching thread
        while not seen:
            time.sleep(0.01)
        started = time.monotonic()
        res = classify_only.post("/classify", json=body, headers={DEADLINE: "200"})
        assert res.status_code == 504 and time.monotonic() - started < 1.5
    finally:
        release.set()
        first.join()
        services.batcher.fn = original
    # The given-up job was dropped from the next batch: only the first request's job ever ran.
    assert seen == [1]
    assert classify_only.post("/classify", json=body).status_code == 200


@pytest.mark.parametrize("value", ["0", "-5", "soon"])
def test_bad_deadline_header_is_a_validation_error(classify_only: TestClient, value: str) -> None:
    res = classify_only.post(
        "/classify", json={"prompt": "hi", "possible_categories": ["a", "b"]},
        headers={DEADLINE: value},
    )  # fmt: skip
    assert res.status_code == 422 and "x-request-timeout-ms" in res.text
