"""Word-level alignment of an original text with its compressed form, for the web UI's strike-out."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

_WORD = re.compile(r"\s*\S+\s*|\s+")


def align_words(original: str, compressed: str) -> list[tuple[str, bool]]:
    """Segments covering `original` exactly, each marked kept when the word survives verbatim."""
    pieces = _WORD.findall(original)
    words = [p.strip() for p in pieces]
    kept_words = compressed.split()
    keep = [False] * len(pieces)
    matcher = SequenceMatcher(None, words, kept_words, autojunk=False)
    for block in matcher.get_matching_blocks():
        for i in range(block.a, block.a + block.size):
            keep[i] = True
    segments: list[tuple[str, bool]] = []
    for piece, kept in zip(pieces, keep, strict=True):
        if segments and segments[-1][1] == kept:
            segments[-1] = (segments[-1][0] + piece, kept)
        else:
            segments.append((piece, kept))
    return segments
