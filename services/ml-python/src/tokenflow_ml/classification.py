"""Prompt classification backends: sentence embeddings vs. category descriptions, or zero-shot NLI.

Both take a batch of jobs and return one score list per job, so the micro-batcher can run
concurrent requests through a single forward pass.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from tokenflow_ml.language import language_evidence

# Softmax temperature over cosine similarities (single-label). all-MiniLM-L6-v2 squeezes topics
# into a narrow band: the right category typically leads the runner-up by 0.05-0.1 in mean top-3
# cosine, so 0.03 turns a 0.07 lead into ~10:1, while near-ties stay visibly uncertain. The
# temperature never changes the ranking, only the confidence. The sigmoid is used for independent
# multi-label scores: a similarity of MULTI_LABEL_MIDPOINT maps to 0.5.
SOFTMAX_TEMPERATURE = 0.03
MULTI_LABEL_MIDPOINT = 0.35
MULTI_LABEL_SCALE = 0.08
LANGUAGE_CATEGORIES = frozenset({"multilingual", "non-english", "translation"})


def label_text(category: str) -> str:
    """'function-calling' -> 'function calling': the label as words when no description exists."""
    return category.replace("-", " ").replace("_", " ").strip()


@dataclass
class ClassifyJob:
    prompt: str
    categories: list[str]
    multi_label: bool = False
    descriptions: dict[str, list[str]] = field(default_factory=dict)


class ClassifierBackend(Protocol):
    method: str
    model_name: str

    def classify_batch(self, jobs: list[ClassifyJob]) -> list[list[float]]: ...


def softmax(values: np.ndarray, temperature: float) -> np.ndarray:
    z = values / temperature
    z = z - z.max()
    e = np.exp(z)
    return np.asarray(e / e.sum())


class EmbeddingCache:
    """LRU cache of normalised description embeddings keyed by text."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, text: str) -> np.ndarray | None:
        with self._lock:
            vec = self._items.get(text)
            if vec is None:
                self.misses += 1
                return None
            self._items.move_to_end(text)
            self.hits += 1
            return vec

    def put(self, text: str, vec: np.ndarray) -> None:
        with self._lock:
            self._items[text] = vec
            self._items.move_to_end(text)
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


Signature = tuple[tuple[str, tuple[str, ...]], ...]
# Stacked description matrices kept per category set (the gateway sends the same catalog).
MATRIX_CACHE_SIZE = 32
TOP_MATCHES = 3


class EmbeddingClassifier:
    """Cosine similarity of the prompt with each category's description and example texts.

    A category's similarity is the mean of its best three text matches, so one stray example
    does not decide. The language evidence (see language.py, -1 plain English .. +1 another
    language) times `language_weight` is added to the language category. A batch is scored with
    one matrix product per distinct category set, not a loop over jobs and texts.
    """

    method = "embedding"

    def __init__(self, model: Any, model_name: str, cache_size: int, language_weight: float):
        self.model = model
        self.model_name = model_name
        self.cache = EmbeddingCache(cache_size)
        self.language_weight = language_weight
        self.forward_passes = 0
        self._matrices: OrderedDict[Signature, tuple[np.ndarray, list[tuple[int, int]]]] = (
            OrderedDict()
        )

    def _encode(self, texts: list[str]) -> np.ndarray:
        self.forward_passes += 1
        return np.asarray(
            self.model.encode(
                texts, normalize_embeddings=True, convert_to_numpy=True, batch_size=64
            ),
            dtype=np.float32,
        )

    def classify_batch(self, jobs: list[ClassifyJob]) -> list[list[float]]:
        signatures = [
            tuple((c, tuple(job.descriptions.get(c) or [label_text(c)])) for c in job.categories)
            for job in jobs
        ]
        missing: dict[str, None] = {}
        for sig in dict.fromkeys(signatures):
            if sig not in self._matrices:
                for _, texts in sig:
                    missing.update((t, None) for t in texts if self.cache.get(t) is None)
        prompts = [job.prompt for job in jobs]
        # One forward pass for all prompts of the batch plus any description not cached yet.
        vectors = self._encode(prompts + list(missing))
        for text, vec in zip(missing, vectors[len(prompts) :], strict=True):
            self.cache.put(text, vec)
        groups: dict[Signature, list[int]] = {}
        for i, sig in enumerate(signatures):
            groups.setdefault(sig, []).append(i)
        results: list[list[float]] = [[] for _ in jobs]
        for sig, indices in groups.items():
            matrix, bounds = self._matrix(sig)
            sims = vectors[indices] @ matrix.T  # prompts x description texts
            per_category = np.stack([_top_mean(sims[:, a:b]) for a, b in bounds], axis=1)
            for row, i in zip(per_category, indices, strict=True):
                results[i] = self._probabilities(jobs[i], row)
        return results

    def _probabilities(self, job: ClassifyJob, sims: np.ndarray) -> list[float]:
        arr = sims.astype(np.float64)
        for k, category in enumerate(job.categories):
            if category in LANGUAGE_CATEGORIES:
                arr[k] += self.language_weight * language_evidence(job.prompt)
        if job.multi_label:
            probs = 1.0 / (1.0 + np.exp(-(arr - MULTI_LABEL_MIDPOINT) / MULTI_LABEL_SCALE))
        else:
            probs = softmax(arr, SOFTMAX_TEMPERATURE)
        return [float(p) for p in probs]

    def _matrix(self, sig: Signature) -> tuple[np.ndarray, list[tuple[int, int]]]:
        """All description vectors of a category set stacked, with each category's row range."""
        cached = self._matrices.get(sig)
        if cached is not None:
            self._matrices.move_to_end(sig)
            return cached
        rows: list[np.ndarray] = []
        bounds: list[tuple[int, int]] = []
        for _, texts in sig:
            bounds.append((len(rows), len(rows) + len(texts)))
            rows.extend(self._cached(t) for t in texts)
        entry = (np.stack(rows), bounds)
        self._matrices[sig] = entry
        while len(self._matrices) > MATRIX_CACHE_SIZE:
            self._matrices.popitem(last=False)
        return entry

    def _cached(self, text: str) -> np.ndarray:
        vec = self.cache.get(text)
        if vec is None:  # evicted between the batch encode and now: re-embed
            vec = self._encode([text])[0]
            self.cache.put(text, vec)
        return vec


def _top_mean(sims: np.ndarray) -> np.ndarray:
    """Per row, the mean of the TOP_MATCHES largest values (all of them when fewer)."""
    if sims.shape[1] <= TOP_MATCHES:
        return np.asarray(sims.mean(axis=1))
    return np.asarray(np.partition(sims, -TOP_MATCHES, axis=1)[:, -TOP_MATCHES:].mean(axis=1))


class NLIClassifier:
    """transformers zero-shot-classification pipeline (hub default: facebook/bart-large-mnli)."""

    method = "nli"

    def __init__(self, pipeline: Any, model_name: str) -> None:
        self.pipeline = pipeline
        self.model_name = model_name
        self._lock = threading.Lock()

    def classify_batch(self, jobs: list[ClassifyJob]) -> list[list[float]]:
        results: list[list[float]] = []
        for job in jobs:
            labels = [label_text(c) for c in job.categories]
            with self._lock:
                out = self.pipeline(
                    job.prompt, candidate_labels=labels, multi_label=job.multi_label
                )
            by_label = dict(zip(out["labels"], out["scores"], strict=True))
            results.append([float(by_label[label]) for label in labels])
        return results
