"""Helpers for the ML benchmarks: start the service with uvicorn, sample text, write results."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
SERVICE = ROOT / "services" / "ml-python"
RESULTS = ROOT / "bench" / "results"
FIXTURES = SERVICE / "tests" / "fixtures" / "compression"
# The service refuses to start without an internal token: every Server of a run gets this one, and
# every request sends it.
TOKEN = secrets.token_hex(16)
HEADERS = {"X-Internal-Token": TOKEN}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """uvicorn running the service in a subprocess, configured through ML_* variables."""

    def __init__(self, **env: str) -> None:
        self.port = free_port()
        self.env = {
            **os.environ, "HF_HUB_OFFLINE": "1", "ML_PORT": str(self.port),
            "ML_INTERNAL_TOKEN": TOKEN, **env,
        }  # fmt: skip
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tokenflow_ml"], env=self.env, cwd=SERVICE,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.time() + 300
        while time.time() < deadline:
            try:
                if httpx.get(f"{self.url}/ready", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise RuntimeError("service did not become ready")

    def __exit__(self, *exc: object) -> None:
        assert self.proc is not None
        self.proc.terminate()
        self.proc.wait(30)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def peak_rss_mb(self) -> float:
        assert self.proc is not None
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")


def sample_text(tokens: int) -> str:
    """Real prose from the fixtures, repeated/cut to about `tokens` cl100k tokens."""
    from tokenflow_ml.tokens import encoding

    corpus = "\n\n".join(p.read_text() for p in sorted(FIXTURES.glob("*.txt")))
    ids = encoding().encode(corpus)
    while len(ids) < tokens:
        ids = ids + ids
    return encoding().decode(ids[:tokens])


def write_result(name: str, data: object) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"ml-{name}.json"
    path.write_text(json.dumps(data, indent=2) + "\n")
    return path
