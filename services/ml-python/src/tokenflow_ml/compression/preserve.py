"""Finds spans of a text that compression must keep verbatim (code, JSON, numbers, names, ...).

General mechanisms, not tuned to any document: each kind is a pattern family with a priority so
that, when protected spans would eat the whole token budget, the least important kinds give way.

Every pattern runs in time linear in the text: a repetition that a later, required part can make
fail is either bounded (`{0,40}`) or can only start where its run starts (a look-behind), so no
start position re-reads a long run ("1111...", "a.a.a...", "one one one ...") that the previous
one already failed on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tokenflow_ml.json_values import json_values

# Lower value = more important; kept first when the budget is tight.
KIND_PRIORITY = {
    "code": 0,
    "json": 0,
    "force": 0,
    "urls": 1,
    "numbers": 2,
    "identifiers": 3,
    "entities": 4,
}
PRESERVE_KINDS = tuple(k for k in KIND_PRIORITY if k != "force")

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|"
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|"
    "diciembre|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|"
    "décembre|januar|februar|märz|juni|juli|oktober|dezember|gennaio|febbraio|aprile|maggio|"
    "giugno|luglio|settembre|ottobre|dicembre|janeiro|fevereiro|março|maio|junho|julho|"
    "setembro|outubro|novembro|dezembro"
)
_NUMBER_WORDS = (
    "zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    "eighty|ninety|hundred|thousand|million|billion|half|twice|double"
)
_NUM = r"[$€£¥#]?\d[\d.,:/]*\d?(?:\s?(?:%|x|€|£|\$|[kKmMbB]\b|m²|km|kg|ms|h\b))?"
# A number, optionally followed by a unit/noun (up to two lowercase-or-capitalised words is too
# greedy; one word keeps "8 seconds", "1.2 points", "128 Zigbee devices" via the entity pass).
_NUMBER_PHRASE = re.compile(
    rf"(?:{_NUM})(?:\s+(?:to|al|a|y|and|-|–|de)\s+{_NUM})*"
    rf"(?:\s+(?:de\s+)?(?:{_MONTHS})\b\.?(?:\s+(?:de\s+)?\d{{4}})?)?"
    rf"(?:\s+(?:am|pm|a\.m\.|p\.m\.))?"
    rf"(?:\s+[A-Za-zÀ-ÿ]{{2,}}(?:\s+[A-Za-zÀ-ÿ]{{3,}}(?=\s*[,.;:)]|\s+(?:with|for|on|in|and)\b))?)?",
    re.IGNORECASE,
)
_DATE_WORDS = re.compile(rf"\b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?", re.I)
_NUMBER_WORD_PHRASE = re.compile(
    rf"\b(?:{_NUMBER_WORDS})(?:[\s-]+(?:to|and|of|in|out of|-)?[\s-]*(?:{_NUMBER_WORDS}))+\b",
    re.IGNORECASE,
)
# A quantity spelled out with its digits in parentheses, as contracts write them:
# "thirty (30) days", "Two Thousand Dollars ($2,000.00)".
_SPELLED_WITH_DIGITS = re.compile(
    rf"\b(?:{_NUMBER_WORDS})(?:[\s-]+(?:and\s+)?(?:{_NUMBER_WORDS})){{0,12}}"
    rf"(?:\s+[A-Za-z]+){{0,2}}\s*\(\s*[$€£]?\d[\d.,]*\s*%?\)(?:\s+[A-Za-z]+)?",
    re.IGNORECASE,
)
# A number followed by a unit written with symbols: "9.8 g/dL", "30 mL/min/1.73 m²", "37.2 °C",
# "±0.5 mm", "mmol/L".
_MEASUREMENT = re.compile(
    r"[±+~≈<>≤≥-]?\d[\d.,]{0,24}\s?(?:[°µμΩ%‰]|[A-Za-zµμ]{1,5}(?:/[\w.²³]+)+|[A-Za-zµμ]{1,4}[²³])"
    r"(?:\s?(?:[\w.]+/)*[\w.]*[²³])?"
)
# "Label: value" lines and pairs: "Age: 54", "MRN: 448-21-907", "Order #: 1182".
_LABEL_VALUE = re.compile(r"\b[A-Za-z][\w#/-]{0,40}:\s+(?=[$€£#]?\d)")
# Tracking, phone and card numbers written in space- or dash-separated digit groups.
_DIGIT_GROUPS = re.compile(r"\b\d{2,}(?:[ -]\d{2,}){2,}\b")
_FENCE = re.compile(r"```.*?(?:```|\Z)", re.S)
_INLINE_CODE = re.compile(r"`[^`\n]+`")
_URL = re.compile(r"\b(?:https?://|www\.)\S+[^\s.,;:!?)\]]|(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.-]+\b")
# Tokens a model would mangle: camelCase, snake_case, dotted.names(), ALL-CAPS codes, #refs,
# key = value assignments, spread/array literals, menu paths ("Settings > Radio > Advanced").
_IDENT = re.compile(
    r"(?:\[\.\.\.\w+\]"
    r"|\b[A-Z][A-Z0-9_]{2,}\s?=\s?\w+"
    r"|#\w+"
    r"|\b[A-Za-z_][\w]*(?:[.:][A-Za-z_]\w*){1,8}\(\)?"
    r"|\b[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)+"
    r"|\b\w+\(\)"
    r"|\b[a-z]+[A-Z]\w*"
    r"|\b[A-Z][a-z]+[A-Z]\w*"
    r"|\b\w*_\w+"
    r"|\b[A-Z0-9]+(?:-[A-Z0-9]+)+\b"
    r"|\b[A-Z]{2,}[0-9]*\b"
    r"|\b[A-Z][\w-]{0,40}(?:\s>\s[A-Z][\w-]{0,40})+"
    r"|\b[A-Z]\w*(?:-[A-Z]\w*)+)"
)
# Capitalised word runs that are not just a sentence start: "Kestrel Civil Ltd", "Hotel Ribera",
# "Document 4:" (a heading label with its number and colon).
_ENTITY = re.compile(
    r"\b[A-ZÀ-Þ][\w'’-]{0,40}\.?(?:\s+(?:(?:de|del|la|of|the|van|von|y|&)\s+)?[A-ZÀ-Þ0-9][\w'’-]*)+:?"
    r"|(?<=[a-z,;] )[A-ZÀ-Þ][a-zà-ÿ]+[\w-]*"
)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str

    @property
    def priority(self) -> int:
        return KIND_PRIORITY.get(self.kind, 5)


def _json_spans(text: str) -> list[tuple[int, int]]:
    def worth_keeping(start: int, end: int, _value: object) -> bool:
        return end - start >= 8 and any(c in text[start:end] for c in ":,")

    return [(start, end) for start, end, _ in json_values(text, worth_keeping)]


def find_spans(
    text: str, kinds: list[str] | tuple[str, ...], force: list[str] | None = None
) -> list[Span]:
    """All protected spans, merged so they never overlap (the merged span keeps the best kind)."""
    found: list[Span] = []
    wanted = set(kinds)

    def add(pattern: re.Pattern[str], kind: str) -> None:
        found.extend(
            Span(m.start(), m.end(), kind) for m in pattern.finditer(text) if m.group().strip()
        )

    if "code" in wanted:
        add(_FENCE, "code")
        add(_INLINE_CODE, "code")
    if "json" in wanted:
        found.extend(Span(s, e, "json") for s, e in _json_spans(text))
    if "urls" in wanted:
        add(_URL, "urls")
    if "numbers" in wanted:
        add(_DIGIT_GROUPS, "numbers")
        add(_NUMBER_PHRASE, "numbers")
        add(_DATE_WORDS, "numbers")
        add(_NUMBER_WORD_PHRASE, "numbers")
        add(_SPELLED_WITH_DIGITS, "numbers")
        add(_MEASUREMENT, "numbers")
        add(_LABEL_VALUE, "numbers")
    if "identifiers" in wanted:
        add(_IDENT, "identifiers")
    if "entities" in wanted:
        add(_ENTITY, "entities")
    for token in force or []:
        if token:
            found.extend(
                Span(m.start(), m.end(), "force") for m in re.finditer(re.escape(token), text)
            )
    return merge_spans(found)


def merge_spans(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged and span.start <= merged[-1].end:
            last = merged[-1]
            kind = last.kind if last.priority <= span.priority else span.kind
            merged[-1] = Span(last.start, max(last.end, span.end), kind)
        else:
            merged.append(span)
    return merged
