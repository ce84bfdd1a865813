"""Micro-batching of ``POST /v1/analyze`` (triage.service.api.batcher).

Concurrent small requests are scored in one pipeline call; each must get exactly what it would
get alone, a request that fails must fail alone, and the switch must turn it off.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import NORMAL
from triage.errors import InvalidRequestError
from triage.pipeline.core import Pipeline
from triage.service.api.app import create_app
from triage.service.api.batcher import AnalyzeBatcher
from triage.service.api.schemas import record_of
from triage.service.auth import Role
from triage.service.moderation import create_key
from triage.service.settings import Settings
from triage.service.store import Database
from triage.types import Comment, Tier, TriageResult

TEXTS = [f"{text} ({i})" for i, text in enumerate(NORMAL * 3)] + [
    "?",
    "🔥🔥🔥",
    "http://x.co/a",
    "URGENT: my card was charged twice and nobody answers, I will call my bank",
]


@dataclass
class Spy:
    """A pipeline that records the size of each ``score_batch`` call; texts equal to ``fail``
    make the call raise (like a model that chokes on one input)."""

    pipeline: Pipeline
    fail: str | None = None
    calls: list[int] = field(default_factory=list)

    def score_batch(self, comments: Sequence[Comment], tier: Tier | str = Tier.FAST) -> Any:
        self.calls.append(len(comments))
        if self.fail is not None and any(c.text == self.fail for c in comments):
            raise InvalidRequestError(f"cannot score {self.fail!r}", field="comments.0.text")
        return self.pipeline.score_batch(comments, tier)

    def __getattr__(self, name: str) -> Any:  # name, tiers, ...: the real pipeline's
        return getattr(self.pipeline, name)


def alone(pipeline: Pipeline, texts: Sequence[str], ids: bool = False) -> list[dict[str, Any]]:
    """What unbatched scoring gives, as response records (JSON)."""
    return records(pipeline.score_batch([Comment(text=t) for t in texts], Tier.FAST), ids)


def records(results: list[TriageResult], ids: bool = False) -> list[dict[str, Any]]:
    return [
        record_of(r, str(i) if ids else None).model_dump(mode="json") for i, r in enumerate(results)
    ]


def gather(batcher: AnalyzeBatcher, requests: list[list[str]]) -> list[Any]:
    """Submit all requests in one event-loop step (so they meet in the batcher), then wait."""

    async def main() -> list[Any]:
        try:
            return await asyncio.gather(
                *(batcher.score(texts, Tier.FAST) for texts in requests), return_exceptions=True
            )
        finally:
            batcher.close()

    return asyncio.run(main())


def test_concurrent_requests_are_scored_in_one_call_with_the_results_of_each_alone(
    pipeline: Pipeline,
) -> None:
    spy = Spy(pipeline)
    batcher = AnalyzeBatcher(lambda: spy, window_s=0.0, max_comments=1000)  # type: ignore[arg-type,return-value]
    requests = [[t] for t in TEXTS] + [TEXTS[:3], TEXTS[5:9]]
    outcomes = gather(batcher, requests)
    assert spy.calls == [sum(len(r) for r in requests)]  # one batch
    for texts, outcome in zip(requests, outcomes, strict=True):
        assert records(outcome) == alone(pipeline, texts)


def test_batches_hold_at_most_max_comments_and_keep_each_request_whole(
    pipeline: Pipeline,
) -> None:
    spy = Spy(pipeline)
    batcher = AnalyzeBatcher(lambda: spy, window_s=0.0, max_comments=4)  # type: ignore[arg-type,return-value]
    requests = [TEXTS[0:3], TEXTS[3:4], TEXTS[4:6], TEXTS[6:10], TEXTS[10:11]]
    outcomes = gather(batcher, requests)
    assert spy.calls == [4, 2, 4, 1]
    for texts, outcome in zip(requests, outcomes, strict=True):
        assert records(outcome) == alone(pipeline, texts)
    assert batcher.accepts(4)
    assert not batcher.accepts(5)


def test_a_request_that_fails_in_a_batch_fails_alone(pipeline: Pipeline) -> None:
    spy = Spy(pipeline, fail="boom")
    batcher = AnalyzeBatcher(lambda: spy, window_s=0.0, max_comments=1000)  # type: ignore[arg-type,return-value]
    requests = [[TEXTS[0]], [TEXTS[1], "boom"], [TEXTS[2]], ["boom"], [TEXTS[3], TEXTS[4]]]
    outcomes = gather(batcher, requests)
    for texts, outcome in zip(requests, outcomes, strict=True):
        if "boom" in texts:
            assert isinstance(outcome, InvalidRequestError)
        else:
            assert records(outcome) == alone(pipeline, texts)


def _client(settings: Settings, pipeline: Any) -> tuple[TestClient, dict[str, str]]:
    db = Database(settings.database_url)
    token = create_key(db, Role.SCORE, [])[1]
    db.dispose()
    return TestClient(create_app(settings, pipeline=pipeline)), {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("batching", [True, False])
def test_concurrent_api_requests_get_the_results_of_each_alone(
    settings: Settings, pipeline: Pipeline, batching: bool
) -> None:
    """Over HTTP, from 8 client threads at once, with batching on (window 5 ms, batches of at
    most 3 comments, so a 4-comment request bypasses it) and off; one text makes the model
    raise: that request alone gets the error (422), the others their results."""
    settings = settings.model_copy(
        update={
            "analyze_batching": batching,
            "analyze_batch_window_us": 5000,
            "analyze_batch_max": 3,
            "max_in_flight_per_key": 0,
            "rate_limit_per_minute": 0,
        }
    )
    spy = Spy(pipeline, fail="boom")
    requests = [[t] for t in TEXTS] + [TEXTS[:2], TEXTS[:4], ["boom"], [TEXTS[0], "boom"]]
    client, headers = _client(settings, spy)
    with client, ThreadPoolExecutor(8) as pool:
        assert (client.app.state.triage.batcher is not None) is batching  # type: ignore[attr-defined]
        answers = list(
            pool.map(
                lambda texts: client.post(
                    "/v1/analyze",
                    headers=headers,
                    json={"comments": [{"text": t, "id": str(i)} for i, t in enumerate(texts)]},
                ),
                requests,
            )
        )
    for texts, r in zip(requests, answers, strict=True):
        if "boom" in texts:
            assert r.status_code == 422, r.text
            assert "cannot score 'boom'" in r.text
            continue
        assert r.status_code == 200, r.text
        assert r.json()["results"] == alone(pipeline, texts, ids=True)


@dataclass
class ThreadSpy(Spy):
    """A :class:`Spy` that also records the thread of each call."""

    threads: list[str] = field(default_factory=list)

    def score_batch(self, comments: Sequence[Comment], tier: Tier | str = Tier.FAST) -> Any:
        self.threads.append(threading.current_thread().name)
        return super().score_batch(comments, tier)


def test_a_small_fast_batch_is_scored_in_the_event_loop_a_large_one_in_the_scoring_thread(
    pipeline: Pipeline,
) -> None:
    """A few short comments are scored where the requests are served (no thread hop); a batch
    over ``inline_chars`` in the scoring thread, so the event loop is not held up by it.
    Either way each request gets its results alone."""
    short, long = [[t] for t in TEXTS[:5]], [["x " * 300 + t] for t in TEXTS[:5]]
    loop_thread = threading.current_thread().name
    for requests, where in ((short, loop_thread), (long, "triage-analyze")):
        spy = ThreadSpy(pipeline)
        batcher = AnalyzeBatcher(lambda: spy, window_s=0.0, max_comments=1000, inline_chars=1000)  # type: ignore[arg-type,return-value]  # noqa: B023
        outcomes = gather(batcher, requests)
        assert spy.calls == [len(requests)]
        assert [name.split("_")[0] for name in spy.threads] == [where]
        for texts, outcome in zip(requests, outcomes, strict=True):
            assert records(outcome) == alone(pipeline, texts)
