"""The trained category head on the real shipped encoder: its targets on the evaluation set, a
custom category learned from its examples, zero-shot for one without, and the train/eval split."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from tests.conftest import FIXTURES
from tokenflow_ml.category_head import (
    HEAD_DIR,
    expected_calibration_error,
    fit_head,
    load_head,
    load_training_inputs,
)
from tokenflow_ml.classification import EmbeddingClassifier

EVAL_SET = FIXTURES / "routing-eval.jsonl"


def words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", text.lower()))


LEGAL = [
    "Legal questions: contracts, clauses, liability, compliance, employment and tenancy law.",
    "Is a non-compete clause enforceable if I was laid off rather than quitting?",
    "Review this indemnification clause and tell me which party carries the risk.",
    "Can my landlord keep the whole deposit for normal wear and tear?",
    "What does 'force majeure' cover in a supply agreement, and does a pandemic count?",
    "Do I need a data processing agreement with a vendor that stores our customers' emails?",
    "My employer hasn't paid overtime for three months. What are my options under labour law?",
    "Explain the difference between a limited warranty and a disclaimer of warranties.",
    "Is an e-signature legally binding for a commercial lease?",
    "Which notice period applies if the contract says nothing about termination?",
]


def classify(client: TestClient, prompt: str, descriptions: dict[str, list[str]]) -> dict:  # type: ignore[type-arg]
    res = client.post(
        "/classify",
        json={"prompt": prompt, "possible_categories": list(descriptions),
              "descriptions": descriptions},
    )  # fmt: skip
    assert res.status_code == 200, res.text
    body: dict = res.json()  # type: ignore[type-arg]
    return body


def classifier(client: TestClient) -> EmbeddingClassifier:
    backend = client.app.state.services.registry.get("classification", "embedding")  # type: ignore[attr-defined]
    assert isinstance(backend, EmbeddingClassifier)
    return backend


def test_evaluation_set_targets(embedded_client: TestClient, catalog: dict[str, list[str]]) -> None:
    """>= 93 % top-1, every recall >= 85 %, expected calibration error <= 0.05 on prompts written
    apart from the training data (tests/fixtures/routing-eval.jsonl)."""
    rows = [json.loads(line) for line in EVAL_SET.read_text().splitlines()]
    ids = list(catalog)
    probs = np.zeros((len(rows), len(ids)))
    for i, row in enumerate(rows):
        body = classify(embedded_client, row["prompt"], catalog)
        assert body["method"] == "embedding-head" and body["calibrated"] is True
        for item in body["all_categories"]:
            probs[i, ids.index(item["category"])] = item["score"]
    truth = np.array([ids.index(r["category"]) for r in rows])
    predicted = probs.argmax(axis=1)
    recall = {c: float((predicted[truth == k] == k).mean()) for k, c in enumerate(ids)}
    accuracy = float((predicted == truth).mean())
    ece = expected_calibration_error(probs, truth)
    print(f"\neval top-1 {accuracy:.3f}, ECE {ece:.3f}, recall {recall}")
    assert accuracy >= 0.93
    assert min(recall.values()) >= 0.85, recall
    assert ece <= 0.05


def test_the_shipped_catalog_uses_the_committed_head(
    embedded_client: TestClient, catalog: dict[str, list[str]]
) -> None:
    backend = classifier(embedded_client)
    assert backend.committed is not None and backend.committed.categories == list(catalog)
    passes = backend.forward_passes
    body = classify(embedded_client, "Call get_weather for Lisbon in metric units.", catalog)
    assert body["top_category"] == "function-calling" and body["calibrated"] is True
    # A subset of the committed categories reuses its head: one forward pass, no training.
    subset = {c: catalog[c] for c in ("reasoning", "text-to-text")}
    body = classify(embedded_client, "Prove that the square root of 2 is irrational.", subset)
    assert body["top_category"] == "reasoning" and body["method"] == "embedding-head"
    assert backend.forward_passes - passes == 2


def test_a_custom_category_is_learned_from_its_examples(
    embedded_client: TestClient, catalog: dict[str, list[str]]
) -> None:
    descriptions = {**catalog, "legal": LEGAL}
    for prompt in (
        "Can my employer change my contract without my consent?",
        "What happens to the lease if the landlord sells the building?",
    ):
        body = classify(embedded_client, prompt, descriptions)
        assert body["top_category"] == "legal", body["all_categories"]
        assert body["method"] == "embedding-head" and body["calibrated"] is True
    # The shipped categories still win their own prompts next to the new one.
    body = classify(
        embedded_client, "Draft a friendly email inviting the team to lunch.", descriptions
    )
    assert body["top_category"] == "text-to-text", body["all_categories"]


def test_a_category_without_examples_gets_a_zero_shot_share(
    embedded_client: TestClient, catalog: dict[str, list[str]]
) -> None:
    descriptions = {
        **catalog,
        "cooking": ["Recipes, cooking techniques, ingredients, baking and meal planning."],
    }
    body = classify(embedded_client, "How long should I rest a roast chicken before carving?",
                    descriptions)  # fmt: skip
    assert body["method"] == "embedding-head" and body["calibrated"] is False
    assert abs(sum(c["score"] for c in body["all_categories"]) - 1) < 1e-3
    assert body["top_category"] == "cooking", body["all_categories"]


def test_multi_label_stays_on_independent_scores(
    embedded_client: TestClient, catalog: dict[str, list[str]]
) -> None:
    res = embedded_client.post("/classify", json={
        "prompt": "Translate this tool call's description into German and return it as JSON.",
        "possible_categories": list(catalog), "descriptions": catalog, "multi_label": True,
    })  # fmt: skip
    assert res.status_code == 200
    body = res.json()
    assert body["method"] == "embedding" and body["calibrated"] is False
    assert all(0 <= c["score"] <= 1 for c in body["all_categories"])


def test_evaluation_prompts_are_not_in_the_training_data(embedded_client: TestClient) -> None:
    """The sets were written separately, and training rows that came out nearly the same as an
    evaluation prompt were dropped: no pair shares 80 % of its words."""
    backend = classifier(embedded_client)
    train = [words(p) for p in backend.training.prompts]
    for line in EVAL_SET.read_text().splitlines():
        prompt = words(json.loads(line)["prompt"])
        overlap = max(len(prompt & t) / len(prompt | t) for t in train)
        assert overlap < 0.8, (line, overlap)


def test_committed_files_match_the_training_rows(embedded_client: TestClient) -> None:
    backend = classifier(embedded_client)
    assert load_training_inputs(HEAD_DIR, backend.training_digest()) is not None


def test_a_head_survives_save_and_load(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    inputs = np.concatenate([rng.normal(0, 1, (30, 4)) + 3, rng.normal(0, 1, (30, 4)) - 3])
    labels = np.array([0] * 30 + [1] * 30)
    head = fit_head(["a", "b"], inputs, labels, ["ka", "kb"], c=1.0)
    head.save(tmp_path, {})
    loaded = load_head(tmp_path)
    assert loaded is not None and loaded.keys == ["ka", "kb"]
    np.testing.assert_allclose(loaded.probabilities(inputs), head.probabilities(inputs))
    assert (head.probabilities(inputs).argmax(axis=1) == labels).mean() == 1.0


@pytest.mark.parametrize("bins", [5, 10])
def test_expected_calibration_error(bins: int) -> None:
    confident_right = np.array([[0.9, 0.1]] * 10)
    assert expected_calibration_error(
        confident_right, np.zeros(10, dtype=int), bins
    ) == pytest.approx(0.1)
    assert expected_calibration_error(
        confident_right, np.ones(10, dtype=int), bins
    ) == pytest.approx(0.9)
