"""Admission sized for batched classification: a burst of 50 concurrent requests on a healthy
service is queued and served, not refused; the queue stays bounded."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.conftest import AUTH, settings
from tokenflow_ml.deadline import Deadline
from tokenflow_ml.errors import Saturated
from tokenflow_ml.limiter import CapabilityLimiter
from tokenflow_ml.main import create_app


def burst(app: object, body: dict[str, object], count: int) -> list[httpx.Response]:
    async def send() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(
            transport=transport, base_url="http://t", headers=AUTH, timeout=60
        ) as client:
            return await asyncio.gather(
                *(client.post("/classify", json=body) for _ in range(count))
            )

    return asyncio.run(send())


def test_a_burst_of_50_classifications_is_served(catalog: dict[str, list[str]]) -> None:
    app = create_app(settings(enable_compression=False, enable_generation=False))
    body = {
        "prompt": "Write a Python function that merges two sorted lists.",
        "possible_categories": list(catalog),
        "descriptions": catalog,
    }
    with TestClient(app):  # runs the lifespan: models load, the batcher starts
        responses = burst(app, body, 50)
        statuses = [r.status_code for r in responses]
        assert statuses == [200] * 50, {s: statuses.count(s) for s in set(statuses)}
        assert len({r.json()["top_category"] for r in responses}) == 1  # same prompt, same answer
        assert app.state.services.batcher.largest_batch > 1  # the burst shared forward passes


def test_the_queue_stays_bounded() -> None:
    async def scenario() -> None:
        limiter = CapabilityLimiter("classification", 1, max_waiting=2, queue_timeout_s=5)
        deadline = Deadline(10)
        release = asyncio.Event()

        async def hold() -> None:
            async with limiter.slot(deadline):
                await release.wait()

        tasks = [asyncio.create_task(hold()) for _ in range(3)]  # one runs, two wait
        await asyncio.sleep(0.05)
        assert (limiter.in_flight, limiter.waiting) == (1, 2)
        with pytest.raises(Saturated):  # the fourth is refused at once, not after a wait
            async with limiter.slot(deadline):
                pass
        release.set()
        await asyncio.gather(*tasks)

    asyncio.run(scenario())
