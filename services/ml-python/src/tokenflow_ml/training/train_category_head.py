"""`python -m tokenflow_ml.training.train_category_head`: train the committed category head.

Training data: the shipped training prompts (category_head/routing-train*.jsonl) plus each catalog
category's description and examples, exactly what the gateway sends, so the committed head is the
one the service would fit for the shipped catalog. The regularisation strength is chosen by
stratified cross-validation on the training set alone and the temperature on its out-of-fold
logits; the evaluation set (tests/fixtures/routing-eval.jsonl) is never read here. The shipped
rows' head inputs are written beside the head, so a custom category set fits in seconds.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from tokenflow_ml.category_head import (
    HEAD_DIR,
    expected_calibration_error,
    fit_temperature,
    out_of_fold_logits,
    save_training_inputs,
    softmax_rows,
)
from tokenflow_ml.classification import EmbeddingClassifier
from tokenflow_ml.config import get_settings
from tokenflow_ml.loaders import build_registry

CATALOG = Path(__file__).resolve().parents[5] / "packages" / "catalog" / "src" / "categories.json"
C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0)


def catalog_signature(path: Path) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Per category, the texts the gateway sends: its description, then its examples."""
    categories = json.loads(path.read_text())["categories"]
    return tuple((c["id"], (c["description"], *c.get("examples", []))) for c in categories)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--catalog", type=Path, default=CATALOG)
    parser.add_argument("--out", type=Path, default=HEAD_DIR)
    args = parser.parse_args()
    started = time.perf_counter()
    settings = get_settings()
    settings.enable_compression = False
    settings.enable_generation = False
    classifier = build_registry(settings).get("classification", "embedding")
    assert isinstance(classifier, EmbeddingClassifier)
    sig = catalog_signature(args.catalog)
    inputs, labels = classifier.training_inputs(sig)
    print(f"{len(labels)} training rows, {len(sig)} categories, {inputs.shape[1]} inputs")
    scores: dict[float, tuple[float, float, float]] = {}
    for c in C_GRID:
        logits = out_of_fold_logits(inputs, labels, c)
        temperature = fit_temperature(logits, labels)
        probs = softmax_rows(logits / temperature)
        accuracy = float((probs.argmax(axis=1) == labels).mean())
        nll = float(-np.log(probs[np.arange(len(labels)), labels]).mean())
        scores[c] = (accuracy, nll, expected_calibration_error(probs, labels))
        print(f"C={c:<5} cross-validated accuracy {accuracy:.3f}  NLL {nll:.3f}  "
              f"ECE {scores[c][2]:.3f}  temperature {temperature:.2f}")  # fmt: skip
    best = max(C_GRID, key=lambda c: (scores[c][0], -scores[c][1]))
    head = classifier.fit(sig, best)
    accuracy, nll, ece = scores[best]
    head.save(args.out, {
        "trained_by": "python -m tokenflow_ml.training.train_category_head",
        "training_rows": len(labels),
        "cross_validated": {"accuracy": round(accuracy, 4), "nll": round(nll, 4),
                            "ece": round(ece, 4)},
    })  # fmt: skip
    save_training_inputs(args.out, classifier.shipped_inputs(), classifier.training_digest())
    print(f"C={best}: head written to {args.out} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
