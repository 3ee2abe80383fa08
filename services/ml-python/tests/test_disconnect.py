"""A client that goes away stops the work it asked for: real uvicorn, real sockets, real models.
Nothing is mocked; the evidence is what an operator would see (the in-flight gauge back at 0, no
worker thread left running, the next request admitted)."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import AUTH, FIXTURES, TOKEN, live_threads, served, settings
from tokenflow_ml.main import create_app


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    with served(create_app(settings(enable_compression=False, enable_classification=False))) as url:
        yield url


@pytest.fixture(scope="module")
def compression_url() -> Iterator[str]:
    app = create_app(
        settings(
            enable_generation=False, enable_classification=False, compression_methods=["encoder"]
        )
    )
    with served(app) as url:
        yield url


def gauge(url: str, capability: str) -> float:
    name = f'tokenflow_ml_in_flight{{capability="{capability}"}}'
    for line in httpx.get(f"{url}/metrics", headers=AUTH, timeout=10).text.splitlines():
        if line.startswith(name):
            return float(line.split()[-1])
    raise AssertionError(f"{name} missing from /metrics")


def raw_post(url: str, path: str, body: dict[str, object]) -> socket.socket:
    """Send a POST over a raw socket the test can close mid-request."""
    port = int(url.rsplit(":", 1)[1])
    payload = json.dumps(body).encode()
    request = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Internal-Token: {TOKEN}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
    ).encode() + payload
    sock = socket.create_connection(("127.0.0.1", port), timeout=120)
    sock.sendall(request)
    return sock


def read_events(sock: socket.socket, wanted: int) -> list[dict[str, object]]:
    """Read the raw HTTP response until `wanted` SSE data events have arrived."""
    buffer = b""
    while buffer.count(b"data: ") < wanted:
        chunk = sock.recv(4096)
        assert chunk, f"stream ended early: {buffer[-500:]!r}"
        buffer += chunk
    head, _, body = buffer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head
    events = []
    for line in body.split(b"\n"):
        start = line.find(b"data: {")
        if start >= 0:
            with contextlib.suppress(json.JSONDecodeError):  # the last may be cut mid-line
                events.append(json.loads(line[start + 6 :]))
    return events


def wait_for_worker(
    name: str, before: set[threading.Thread], timeout: float = 30
) -> threading.Thread:
    started = time.monotonic()
    while not (workers := live_threads(name) - before):
        assert time.monotonic() - started < timeout, f"no {name} thread started"
        time.sleep(0.01)
    (worker,) = workers
    return worker


def assert_released(url: str, capability: str, since: float) -> None:
    while gauge(url, capability) != 0.0:
        assert time.monotonic() - since < 5, f"the {capability} slot was not released"
        time.sleep(0.05)


LONG_CHAT = {
    "model": "smollm2-135m-instruct",
    "messages": [{"role": "user", "content": "Count from 1 to 1000, one number a line."}],
    "max_tokens": 512,
    "temperature": 0,
}


def test_dropped_stream_stops_generation(server_url: str) -> None:
    before = live_threads("chat-generation")
    sock = raw_post(server_url, "/v1/chat/completions", {**LONG_CHAT, "stream": True})
    try:
        events = read_events(sock, wanted=4)
        assert events[0]["object"] == "chat.completion.chunk"
        workers = live_threads("chat-generation") - before
        assert len(workers) == 1, "the generation worker should be running mid-stream"
        assert gauge(server_url, "generation") == 1.0
    finally:
        sock.close()  # the client goes away mid-stream
    dropped = time.monotonic()
    (worker,) = workers
    # 512 greedy tokens take the CPU model many seconds; a stopped worker ends at its next token.
    worker.join(timeout=5)
    assert not worker.is_alive(), "generation kept running after the client disconnected"
    assert_released(server_url, "generation", dropped)
    # The slot is really free: the next request is admitted (max concurrency 1) and served.
    res = httpx.post(
        f"{server_url}/v1/chat/completions",
        json={**LONG_CHAT, "messages": [{"role": "user", "content": "Say hi."}], "max_tokens": 3},
        headers=AUTH,
        timeout=60,
    )
    assert res.status_code == 200, res.text


def test_dropped_completion_stops_generation(server_url: str) -> None:
    """Non-streaming: nothing is sent until the end, so only the disconnect can stop it."""
    before = live_threads("chat-generation")
    sock = raw_post(server_url, "/v1/chat/completions", LONG_CHAT)
    worker = wait_for_worker("chat-generation", before)
    time.sleep(1.0)  # well into the 512 tokens
    sock.close()
    dropped = time.monotonic()
    worker.join(timeout=5)
    assert not worker.is_alive(), "generation kept running after the client disconnected"
    assert_released(server_url, "generation", dropped)


def long_text(chars: int = 200_000) -> str:
    prose = "\n\n".join(p.read_text() for p in sorted(FIXTURES.glob("compression*/*.txt")))
    return (prose * (chars // len(prose) + 1))[:chars]


def test_dropped_compression_stops_its_worker(compression_url: str) -> None:
    # 200,000 characters of prose: several seconds of encoder windows on a CPU.
    before = live_threads("compression-worker")
    sock = raw_post(compression_url, "/compress", {"text": long_text(), "ratio": 0.5})
    worker = wait_for_worker("compression-worker", before)
    time.sleep(0.3)
    assert worker.is_alive(), "the compression finished before the client left: no evidence"
    sock.close()
    dropped = time.monotonic()
    worker.join(timeout=3)
    assert not worker.is_alive(), "compression kept running after the client disconnected"
    assert_released(compression_url, "compression", dropped)
    res = httpx.post(
        f"{compression_url}/compress",
        json={"text": "A short text to compress right after.", "ratio": 0.5},
        headers=AUTH,
        timeout=60,
    )
    assert res.status_code == 200, res.text
