"""Local chat generation with the causal LM, token by token from a worker thread.

The worker stops at the next token once `cancel` is set (client gone, stop string hit) or the
request's deadline passes, through a transformers StoppingCriteria.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import torch
from transformers import StoppingCriteria, StoppingCriteriaList, TextIteratorStreamer

from tokenflow_ml.causal_lm import CausalLM
from tokenflow_ml.deadline import Deadline, WorkStopped

FinishReason = Literal["stop", "length"]


class CancelFlag(StoppingCriteria):  # type: ignore[misc]
    def __init__(self, run: GenerationRun) -> None:
        self.run = run

    def __call__(self, input_ids: torch.Tensor, scores: torch.Tensor, **kwargs: Any) -> bool:
        run = self.run
        if run.cancel.is_set() or run.deadline.cancelled:
            return True
        if run.deadline.remaining() <= 0:
            run.error = WorkStopped("deadline", run.deadline.budget_s)
            return True
        return False


@dataclass
class GenerationParams:
    max_tokens: int
    temperature: float | None = None
    top_p: float | None = None
    seed: int | None = None
    stop: list[str] = field(default_factory=list)


@dataclass
class GenerationRun:
    """State shared between the worker thread and the HTTP handler."""

    prompt_tokens: int
    deadline: Deadline
    cancel: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)
    completion_tokens: int = 0
    finish_reason: FinishReason = "stop"
    error: BaseException | None = None


class ChatGenerator:
    _seed_lock = threading.Lock()

    def __init__(self, lm: CausalLM, model_id: str) -> None:
        self.lm = lm
        self.model_id = model_id
        self.model_name = lm.name

    def render(self, messages: list[dict[str, str]]) -> Any:
        return self.lm.tokenizer.apply_chat_template(
            messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
        )

    def stream(
        self,
        messages: list[dict[str, str]],
        params: GenerationParams,
        deadline: Deadline | None = None,
    ) -> tuple[GenerationRun, Iterator[str]]:
        """Start generation in a worker thread; yields decoded text pieces as they come. Without
        a deadline (the warm-up) only `cancel` stops it early."""
        inputs = self.render(messages)
        input_ids = inputs["input_ids"].to(self.lm.device)
        run = GenerationRun(
            prompt_tokens=int(input_ids.shape[1]),
            deadline=deadline or Deadline(float("inf")),
        )
        streamer = TextIteratorStreamer(
            self.lm.tokenizer, skip_prompt=True, skip_special_tokens=True, timeout=120
        )
        sample = params.temperature is not None and params.temperature > 0
        kwargs: dict[str, Any] = {
            "input_ids": input_ids,
            "attention_mask": inputs["attention_mask"].to(self.lm.device),
            "max_new_tokens": params.max_tokens,
            "streamer": streamer,
            "stopping_criteria": StoppingCriteriaList([CancelFlag(run)]),
            "do_sample": sample,
            "pad_token_id": self.lm.tokenizer.eos_token_id,
        }
        if sample:
            kwargs["temperature"] = params.temperature
            kwargs["top_p"] = params.top_p if params.top_p is not None else 1.0
            kwargs["top_k"] = 0
        else:
            kwargs["top_p"] = None
            kwargs["top_k"] = None
            kwargs["temperature"] = None

        def work() -> None:
            try:
                if params.seed is not None:
                    with self._seed_lock:
                        torch.manual_seed(params.seed)
                with torch.inference_mode():
                    out = self.lm.model.generate(**kwargs)
                new = out[0, input_ids.shape[1] :]
                run.completion_tokens = int(new.shape[0])
                eos = self.lm.tokenizer.eos_token_id
                hit_eos = run.completion_tokens > 0 and int(new[-1]) == eos
                if run.completion_tokens >= params.max_tokens and not hit_eos:
                    run.finish_reason = "length"
            except BaseException as exc:  # surfaced to the handler, never lost in the thread
                run.error = exc
                streamer.end()
            finally:
                run.done.set()

        thread = threading.Thread(target=work, name="chat-generation", daemon=True)
        thread.start()
        return run, iter(streamer)
