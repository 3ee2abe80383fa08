"""A cheap "is this prompt not in English?" signal for the multilingual routing category.

The English sentence-embedding model places foreign-language prompts by topic, not by language,
so the embedding backend adds this signal to the language category's similarity. It is the share
of words that are neither ASCII-only nor common English words, blended with the share of
non-Latin letters; identifiers and code-ish tokens are ignored.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_ENGLISH = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers him his how i if in into is it its itself just
    me more most my no nor not now of off on once only or other our out over own same she should
    so some such than that the their them then there these they this those through to too under
    until up very was we were what when where which while who whom why will with would you your
    yours please explain write make give tell show help need want find list summarize translate
    answer question using use one two new get like what's it's don't i'm can't""".split()
)


def foreign_share(text: str) -> float:
    """0.0 for plain English, towards 1.0 for text in another language or script."""
    words = [w.lower() for w in _WORD.findall(text)]
    if not words:
        return 0.0
    non_ascii = sum(1 for w in words if not w.isascii()) / len(words)
    english = sum(1 for w in words if w in _ENGLISH) / len(words)
    # English prose is ~40-55% function words; other Latin-script languages share almost none.
    missing_english = max(0.0, 1.0 - english / 0.35)
    return min(1.0, max(non_ascii * 2.0, missing_english * (0.6 + min(non_ascii * 4, 0.4))))
