"""The llmlingua method at word level: a small causal LM's self-information per word.

llmlingua's token perplexities (those `get_ppl` of our PromptCompressor adapter gives, on SmolLM2)
summed over each word's tokens: informative words surprise the model. The same scores are the teacher
the encoder method's keep head is distilled from.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import torch

from tokenflow_ml.compression.words import first_pieces

# Tokens scored per forward pass; each window starts on the BOS token, so every text token has
# a loss (windows do not see each other).
WINDOW = 2048


def _last_chars(offsets: np.ndarray) -> np.ndarray:
    # Byte-level BPE offsets may include the space before a word: a token belongs to the word
    # holding its last character.
    return np.maximum(offsets[:, 1] - 1, offsets[:, 0])


def _word_of(offsets: np.ndarray, spans: np.ndarray) -> np.ndarray:
    return np.clip(np.searchsorted(spans[:, 0], _last_chars(offsets), side="right") - 1, 0, None)


class SurprisalScorer:
    method = "llmlingua"

    def __init__(self, compressor: Any, model_name: str) -> None:
        self.compressor = compressor  # tokenflow_ml.llmlingua_compat.CausalPromptCompressor
        self.model_name = model_name
        self._lock = threading.Lock()

    def token_losses(self, text: str, spans: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per token the model reads (each word's first MAX_WORD_PIECES): its character offsets
        and its loss in nats."""
        tokenizer = self.compressor.tokenizer
        encoded = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        ids = np.asarray(encoded["input_ids"], dtype=np.int64)
        offsets = np.asarray(encoded["offset_mapping"], dtype=np.int64).reshape(-1, 2)
        if len(spans) and len(ids):
            keep = first_pieces(_word_of(offsets, spans))
            ids, offsets = ids[keep], offsets[keep]
        bos = (
            tokenizer.bos_token_id if tokenizer.bos_token_id is not None else tokenizer.eos_token_id
        )
        losses: list[np.ndarray] = []
        device = self.compressor.device
        with self._lock:
            for start in range(0, len(ids), WINDOW - 1):
                window = ids[start : start + WINDOW - 1].tolist()
                chunk = torch.tensor([[bos, *window]], device=device)
                # Fed in chunks that check the request's deadline (same losses as get_ppl).
                losses.append(self.compressor.sequence_losses(chunk).cpu().numpy())
        values = np.concatenate(losses) if losses else np.zeros(0, dtype=np.float32)
        return offsets, values

    def score(self, text: str, spans: np.ndarray) -> np.ndarray:
        offsets, losses = self.token_losses(text, spans)
        scores = np.zeros(len(spans), dtype=np.float64)
        if len(spans) == 0 or len(losses) == 0:
            return scores
        word_of = _word_of(offsets, spans)
        # Whitespace tokens (line breaks) belong to no word.
        in_word = np.array(
            [not text[i].isspace() for i in _last_chars(offsets).tolist()], dtype=bool
        )
        np.add.at(scores, word_of[in_word], losses[in_word])
        return scores
