"""The one tokenizer every token count in the API uses: tiktoken `cl100k_base` (as llmlingua)."""

from __future__ import annotations

from functools import lru_cache

import tiktoken

from tokenflow_ml.config import get_settings

TOKENIZER_NAME = "cl100k_base"


@lru_cache(maxsize=1)
def encoding() -> tiktoken.Encoding:
    get_settings().apply_environment()  # the offline cl100k_base file, never a download
    return tiktoken.get_encoding(TOKENIZER_NAME)


def count_tokens(text: str) -> int:
    return len(encoding().encode(text, disallowed_special=()))
