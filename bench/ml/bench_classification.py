"""Classification latency at concurrency 1 and 8, micro-batching on vs off, and peak RSS of the
service with the embedded default (all capabilities) loaded."""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import time

import httpx
from common import SERVICE, Server, write_result

ROUNDS = 2  # each row is the median of this many 200-request rounds

CATALOG = SERVICE.parents[1] / "packages" / "catalog" / "src" / "categories.json"
PROMPTS = [
    json.loads(line)["prompt"]
    for line in (SERVICE / "tests" / "fixtures" / "routing-dev.jsonl").read_text().splitlines()
]


async def load(url: str, concurrency: int, total: int) -> dict[str, float]:
    cats = json.loads(CATALOG.read_text())["categories"]
    descriptions = {c["id"]: [c["description"], *c["examples"]] for c in cats}
    latencies: list[float] = []
    queue = list(range(total))
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:

        async def worker() -> None:
            while queue:
                i = queue.pop()
                body = {
                    "prompt": PROMPTS[i % len(PROMPTS)],
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


def peak_rss() -> float:
    with Server() as server:
        httpx.post(
            f"{server.url}/compress", json={"text": "Numbers like 42 stay. " * 50}, timeout=300
        )
        httpx.post(
            f"{server.url}/classify",
            json={"prompt": "hello", "possible_categories": ["a", "b"]},
            timeout=60,
        )
        return round(server.peak_rss_mb(), 1)


def main() -> dict[str, object]:
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
        "rows": rows,
        "batching_speedup_c8": speedup,
        "peak_rss_mib_embedded_default": rss,
    }
    write_result("classification", result)
    return result


if __name__ == "__main__":
    main()
