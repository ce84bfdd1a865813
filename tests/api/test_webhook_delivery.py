"""The webhook delivery test of #14: ``triage serve`` killed with SIGKILL while deliveries are
pending; after a restart every event arrives exactly once at a local receiver (raw arrivals,
no dedupe by event id), and nothing is sent again after its one success."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from tests.api.helpers import Server, comments
from tests.api.receiver import receiver
from triage.service.auth import Role
from triage.service.moderation import create_key
from triage.service.store import Database
from triage.service.store.models import WebhookDelivery

pytestmark = pytest.mark.slow

FAST_RETRIES = {
    "TRIAGE_WEBHOOK_POLL_SECONDS": "0.05",
    "TRIAGE_WEBHOOK_RETRY_SECONDS": "0.2",
    "TRIAGE_WEBHOOK_RETRY_MAX_SECONDS": "0.5",
    "TRIAGE_WEBHOOK_TIMEOUT_SECONDS": "2",
}


def _outbox(db: Database) -> list[tuple[str, str, int]]:
    with db.read() as s:
        rows = s.execute(
            select(WebhookDelivery.event_id, WebhookDelivery.status, WebhookDelivery.attempts)
        )
        return [(e, st, n) for e, st, n in rows]


def test_sigkill_with_pending_deliveries_then_restart_delivers_every_event_exactly_once(
    db_url: str, model_dir: Path, tmp_path: Path
) -> None:
    db = Database(db_url)
    admin = {"Authorization": f"Bearer {create_key(db, Role.ADMIN, [])[1]}"}
    down = True  # the receiver answers 503 until the first server is dead
    server = Server(db_url, model_dir, tmp_path / "server.log", extra_env=FAST_RETRIES)
    with receiver(lambda _: 503 if down else 200) as rec:
        server.start()
        try:
            hook = {
                "channel": "shop-a",
                "url": rec.url,
                "events": ["comment.created", "comment.urgent"],
                "secret": "kill-test-secret-0123456789",
            }
            r = httpx.post(f"{server.url}/v1/webhooks", json=hook, headers=admin, timeout=30)
            assert r.status_code == 201, r.text
            acknowledged = 0
            for batch in range(3):
                body = {"channel": "shop-a", "comments": comments(10, f"k{batch}-")}
                r = httpx.post(f"{server.url}/v1/comments", json=body, headers=admin, timeout=60)
                assert r.status_code == 200, r.text
                acknowledged += len(r.json()["items"])
            events = {e for e, _, _ in _outbox(db)}
            assert len(events) >= acknowledged  # one comment.created each, plus comment.urgent
            # The sender is busy retrying against the failing receiver ...
            rec.wait_for(lambda r: len({a.event_id for a in r.arrivals}) >= 5)
        finally:
            server.kill()  # ... and dies without any shutdown
        assert rec.ok() == []
        pending = [e for e, status, _ in _outbox(db) if status == "pending"]
        assert sorted(pending) == sorted(events)  # nothing was lost, nothing delivered yet
        down = False
        server.start()  # recovers the database it was killed on and resumes the outbox
        try:
            rec.wait_for(lambda r: {a.event_id for a in r.ok()} == events)
            webhooks = httpx.get(f"{server.url}/v1/webhooks", headers=admin, timeout=30)
        finally:
            server.stop()
        # Stopped: every attempt the server ever made is in rec.arrivals now.
        successes = Counter(a.event_id for a in rec.ok())
        assert set(successes) == events
        # Exactly once: the receiver answers 200 to everything now, so an event sent again
        # after its success would count twice here.
        assert max(successes.values()) == 1
    assert {status for _, status, _ in _outbox(db)} == {"delivered"}
    (listed,) = webhooks.json()["items"]
    assert listed["pending"] == 0
    assert listed["delivered"] == len(events)
    assert listed["last_status"] == "delivered"
    db.dispose()
