"""What a faithful compression promises, as measurable checks (used by the tests and the bench):
output words are whole input words in order, and no number appears that the input lacks."""

from __future__ import annotations

import re
from collections import Counter

from tokenflow_ml.compression.words import split_words, word_texts

_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")


def _words(text: str) -> list[str]:
    return word_texts(text, split_words(text))


def whole_word_share(original: str, compressed: str) -> float:
    """Share of the output's words that are whole words of the input (1.0 when empty)."""
    out = _words(compressed)
    if not out:
        return 1.0
    available = Counter(_words(original))
    whole = 0
    for word in out:
        if available[word] > 0:
            available[word] -= 1
            whole += 1
    return whole / len(out)


def is_word_subsequence(original: str, compressed: str) -> bool:
    source = iter(_words(original))
    return all(any(word == candidate for candidate in source) for word in _words(compressed))


def altered_numbers(original: str, compressed: str) -> list[str]:
    """Numbers in the output that the input does not have (as many times): fused or cut ones."""
    extra = Counter(_NUMBER.findall(compressed)) - Counter(_NUMBER.findall(original))
    return sorted(extra.elements())
