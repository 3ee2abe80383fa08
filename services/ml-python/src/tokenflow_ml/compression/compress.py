"""Word-level prompt compression: protected spans stay verbatim, a method scores every other word,
and one global threshold keeps the best words within the token budget.

The requested ratio applies to all the text given (cl100k tokens). Protected spans (code, JSON,
numbers, identifiers, names, force tokens, the question) are counted first; when they alone
exceed most of the budget, the lowest-priority kinds are released back to the scorer. Texts that
must not change (a system prompt, the latest question) count against the budget but are kept.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from tokenflow_ml.compression.budget import select, word_cost
from tokenflow_ml.compression.preserve import Span, find_spans
from tokenflow_ml.compression.relevance import question_boost
from tokenflow_ml.compression.words import kept_segments, rebuild, split_words, word_texts
from tokenflow_ml.deadline import check_deadline
from tokenflow_ml.tokens import count_tokens

# Protected spans may use at most this share of the token budget; the scorer needs the rest.
MAX_PROTECTED_SHARE = 0.75
# The words right before and after a protected number (its label, its unit) gain this many
# standard deviations of score: a number means little without them.
COHESION_BOOST = 1.0


class WordScorer(Protocol):
    method: str
    model_name: str

    def score(self, text: str, spans: np.ndarray) -> np.ndarray:
        """One keep score per word (higher = keep); any scale, compared within one text."""
        ...


@dataclass
class CompressedText:
    original_text: str
    compressed_text: str
    original_tokens: int
    compressed_tokens: int
    segments: list[tuple[str, bool]]


@dataclass
class CompressionResult:
    parts: list[CompressedText]
    original_tokens: int
    compressed_tokens: int
    compression_ratio: float
    method: str
    model: str
    latency_ms: float


@dataclass
class _Part:
    text: str
    tokens: int
    words: np.ndarray
    costs: np.ndarray
    scores: np.ndarray
    protected: np.ndarray


def span_words(words: np.ndarray, spans: list[Span]) -> list[tuple[int, int]]:
    """For each span, the range of words it touches (a touched word is protected whole)."""
    if len(words) == 0:
        return [(0, 0) for _ in spans]
    return [
        (int(np.searchsorted(words[:, 1], s.start, side="right")),
         int(np.searchsorted(words[:, 0], s.end, side="left")))
        for s in spans
    ]  # fmt: skip


def fit_spans(
    spans: list[Span], ranges: list[tuple[int, int]], costs: np.ndarray, budget: float
) -> list[int]:
    """Indices of the spans kept protected: the lowest-priority ones are released until the
    words they protect fit the budget share (code, JSON and forced strings never are)."""
    covered = np.zeros(len(costs), dtype=np.int64)
    for first, last in ranges:
        covered[first:last] += 1
    total = float(costs[covered > 0].sum())
    limit = MAX_PROTECTED_SHARE * budget
    kept = set(range(len(spans)))
    order = sorted(kept, key=lambda i: (-spans[i].priority, -(ranges[i][1] - ranges[i][0])))
    for i in order:
        if total <= limit or spans[i].priority == 0:
            break
        first, last = ranges[i]
        covered[first:last] -= 1
        total -= float(costs[first:last][covered[first:last] == 0].sum())
        kept.discard(i)
    return sorted(kept)


def _standardize(scores: np.ndarray) -> np.ndarray:
    spread = float(scores.std()) if len(scores) else 0.0
    return (scores - scores.mean()) / spread if spread > 1e-9 else np.zeros_like(scores)


def _plan(
    scorer: WordScorer, text: str, tokens: int, budget: float, preserve: list[str],
    force: list[str], question: str | None,
) -> _Part:  # fmt: skip
    check_deadline()
    words = split_words(text)
    texts = word_texts(text, words)
    costs = np.array([word_cost(w) for w in texts], dtype=np.float64)
    spans = find_spans(text, preserve, force)
    ranges = span_words(words, spans)
    protected = np.zeros(len(words), dtype=bool)
    check_deadline()
    scores = _standardize(np.asarray(scorer.score(text, words), dtype=np.float64))
    for i in fit_spans(spans, ranges, costs, budget):
        first, last = ranges[i]
        protected[first:last] = True
        if spans[i].kind == "numbers":
            scores[max(first - 1, 0) : first] += COHESION_BOOST
            scores[last : last + 1] += COHESION_BOOST
    if question:
        scores += question_boost(text, words, texts, question)
    return _Part(text, tokens, words, costs, scores, protected)


def compress_texts(
    scorer: WordScorer,
    texts: list[str],
    compressible: list[bool],
    ratio: float,
    target_tokens: int | None,
    force_tokens: list[str],
    preserve: list[str],
    question: str | None = None,
) -> CompressionResult:
    """Compress the texts flagged compressible towards one budget for all of them."""
    started = time.perf_counter()
    tokens = [count_tokens(t) for t in texts]
    total = sum(tokens)
    fixed = sum(n for n, c in zip(tokens, compressible, strict=True) if not c)
    budget = min(float(target_tokens) if target_tokens is not None else ratio * total, total)
    share = (budget - fixed) / (total - fixed) if total > fixed else 1.0
    force = [*force_tokens, *([question] if question and question.strip() else [])]
    outputs = list(texts)
    segments = [[(t, True)] for t in texts]
    if share < 1.0:
        parts = {
            i: _plan(
                scorer, texts[i], tokens[i], max(share, 0.0) * tokens[i], preserve, force, question
            )
            for i, c in enumerate(compressible)
            if c and texts[i].strip()
        }
        keep = _select_all(list(parts.values()), budget - fixed)
        for (i, part), mask in zip(parts.items(), keep, strict=True):
            outputs[i] = rebuild(part.text, part.words, mask)
            segments[i] = kept_segments(part.text, part.words, mask)
    out_tokens = [
        count_tokens(o) if o != t else n for t, o, n in zip(texts, outputs, tokens, strict=True)
    ]
    compressed_total = sum(out_tokens)
    return CompressionResult(
        parts=[
            CompressedText(t, o, n, m, s)
            for t, o, n, m, s in zip(texts, outputs, tokens, out_tokens, segments, strict=True)
        ],
        original_tokens=total,
        compressed_tokens=compressed_total,
        compression_ratio=compressed_total / total if total else 1.0,
        method=scorer.method,
        model=scorer.model_name,
        latency_ms=(time.perf_counter() - started) * 1000,
    )


def _select_all(parts: list[_Part], budget: float) -> list[np.ndarray]:
    """One threshold across every part: their words compete for the same budget."""
    if not parts:
        return []
    bounds = np.cumsum([0, *(len(p.words) for p in parts)])

    def split(mask: np.ndarray) -> list[np.ndarray]:
        return [mask[bounds[k] : bounds[k + 1]] for k in range(len(parts))]

    def exact_count(mask: np.ndarray) -> int:
        return sum(
            count_tokens(rebuild(p.text, p.words, m))
            for p, m in zip(parts, split(mask), strict=True)
        )

    keep = select(
        np.concatenate([p.costs for p in parts]),
        np.concatenate([p.scores for p in parts]),
        np.concatenate([p.protected for p in parts]),
        budget,
        exact_count,
    )
    return split(keep)


def compress_text(
    scorer: WordScorer,
    text: str,
    ratio: float,
    target_tokens: int | None,
    force_tokens: list[str],
    preserve: list[str],
    question: str | None = None,
) -> CompressionResult:
    return compress_texts(
        scorer, [text], [True], ratio, target_tokens, force_tokens, preserve, question
    )
