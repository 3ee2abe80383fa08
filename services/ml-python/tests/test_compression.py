"""The word-level contract of every compression method, on generated and on real long texts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURES
from tokenflow_ml.compression import compress_text
from tokenflow_ml.compression.contract import (
    altered_numbers,
    is_word_subsequence,
    whole_word_share,
)
from tokenflow_ml.compression.preserve import PRESERVE_KINDS
from tokenflow_ml.compression.words import split_words, word_texts

LONG_TEXTS = sorted((FIXTURES / "compression").glob("*.txt")) + sorted(
    (FIXTURES / "compression-eval").glob("*.txt")
)

# Pieces a generated text is made of: prose, numbers with units, codes, URLs, CJK, accents.
PIECES = st.sampled_from([
    "the", "report", "was", "approved", "on", "Tuesday", "19", "Age:", "54", "4.2-mile", "route",
    "with", "15", "stations.", "9.8", "g/dL", "$1,359.90", "thirty", "(30)", "days", "INC-40817",
    "https://example.com/a?b=1", "`retry()`", "東京で会議を開きます。", "Müller", "naïve", "café",
    "Jürgen", "0.21", "v2.14.0", "±0.5", "mm", "37.2", "°C", "—", "(see", "Section", "7.2)",
    "x=1;", "ñandú", "2026-03-14T02:17:43Z", "3-6", "failed", "4", "to", "5", "und", "für",
])  # fmt: skip
SEPARATORS = st.sampled_from([" ", " ", " ", "  ", "\n", "\n\n", "\t", ", "])


@st.composite
def texts(draw: st.DrawFn) -> str:
    words = draw(st.lists(PIECES, min_size=1, max_size=120))
    seps = draw(st.lists(SEPARATORS, min_size=len(words), max_size=len(words)))
    return "".join(w + s for w, s in zip(words, seps, strict=True))


def encoder(client: TestClient) -> Any:
    return client.app.state.services.registry.get("compression", "encoder")  # type: ignore[attr-defined]


def assert_word_contract(original: str, compressed: str) -> None:
    assert is_word_subsequence(original, compressed), (original, compressed)
    assert whole_word_share(original, compressed) == 1.0
    assert altered_numbers(original, compressed) == []


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=texts(), ratio=st.floats(0.1, 0.9), preserve=st.sampled_from([[], list(PRESERVE_KINDS)])
)
def test_output_is_a_word_subsequence_of_the_input(
    embedded_client: TestClient, text: str, ratio: float, preserve: list[str]
) -> None:
    result = compress_text(encoder(embedded_client), text, ratio, None, [], preserve)
    [part] = result.parts
    assert_word_contract(text, part.compressed_text)
    assert "".join(s for s, _ in part.segments) == text
    kept = "".join(s for s, k in part.segments if k)
    assert word_texts(kept, split_words(kept)) == word_texts(
        part.compressed_text, split_words(part.compressed_text)
    )
    assert result.compressed_tokens <= result.original_tokens


@pytest.mark.parametrize("method", ["encoder", "llmlingua"])
@pytest.mark.parametrize("ratio", [0.5, 0.33])
def test_long_texts_keep_whole_words_numbers_and_the_ratio(
    embedded_client: TestClient, method: str, ratio: float
) -> None:
    for path in LONG_TEXTS[:: 1 if method == "encoder" else 4]:
        text = path.read_text()
        res = embedded_client.post(
            "/compress", json={"text": text, "ratio": ratio, "method": method}
        )
        assert res.status_code == 200, res.text
        body = res.json()
        assert body["method"] == method
        assert_word_contract(text, body["compressed_text"])
        assert abs(body["compression_ratio"] - ratio) <= 0.03, (
            path.name,
            body["compression_ratio"],
        )
        assert "".join(s["text"] for s in body["segments"]) == text


def test_target_tokens_and_line_structure(embedded_client: TestClient) -> None:
    text = (FIXTURES / "compression-eval" / "incident-logs.txt").read_text()
    body = embedded_client.post("/compress", json={"text": text, "target_tokens": 600}).json()
    assert abs(body["compressed_tokens"] - 600) <= 18
    # Lines stay lines: every output line is made of words of one input line, in order.
    lines = [line for line in text.splitlines() if line.strip()]
    for out_line in filter(str.strip, body["compressed_text"].splitlines()):
        assert any(is_word_subsequence(line, out_line) for line in lines), out_line


def test_question_keeps_what_answers_it(embedded_client: TestClient) -> None:
    path = FIXTURES / "compression" / "rag-context.txt"
    text = path.read_text()
    question = json.loads(path.with_suffix(".json").read_text())["question"]
    plain = embedded_client.post("/compress", json={"text": text, "ratio": 0.33}).json()
    asked = embedded_client.post(
        "/compress", json={"text": text, "ratio": 0.33, "question": question}
    ).json()
    terms = {w.lower().strip("?.,") for w in question.split() if len(w) > 4}

    def hits(out: str) -> int:
        return sum(w.lower().strip("?.,:;") in terms for w in out.split())

    assert hits(asked["compressed_text"]) > hits(plain["compressed_text"])
    assert abs(asked["compression_ratio"] - 0.33) <= 0.03


def test_messages_keep_roles_system_and_latest_question(embedded_client: TestClient) -> None:
    context = (FIXTURES / "compression" / "support-chat.txt").read_text()
    messages = [
        {"role": "system", "content": "You are a careful support assistant. Cite order numbers."},
        {"role": "user", "content": context},
        {"role": "assistant", "content": "I have read the transcript. What do you need?"},
        {"role": "user", "content": "Which refund was promised, and by when?"},
    ]
    res = embedded_client.post("/compress/messages", json={"messages": messages, "ratio": 0.5})
    assert res.status_code == 200, res.text
    body = res.json()
    out = body["messages"]
    assert [m["role"] for m in out] == [m["role"] for m in messages]
    assert [m["compressed"] for m in out] == [False, True, True, False]
    assert out[0]["content"] == messages[0]["content"]
    assert out[3]["content"] == messages[3]["content"]
    assert body["question"] == messages[3]["content"]
    assert out[1]["compressed_tokens"] < out[1]["original_tokens"]
    assert_word_contract(context, out[1]["content"])
    assert body["compressed_tokens"] == sum(m["compressed_tokens"] for m in out)
    assert abs(body["compression_ratio"] - 0.5) <= 0.03

    # An explicit flag and question: the long latest user turn is compressed, its question kept.
    asked = "What did the customer order?"
    single = [{"role": "user", "content": f"{context}\n\n{asked}", "compress": True}]
    res = embedded_client.post(
        "/compress/messages", json={"messages": single, "ratio": 0.4, "question": asked}
    ).json()
    assert res["messages"][0]["content"].endswith(asked)
    assert res["messages"][0]["compressed_tokens"] < res["messages"][0]["original_tokens"]


def test_every_method_is_reported_ready(embedded_client: TestClient) -> None:
    caps = embedded_client.get("/ready").json()["capabilities"]
    methods = {c["method"]: c for c in caps if c["capability"] == "compression"}
    assert set(methods) == {"encoder", "llmlingua"}
    assert methods["encoder"]["model"] == "all-MiniLM-L6-v2+keep-head"
    assert all(c["loaded"] for c in methods.values())


def test_unknown_method_and_bad_messages_are_clear_errors(embedded_client: TestClient) -> None:
    res = embedded_client.post("/compress", json={"text": "hello there", "method": "llmlingua2"})
    assert res.status_code == 400 and "llmlingua2" in res.json()["detail"]
    res = embedded_client.post("/compress/messages", json={"messages": []})
    assert res.status_code == 422 and "messages" in json.dumps(res.json())
    res = embedded_client.post(
        "/compress/messages", json={"messages": [{"role": "robot", "content": "hi"}]}
    )
    assert res.status_code == 422 and "role" in json.dumps(res.json())


def test_fixture_texts_are_long_and_their_facts_verbatim() -> None:
    assert len(list((FIXTURES / "compression-eval").glob("*.txt"))) >= 12
    for path in LONG_TEXTS:
        meta = json.loads(path.with_suffix(".json").read_text())
        assert meta["question"] and all(f in path.read_text() for f in meta["key_facts"]), path


def test_no_space_text_is_split_into_bounded_windows(embedded_client: TestClient) -> None:
    text = "ab" * 20_000 + " tail words that may go"
    res = embedded_client.post("/compress", json={"text": text, "ratio": 0.5})
    assert res.status_code == 200
    assert_word_contract(text, res.json()["compressed_text"])


def test_training_fits_a_head_that_loads_and_ranks_like_its_teacher(
    embedded_client: TestClient, tmp_path: Path
) -> None:
    import numpy as np

    from tokenflow_ml.compression.encoder_scorer import KeepHeadScorer
    from tokenflow_ml.compression.keep_head import load_head, save_head
    from tokenflow_ml.training.train_keep_head import fit, spearman

    teacher = embedded_client.app.state.services.registry.get("compression", "llmlingua")  # type: ignore[attr-defined]
    student: KeepHeadScorer = encoder(embedded_client)
    corpus = [p.read_text()[:1500] for p in LONG_TEXTS[:10]]
    features, targets = [], []
    for text in corpus:
        words = split_words(text)
        raw = np.log1p(teacher.score(text, words))
        targets.append(((raw - raw.mean()) / raw.std()).astype(np.float32))
        features.append(student.word_features(text, words))
    head, metrics = fit(features, targets, student.head.config, epochs=15, seed=1)
    save_head(head, tmp_path)
    loaded = load_head(tmp_path)
    import torch

    with torch.inference_mode():
        preds = loaded(torch.from_numpy(features[1])).numpy()
    assert spearman(preds, targets[1]) > 0.4
    assert metrics["validation_passages"] == 1
