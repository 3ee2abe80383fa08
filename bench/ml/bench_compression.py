"""Compression quality and speed per method, with the stock llmlingua algorithm beside it.

Quality, on the evaluation set (services/ml-python/tests/fixtures/compression-eval: 14 texts of
genres the development set lacks, written for this benchmark and never used to train or tune):
key facts kept, share of output words that are whole input words, numbers altered, achieved vs
requested ratio, at ratios 0.5 and 0.33. Speed: latency and tokens/s at 500, 2,000 and 8,000
tokens of the same texts, each method's runs interleaved with the others', median of REPEATS.

Methods: `encoder` and `llmlingua` through the service over HTTP (what a user gets); "stock"
is llmlingua's own `compress_prompt` on the same SmolLM2 model and dtype, in process.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from typing import Any

import httpx
from common import HEADERS, SERVICE, Server, write_result

from tokenflow_ml.compression.contract import altered_numbers, whole_word_share

EVAL = SERVICE / "tests" / "fixtures" / "compression-eval"
RATIOS = (0.5, 0.33)
SIZES = (500, 2000, 8000)
# Interleaved runs per size (the stock algorithm takes minutes at 8,000 tokens).
REPEATS = {500: 3, 2000: 3, 8000: 2}
METHODS = ("encoder", "llmlingua", "stock")


def eval_set() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (p.stem, p.read_text(), json.loads(p.with_suffix(".json").read_text()))
        for p in sorted(EVAL.glob("*.txt"))
    ]


def stock_compressor() -> Any:
    from tokenflow_ml.causal_lm import load_causal_lm, resolve_dtype
    from tokenflow_ml.config import Settings
    from tokenflow_ml.llmlingua_compat import CausalPromptCompressor

    settings = Settings()
    settings.apply_environment()
    dtype = resolve_dtype(settings.torch_dtype, "cpu")
    return CausalPromptCompressor(
        load_causal_lm(settings.llmlingua_model, settings.llmlingua_gguf_file, "cpu", dtype)
    )


class Runner:
    def __init__(self, url: str, stock: Any) -> None:
        self.http = httpx.Client(base_url=url, headers=HEADERS, timeout=900)
        self.stock = stock

    def compress(self, method: str, text: str, ratio: float) -> tuple[str, float]:
        """(compressed text, seconds)."""
        started = time.perf_counter()
        if method == "stock":
            out = self.stock.compress_prompt(
                context=[text], rate=ratio, use_context_level_filter=False, iterative_size=200
            )["compressed_prompt"]
        else:
            res = self.http.post("/compress", json={"text": text, "ratio": ratio, "method": method})
            res.raise_for_status()
            out = res.json()["compressed_text"]
        return str(out), time.perf_counter() - started


def quality(runner: Runner) -> list[dict[str, object]]:
    from tokenflow_ml.tokens import count_tokens

    rows: list[dict[str, object]] = []
    for name, text, meta in eval_set():
        tokens = count_tokens(text)
        for ratio in RATIOS:
            for method in METHODS:
                out, seconds = runner.compress(method, text, ratio)
                facts = meta["key_facts"]
                kept = [f for f in facts if f in out]
                rows.append({
                    "text": name, "method": method, "ratio": ratio, "tokens": tokens,
                    "achieved_ratio": round(count_tokens(out) / tokens, 3),
                    "facts_kept": len(kept), "facts": len(facts),
                    "missing": sorted(set(facts) - set(kept)),
                    "whole_word_share": round(whole_word_share(text, out), 4),
                    "numbers_altered": altered_numbers(text, out),
                    "seconds": round(seconds, 3),
                })  # fmt: skip
                print(
                    f"{name:<22}{method:<10}{ratio:>5} facts {len(kept):>2}/{len(facts):<2} "
                    f"ratio {rows[-1]['achieved_ratio']:<6} whole {rows[-1]['whole_word_share']:<7}"
                    f"numbers altered {len(rows[-1]['numbers_altered'])}",  # type: ignore[arg-type]
                    flush=True,
                )
    return rows


def sized_text(tokens: int) -> str:
    """The evaluation texts in order, cut at a paragraph break near `tokens` cl100k tokens."""
    from tokenflow_ml.tokens import count_tokens

    paragraphs = [p for _, text, _ in eval_set() for p in text.split("\n\n")]
    out: list[str] = []
    while count_tokens("\n\n".join(out)) < tokens:
        out.append(paragraphs[len(out) % len(paragraphs)])
    return "\n\n".join(out)


def speed(runner: Runner) -> list[dict[str, object]]:
    from tokenflow_ml.tokens import count_tokens

    rows: list[dict[str, object]] = []
    for method in METHODS:  # warm-up (the quality pass already ran every method)
        runner.compress(method, sized_text(SIZES[0]), 0.5)
    for size in SIZES:
        text = sized_text(size)
        runs: dict[str, list[float]] = {m: [] for m in METHODS}
        for _ in range(REPEATS[size]):
            for method in METHODS:
                runs[method].append(runner.compress(method, text, 0.5)[1])
        stock = statistics.median(runs["stock"])
        for method in METHODS:
            median = statistics.median(runs[method])
            rows.append({
                "method": method, "tokens": count_tokens(text), "median_s": round(median, 3),
                "tokens_per_s": round(count_tokens(text) / median, 1),
                "speedup_vs_stock": round(stock / median, 1),
                "runs_s": [round(r, 3) for r in runs[method]],
            })  # fmt: skip
            print(rows[-1], flush=True)
    return rows


def summary(rows: list[dict[str, Any]]) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for method in METHODS:
        for ratio in RATIOS:
            mine = [r for r in rows if r["method"] == method and r["ratio"] == ratio]
            out.append({
                "method": method, "ratio": ratio,
                "facts_kept_pct": round(100 * sum(r["facts_kept"] for r in mine) / sum(r["facts"] for r in mine), 1),
                "whole_word_pct": round(100 * min(r["whole_word_share"] for r in mine), 1),
                "whole_word_mean_pct": round(100 * statistics.mean(r["whole_word_share"] for r in mine), 1),
                "numbers_altered": sum(len(r["numbers_altered"]) for r in mine),
                "max_ratio_error": round(max(abs(r["achieved_ratio"] - ratio) for r in mine), 3),
            })  # fmt: skip
    return out


def main(parts: tuple[str, ...] = ("quality", "speed")) -> dict[str, object]:
    env = {"ML_COMPRESSION_METHODS": '["encoder","llmlingua"]', "ML_ENABLE_GENERATION": "false",
           "ML_ENABLE_CLASSIFICATION": "false"}  # fmt: skip
    with Server(**env) as server:
        runner = Runner(server.url, stock_compressor())
        quality_rows = quality(runner) if "quality" in parts else []
        speed_rows = speed(runner) if "speed" in parts else []
    totals = summary(quality_rows) if quality_rows else []
    print(f"\n{'method':<10}{'ratio':>6}{'facts kept':>12}{'whole words (min/mean)':>24}"
          f"{'numbers altered':>17}{'max ratio error':>17}")  # fmt: skip
    for t in totals:
        print(f"{t['method']:<10}{t['ratio']:>6}{t['facts_kept_pct']:>11}%"
              f"{t['whole_word_pct']:>14}% / {t['whole_word_mean_pct']}%{t['numbers_altered']:>12}"
              f"{t['max_ratio_error']:>17}")  # fmt: skip
    print(f"\n{'method':<10}{'tokens':>7}{'median s':>10}{'tokens/s':>10}{'vs stock':>10}")
    for r in speed_rows:
        print(f"{r['method']:<10}{r['tokens']:>7}{r['median_s']:>10}{r['tokens_per_s']:>10}"
              f"{r['speedup_vs_stock']:>9}x")  # fmt: skip
    result = {
        "machine": f"{os.cpu_count()} CPU cores",
        "evaluation_set": str(EVAL.relative_to(SERVICE.parents[1])),
        "repeats": REPEATS,
        "statistic": "speed: median of interleaved runs; quality: pooled over the texts",
        "summary": totals,
        "speed": speed_rows,
        "quality": quality_rows,
    }
    write_result("compression" if len(parts) == 2 else f"compression-{parts[0]}", result)
    return result


if __name__ == "__main__":
    import sys

    main(tuple(sys.argv[1:]) or ("quality", "speed"))
