"""A client that drops a streaming chat completion stops the local generation: real uvicorn, real
socket, real model. Nothing is mocked; the evidence is what an operator would see (the in-flight
gauge back at 0, no generation thread left running)."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn

from tests.conftest import settings
from tokenflow_ml.main import create_app

GAUGE = 'tokenflow_ml_in_flight{capability="generation"}'


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    app = create_app(settings(enable_compression=False, enable_classification=False))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 300
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)


def gauge(url: str) -> float:
    for line in httpx.get(f"{url}/metrics", timeout=10).text.splitlines():
        if line.startswith(GAUGE):
            return float(line.split()[-1])
    raise AssertionError(f"{GAUGE} missing from /metrics")


def generation_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name == "chat-generation" and t.is_alive()}


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


def test_dropped_stream_stops_generation(server_url: str) -> None:
    port = int(server_url.rsplit(":", 1)[1])
    before = generation_threads()
    body = json.dumps(
        {
            "model": "smollm2-135m-instruct",
            "messages": [{"role": "user", "content": "Count from 1 to 1000, one number a line."}],
            "max_tokens": 512,
            "temperature": 0,
            "stream": True,
        }
    ).encode()
    request = (
        f"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    sock = socket.create_connection(("127.0.0.1", port), timeout=120)
    try:
        sock.sendall(request)
        events = read_events(sock, wanted=4)
        assert events[0]["object"] == "chat.completion.chunk"
        workers = generation_threads() - before
        assert len(workers) == 1, "the generation worker should be running mid-stream"
        assert gauge(server_url) == 1.0
    finally:
        sock.close()  # the client goes away mid-stream
    dropped = time.monotonic()
    (worker,) = workers
    # 512 greedy tokens take the CPU model many seconds; a stopped worker ends at its next token.
    worker.join(timeout=5)
    assert not worker.is_alive(), "generation kept running after the client disconnected"
    while gauge(server_url) != 0.0:
        assert time.monotonic() - dropped < 5, "the generation slot was not released"
        time.sleep(0.05)
    # The slot is really free: the next request is admitted (max concurrency 1) and served.
    res = httpx.post(
        f"{server_url}/v1/chat/completions",
        json={
            "model": "smollm2-135m-instruct",
            "messages": [{"role": "user", "content": "Say hi."}],
            "max_tokens": 3,
        },
        timeout=60,
    )
    assert res.status_code == 200, res.text
