"""Prompt classification backends: a trained head over sentence embeddings (zero-shot similarity
with the descriptions for categories without examples), or zero-shot NLI.

Both take a batch of jobs and return one classification per job, so the micro-batcher can run
concurrent requests through a single forward pass.
"""

from __future__ import annotations

import functools
import json
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from tokenflow_ml.category_head import (
    DEFAULT_C,
    ENCODER_LAYERS,
    HEAD_DIR,
    TRAINING_GLOB,
    CategoryHead,
    category_key,
    fit_head,
    head_encoder,
    head_inputs,
    load_head,
    load_training_inputs,
)
from tokenflow_ml.intent_features import intent_features, language_evidence

# Softmax temperature over cosine similarities (single-label). all-MiniLM-L6-v2 squeezes topics
# into a narrow band: the right category typically leads the runner-up by 0.05-0.1 in mean top-3
# cosine, so 0.03 turns a 0.07 lead into ~10:1, while near-ties stay visibly uncertain. The
# temperature never changes the ranking, only the confidence. The sigmoid is used for independent
# multi-label scores: a similarity of MULTI_LABEL_MIDPOINT maps to 0.5.
SOFTMAX_TEMPERATURE = 0.03
MULTI_LABEL_MIDPOINT = 0.35
MULTI_LABEL_SCALE = 0.08
LANGUAGE_CATEGORIES = frozenset({"multilingual", "non-english", "translation"})
# A category is learned by the head when it has at least this many texts (shipped training
# prompts with its id plus the description and examples the request sends); fewer: zero-shot.
MIN_EXAMPLES = 5
# Prompts longer than this are embedded as their first and last LONG_PROMPT_CHARS characters
# (averaged): a pasted document usually comes with the ask before or after it, and the encoder
# reads 256 word pieces.
LONG_PROMPT_CHARS = 1200
HEAD_CACHE_SIZE = 8


def label_text(category: str) -> str:
    """'function-calling' -> 'function calling': the label as words when no description exists."""
    return category.replace("-", " ").replace("_", " ").strip()


@dataclass
class ClassifyJob:
    prompt: str
    categories: list[str]
    multi_label: bool = False
    descriptions: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Classification:
    scores: list[float]
    method: str
    calibrated: bool


class ClassifierBackend(Protocol):
    method: str
    model_name: str

    def classify_batch(self, jobs: list[ClassifyJob]) -> list[Classification]: ...


