"""Routing quality and latency on the evaluation set, the trained head beside today's description
similarity in one run; micro-batching on vs off; peak RSS with the embedded default loaded.

Quality: tests/fixtures/routing-eval.jsonl (343 prompts written apart from the training data,
never used to train or tune): top-1, per-category precision/recall/F1, macro-F1, expected
calibration error (10 bins), confusion matrix. Latency: p50/p95 over HTTP at concurrency 1 and 8,
the two services' requests interleaved.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import time

import httpx
import numpy as np
from common import HEADERS, SERVICE, Server, write_result

from tokenflow_ml.category_head import expected_calibration_error

ROUNDS = 2  # each row is the median of this many 200-request rounds

CATALOG = SERVICE.parents[1] / "packages" / "catalog" / "src" / "categories.json"
EVAL = [
    json.loads(line)
    for line in (SERVICE / "tests" / "fixtures" / "routing-eval.jsonl").read_text().splitlines()
]
PROMPTS = [
    json.loads(line)["prompt"]
    for line in (SERVICE / "tests" / "fixtures" / "routing-dev.jsonl").read_text().splitlines()
]


def catalog_descriptions() -> dict[str, list[str]]:
    cats = json.loads(CATALOG.read_text())["categories"]
    return {c["id"]: [c["description"], *c.get("examples", [])] for c in cats}


async def load(
    url: str, concurrency: int, total: int, prompts: list[str] = PROMPTS
) -> dict[str, float]:
    descriptions = catalog_descriptions()
    latencies: list[float] = []
    queue = list(range(total))
    async with httpx.AsyncClient(base_url=url, headers=HEADERS, timeout=60) as client:

        async def worker() -> None:
            while queue:
                i = queue.pop()
                body = {
                    "prompt": prompts[i % len(prompts)],
                    "possible_categories": list(descriptions),
                    "descriptions": descriptions,
                }
                t = time.perf_counter()
                res = await client.post("/classify", json=body)
                res.raise_for_status()
                latencies.append(time.perf_counter() - t)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "concurrency": concurrency,
        "requests": total,
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p95_ms": round(latencies[int(0.95 * len(latencies)) - 1] * 1000, 2),
        "throughput_rps": round(total / elapsed, 1),
    }


def run(batching: bool) -> list[dict[str, object]]:
    """Same server settings both ways (admission limit 16): batching off means the same inference
    thread runs one request per forward pass, the naive baseline."""
    env = {
        "ML_ENABLE_COMPRESSION": "false",
        "ML_ENABLE_GENERATION": "false",
        "ML_CLASSIFY_BATCHING": str(batching).lower(),
        "ML_MAX_CONCURRENCY_CLASSIFICATION": "16",
    }
    rows = []
    with Server(**env) as server:
        asyncio.run(load(server.url, 4, 40))  # warm caches
        for concurrency in (1, 8):
            rounds = [asyncio.run(load(server.url, concurrency, 200)) for _ in range(ROUNDS)]
            row: dict[str, object] = {"batching": batching, "concurrency": concurrency}
            for key in ("requests", "p50_ms", "p95_ms", "throughput_rps"):
                row[key] = round(statistics.median(float(r[key]) for r in rounds), 2)
            row["rounds"] = rounds
            rows.append(row)
            print({k: v for k, v in row.items() if k != "rounds"}, flush=True)
    return rows


def quality(probs: np.ndarray, truth: np.ndarray, ids: list[str]) -> dict[str, object]:
    predicted = probs.argmax(axis=1)
    per_category = {}
    for k, c in enumerate(ids):
        tp = int(((predicted == k) & (truth == k)).sum())
        precision = tp / max(int((predicted == k).sum()), 1)
        recall = tp / max(int((truth == k).sum()), 1)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_category[c] = {"precision": round(precision, 3), "recall": round(recall, 3),
                           "f1": round(f1, 3)}  # fmt: skip
    return {
        "top1": round(float((predicted == truth).mean()), 4),
        "macro_f1": round(float(np.mean([m["f1"] for m in per_category.values()])), 4),
        "ece": round(expected_calibration_error(probs, truth), 4),
        "per_category": per_category,
        "confusion": [
            [int(((truth == a) & (predicted == b)).sum()) for b in range(len(ids))]
            for a in range(len(ids))
        ],
    }


def routing() -> dict[str, dict[str, object]]:
    """Both classifiers on the evaluation set: one service each, requests interleaved."""
    descriptions = catalog_descriptions()
    ids = list(descriptions)
    truth = np.array([ids.index(r["category"]) for r in EVAL])
    base = {"ML_ENABLE_COMPRESSION": "false", "ML_ENABLE_GENERATION": "false"}
    with Server(**base, ML_CLASSIFIER_HEAD="true") as head, \
            Server(**base, ML_CLASSIFIER_HEAD="false") as plain:  # fmt: skip
        servers = {"head": head, "description similarity": plain}
        clients = {
            name: httpx.Client(base_url=s.url, headers=HEADERS, timeout=60)
            for name, s in servers.items()
        }
        probs = {name: np.zeros((len(EVAL), len(ids))) for name in servers}
        latency: dict[str, list[float]] = {name: [] for name in servers}
        for i, row in enumerate(EVAL):
            order = list(servers) if i % 2 == 0 else list(reversed(servers))
            for name in order:
                body = {"prompt": row["prompt"], "possible_categories": ids,
                        "descriptions": descriptions}  # fmt: skip
                t = time.perf_counter()
                res = clients[name].post("/classify", json=body)
                latency[name].append(time.perf_counter() - t)
                res.raise_for_status()
                for item in res.json()["all_categories"]:
                    probs[name][i, ids.index(item["category"])] = item["score"]
        prompts = [r["prompt"] for r in EVAL]
        c8: dict[str, list[dict[str, float]]] = {name: [] for name in servers}
        for _ in range(ROUNDS):
            for name, server in servers.items():
                c8[name].append(asyncio.run(load(server.url, 8, 200, prompts)))
    out: dict[str, dict[str, object]] = {}
    for name in servers:
        ms = sorted(x * 1000 for x in latency[name])
        out[name] = {
            **quality(probs[name], truth, ids),
            "c1_p50_ms": round(statistics.median(ms), 2),
            "c1_p95_ms": round(ms[int(0.95 * len(ms)) - 1], 2),
            "c8_p50_ms": round(statistics.median(r["p50_ms"] for r in c8[name]), 2),
            "c8_p95_ms": round(statistics.median(r["p95_ms"] for r in c8[name]), 2),
            "c8_throughput_rps": round(statistics.median(r["throughput_rps"] for r in c8[name]), 1),
        }
    print(f"\nevaluation set: {len(EVAL)} prompts, {len(ids)} categories")
    print(f"{'classifier':<24}{'top-1':>7}{'macro-F1':>10}{'ECE':>7}{'c1 p50/p95 ms':>16}"
          f"{'c8 p50/p95 ms':>16}")  # fmt: skip
    for name, r in out.items():
        print(f"{name:<24}{r['top1']:>7}{r['macro_f1']:>10}{r['ece']:>7}"
              f"{r['c1_p50_ms']:>9} / {r['c1_p95_ms']:<5}{r['c8_p50_ms']:>9} / {r['c8_p95_ms']}")  # fmt: skip
    for name, r in out.items():
        print(f"\n{name}: precision / recall per category; confusion (rows truth, cols predicted)")
        for k, c in enumerate(ids):
            m = r["per_category"][c]  # type: ignore[index]
            row = " ".join(f"{n:>4}" for n in r["confusion"][k])  # type: ignore[index]
            print(f"  {c:<18}{m['precision']:>6} / {m['recall']:<6} {row}")
    return out


def peak_rss() -> float:
    with Server() as server:
        httpx.post(
            f"{server.url}/compress", json={"text": "Numbers like 42 stay. " * 50},
            headers=HEADERS, timeout=300,
        )  # fmt: skip
        httpx.post(
            f"{server.url}/classify",
            json={"prompt": "hello", "possible_categories": ["a", "b"]},
            headers=HEADERS,
            timeout=60,
        )
        return round(server.peak_rss_mb(), 1)


def main() -> dict[str, object]:
    classifiers = routing()
    rows = run(True) + run(False)
    on8 = next(r for r in rows if r["batching"] and r["concurrency"] == 8)
    off8 = next(r for r in rows if not r["batching"] and r["concurrency"] == 8)
    speedup = round(float(on8["throughput_rps"]) / float(off8["throughput_rps"]), 2)
    rss = peak_rss()
    print(f"\n{'batching':<9}{'conc':>5}{'p50 ms':>9}{'p95 ms':>9}{'req/s':>8}")
    for r in rows:
        print(
            f"{r['batching']!s:<9}{r['concurrency']:>5}{r['p50_ms']:>9}{r['p95_ms']:>9}"
            f"{r['throughput_rps']:>8}"
        )
    print(f"batching speed-up at concurrency 8: {speedup}x; peak RSS (all models): {rss} MiB")
    result = {
        "machine": f"{os.cpu_count()} CPU cores",
        "statistic": f"median of {ROUNDS} rounds of 200 requests",
        "evaluation_set": "services/ml-python/tests/fixtures/routing-eval.jsonl",
        "routing": classifiers,
        "rows": rows,
        "batching_speedup_c8": speedup,
        "peak_rss_mib_embedded_default": rss,
    }
    write_result("classification", result)
    return result


if __name__ == "__main__":
    main()
