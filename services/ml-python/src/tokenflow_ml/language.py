"""Is this prompt in another language, or about one? The signal for the multilingual category.

The English sentence-embedding model places foreign-language prompts by topic, not by language,
and it also puts English "how does X work?" questions near the multilingual examples ("what does
this phrase mean?"). So the embedding backend adds `language_evidence` to the language category:
positive for text in another language or script, or asking about another language; negative for
plain English. Code (fenced or inline), URLs and identifiers are ignored: they are not English
words, and must not make an English technical prompt look foreign.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_CODE = re.compile(r"```.*?(```|$)|`[^`\n]*`|https?://\S+|\S+@\S+", re.DOTALL)
_CODE_TOKEN = re.compile(r"[_./\\(){}\[\]<>=:;#$@|*+&^~]|[a-z][A-Z]|\d")
_EDGE_PUNCT = "\"'“”‘’«»¿¡!?,.:;()[]{}…"
_ENGLISH = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "please",
        "explain",
        "write",
        "make",
        "give",
        "tell",
        "show",
        "help",
        "need",
        "want",
        "find",
        "list",
        "summarize",
        "translate",
        "answer",
        "question",
        "using",
        "use",
        "one",
        "two",
        "new",
        "get",
        "like",
        "what's",
        "it's",
        "don't",
        "i'm",
        "can't",
    ]
)


# Function words of other Latin-script languages (es, fr, de, it, pt, nl, pl, tr, sv): frequent,
# short, and not English words too ("die", "was", "also", "son", "come" are left out for that).
_FOREIGN = frozenset(
    """
    la el los las una unos unas del al y o en de se si es está están por para pero como qué cómo cuál dónde
    muy más también tengo puedes puede este esta estos esto porque cuando sobre entre
    le les des du un une est et dans avec sur ce cette ces qui que quoi je tu nous vous
    ils elles pas mais où pourquoi très aussi être avoir fait peux
    der das dem des ein eine einen einem ist sind und oder nicht mit für auf von zu
    ich du wir ihr sie wie warum bitte kann können meine mein ihre auch noch schon
    il lo gli di da tra fra qual uno della delle degli nel nella che sono ma e questo questa perché anche
    uma os não são com para isso esse essa você ele ela muito também onde
    het een ik je jij wij zijn niet maar hoe wat waarom voor ook nog
    nie jest są się czy jak dlaczego proszę oraz tak tylko już
    bir ve ile bu şu için mı mi mu mü değil çok nasıl neden
    och att det är som inte jag på för hur varför
    """.split()  # noqa: SIM905 -- one line per language reads better than 180 quoted items
)
# Names of languages: "translate into French", "what does this Korean phrase mean". English is
# left out: mentioning it alone says nothing about another language; so is "translate", which
# prompts use for "turn this into a function call" or "into plain English" as often.
_LANGUAGES = re.compile(
    r"\b(french|spanish|german|italian|portuguese|dutch|polish|turkish|swedish|"
    r"norwegian|danish|finnish|greek|russian|ukrainian|arabic|hebrew|hindi|bengali|urdu|"
    r"chinese|mandarin|cantonese|japanese|korean|vietnamese|thai|indonesian|malay|swahili|"
    r"tagalog|persian|farsi|czech|hungarian|romanian|catalan|latin|multilingual|bilingual)\b",
    re.IGNORECASE,
)
# English words that are just as common in other languages (Italian/Spanish "a", German/Dutch/
# Italian "in", Spanish/Italian "me", "no"): they count for neither side.
_SHARED = frozenset({"a", "in", "me", "no", "so", "i"})
# English prose is ~40-55 % function words; below this share an all-ASCII text is suspicious.
ENGLISH_FUNCTION_SHARE = 0.35
# Fewer English function words than this and the "plainly English" evidence is scaled down.
CONFIDENT_ENGLISH_WORDS = 3


def prose_words(text: str) -> list[str]:
    """Lower-cased words of the prose: code, URLs, identifiers and numbers removed."""
    words: list[str] = []
    for token in _CODE.sub(" ", text).split():
        token = token.strip(_EDGE_PUNCT)
        if not token or _CODE_TOKEN.search(token):
            continue
        words.extend(w.lower() for w in _WORD.findall(token))
    return words


def _is_latin(word: str) -> bool:
    return all(ch.isascii() or "\u00c0" <= ch <= "\u024f" for ch in word)


def foreign_share(text: str) -> float:
    """0.0 for plain English, towards 1.0 for text in another language or script."""
    words = prose_words(text)
    if not words:
        return 0.0
    n = len(words)
    other_script = sum(1 for w in words if not _is_latin(w))
    accented = sum(1 for w in words if not w.isascii() and _is_latin(w))
    foreign_fw = sum(1 for w in words if w in _FOREIGN and w not in _ENGLISH)
    english_fw = sum(1 for w in words if w in _ENGLISH and w not in _SHARED)
    if other_script:
        return min(1.0, 2.0 * other_script / n)
    foreign = foreign_fw + accented
    if foreign == 0:
        # All-ASCII text without any known foreign word: foreign only when English function
        # words are missing too (and then only partly: it may be terse English).
        missing = max(0.0, 1.0 - (english_fw / n) / ENGLISH_FUNCTION_SHARE)
        return 0.5 * missing if n >= 4 else 0.0
    return foreign / (foreign + english_fw + 0.5)  # the 0.5 keeps one stray word from deciding


def mentions_language(text: str) -> bool:
    """Asks about another language (translation, a foreign phrase) even if written in English."""
    return _LANGUAGES.search(_CODE.sub(" ", text)) is not None


def language_evidence(text: str) -> float:
    """In [-1, 1]: +1 for another language (or a question about one), -1 for plain English."""
    share = foreign_share(text)
    if mentions_language(text):
        share = max(share, 1.0)
    words = prose_words(text)
    english_fw = sum(1 for w in words if w in _ENGLISH and w not in _SHARED)
    confidence = min(1.0, english_fw / CONFIDENT_ENGLISH_WORDS) if share < 0.5 else 1.0
    return (2.0 * share - 1.0) * confidence
