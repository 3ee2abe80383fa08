"""Shared fixtures: the real embedded models load once per session; tiny hub-style models are built
in tmp folders. Nothing here reads /work/shared or the network. Every app is built with an internal
token (the service refuses to start without one) and every client sends it."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tokenflow_ml.config import Settings
from tokenflow_ml.main import create_app

FIXTURES = Path(__file__).parent / "fixtures"
TOKEN = "pytest-internal-token"
AUTH = {"X-Internal-Token": TOKEN}
CATALOG = Path(__file__).resolve().parents[3] / "packages" / "catalog" / "src" / "categories.json"
WORDS = [
    "the",
    "a",
    "an",
    "of",
    "to",
    "and",
    "in",
    "is",
    "was",
    "for",
    "on",
    "with",
    "that",
    "this",
    "it",
    "as",
    "be",
    "by",
    "are",
    "at",
    "from",
    "or",
    "we",
    "you",
    "meeting",
    "budget",
    "report",
    "code",
    "review",
    "function",
    "return",
    "value",
    "number",
    "date",
    "team",
    "project",
    "plan",
    "data",
    "model",
    "price",
    "order",
    "customer",
    "refund",
    "invoice",
    "retry",
    "error",
    "test",
    "city",
    "council",
    "park",
    "bridge",
    "contract",
    "vote",
    "approved",
    "total",
    "amount",
    "paid",
    "week",
    "month",
    "year",
    "yes",
    "no",
    "please",
    "thanks",
    "hello",
    "world",
]


def settings(**overrides: object) -> Settings:
    return Settings(_env_file=None, **{"internal_token": TOKEN, **overrides})  # type: ignore[arg-type]


@contextmanager
def served(app: FastAPI) -> Iterator[str]:
    """`app` under a real uvicorn on a free loopback port (real sockets, real disconnects)."""
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
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def live_threads(name: str) -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name == name and t.is_alive()}


@pytest.fixture(scope="session")
def embedded_client() -> Iterator[TestClient]:
    """The offline default: SmolLM2 (llmlingua + generation) and all-MiniLM-L6-v2."""
    with TestClient(create_app(settings()), headers=AUTH) as client:
        yield client


@pytest.fixture(scope="session")
def catalog() -> dict[str, list[str]]:
    data = json.loads(CATALOG.read_text())
    return {c["id"]: [c["description"], *c.get("examples", [])] for c in data["categories"]}


def _write_tokenizer(path: Path) -> None:
    from transformers import BertTokenizerFast

    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS]
    vocab += [str(d) for d in range(10)] + [f"##{d}" for d in range(10)]
    vocab += list(".,:;!?()[]{}`'\"-_=$#%/<>*+")
    vocab += [f"##{c}" for c in "abcdefghijklmnopqrstuvwxyz"] + list("abcdefghijklmnopqrstuvwxyz")
    vocab_file = path / "vocab.txt"
    vocab_file.write_text("\n".join(dict.fromkeys(vocab)) + "\n")
    BertTokenizerFast(vocab=str(vocab_file), do_lower_case=True).save_pretrained(path)


def _tiny_config(**kwargs: object) -> object:
    from transformers import BertConfig

    return BertConfig(
        vocab_size=256, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=512, **kwargs,
    )  # fmt: skip


@pytest.fixture(scope="session")
def tiny_llmlingua2_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A randomly initialised BERT token classifier shaped like the LLMLingua-2 hub model."""
    import torch
    from transformers import BertForTokenClassification

    # Named like the hub model it stands in for (the response's `model` is the folder name).
    path = tmp_path_factory.mktemp("tiny") / "llmlingua-2-bert-base-multilingual-cased-tiny"
    path.mkdir()
    torch.manual_seed(0)
    _write_tokenizer(path)
    model = BertForTokenClassification(_tiny_config(num_labels=2))
    model.save_pretrained(path)
    return path


@pytest.fixture(scope="session")
def tiny_nli_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A randomly initialised BERT sequence classifier with MNLI-style labels."""
    import torch
    from transformers import BertForSequenceClassification

    path = tmp_path_factory.mktemp("tiny-nli")
    torch.manual_seed(0)
    _write_tokenizer(path)
    labels = {0: "entailment", 1: "neutral", 2: "contradiction"}
    config = _tiny_config(num_labels=3, id2label=labels, label2id={v: k for k, v in labels.items()})
    BertForSequenceClassification(config).save_pretrained(path)
    return path
