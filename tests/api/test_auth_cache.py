"""The API-key cache (``TRIAGE_AUTH_CACHE_SECONDS``): how long a revoked key may still work.

A worker trusts a key it verified for ``auth_cache_seconds``. A key revoked through the same
worker's API stops at once; one revoked elsewhere (the CLI, another worker: here, straight in
the database) stops within that bound; with the cache off, at once.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from triage.pipeline.core import Pipeline
from triage.service import moderation
from triage.service.api.app import create_app
from triage.service.auth import KeyCache, Principal, Role
from triage.service.settings import Settings
from triage.service.store import Database

ANALYZE = {"comments": [{"text": "Where is my order?"}]}
ADMIN = Principal(key_id=0, name="cli", role=Role.ADMIN, channels=frozenset())


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def app_and_clock(settings: Settings, pipeline: Pipeline) -> tuple[TestClient, Clock, Database]:
    settings = settings.model_copy(update={"auth_cache_seconds": 2.0})
    client = TestClient(create_app(settings, pipeline=pipeline))
    db = Database(settings.database_url)
    return client, Clock(), db


def _use_clock(client: TestClient, clock: Clock) -> KeyCache:
    cache: KeyCache = client.app.state.triage.keys  # type: ignore[attr-defined]
    cache._clock = clock
    return cache


def test_a_key_revoked_elsewhere_stops_working_within_the_cache_time(
    app_and_clock: tuple[TestClient, Clock, Database],
) -> None:
    client, clock, db = app_and_clock
    key, token = moderation.create_key(db, Role.SCORE, [], "bot")
    auth = {"Authorization": f"Bearer {token}"}
    with client:
        _use_clock(client, clock)
        assert client.post("/v1/analyze", headers=auth, json=ANALYZE).status_code == 200
        moderation.revoke_key(db, ADMIN, "bot")  # as `triage keys revoke` or another worker
        clock.now += 1.9  # within the bound: this worker still trusts what it verified
        assert client.post("/v1/analyze", headers=auth, json=ANALYZE).status_code == 200
        clock.now += 0.1  # the bound has passed: read again, and refused
        r = client.post("/v1/analyze", headers=auth, json=ANALYZE)
        assert r.status_code == 401
        assert "unknown or revoked" in r.json()["detail"]
        clock.now += 60  # a refused key is not cached as good later either
        assert client.post("/v1/analyze", headers=auth, json=ANALYZE).status_code == 401
    db.dispose()


def test_a_key_revoked_through_this_workers_api_stops_at_once(
    app_and_clock: tuple[TestClient, Clock, Database],
) -> None:
    client, clock, db = app_and_clock
    admin = {"Authorization": f"Bearer {moderation.create_key(db, Role.ADMIN, [], 'ops')[1]}"}
    auth = {"Authorization": f"Bearer {moderation.create_key(db, Role.SCORE, [], 'bot')[1]}"}
    with client:
        _use_clock(client, clock)
        assert client.post("/v1/analyze", headers=auth, json=ANALYZE).status_code == 200
        assert client.delete("/v1/keys/bot", headers=admin).status_code == 204
        assert client.post("/v1/analyze", headers=auth, json=ANALYZE).status_code == 401
    db.dispose()


def test_without_the_cache_a_revocation_elsewhere_applies_at_once(
    settings: Settings, pipeline: Pipeline
) -> None:
    settings = settings.model_copy(update={"auth_cache_seconds": 0.0})
    db = Database(settings.database_url)
    auth = {"Authorization": f"Bearer {moderation.create_key(db, Role.SCORE, [], 'bot')[1]}"}
    with TestClient(create_app(settings, pipeline=pipeline)) as client:
        assert client.post("/v1/analyze", headers=auth, json=ANALYZE).status_code == 200
        moderation.revoke_key(db, ADMIN, "bot")
        assert client.post("/v1/analyze", headers=auth, json=ANALYZE).status_code == 401
    db.dispose()


def test_a_lookup_under_way_when_the_cache_is_cleared_is_not_kept() -> None:
    """A request that read the key just before this worker revoked it must not put it back
    into the cache for another ``ttl`` (its answer was already out of date)."""
    clock = Clock()
    cache = KeyCache(ttl=2.0, clock=clock)
    p = Principal(key_id=1, name="bot", role=Role.SCORE, channels=frozenset())
    started = cache.generation  # the lookup begins...
    cache.clear()  # ...the key is revoked meanwhile...
    cache.put("trg_abcdefgh_secret", p, started)  # ...and the lookup ends
    assert cache.get("trg_abcdefgh_secret") is None
    cache.put("trg_abcdefgh_secret", p, cache.generation)
    assert cache.get("trg_abcdefgh_secret") is p
    assert cache.get("trg_abcdefgh_other") is None


def test_the_cache_keeps_no_key_in_clear_and_stays_bounded() -> None:
    cache = KeyCache(ttl=2.0, max_entries=3)
    p = Principal(key_id=1, name="bot", role=Role.SCORE, channels=frozenset())
    for i in range(10):
        cache.put(f"trg_abcdefgh_secret{i}", p, cache.generation)
    assert len(cache._entries) <= 3
    assert not any("secret" in k for k in cache._entries)
    assert cache.get("trg_abcdefgh_secret9") is p
