"""Words: the units compression keeps or drops, and the text rebuilt from the kept ones.

A word is a run of non-space characters, except in scripts written without spaces (CJK, Thai,
Lao, Khmer, Myanmar), where each character is a word. Compression only ever drops whole words:
the output is rebuilt from the input's own character spans, so no word is cut, fused or re-spaced.
A model scores a word from its first MAX_WORD_PIECES sub-word tokens.
"""

from __future__ import annotations

import re

import numpy as np

_NO_SPACE = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff"
    "\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
)
_WORD = re.compile(rf"[{_NO_SPACE}]|[^\s{_NO_SPACE}]+")

Spans = np.ndarray  # shape (n, 2): start and end offset of each word
# Sub-word tokens of one word that a model reads. A longer run (base64, 100,000 characters without
# a space) is scored from its first ones, so the model's work grows with the number of words, not
# with the length of one. Words, URLs and separator lines have far fewer (at most 68 in the test
# fixtures, an 80-dash line), so their scores are unchanged.
MAX_WORD_PIECES = 256


def split_words(text: str) -> Spans:
    spans = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    return np.asarray(spans, dtype=np.int64).reshape(-1, 2)


def first_pieces(word_of: np.ndarray, limit: int = MAX_WORD_PIECES) -> np.ndarray:
    """Mask over tokens, given each token's word index in text order: each word's first `limit`
    tokens."""
    first_of_word = np.searchsorted(word_of, word_of, side="left")
    return np.asarray(np.arange(len(word_of)) - first_of_word < limit)


def word_texts(text: str, spans: Spans) -> list[str]:
    return [text[s:e] for s, e in spans.tolist()]


def _separator(text: str, spans: Spans, prev: int, nxt: int) -> str:
    """What stands between kept words `prev` and `nxt`: the original gap when they were
    neighbours, else the dropped stretch's gap with the most line breaks (the last such one), so
    paragraphs and lines stay where they were."""
    if nxt == prev + 1:
        return text[int(spans[prev, 1]) : int(spans[nxt, 0])]
    best = ""
    best_lines = -1
    for k in range(prev, nxt):
        gap = text[int(spans[k, 1]) : int(spans[k + 1, 0])]
        lines = gap.count("\n")
        if lines >= best_lines:
            best, best_lines = gap, lines
    return best


def rebuild(text: str, spans: Spans, keep: np.ndarray) -> str:
    """The text made of the kept words, each with the original whitespace before it."""
    kept = np.flatnonzero(keep).tolist()
    if not kept:
        return ""
    first, last = kept[0], kept[-1]
    out = [text[: int(spans[0, 0])] if first == 0 else ""]
    prev = -1
    for i in kept:
        if prev >= 0:
            out.append(_separator(text, spans, prev, i))
        out.append(text[int(spans[i, 0]) : int(spans[i, 1])])
        prev = i
    if last == len(spans) - 1:
        out.append(text[int(spans[last, 1]) :])
    return "".join(out)


def kept_segments(text: str, spans: Spans, keep: np.ndarray) -> list[tuple[str, bool]]:
    """The original text in runs, each marked kept or removed (a word owns the gap after it)."""
    if len(spans) == 0:
        return [(text, True)] if text else []
    cuts = [0, *spans[1:, 0].tolist(), len(text)]
    segments: list[tuple[str, bool]] = []
    for i, flag in enumerate(keep.tolist()):
        piece = text[cuts[i] : cuts[i + 1]]
        if segments and segments[-1][1] == flag:
            segments[-1] = (segments[-1][0] + piece, flag)
        else:
            segments.append((piece, bool(flag)))
    return segments
