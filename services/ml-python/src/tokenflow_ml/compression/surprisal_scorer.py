"""The llmlingua method at word level: a small causal LM's self-information per word.

llmlingua's token perplexities (`get_ppl` of our PromptCompressor adapter on SmolLM2) summed
over each word's tokens: informative words surprise the model. The same scores are the teacher
the encoder method's keep head is distilled from.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import torch

# Tokens scored per forward pass; each window starts on the BOS token, so every text token has
# a loss (windows do not see each other).
WINDOW = 2048


class SurprisalScorer:
    method = "llmlingua"

    def __init__(self, compressor: Any, model_name: str) -> None:
        self.compressor = compressor  # tokenflow_ml.llmlingua_compat.CausalPromptCompressor
        self.model_name = model_name
        self._lock = threading.Lock()

    def token_losses(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Per token of `text`: its character offsets and its loss in nats."""
        tokenizer = self.compressor.tokenizer
        encoded = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        ids = list(encoded["input_ids"])
        offsets = np.asarray(encoded["offset_mapping"], dtype=np.int64).reshape(-1, 2)
        bos = (
            tokenizer.bos_token_id if tokenizer.bos_token_id is not None else tokenizer.eos_token_id
        )
        losses: list[np.ndarray] = []
        device = self.compressor.device
        with self._lock:
            for start in range(0, len(ids), WINDOW - 1):
                chunk = torch.tensor([[bos, *ids[start : start + WINDOW - 1]]], device=device)
                loss = self.compressor.get_ppl(
                    "", granularity="token", input_ids=chunk, attention_mask=torch.ones_like(chunk)
                )
                losses.append(loss.float().cpu().numpy())
        values = np.concatenate(losses) if losses else np.zeros(0, dtype=np.float32)
        return offsets, values

    def score(self, text: str, spans: np.ndarray) -> np.ndarray:
        offsets, losses = self.token_losses(text)
        scores = np.zeros(len(spans), dtype=np.float64)
        if len(spans) == 0 or len(losses) == 0:
            return scores
        last_char = np.maximum(offsets[:, 1] - 1, offsets[:, 0])
        word_of = np.clip(np.searchsorted(spans[:, 0], last_char, side="right") - 1, 0, None)
        # Whitespace tokens (line breaks) belong to no word.
        in_word = np.array([not text[i].isspace() for i in last_char.tolist()], dtype=bool)
        np.add.at(scores, word_of[in_word], losses[in_word])
        return scores
