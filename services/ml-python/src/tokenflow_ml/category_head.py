"""The trained category head: logistic regression over a prompt's sentence embedding and its intent
features, temperature-scaled so that its confidence is a calibrated probability.

Fitting takes well under a second for a few hundred prompts (their embeddings are the cost), so
the service fits a head for any category set that has examples the first time it sees that set;
the head for the shipped catalog is committed (category_head/), trained by
`python -m tokenflow_ml.training.train_category_head`. The temperature is fitted on out-of-fold
logits of the training set, never on the evaluation set.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from safetensors.numpy import load_file, save_file

from tokenflow_ml.intent_features import FEATURE_NAMES

HEAD_DIR = Path(__file__).with_name("category_head")
# The shipped training prompts (routing-train*.jsonl, each written separately from the evaluation set).
TRAINING_GLOB = "routing-train*.jsonl"
TRAINING_INPUTS = "training-inputs.safetensors"
# Inverse regularisation strength; the training script picks it by cross-validation and the
# runtime fits of custom category sets reuse the committed head's value.
DEFAULT_C = 1.0
FOLDS = 5
SEED = 0
# The head reads the sentence embedding of the encoder cut to its first layers, int8 linear layers
# on the CPU: cross-validated on the training set, 3 layers scored 93.7 % against 92.6 % for the
# full float32 model (4 layers: 94.7 %, at 19 ms a prompt instead of 12 ms).
ENCODER_LAYERS = 3
# Features are scaled after standardisation: the 384 embedding dimensions would otherwise drown
# the handful of intent features in the L2 penalty.
FEATURE_WEIGHT = 3.0


def category_key(training_digest: str, category: str, texts: list[str]) -> str:
    """Identifies what a head learned about one category: the shipped training rows, the
    category's provided texts and the feature set the head reads."""
    payload = json.dumps([FEATURE_NAMES, training_digest, category, texts], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()[:24]


@dataclass
class CategoryHead:
    categories: list[str]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray  # (categories, inputs)
    intercept: np.ndarray
    temperature: float
    keys: list[str]  # category_key per category
    c: float

    def logits(self, inputs: np.ndarray) -> np.ndarray:
        return ((inputs - self.mean) / self.scale) @ self.coef.T + self.intercept  # type: ignore[no-any-return]

    def probabilities(self, inputs: np.ndarray) -> np.ndarray:
        return softmax_rows(self.logits(inputs) / self.temperature)

    def covers(self, keys: list[str]) -> bool:
        return set(keys) <= set(self.keys)

    def restricted(self, keys: list[str]) -> CategoryHead:
        """The head over a subset of its categories, in the order of `keys`: its softmax is then
        the probability of each category given that the answer is one of them."""
        rows = [self.keys.index(k) for k in keys]
        return CategoryHead(
            [self.categories[r] for r in rows], self.mean, self.scale, self.coef[rows],
            self.intercept[rows], self.temperature, keys, self.c,
        )  # fmt: skip

    def save(self, directory: Path, extra: dict[str, object]) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        tensors = {"mean": self.mean, "scale": self.scale, "coef": self.coef,
                   "intercept": self.intercept}  # fmt: skip
        # safetensors writes the raw buffer: sklearn's coefficients can be Fortran-ordered.
        save_file({k: np.ascontiguousarray(v) for k, v in tensors.items()},
                  str(directory / "head.safetensors"))  # fmt: skip
        config = {"categories": self.categories, "temperature": self.temperature,
                  "category_keys": self.keys, "c": self.c, "features": list(FEATURE_NAMES),
                  "encoder_layers": ENCODER_LAYERS,
                  "feature_weight": FEATURE_WEIGHT, **extra}  # fmt: skip
        (directory / "config.json").write_text(json.dumps(config, indent=2) + "\n")


def load_head(directory: Path = HEAD_DIR) -> CategoryHead | None:
    """The committed head, or None when none was trained for this feature set."""
    config_path = directory / "config.json"
    if not config_path.exists():
        return None
    config = json.loads(config_path.read_text())
    if (config.get("features") != list(FEATURE_NAMES) or "category_keys" not in config
            or config.get("encoder_layers") != ENCODER_LAYERS):  # fmt: skip
        return None  # trained for another feature set: categories are fitted on first use
    tensors = load_file(str(directory / "head.safetensors"))
    return CategoryHead(
        config["categories"], tensors["mean"], tensors["scale"], tensors["coef"],
        tensors["intercept"], float(config["temperature"]), config["category_keys"],
        float(config["c"]),
    )  # fmt: skip


def head_encoder(model: Any) -> Any:
    """A CPU copy of a sentence-transformers model cut to ENCODER_LAYERS layers, int8 linears."""
    import copy
    import warnings

    import torch

    cut = copy.deepcopy(model).to("cpu").float()
    bert = cut[0].auto_model
    bert.encoder.layer = bert.encoder.layer[:ENCODER_LAYERS]
    with warnings.catch_warnings():
        # torch.ao's eager dynamic quantisation is deprecated in favour of torchao; it is still
        # the fastest int8 path on torch 2.13's CPU build (see encoder_scorer).
        warnings.simplefilter("ignore")
        return torch.ao.quantization.quantize_dynamic(cut, {torch.nn.Linear}, dtype=torch.qint8)


def head_inputs(embeddings: np.ndarray, features: np.ndarray) -> np.ndarray:
    return np.concatenate([embeddings, FEATURE_WEIGHT * features], axis=1).astype(np.float64)


def softmax_rows(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)  # type: ignore[no-any-return]


def _fit_lr(inputs: np.ndarray, labels: np.ndarray, c: float) -> tuple[np.ndarray, ...]:
    from sklearn.linear_model import LogisticRegression

    mean = inputs.mean(axis=0)
    scale = inputs.std(axis=0)
    scale[scale < 1e-6] = 1.0
    model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
    model.fit((inputs - mean) / scale, labels)
    coef, intercept = model.coef_, model.intercept_
    if coef.shape[0] == 1:  # sklearn's binary head has one row: the logit of the second class
        coef = np.concatenate([-coef / 2, coef / 2])
        intercept = np.concatenate([-intercept / 2, intercept / 2])
    return mean, scale, coef, intercept


def out_of_fold_logits(inputs: np.ndarray, labels: np.ndarray, c: float) -> np.ndarray:
    """Each row's logits from a head fitted without it (stratified folds, fixed seed)."""
    from sklearn.model_selection import StratifiedKFold

    folds = min(FOLDS, int(np.bincount(labels).min()))
    logits = np.zeros((len(labels), int(labels.max()) + 1))
    for train, held in StratifiedKFold(folds, shuffle=True, random_state=SEED).split(
        inputs, labels
    ):
        mean, scale, coef, intercept = _fit_lr(inputs[train], labels[train], c)
        logits[held] = ((inputs[held] - mean) / scale) @ coef.T + intercept
    return logits


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The temperature minimising the negative log-likelihood of held-out logits."""
    from scipy.optimize import minimize_scalar

    def nll(log_t: float) -> float:
        p = softmax_rows(logits / np.exp(log_t))
        return float(-np.log(np.clip(p[np.arange(len(labels)), labels], 1e-12, None)).mean())

    return float(np.exp(minimize_scalar(nll, bounds=(-3.0, 3.0), method="bounded").x))


def fit_head(
    categories: list[str], inputs: np.ndarray, labels: np.ndarray, keys: list[str],
    c: float = DEFAULT_C,
) -> CategoryHead:  # fmt: skip
    temperature = fit_temperature(out_of_fold_logits(inputs, labels, c), labels)
    mean, scale, coef, intercept = _fit_lr(inputs, labels, c)
    return CategoryHead(categories, mean, scale, coef, intercept, temperature, keys, c)


def save_training_inputs(directory: Path, inputs: np.ndarray, digest: str) -> None:
    """The shipped training rows' head inputs, so that fitting a custom category set only
    embeds the texts it adds (float16: a few hundred KB)."""
    save_file({"inputs": np.ascontiguousarray(inputs.astype(np.float16))},
              str(directory / TRAINING_INPUTS), metadata={"digest": digest})  # fmt: skip


def load_training_inputs(directory: Path, digest: str) -> np.ndarray | None:
    from safetensors import safe_open

    path = directory / TRAINING_INPUTS
    if not path.exists():
        return None
    with safe_open(str(path), framework="numpy") as f:
        if (f.metadata() or {}).get("digest") != digest:
            return None
        return np.asarray(f.get_tensor("inputs"), dtype=np.float64)


def expected_calibration_error(
    probabilities: np.ndarray, labels: np.ndarray, bins: int = 10
) -> float:
    """Top-1 confidence vs accuracy, weighted over equal-width confidence bins."""
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == labels
    edges = np.linspace(0.0, 1.0, bins + 1)
    error = 0.0
    for low, high in itertools.pairwise(edges):
        members = (confidence > low) & (confidence <= high)
        if members.any():
            error += members.mean() * abs(correct[members].mean() - confidence[members].mean())
    return float(error)
