"""The language evidence alone: English (code words included) is negative, other languages and
questions about them are positive."""

from __future__ import annotations

import pytest

from tokenflow_ml.language import foreign_share, language_evidence, prose_words


def test_code_urls_and_identifiers_are_not_words() -> None:
    text = "Call `fetchUser(id)` from api_client.py, see https://example.com/x and camelCase."
    assert prose_words(text) == ["call", "from", "see", "and"]


@pytest.mark.parametrize(
    "text",
    [
        "How does token streaming work? Show a short example.",
        "Fix this: `for i in range(10): print(i)` raises IndentationError in my script.",
        "Is this comment harassment or just criticism?",
        "Call get_weather with city set to Lisbon and units set to metric.",
    ],
)
def test_plain_english_is_negative_evidence(text: str) -> None:
    assert foreign_share(text) < 0.2
    assert language_evidence(text) < -0.5


@pytest.mark.parametrize(
    "text",
    [
        "¿Dónde está la estación de tren más cercana?",
        "Qual è la differenza tra un mutuo a tasso fisso e uno variabile?",
        "Hoe schrijf ik een goede sollicitatiebrief?",
        "Bir sonraki toplantı için kısa bir gündem hazırlar mısın?",
        "请帮我把这段话改写得更正式一些。",
        "Объясни, пожалуйста, как работает блокчейн.",
        "How do you say 'thank you' in Japanese?",
    ],
)
def test_other_languages_are_positive_evidence(text: str) -> None:
    assert language_evidence(text) > 0.3


def test_terse_or_empty_text_is_neutral() -> None:
    assert language_evidence("") == 0.0
    assert abs(language_evidence("Summarise urban beekeeping article bullet points")) <= 0.2
