"""One global threshold that meets a token budget: protected words first, then the best-scored
words until the budget is spent. Token costs per word are estimates; the exact cl100k count of the
rebuilt text corrects the cut-off a few times, so the achieved ratio lands on the request."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np

from tokenflow_ml.deadline import check_deadline
from tokenflow_ml.tokens import count_tokens

# Corrections of the estimated cut-off against the exact count of the rebuilt text.
CORRECTIONS = 4
# Stop correcting once the exact count is this close to the budget (share of the budget).
TOLERANCE = 0.01
# Words up to this length have their cost cached: the cache's memory stays bounded (65,536 short
# strings) however long the words requests send.
CACHED_WORD_CHARS = 32


@lru_cache(maxsize=65536)
def _short_word_cost(word: str) -> int:
    return count_tokens(" " + word)


def word_cost(word: str) -> int:
    """cl100k tokens of a word with the space before it (how it appears mid-text)."""
    return _short_word_cost(word) if len(word) <= CACHED_WORD_CHARS else count_tokens(" " + word)


def select(
    costs: np.ndarray,
    scores: np.ndarray,
    protected: np.ndarray,
    budget: float,
    exact_count: Callable[[np.ndarray], int],
) -> np.ndarray:
    """A keep mask: every protected word, then unprotected words by descending score (ties in
    text order) while the exact count of the result stays within `budget`."""
    keep = protected.copy()
    free = np.flatnonzero(~protected)
    order = free[np.argsort(-scores[free], kind="stable")]
    cumulative = np.cumsum(costs[order])
    base = float(costs[protected].sum())

    def mask(k: int) -> np.ndarray:
        chosen = keep.copy()
        chosen[order[:k]] = True
        return chosen

    want = budget - base
    k = int(np.searchsorted(cumulative, want, side="right"))
    for _ in range(CORRECTIONS):
        check_deadline()
        actual = exact_count(mask(k))
        estimated = float(cumulative[k - 1]) if k > 0 else 0.0
        if abs(actual - budget) <= TOLERANCE * budget or estimated <= 0 or actual <= base:
            break
        # Re-cut with the estimate scaled by how far it was off for the unprotected part.
        new_k = int(np.searchsorted(cumulative, want * estimated / (actual - base), side="right"))
        if new_k == k:
            break
        k = new_k
    while k > 0 and exact_count(mask(k)) > budget * (1 + TOLERANCE):
        check_deadline()  # each count re-reads the whole text
        k = max(0, k - max(1, k // 50))
    return mask(k)
