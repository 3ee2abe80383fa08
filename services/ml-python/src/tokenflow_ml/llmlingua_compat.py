"""llmlingua's PromptCompressor adapted to this stack: GGUF models and transformers 5 caches.

llmlingua 0.2.2 loads models by name only (no `gguf_file`, and GGUF configs carry no
`architectures`) and passes KV caches around as lists of (key, value) tensors, which transformers
5 no longer accepts. We keep every compression algorithm of the library and replace only
`load_model` (use an already loaded model) and `get_ppl` (convert caches at the model boundary,
compute the per-token loss in float32 chunks whatever the weights' dtype).
"""

from __future__ import annotations

from typing import Any

import torch
from llmlingua import PromptCompressor
from transformers import DynamicCache

from tokenflow_ml.causal_lm import CausalLM
from tokenflow_ml.deadline import check_deadline

# Positions whose logits are materialised at once when computing per-token losses.
LOSS_CHUNK = 512
# Tokens per forward pass in `sequence_losses`: the KV cache carries the context from chunk to
# chunk, so the losses are those of one pass, and a request's deadline is checked between chunks
# (a whole 2,048-token window is ~10 s of CPU for SmolLM2 on 2 cores; a chunk about 1 s).
PREFILL_CHUNK = 256


def _plain_head(model: Any) -> torch.nn.Module | None:
    """The output projection when logits are exactly head(decoder(x)); None for models that
    scale or soft-cap their logits, which then go through the full forward pass."""
    config = model.config
    if getattr(config, "final_logit_softcapping", None) or getattr(config, "logit_scale", None):
        return None
    head = model.get_output_embeddings()
    return head if isinstance(head, torch.nn.Linear) else None


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
        self._head = _plain_head(self._lm.model)

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
        labels = input_ids[:, past_length + 1 : end]
        active = (attention_mask[:, past_length:end] == 1)[..., :-1].reshape(-1)
        with torch.inference_mode():
            hidden, cache = self._hidden_states(
                input_ids[:, past_length:end], attention_mask[:, :end], cache
            )
            loss = self._token_losses(hidden[:, :-1], labels)[active]
        kv = [[layer.keys, layer.values] for layer in cache.layers]  # type: ignore[union-attr]
        if condition_mode == "before":
            loss = loss[:condition_pos_id]
        elif condition_mode == "after":
            loss = loss[condition_pos_id:]
        res = loss.mean() if granularity == "sentence" else loss
        return (res, kv) if return_kv else res

    def sequence_losses(self, input_ids: torch.Tensor) -> torch.Tensor:
        """Loss in nats of every token of `input_ids` (1 x n) but the first, in float32."""
        cache = DynamicCache()
        parts = []
        with torch.inference_mode():
            for start in range(0, input_ids.shape[1], PREFILL_CHUNK):
                check_deadline()
                end = start + PREFILL_CHUNK
                hidden, cache = self._hidden_states(
                    input_ids[:, start:end], torch.ones_like(input_ids[:, :end]), cache
                )
                parts.append(hidden)
            return self._token_losses(torch.cat(parts, dim=1)[:, :-1], input_ids[:, 1:])

    def _hidden_states(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, cache: DynamicCache
    ) -> tuple[torch.Tensor, DynamicCache]:
        """Last hidden states (or logits when the head is not a plain projection) and the cache."""
        if self._head is None:
            out = self.model(input_ids, attention_mask=attention_mask, cache=cache, use_cache=True)
            return out.logits, out.cache
        out = self.model.get_decoder()(
            input_ids, attention_mask=attention_mask, cache=cache, use_cache=True
        )
        return out.last_hidden_state, out.cache

    def _token_losses(self, hidden: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """Per-token cross-entropy in float32, LOSS_CHUNK positions at a time: the full logits of
        a long text (tokens x 49k vocabulary) would take gigabytes."""
        flat_labels = labels.reshape(-1)
        flat = hidden.reshape(-1, hidden.shape[-1])
        losses = []
        for i in range(0, flat.shape[0], LOSS_CHUNK):
            part = flat[i : i + LOSS_CHUNK]
            logits = part if self._head is None else self._head(part)
            losses.append(
                torch.nn.functional.cross_entropy(
                    logits.float(), flat_labels[i : i + LOSS_CHUNK], reduction="none"
                )
            )
        return torch.cat(losses) if losses else flat.new_zeros(0, dtype=torch.float32)
