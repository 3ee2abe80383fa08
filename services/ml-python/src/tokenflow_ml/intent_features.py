"""Structure that tells a prompt's intent, as numbers for the category head: the language of its
prose (py3langid, which ships its model), code, JSON, tool schemas and function signatures.

These are features, not rules: the head learns how much each one counts for each category. Code,
JSON and URLs are cut out before language identification, so an English prompt full of
identifiers does not look foreign.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata

import numpy as np
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from tokenflow_ml.json_values import json_values

FEATURE_NAMES = (
    "non_english",
    "foreign_sentence_share",
    "non_latin_share",
    "code_block",
    "json_object",
    "tool_schema",
    "function_call_syntax",
    "length",
)

_FENCE = re.compile(r"```.*?(?:```|\Z)", re.S)
_INLINE_CODE = re.compile(r"`[^`\n]+`")
# Linear time (see compression/preserve.py): the address starts where its run starts, bounded.
_URL = re.compile(r"https?://\S+|(?<![^\s@])[^\s@]{1,64}@[^\s@]{1,255}\.\w+")
_SENTENCE = re.compile(r"[^.!?。！？\n]+")
_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)
_CODE_LINE = re.compile(r"^[ \t]*(?:def |class |import |from \S+ import|function |const |let |var |"
                        r"return\b|if \(|for \(|#include|SELECT |public |private )|[;{}]\s*$",
                        re.M)  # fmt: skip
_CALL = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_]\w*){0,8}\([^()\n]{0,80}\)")
_SCHEMA_KEYS = frozenset(
    {"parameters", "properties", "function", "functions", "tools", "tool_choice", "required",
     "input_schema", "operationId", "paths", "arguments"}
)  # fmt: skip
# A sentence counts as foreign when its language is not English with at least this probability.
FOREIGN_PROBABILITY = 0.8
MIN_SENTENCE_LETTERS = 12

_identifier: LanguageIdentifier | None = None
_identifier_lock = threading.Lock()


def identifier() -> LanguageIdentifier:
    global _identifier
    with _identifier_lock:
        if _identifier is None:
            _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        return _identifier


def _json_values(text: str) -> list[object]:
    """Objects and arrays of 8+ characters; values nested in one are reached through `_keys`."""

    def container(start: int, end: int, value: object) -> bool:
        return end - start >= 8 and isinstance(value, dict | list)

    return [value for _, _, value in json_values(text, container)]


def _keys(value: object) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def prose(text: str) -> str:
    """The text with code, inline code and URLs cut out."""
    return _URL.sub(" ", _INLINE_CODE.sub(" ", _FENCE.sub(" ", text)))


def english_probability(text: str) -> float:
    """P(English) of a text's prose; 1.0 when there is too little prose to tell."""
    words = prose(text)
    if len(_LETTERS.findall(words)) < MIN_SENTENCE_LETTERS:
        return 1.0
    return float(dict(identifier().rank(words)).get("en", 0.0))


def foreign_sentence_share(text: str) -> float:
    """Share of the prose's sentences (by letters) in a language other than English."""
    ident = identifier()
    foreign = total = 0
    for sentence in _SENTENCE.findall(prose(text)):
        letters = len(_LETTERS.findall(sentence))
        if letters < MIN_SENTENCE_LETTERS:
            continue
        language, probability = ident.classify(sentence)
        total += letters
        if language != "en" and probability >= FOREIGN_PROBABILITY:
            foreign += letters
    return foreign / total if total else 0.0


def non_latin_share(text: str) -> float:
    letters = _LETTERS.findall(prose(text))
    if not letters:
        return 0.0
    latin = sum(1 for ch in letters if "LATIN" in unicodedata.name(ch, ""))
    return 1.0 - latin / len(letters)


def language_evidence(text: str) -> float:
    """-1 (plain English) .. +1 (another language), for the zero-shot language category."""
    foreign = max(1.0 - english_probability(text), foreign_sentence_share(text))
    return 2.0 * max(foreign, non_latin_share(text)) - 1.0


def intent_features(text: str) -> np.ndarray:
    """One row of FEATURE_NAMES values, each in about 0..1."""
    values = _json_values(text)
    keys = {k for v in values for k in _keys(v)}
    code_lines = len(_CODE_LINE.findall(text))
    return np.array(
        [
            1.0 - english_probability(text),
            foreign_sentence_share(text),
            non_latin_share(text),
            1.0 if _FENCE.search(text) or code_lines >= 2 else 0.0,
            1.0 if values else 0.0,
            min(len(keys & _SCHEMA_KEYS), 3) / 3.0,
            min(len(_CALL.findall(prose(text))), 3) / 3.0,
            math.log1p(len(text)) / 10.0,
        ],
        dtype=np.float32,
    )
