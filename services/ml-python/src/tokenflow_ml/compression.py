"""Prompt compression: protected spans stay verbatim, llmlingua compresses the rest to the budget.

The requested ratio applies to the whole text (cl100k tokens). Protected spans (code, JSON,
numbers, identifiers, names, force tokens) are counted first; the rest is compressed at the rate
that makes the total hit the target. When protected spans alone exceed most of the budget, the
lowest-priority kinds are released back to the compressor.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any, Protocol

from tokenflow_ml.alignment import align_words
from tokenflow_ml.preserve import Span, find_spans
from tokenflow_ml.tokens import count_tokens

# Protected spans may use at most this share of the token budget; the compressor needs the rest.
MAX_PROTECTED_SHARE = 0.75
# One corrective pass when the compressor overshoots the budget by more than this factor.
OVERSHOOT = 1.12
MIN_INNER_RATE = 0.02
# Tokens per llmlingua perplexity pass (the library default).
ITERATIVE_SIZE = 200


@dataclass
class CompressionResult:
    original_text: str
    compressed_text: str
    original_tokens: int
    compressed_tokens: int
    compression_ratio: float
    method: str
    model: str
    latency_ms: float
    segments: list[tuple[str, bool]]


class CompressionBackend(Protocol):
    method: str
    model_name: str

    def compress_segments(
        self, segments: list[tuple[str, bool]], rate: float, force_tokens: list[str]
    ) -> str:
        """Compress the segments flagged True at `rate`, keep the others verbatim."""
        ...


class LLMLinguaBackend:
    """Perplexity-based LLMLingua on a small causal LM (SmolLM2 by default)."""

    method = "llmlingua"

    def __init__(self, compressor: Any, model_name: str) -> None:
        self.compressor = compressor
        self.model_name = model_name
        self._lock = threading.Lock()  # llmlingua keeps per-call state on the instance

    def compress_segments(
        self, segments: list[tuple[str, bool]], rate: float, force_tokens: list[str]
    ) -> str:
        with self._lock:
            result = self.compressor.compress_prompt(**llmlingua_arguments(segments, rate))
        return str(result["compressed_prompt"])


def llmlingua_arguments(segments: list[tuple[str, bool]], rate: float) -> dict[str, Any]:
    """The `compress_prompt` arguments for segments (text, compress?) at `rate`.

    With nothing protected it is the plain call: llmlingua's per-segment path re-decodes every
    token of the text to map segments to tokens, which costs time and changes nothing then.
    """
    texts = [t for t, _ in segments]
    flags = [c for _, c in segments]
    args: dict[str, Any] = {
        "context": ["".join(texts)],
        "rate": rate,
        "use_context_level_filter": False,
        "iterative_size": ITERATIVE_SIZE,
    }
    if not all(flags):
        args["context_segs"] = [texts]
        args["context_segs_rate"] = [[rate if c else 1.0 for c in flags]]
        args["context_segs_compress"] = [flags]
    return args


class LLMLingua2Backend:
    """LLMLingua-2 token classification (hub: llmlingua-2-bert-base-multilingual-...)."""

    method = "llmlingua2"

    def __init__(self, compressor: Any, model_name: str) -> None:
        self.compressor = compressor
        self.model_name = model_name
        self._lock = threading.Lock()

    def compress_segments(
        self, segments: list[tuple[str, bool]], rate: float, force_tokens: list[str]
    ) -> str:
        targets = [i for i, (text, compress) in enumerate(segments) if compress and text.strip()]
        if not targets:
            return "".join(t for t, _ in segments)
        with self._lock:
            result = self.compressor.compress_prompt(
                [segments[i][0] for i in targets],
                rate=rate,
                use_context_level_filter=False,
                force_tokens=[t for t in force_tokens if len(t) <= 20][:50],
                drop_consecutive=True,
            )
        compressed = dict(zip(targets, result["compressed_prompt_list"], strict=True))
        out: list[str] = []
        for i, (text, _) in enumerate(segments):
            if i in compressed:
                lead = text[: len(text) - len(text.lstrip())]
                trail = text[len(text.rstrip()) :]
                body = str(compressed[i]).strip()
                out.append(lead + body + trail if body else (lead or trail))
            else:
                out.append(text)
        return "".join(out)


def fit_spans(text: str, spans: list[Span], budget: float) -> tuple[list[Span], int]:
    """Drop the lowest-priority protected spans until they fit the budget share."""
    costs = [count_tokens(text[s.start : s.end]) for s in spans]
    total = sum(costs)
    limit = MAX_PROTECTED_SHARE * budget
    if total <= limit:
        return spans, total
    order = sorted(range(len(spans)), key=lambda i: (-spans[i].priority, -costs[i]))
    dropped: set[int] = set()
    for i in order:
        if total <= limit or spans[i].priority == 0:
            break
        dropped.add(i)
        total -= costs[i]
    return [s for i, s in enumerate(spans) if i not in dropped], total


def split_segments(text: str, spans: list[Span]) -> list[tuple[str, bool]]:
    segments: list[tuple[str, bool]] = []
    pos = 0
    for span in spans:
        if span.start > pos:
            segments.append((text[pos : span.start], True))
        segments.append((text[span.start : span.end], False))
        pos = span.end
    if pos < len(text):
        segments.append((text[pos:], True))
    return segments


def compress_text(
    backend: CompressionBackend,
    text: str,
    ratio: float,
    target_tokens: int | None,
    force_tokens: list[str],
    preserve: list[str],
) -> CompressionResult:
    started = time.perf_counter()
    original_tokens = count_tokens(text)
    budget = float(target_tokens) if target_tokens is not None else ratio * original_tokens
    budget = min(budget, float(original_tokens))
    if budget >= original_tokens:
        compressed = text
    else:
        spans, protected = fit_spans(text, find_spans(text, preserve, force_tokens), budget)
        segments = split_segments(text, spans)
        free = original_tokens - protected
        inner = (budget - protected) / free if free > 0 else 1.0
        inner = min(1.0, max(MIN_INNER_RATE, inner))
        if not any(c for _, c in segments):
            compressed = text
        else:
            compressed = backend.compress_segments(segments, inner, force_tokens)
            got = count_tokens(compressed)
            if got > budget * OVERSHOOT and got - budget >= 10:
                # llmlingua under-compresses at very low per-segment rates: compress its output
                # again (protected spans are still there verbatim) towards the same budget.
                spans, protected = fit_spans(
                    compressed, find_spans(compressed, preserve, force_tokens), budget
                )
                free = got - protected
                if free > 0 and budget > protected:
                    inner = min(1.0, max(MIN_INNER_RATE, (budget - protected) / free))
                    compressed = backend.compress_segments(
                        split_segments(compressed, spans), inner, force_tokens
                    )
    compressed_tokens = count_tokens(compressed)
    return CompressionResult(
        original_text=text,
        compressed_text=compressed,
        original_tokens=original_tokens,
        compressed_tokens=compressed_tokens,
        compression_ratio=compressed_tokens / original_tokens if original_tokens else 1.0,
        method=backend.method,
        model=backend.model_name,
        latency_ms=(time.perf_counter() - started) * 1000,
        segments=align_words(text, compressed),
    )
