"""The internal token is required by default: without ML_INTERNAL_TOKEN the service does not start
(unless ML_ALLOW_ANONYMOUS=true asks for it explicitly), and a request without the right
X-Internal-Token gets 401; liveness and readiness stay public."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.conftest import AUTH, settings
from tokenflow_ml.config import MissingInternalToken
from tokenflow_ml.main import create_app

# No model loads: these tests are about the door, not the rooms.
NO_MODELS = {
    "enable_compression": False,
    "enable_classification": False,
    "enable_generation": False,
}


@pytest.mark.parametrize("token", [None, "", "   "])
def test_app_refuses_to_start_without_a_token(token: str | None) -> None:
    with pytest.raises(MissingInternalToken, match="ML_ALLOW_ANONYMOUS=true"):
        create_app(settings(internal_token=token, **NO_MODELS))


def test_process_refuses_to_start_without_a_token(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("ML_")}
    env["ML_PORT"] = str(port)
    # A folder without .env: what the environment says is all the service sees.
    done = subprocess.run(
        [sys.executable, "-m", "tokenflow_ml"], cwd=tmp_path, env=env, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "ML_INTERNAL_TOKEN is not set" in done.stderr
    assert "Traceback" not in done.stderr
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)


def test_anonymous_access_only_when_asked_for() -> None:
    app = create_app(settings(internal_token=None, allow_anonymous=True, **NO_MODELS))
    with TestClient(app) as client:
        assert client.get("/metrics").status_code == 200
        assert client.get("/v1/models").status_code == 200


def test_requests_without_the_token_are_refused() -> None:
    with TestClient(create_app(settings(**NO_MODELS))) as client:
        for headers in ({}, {"X-Internal-Token": "wrong"}):
            assert client.get("/metrics", headers=headers).status_code == 401
            res = client.post("/compress", json={"text": "hello"}, headers=headers)
            assert res.status_code == 401 and "X-Internal-Token" in res.json()["detail"]
            res = client.get("/v1/models", headers=headers)
            assert res.status_code == 401 and res.json()["error"]["type"] == "authentication_error"
        assert client.get("/health").status_code == 200
        assert client.get("/ready").status_code == 503  # public, and honest: nothing loaded
        assert client.get("/metrics", headers=AUTH).status_code == 200
