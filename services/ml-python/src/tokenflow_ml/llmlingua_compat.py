"""llmlingua's PromptCompressor adapted to this stack: GGUF models and transformers 5 caches.

llmlingua 0.2.2 loads models by name only (no `gguf_file`, and GGUF configs carry no
`architectures`) and passes KV caches around as lists of (key, value) tensors, which transformers
5 no longer accepts. We keep every compression algorithm of the library and replace only
`load_model` (use an already loaded model) and `get_ppl` (convert caches at the model boundary).
"""

from __future__ import annotations

from typing import Any

import torch
from llmlingua import PromptCompressor
from transformers import DynamicCache

from tokenflow_ml.causal_lm import CausalLM


class CausalPromptCompressor(PromptCompressor):  # type: ignore[misc]
    def __init__(self, lm: CausalLM) -> None:
        self._lm = lm
        super().__init__(model_name=lm.name, device_map=lm.device, use_llmlingua2=False)

    def load_model(
        self, model_name: str, device_map: str = "cpu", model_config: Any = None
    ) -> None:
        self.tokenizer = self._lm.tokenizer
        self.model = self._lm.model
        self.device = self._lm.device
        self.context_idxs: list[Any] = []
        self.max_position_embeddings = self._lm.model.config.max_position_embeddings

    def get_ppl(
        self,
        text: str,
        granularity: str = "sentence",
        input_ids: torch.Tensor | None = None,
        attention_mask: torch.Tensor | None = None,
        past_key_values: list[list[torch.Tensor]] | None = None,
        return_kv: bool = False,
        end: int | None = None,
        condition_mode: str = "none",
        condition_pos_id: int = 0,
    ) -> Any:
        if input_ids is None or attention_mask is None:
            encoded = self.tokenizer(text, return_tensors="pt")
            input_ids = encoded["input_ids"].to(self.device)
            attention_mask = encoded["attention_mask"].to(self.device)
        past_length = past_key_values[0][0].shape[2] if past_key_values is not None else 0
        if end is None:
            end = input_ids.shape[1]
        end = min(end, past_length + self.max_position_embeddings)
        cache = DynamicCache([(k, v) for k, v in past_key_values or []] or None)
        with torch.inference_mode():
            response = self.model(
                input_ids[:, past_length:end],
                attention_mask=attention_mask[:, :end],
                cache=cache,
                use_cache=True,
            )
        kv = [[layer.keys, layer.values] for layer in response.cache.layers]
        shift_logits = response.logits[..., :-1, :].contiguous()
        shift_labels = input_ids[..., past_length + 1 : end].contiguous()
        active = (attention_mask[:, past_length:end] == 1)[..., :-1].reshape(-1)
        logits = shift_logits.view(-1, shift_logits.size(-1))[active]
        loss = torch.nn.functional.cross_entropy(
            logits, shift_labels.reshape(-1)[active], reduction="none"
        )
        if condition_mode == "before":
            loss = loss[:condition_pos_id]
        elif condition_mode == "after":
            loss = loss[condition_pos_id:]
        res = loss.mean() if granularity == "sentence" else loss
        return (res, kv) if return_kv else res
