"""The hub code paths (LLMLingua-2, zero-shot NLI) run for real on tiny local models."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from tests.conftest import AUTH, settings
from tokenflow_ml.compression.contract import altered_numbers, is_word_subsequence
from tokenflow_ml.main import create_app

TEXT = (
    "The council meeting approved the budget for the bridge project. The total amount was paid "
    "in the first month of the year, and the team will review the plan with the customer. "
) * 12
CODE = "```python\ndef retry(order):\n    return order.total * 2\n```"


def test_llmlingua2_ratio_force_tokens_and_code(tiny_llmlingua2_dir: Path) -> None:
    app = create_app(
        settings(
            compression_methods=["llmlingua2"],
            compression_default_method="llmlingua2",
            llmlingua2_model=str(tiny_llmlingua2_dir),
            enable_classification=False,
            enable_generation=False,
        )
    )
    with TestClient(app, headers=AUTH) as client:
        assert client.get("/ready").json()["ready"] is True
        body = {"text": TEXT, "ratio": 0.5, "preserve": []}
        res = client.post("/compress", json=body).json()
        assert res["method"] == "llmlingua2"
        assert res["model"] == tiny_llmlingua2_dir.name
        assert abs(res["compression_ratio"] - 0.5) <= 0.03, res["compression_ratio"]
        assert is_word_subsequence(TEXT, res["compressed_text"])

        # llmlingua's own post-processing re-spaces numbers ("0. 21"); the word-level path not.
        numbers = "The rate rose from 0.21 to 4.2-fold, 15 stations, and $1,359.90 was paid. " * 20
        res = client.post("/compress", json={"text": numbers, "ratio": 0.5, "preserve": []}).json()
        assert is_word_subsequence(numbers, res["compressed_text"])
        assert altered_numbers(numbers, res["compressed_text"]) == []

        text = TEXT + "\nRefund code SORRYXYZ applies.\n" + CODE + "\n" + TEXT
        res = client.post(
            "/compress",
            json={"text": text, "ratio": 0.4, "force_tokens": ["SORRYXYZ"], "preserve": ["code"]},
        ).json()
        assert "SORRYXYZ" in res["compressed_text"]
        assert CODE in res["compressed_text"]
        assert res["compressed_tokens"] < res["original_tokens"]
        assert "".join(s["text"] for s in res["segments"]) == text


def test_nli_zero_shot_scores(tiny_nli_dir: Path) -> None:
    app = create_app(
        settings(
            classifier_backend="nli",
            nli_model=str(tiny_nli_dir),
            enable_compression=False,
            enable_generation=False,
        )
    )
    cats = ["reasoning", "function-calling", "text-to-text"]
    with TestClient(app, headers=AUTH) as client:
        single = client.post(
            "/classify", json={"prompt": "please review the code", "possible_categories": cats}
        ).json()
        assert single["method"] == "nli"
        assert abs(sum(c["score"] for c in single["all_categories"]) - 1.0) < 1e-3
        scores = [c["score"] for c in single["all_categories"]]
        assert scores == sorted(scores, reverse=True)
        multi = client.post(
            "/classify",
            json={
                "prompt": "please review the code",
                "possible_categories": cats,
                "multi_label": True,
            },
        ).json()
        assert all(0.0 <= c["score"] <= 1.0 for c in multi["all_categories"])
        assert {c["category"] for c in multi["all_categories"]} == set(cats)
