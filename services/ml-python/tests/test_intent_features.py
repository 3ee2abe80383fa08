"""Intent features alone: language of the prose (py3langid), code, JSON and tool schemas."""

from __future__ import annotations

import pytest

from tokenflow_ml.intent_features import (
    FEATURE_NAMES,
    intent_features,
    language_evidence,
    prose,
)


def feature(text: str, name: str) -> float:
    return float(intent_features(text)[FEATURE_NAMES.index(name)])


def test_code_and_urls_are_not_prose() -> None:
    text = "Call `fetchUser(id)` from the client, see https://example.com/x/y?z=1 please."
    assert "fetchUser" not in prose(text) and "example.com" not in prose(text)


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
    assert language_evidence(text) < 0.0
    assert feature(text, "foreign_sentence_share") == 0.0


@pytest.mark.parametrize(
    "text",
    [
        "¿Dónde está la estación de tren más cercana?",
        "Qual è la differenza tra un mutuo a tasso fisso e uno variabile?",
        "Hoe schrijf ik een goede sollicitatiebrief?",
        "Bir sonraki toplantı için kısa bir gündem hazırlar mısın?",
        "请帮我把这段话改写得更正式一些。",
        "Объясни, пожалуйста, как работает блокчейн.",
    ],
)
def test_other_languages_are_positive_evidence(text: str) -> None:
    assert language_evidence(text) > 0.5


def test_a_mixed_language_prompt_has_foreign_sentences() -> None:
    text = (
        "Please reply to this customer for me. "
        "Bonjour, je n'ai toujours pas reçu ma commande passée il y a trois semaines. "
        "Pouvez-vous me dire où elle se trouve ?"
    )
    assert 0.3 < feature(text, "foreign_sentence_share") < 1.0


def test_non_latin_script_share() -> None:
    assert feature("明日の会議の議題をまとめてください", "non_latin_share") > 0.9
    assert feature("Summarise the meeting notes", "non_latin_share") == 0.0


def test_tool_schema_json_and_code_are_seen() -> None:
    spec = (
        '{"type": "function", "function": {"name": "get_weather", "parameters": {"type": '
        '"object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}} '
        "What's the weather in Oslo?"
    )
    assert feature(spec, "tool_schema") > 0.5 and feature(spec, "json_object") == 1.0
    assert feature("Write a haiku about snow.", "tool_schema") == 0.0
    code = "Why does this loop forever?\n```python\nwhile i < 10:\n    print(i)\n```"
    assert feature(code, "code_block") == 1.0
    assert feature("Draft a polite reply to my landlord.", "code_block") == 0.0
    assert feature("Call lookup_order(order_id) for 1182.", "function_call_syntax") > 0.0
