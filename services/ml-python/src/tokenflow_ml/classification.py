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


class EmbeddingClassifier:
    """Cosine similarity of the prompt with each category's description and example texts.

        A category's similarity is the mean of its best three text matches, so one stray example
        does not decide. The language evidence (see language.py, -1 plain English .. +1 another
    language) times `language_weight` is added to the language category.
    """

    method = "embedding"

    def __init__(self, model: Any, model_name: str, cache_size: int, language_weight: float):
        self.model = model
        self.model_name = model_name
        self.cache = EmbeddingCache(cache_size)
        self.language_weight = language_weight
        self.forward_passes = 0

    def _encode(self, texts: list[str]) -> np.ndarray:
        self.forward_passes += 1
        return np.asarray(
            self.model.encode(
                texts, normalize_embeddings=True, convert_to_numpy=True, batch_size=64
            )
        )

    def classify_batch(self, jobs: list[ClassifyJob]) -> list[list[float]]:
        texts_per_job = [
            {c: (job.descriptions.get(c) or [label_text(c)]) for c in job.categories}
            for job in jobs
        ]
        missing: list[str] = []
        for per_cat in texts_per_job:
            for texts in per_cat.values():
                missing.extend(t for t in texts if self.cache.get(t) is None and t not in missing)
        prompts = [job.prompt for job in jobs]
        # One forward pass for all prompts of the batch plus any description not cached yet.
        vectors = self._encode(prompts + missing)
        for text, vec in zip(missing, vectors[len(prompts) :], strict=True):
            self.cache.put(text, vec)
        results: list[list[float]] = []
        for job, per_cat, prompt_vec in zip(
            jobs, texts_per_job, vectors[: len(prompts)], strict=True
        ):
            sims = []
            for category in job.categories:
                desc = np.stack([self._cached(t) for t in per_cat[category]])
                scores = np.sort(desc @ prompt_vec)[::-1][:3]
                sim = float(scores.mean())
                if category in LANGUAGE_CATEGORIES:
                    sim += self.language_weight * language_evidence(job.prompt)
                sims.append(sim)
            arr = np.asarray(sims)
            if job.multi_label:
                probs = 1.0 / (1.0 + np.exp(-(arr - MULTI_LABEL_MIDPOINT) / MULTI_LABEL_SCALE))
            else:
                probs = softmax(arr, SOFTMAX_TEMPERATURE)
            results.append([float(p) for p in probs])
        return results

    def _cached(self, text: str) -> np.ndarray:
        vec = self.cache.get(text)
        if vec is None:  # evicted between the batch encode and now: re-embed
            vec = self._encode([text])[0]
            self.cache.put(text, vec)
        return vec


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