@dataclass
class TrainingRows:
    """The shipped training prompts: category per row, and rows per category."""

    categories: list[str]
    prompts: list[str]
    digest: str

    @functools.cached_property
    def counts(self) -> Counter[str]:
        return Counter(self.categories)

    @classmethod
    def load(cls) -> TrainingRows:
        import hashlib

        text = "".join(path.read_text() for path in sorted(HEAD_DIR.glob(TRAINING_GLOB)))
        rows = [json.loads(line) for line in text.splitlines() if line.strip()]
        digest = hashlib.sha256(text.encode()).hexdigest()[:16]
        return cls([r["category"] for r in rows], [r["prompt"] for r in rows], digest)


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
    """A trained head over the prompt's embedding and intent features, per category set.

    For a single-label request whose categories have examples, the head for that category set
    decides (the committed head for the shipped catalog, otherwise one fitted on first use from
    the shipped training prompts with those ids plus the request's examples). It reads the
    encoder's first ENCODER_LAYERS layers in int8 on the CPU (12 ms a prompt on 2 cores, against
    35 ms for the full model), and its confidence is temperature-calibrated. Categories without
    examples get the zero-shot share from the full model: cosine similarity of the prompt with
    each category's texts (mean of the best three matches), plus the language evidence times
    `language_weight` for the language category. Multi-label requests use the zero-shot
    similarities through a sigmoid (the training data is single-label).
    """

    method = "embedding"

    def __init__(
        self, model: Any, model_name: str, cache_size: int, language_weight: float,
        use_head: bool = True,
    ) -> None:  # fmt: skip
        self.model = model
        self.head_model = head_encoder(model)
        self.model_name = model_name
        self.cache = EmbeddingCache(cache_size)
        self.language_weight = language_weight
        self.use_head = use_head
        self.forward_passes = 0
        self.training = TrainingRows.load()
        self._training_inputs: np.ndarray | None = None
        self._matrices: OrderedDict[Signature, tuple[np.ndarray, list[tuple[int, int]]]] = (
            OrderedDict()
        )
        self._heads: list[CategoryHead] = []  # most recently used first
        self.committed = load_head()
        if self.committed is not None:
            self._heads.append(self.committed)
        self._fit_lock = threading.Lock()

    def _encode(self, model: Any, texts: list[str]) -> np.ndarray:
        self.forward_passes += 1
        return np.asarray(
            model.encode(texts, normalize_embeddings=True, convert_to_numpy=True, batch_size=64),
            dtype=np.float32,
        )

    def embed_prompts(
        self, model: Any, prompts: list[str], extra: list[str] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(prompt vectors, vectors of `extra` texts) from one forward pass; a long prompt is
        the normalised mean of its head and tail."""
        extra = extra or []
        pieces: list[str] = []
        owners: list[int] = []
        for i, prompt in enumerate(prompts):
            parts = (
                [prompt]
                if len(prompt) <= 2 * LONG_PROMPT_CHARS
                else [prompt[:LONG_PROMPT_CHARS], prompt[-LONG_PROMPT_CHARS:]]
            )
            pieces.extend(parts)
            owners.extend([i] * len(parts))
        vectors = self._encode(model, pieces + extra)
        sums = np.zeros((len(prompts), vectors.shape[1]), dtype=np.float32)
        np.add.at(sums, np.array(owners, dtype=np.int64), vectors[: len(pieces)])
        sums /= np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-9)
        return sums, vectors[len(pieces) :]

    def head_inputs(self, prompts: list[str]) -> np.ndarray:
        vectors, _ = self.embed_prompts(self.head_model, prompts)
        return head_inputs(vectors, np.stack([intent_features(p) for p in prompts]))

    def classify_batch(self, jobs: list[ClassifyJob]) -> list[Classification]:
        signatures = [
            tuple((c, tuple(job.descriptions.get(c) or [label_text(c)])) for c in job.categories)
            for job in jobs
        ]
        trained = {
            sig: [k for k, (c, texts) in enumerate(sig) if self._trainable(c, texts)]
            for sig in dict.fromkeys(signatures)
        }
        by_head = [
            i for i, job in enumerate(jobs)
            if self.use_head and trained[signatures[i]] and not job.multi_label
        ]  # fmt: skip
        head_jobs = set(by_head)
        zero_shot = self._zero_shot(
            jobs,
            signatures,
            [i for i in range(len(jobs)) if i not in head_jobs or
             len(trained[signatures[i]]) < len(signatures[i])],
        )  # fmt: skip
        results = {
            i: Classification(probs.tolist(), self.method, False) for i, probs in zero_shot.items()
        }
        if by_head:
            inputs = self.head_inputs([jobs[i].prompt for i in by_head])
            heads = {
                sig: self._head(tuple(sig[k] for k in trained[sig]))
                for sig in dict.fromkeys(signatures[i] for i in by_head)
            }
            for row, i in enumerate(by_head):
                sig = signatures[i]
                keep = trained[sig]
                probs = heads[sig].probabilities(inputs[row : row + 1])[0]
                # Untrained categories keep their zero-shot share; the head splits the rest.
                untrained = np.ones(len(sig), dtype=bool)
                untrained[keep] = False
                scores = (
                    np.where(untrained, zero_shot[i], 0.0)
                    if untrained.any()
                    else np.zeros(len(sig))
                )
                scores[keep] = (1.0 - scores.sum()) * probs
                results[i] = Classification(
                    scores.tolist(), "embedding-head", calibrated=not untrained.any()
                )
        return [results[i] for i in range(len(jobs))]

    def _zero_shot(
        self, jobs: list[ClassifyJob], signatures: list[Signature], indices: list[int]
    ) -> dict[int, np.ndarray]:
        """Description-similarity probabilities for these jobs, from one forward pass of the full
        model over their prompts and any description text not cached yet."""
        if not indices:
            return {}
        missing: dict[str, None] = {}
        for sig in dict.fromkeys(signatures[i] for i in indices):
            for _, texts in sig:
                missing.update((t, None) for t in texts if self.cache.get(t) is None)
        vectors, extra = self.embed_prompts(self.model, [jobs[i].prompt for i in indices],
                                            list(missing))  # fmt: skip
        for text, vec in zip(missing, extra, strict=True):
            self.cache.put(text, vec)
        out: dict[int, np.ndarray] = {}
        for row, i in enumerate(indices):
            matrix, bounds = self._matrix(signatures[i])
            sims = vectors[row] @ matrix.T
            per_category = np.array([_top_mean(sims[None, a:b])[0] for a, b in bounds])
            out[i] = self._probabilities(jobs[i], per_category)
        return out

    def _trainable(self, category: str, texts: tuple[str, ...]) -> bool:
        shipped = self.training.counts.get(category, 0)
        return shipped + len(texts) >= MIN_EXAMPLES and (shipped > 0 or len(texts) > 1)

    def training_set(
        self, sig: tuple[tuple[str, tuple[str, ...]], ...]
    ) -> tuple[list[str], list[int], list[int]]:
        """For a category set: its provided texts (to embed), and per training row (shipped rows
        first, then provided texts) the row index or -1-text index, and the label."""
        texts: list[str] = []
        rows: list[int] = []
        labels: list[int] = []
        for k, (category, provided) in enumerate(sig):
            for r, shipped in enumerate(self.training.categories):
                if shipped == category:
                    rows.append(r)
                    labels.append(k)
            for text in provided:
                rows.append(-1 - len(texts))
                texts.append(text)
                labels.append(k)
        return texts, rows, labels

    def category_keys(self, sig: tuple[tuple[str, tuple[str, ...]], ...]) -> list[str]:
        return [category_key(self.training.digest, c, list(t)) for c, t in sig]

    def training_inputs(
        self, sig: tuple[tuple[str, tuple[str, ...]], ...]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Head inputs and labels for a category set: the shipped rows with its ids, then the
        provided texts."""
        texts, rows, labels = self.training_set(sig)
        shipped = self.shipped_inputs()
        provided = shipped[:0]
        if texts:
            provided = self.head_inputs(texts)
        inputs = np.stack([shipped[r] if r >= 0 else provided[-1 - r] for r in rows])
        return inputs, np.array(labels)

    def fit(self, sig: tuple[tuple[str, tuple[str, ...]], ...], c: float) -> CategoryHead:
        inputs, labels = self.training_inputs(sig)
        categories = [category for category, _ in sig]
        return fit_head(categories, inputs, labels, self.category_keys(sig), c)

    def shipped_inputs(self) -> np.ndarray:
        """Head inputs of the shipped training rows: from the committed file when it matches
        them, else embedded now (tens of seconds on 2 cores)."""
        if self._training_inputs is None:
            self._training_inputs = load_training_inputs(HEAD_DIR, self.training_digest())
        if self._training_inputs is None:
            self._training_inputs = self.head_inputs(self.training.prompts)
        return self._training_inputs

    def training_digest(self) -> str:
        return f"{self.training.digest}:{self.model_name}:{ENCODER_LAYERS}-layers-int8"

    def _head(self, sig: tuple[tuple[str, tuple[str, ...]], ...]) -> CategoryHead:
        """A head that learned these categories with these texts: the committed one or one
        fitted earlier (restricted to the requested subset), else a new fit."""
        keys = self.category_keys(sig)
        with self._fit_lock:  # a new category set is fitted once, however many ask at once
            head = next((h for h in self._heads if h.covers(keys)), None)
            if head is None:
                head = self.fit(sig, self.committed.c if self.committed else DEFAULT_C)
            else:
                self._heads.remove(head)
            self._heads.insert(0, head)
            del self._heads[HEAD_CACHE_SIZE:]
            return head if head.keys == keys else head.restricted(keys)

    def _probabilities(self, job: ClassifyJob, sims: np.ndarray) -> np.ndarray:
        arr = sims.astype(np.float64)
        for k, category in enumerate(job.categories):
            if category in LANGUAGE_CATEGORIES:
                arr[k] += self.language_weight * language_evidence(job.prompt)
        if job.multi_label:
            return 1.0 / (1.0 + np.exp(-(arr - MULTI_LABEL_MIDPOINT) / MULTI_LABEL_SCALE))
        return softmax(arr, SOFTMAX_TEMPERATURE)

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
            vec = self._encode(self.model, [text])[0]
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

    def classify_batch(self, jobs: list[ClassifyJob]) -> list[Classification]:
        results: list[Classification] = []
        for job in jobs:
            labels = [label_text(c) for c in job.categories]
            with self._lock:
                out = self.pipeline(
                    job.prompt, candidate_labels=labels, multi_label=job.multi_label
                )
            by_label = dict(zip(out["labels"], out["scores"], strict=True))
            scores = [float(by_label[label]) for label in labels]
            results.append(Classification(scores, self.method, calibrated=False))
        return results
