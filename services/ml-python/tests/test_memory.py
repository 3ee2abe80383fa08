"""Large requests leave no memory behind: after 200,000-character and pathological texts the
process's resident memory (VmRSS in /proc/self/status) is back near where it was before them.
Before, freed heap stayed with the process (~120 MB after one such round, never returned)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import AUTH, FIXTURES, settings
from tokenflow_ml import heap
from tokenflow_ml.main import create_app

# Well under the ~120 MB the heap kept without trimming, well over the noise of a run.
MAX_GROWTH_MB = 60


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS in /proc/self/status")


@pytest.fixture(scope="module")
def encoder_only() -> Iterator[TestClient]:
    app = create_app(
        settings(
            enable_generation=False, enable_classification=False, compression_methods=["encoder"]
        )
    )
    with TestClient(app, headers=AUTH) as client:
        yield client


def large_texts() -> list[str]:
    prose = "\n\n".join(p.read_text() for p in sorted(FIXTURES.glob("compression*/*.txt")))
    return [(prose * 10)[:200_000], "a." * 50_000, "one " * 25_000, (prose * 10)[:150_000]]


@pytest.mark.skipif(heap._trim is None, reason="needs glibc's malloc_trim")
def test_memory_returns_to_baseline_after_large_texts(encoder_only: TestClient) -> None:
    small = {"text": "The invoice of 3 March was paid in full. " * 20, "ratio": 0.5}
    for _ in range(3):  # first-use allocations (tokenizer caches, torch) belong to the baseline
        assert encoder_only.post("/compress", json=small).status_code == 200
    baseline = rss_mb()
    peak = baseline
    for _ in range(2):
        for text in large_texts():
            res = encoder_only.post("/compress", json={"text": text, "ratio": 0.5})
            assert res.status_code == 200
            peak = max(peak, rss_mb())
    assert encoder_only.post("/compress", json=small).status_code == 200
    after = rss_mb()
    print(f"RSS baseline {baseline:.0f} MB, peak {peak:.0f} MB, after {after:.0f} MB")
    assert after - baseline < MAX_GROWTH_MB, (baseline, peak, after)
