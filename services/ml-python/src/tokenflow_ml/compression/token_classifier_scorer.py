"""LLMLingua-2 with a hub token classifier (microsoft/llmlingua-2-bert-base-multilingual-...).

Keep probabilities (label 1) per sub-word token, averaged per word as llmlingua does, over
512-token windows; the word-level selection replaces llmlingua's own decoding and re-spacing of
kept tokens and its per-chunk threshold.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import torch

from tokenflow_ml.compression.encoder_windows import pool_words, run_windows, tokenize_words


class TokenClassifierScorer:
    method = "llmlingua2"

    def __init__(self, model: Any, tokenizer: Any, model_name: str, window: int = 512) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.model_name = model_name
        self.window = min(window, int(model.config.max_position_embeddings))
        self._lock = threading.Lock()

    def _keep_probability(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        logits = self.model(input_ids=ids, attention_mask=mask).logits
        return torch.softmax(logits.float(), dim=-1)[..., 1:2]

    def score(self, text: str, spans: np.ndarray) -> np.ndarray:
        ids, word_of, _ = tokenize_words(self.tokenizer, text, spans)
        tok = self.tokenizer
        with self._lock:
            probs = run_windows(
                self._keep_probability, ids, word_of, self.window, tok.cls_token_id,
                tok.sep_token_id, tok.pad_token_id,
            )  # fmt: skip
        means, _ = pool_words(probs, word_of, len(spans))
        return means[:, 0].astype(np.float64)


def load_token_classifier_scorer(model_dir: str, model_name: str) -> TokenClassifierScorer:
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    tokenizer.model_max_length = 1 << 30
    model = AutoModelForTokenClassification.from_pretrained(model_dir)
    model.eval()
    return TokenClassifierScorer(model, tokenizer, model_name)
