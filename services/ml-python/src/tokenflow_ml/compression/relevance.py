"""Question-aware scoring: words of the question and the sentences that hold them gain score.

Lexical, and so the same for every method: terms are the question's content words, lower-cased,
accent-folded and cut to a short stem, matched against each word and each sentence of the text.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

STEM = 5
# Score boosts in standard deviations of the method's own word scores.
WORD_BOOST = 1.5
SENTENCE_BOOST = 2.0

_STOPWORDS_TEXT = """a an and are as at be by can could did do does for from had has have how i if in
into is it its many may much must my not of on or our should so than that the their them then there
these they this those to was we were what when where which who whom whose why will with would you
your about after before any all also per de la el los las en y que por con para una un del al es se
le les des du et est pour dans une qui der die das und ist von mit den zu ein eine im auf für wie"""
_STOPWORDS = frozenset(_STOPWORDS_TEXT.split())
_NON_WORD = re.compile(r"[\W_]+")


def term(word: str) -> str:
    folded = unicodedata.normalize("NFKD", word.lower())
    plain = _NON_WORD.sub("", "".join(c for c in folded if not unicodedata.combining(c)))
    return plain[:STEM] if not plain.isdigit() else plain


def question_terms(question: str) -> set[str]:
    terms = {term(w) for w in question.split() if w.lower().strip("?.,!:;") not in _STOPWORDS}
    return {t for t in terms if len(t) >= 3 or t.isdigit()}


def sentence_ids(text: str, spans: np.ndarray) -> np.ndarray:
    """A sentence number per word: a sentence ends after . ! ? or at a line break."""
    ids = np.zeros(len(spans), dtype=np.int64)
    current = 0
    for i, (s, e) in enumerate(spans.tolist()):
        ids[i] = current
        nxt = int(spans[i + 1, 0]) if i + 1 < len(spans) else len(text)
        if text[s:e].endswith((".", "!", "?", "。", "！", "？")) or "\n" in text[e:nxt]:
            current += 1
    return ids


def question_boost(text: str, spans: np.ndarray, words: list[str], question: str) -> np.ndarray:
    terms = question_terms(question)
    boost = np.zeros(len(spans), dtype=np.float64)
    if not terms or len(spans) == 0:
        return boost
    word_terms = [term(w) for w in words]
    matched = np.array([t in terms for t in word_terms], dtype=bool)
    boost[matched] += WORD_BOOST
    sentences = sentence_ids(text, spans)
    # Each sentence gains per distinct question term it holds: (sentence, term) pairs counted
    # once, in one pass (a loop over sentences would be quadratic in a text of many short ones).
    term_ids = {t: k for k, t in enumerate(sorted(terms))}
    pairs = np.array(
        [(sentences[i], term_ids[word_terms[i]]) for i in np.flatnonzero(matched).tolist()],
        dtype=np.int64,
    ).reshape(-1, 2)
    hits = np.bincount(np.unique(pairs, axis=0)[:, 0], minlength=int(sentences[-1]) + 1)
    boost += SENTENCE_BOOST * hits[sentences] / len(terms)
    return boost
