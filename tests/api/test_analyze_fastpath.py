"""The lean path of ``POST /v1/analyze`` (triage.service.api.fastpath).

A request of a key the worker verified recently is answered without FastAPI's machinery. It
must give what the full route gives: the same scores (those of ``Pipeline.score_batch``), the
same errors with the same messages, the same auth and per-key limits, and the same metrics.
The reference is the same app with the key cache off (``auth_cache_seconds`` 0), where every
request takes the full route.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import NORMAL
from tests.api.test_analyze_batching import Spy, alone
from triage.pipeline.core import Pipeline
from triage.service.api.app import create_app
from triage.service.auth import Role
from triage.service.moderation import create_key
from triage.service.settings import Settings
from triage.service.store import Database

TEXTS = [*NORMAL, "?", "🔥🔥🔥", "URGENT: my card was charged twice, I will call my bank"]


def _app(
    settings: Settings, pipeline: Any, cache: bool, name: str | None = None, **update: Any
) -> tuple[TestClient, str]:
    settings = settings.model_copy(update={"auth_cache_seconds": 2.0 if cache else 0.0, **update})
    db = Database(settings.database_url)
    token = create_key(db, Role.SCORE, [], name)[1]
    db.dispose()
    return TestClient(create_app(settings, pipeline=pipeline)), token


def _fast_path_count(client: TestClient) -> float:
    metrics = client.app.state.triage.metrics  # type: ignore[attr-defined]
    return float(metrics.analyze_fast_path._value.get())


def _post(client: TestClient, token: str, body: Any, **headers: str) -> Any:
    content = body if isinstance(body, bytes) else None
    return client.post(
        "/v1/analyze",
        headers={"Authorization": f"Bearer {token}", **headers},
        content=content,
        json=None if content is not None else body,
    )


@pytest.mark.parametrize("batching", [True, False])
def test_the_lean_path_gives_the_scores_of_score_batch(
    settings: Settings, pipeline: Pipeline, batching: bool
) -> None:
    client, token = _app(settings, pipeline, cache=True, analyze_batching=batching)
    with client:
        assert _post(client, token, {"comments": [{"text": "warm up"}]}).status_code == 200
        before = _fast_path_count(client)
        for i, text in enumerate(TEXTS):
            r = _post(client, token, {"comments": [{"text": text, "id": f"c{i}"}], "tier": "fast"})
            assert r.status_code == 200, r.text
            [record] = r.json()["results"]
            assert record == {**alone(pipeline, [text])[0], "id": f"c{i}"}
        r = _post(client, token, {"comments": [{"text": t} for t in TEXTS]})
        assert r.json()["results"] == alone(pipeline, TEXTS)
        assert _fast_path_count(client) == before + len(TEXTS) + 1  # all of them took it


# Bodies the lean path does not answer itself: the route's error must come out, as without it.
BAD = [
    {},
    {"comments": []},
    {"comments": [{"text": ""}]},
    {"comments": [{"text": "   "}]},
    {"comments": [{"text": "a\x00b"}]},
    {"comments": [{"text": "ok", "lang": "en"}]},
    {"comments": [{"text": 5}]},
    {"comments": [{"text": "ok"}], "tier": "slow"},
    {"comments": [{"text": "x" * 101}]},  # over max_text_chars below
    {"comments": [{"text": "ok"}] * 4},  # over max_batch below
    b'{"comments": [{"text": "ok"}',
    b'{"comments": [{"text": "\\ud800"}]}',
    b"\xff\xfe",
    b"[" * 5000 + b"]" * 5000,
]


@pytest.mark.parametrize("body", BAD, ids=range(len(BAD)))
def test_a_bad_request_gets_the_same_error_as_from_the_route(
    settings: Settings, pipeline: Pipeline, body: Any
) -> None:
    limits = {"max_text_chars": 100, "max_batch": 3}
    answers = []
    for cache in (False, True):
        client, token = _app(settings, pipeline, cache, **limits)
        with client:
            assert _post(client, token, {"comments": [{"text": "warm up"}]}).status_code == 200
            r = _post(client, token, body)
            answers.append((r.status_code, r.json()))
    assert answers[0][0] in (400, 422)
    assert answers[1] == answers[0]


def test_another_content_type_goes_to_the_route(settings: Settings, pipeline: Pipeline) -> None:
    answers = []
    for cache in (False, True):
        client, token = _app(settings, pipeline, cache)
        with client:
            assert _post(client, token, {"comments": [{"text": "warm up"}]}).status_code == 200
            r = _post(
                client,
                token,
                b'{"comments": [{"text": "Where is my order?"}]}',
                **{"Content-Type": "text/plain"},
            )
            answers.append((r.status_code, r.json(), _fast_path_count(client)))
    assert answers[0][0] == 422
    assert answers[1] == answers[0]


def test_auth_is_enforced_on_the_lean_path(settings: Settings, pipeline: Pipeline) -> None:
    client, token = _app(settings, pipeline, cache=True, name="bot")
    admin_db = Database(settings.database_url)
    admin = create_key(admin_db, Role.ADMIN, [], "ops")[1]
    admin_db.dispose()
    body = {"comments": [{"text": "hello"}]}
    with client:
        assert _post(client, token, body).status_code == 200
        assert _post(client, token, body).status_code == 200  # cached: the lean path
        for bad in (token[:-1] + ("x" if token[-1] != "x" else "y"), "", "trg_nope"):
            r = _post(client, bad, body)
            assert r.status_code == 401, r.text
            assert r.headers["www-authenticate"] == "Bearer"
        r = client.post("/v1/analyze", json=body)
        assert r.status_code == 401
        # revoked through this worker: refused at once, though the key was cached
        revoke = client.delete("/v1/keys/bot", headers={"Authorization": f"Bearer {admin}"})
        assert revoke.status_code == 204
        r = _post(client, token, body)
        assert r.status_code == 401
        assert "unknown or revoked" in r.json()["detail"]


@pytest.mark.parametrize("cache", [False, True])
def test_the_rate_limit_applies_on_the_lean_path(
    settings: Settings, pipeline: Pipeline, cache: bool
) -> None:
    client, token = _app(settings, pipeline, cache, rate_limit_per_minute=1, rate_limit_burst=2)
    body = {"comments": [{"text": "hello"}]}
    with client:
        assert [_post(client, token, body).status_code for _ in range(2)] == [200, 200]
        r = _post(client, token, body)
        assert r.status_code == 429
        assert "more than 1 requests per minute" in r.json()["detail"]
        assert int(r.headers["retry-after"]) >= 1


def test_a_scoring_error_gets_the_routes_answer(settings: Settings, pipeline: Pipeline) -> None:
    answers = []
    for cache in (False, True):
        client, token = _app(settings, Spy(pipeline, fail="boom"), cache)
        with client:
            assert _post(client, token, {"comments": [{"text": "warm up"}]}).status_code == 200
            r = _post(client, token, {"comments": [{"text": "boom"}]})
            answers.append((r.status_code, r.json()))
    assert answers[0][0] == 422
    assert "cannot score 'boom'" in answers[0][1]["detail"][0]["msg"]
    assert answers[1] == answers[0]


def test_the_lean_path_is_counted_in_the_metrics(settings: Settings, pipeline: Pipeline) -> None:
    client, token = _app(settings, pipeline, cache=True)
    with client:
        for _ in range(3):
            assert (
                _post(client, token, {"comments": [{"text": "a"}, {"text": "b"}]}).status_code
                == 200
            )
        text = client.get("/metrics").text
    assert 'triage_http_requests_total{method="POST",route="/v1/analyze",status="200"} 3.0' in text
    assert 'triage_comments_scored_total{endpoint="analyze"} 6.0' in text
    assert "triage_analyze_fast_path_requests_total 2.0" in text  # the first read the database


def test_of_two_authorization_headers_the_first_counts_as_on_the_route(
    settings: Settings, pipeline: Pipeline
) -> None:
    """A good key after a bad one is refused; a bad one after a good one is ignored."""
    client, token = _app(settings, pipeline, cache=True)
    body = b'{"comments": [{"text": "hello"}]}'
    with client:
        assert _post(client, token, {"comments": [{"text": "warm up"}]}).status_code == 200
        for first, second, status in ((token, "trg_nope", 200), ("trg_nope", token, 401)):
            r = client.post(
                "/v1/analyze",
                content=body,
                headers=[
                    ("Content-Type", "application/json"),
                    ("Authorization", f"Bearer {first}"),
                    ("Authorization", f"Bearer {second}"),
                ],
            )
            assert r.status_code == status, r.text
