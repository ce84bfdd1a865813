"""SLA timers (#14, part 2): due_at and waiting_s on queue items, ?overdue=true, the first action
(claim or resolve) stopping the clock, per-channel targets, and sla.breached once per comment."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.api.helpers import comments
from tests.api.receiver import receiver
from triage.pipeline.core import Pipeline
from triage.service import alerts
from triage.service.api.app import create_app
from triage.service.settings import Settings
from triage.service.store import Database
from triage.service.store.db import utcnow
from triage.service.store.models import StoredComment

Key = Callable[..., dict[str, str]]
TARGETS = {"urgent": 1800, "questions": 4 * 3600}


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _ingest(client: TestClient, admin: dict[str, str], channel: str, ago: timedelta) -> list[Any]:
    """Twelve comments posted ``ago`` (a minute apart, the newest last)."""
    start = datetime.now(UTC) - ago
    body = {"channel": channel, "comments": comments(12, f"{channel}-", start=start)}
    items = client.post("/v1/comments", json=body, headers=admin).json()["items"]
    assert {"urgent", "questions"} <= {i["queue"] for i in items}
    return items


def _page(client: TestClient, h: dict[str, str], queue: str, query: str = "") -> list[Any]:
    r = client.get(f"/v1/queues/{queue}?limit=500{query}", headers=h)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_items_carry_due_at_and_waiting_s_from_their_queues_target(
    client: TestClient, key: Key
) -> None:
    admin = key("admin")
    items = _ingest(client, admin, "shop-a", timedelta(hours=1))
    for queue in ("urgent", "questions", "praise", "other", "spam"):
        for item in _page(client, admin, queue):
            created = _time(item["created_at"])
            if queue in TARGETS:
                assert _time(item["due_at"]) == created + timedelta(seconds=TARGETS[queue])
            else:
                assert item["due_at"] is None
            waited = (datetime.now(UTC) - created).total_seconds()
            assert waited - 120 <= item["waiting_s"] <= waited + 1
            # An hour old: late for urgent (30 min), on time for questions (4 h).
            assert item["overdue"] is (queue == "urgent")
    assert all("due_at" in i and "waiting_s" in i for i in items)  # the ingest answer too


def test_overdue_lists_only_late_items_and_the_first_action_stops_the_clock(
    client: TestClient, key: Key
) -> None:
    admin = key("admin")
    _ingest(client, admin, "shop-a", timedelta(minutes=20))  # not late yet
    late = _ingest(client, admin, "shop-b", timedelta(hours=2))
    urgent = [i for i in late if i["queue"] == "urgent"]
    overdue = _page(client, admin, "urgent", "&overdue=true")
    assert sorted(i["id"] for i in overdue) == sorted(i["id"] for i in urgent)
    assert all(i["overdue"] for i in overdue)
    assert _page(client, admin, "questions", "&overdue=true") == []  # 2 h of 4
    assert _page(client, admin, "praise", "&overdue=true") == []  # no target
    # Claiming is the first action: off the overdue list, its waiting time frozen.
    claimed = client.post(f"/v1/comments/{urgent[0]['id']}/claim", headers=admin).json()
    assert claimed["first_action_at"] is not None
    assert claimed["overdue"] is False
    # A queue claim counts too; resolving another one as well.
    rest = [i["id"] for i in urgent[1:]]
    if rest:
        client.post(f"/v1/comments/{rest[0]}/resolve", json={"action": "replied"}, headers=admin)
    left = {i["id"] for i in _page(client, admin, "urgent", "&overdue=true")}
    assert left == set(rest[1:])
    waited = claimed["waiting_s"]
    assert 6500 <= waited <= 7300  # created 2 h ago, a minute apart
    # Released (lease expired or not), the first action stays: still not overdue.
    again = client.get("/v1/queues/urgent?channel=shop-b&limit=500", headers=admin).json()
    first = next(i for i in again["items"] if i["id"] == urgent[0]["id"])
    assert (first["waiting_s"], first["first_action_at"]) == (waited, claimed["first_action_at"])


def test_queue_claims_are_a_first_action(client: TestClient, key: Key) -> None:
    admin = key("admin")
    late = _ingest(client, admin, "shop-a", timedelta(hours=2))
    n = sum(i["queue"] == "urgent" for i in late)
    claimed = client.post("/v1/queues/urgent/claim", json={"limit": 100}, headers=admin).json()
    assert len(claimed["items"]) == n
    assert all(i["first_action_at"] and not i["overdue"] for i in claimed["items"])
    assert _page(client, admin, "urgent", "&overdue=true") == []


def test_targets_per_channel_override_the_default(
    settings: Settings, pipeline: Pipeline, key: Key
) -> None:
    custom = settings.model_copy(
        update={"sla_targets": {"*": TARGETS, "shop-b": {"urgent": 0, "questions": 600}}}
    )
    admin = key("admin")
    with TestClient(create_app(custom, pipeline=pipeline)) as client:
        _ingest(client, admin, "shop-a", timedelta(hours=1))
        _ingest(client, admin, "shop-b", timedelta(hours=1))
        urgent = _page(client, admin, "urgent", "&overdue=true")
        assert {i["channel"] for i in urgent} == {"shop-a"}  # shop-b: no urgent SLA
        questions = _page(client, admin, "questions", "&overdue=true")
        assert {i["channel"] for i in questions} == {"shop-b"}  # 10 min there, 4 h elsewhere
        for item in _page(client, admin, "questions", "&channel=shop-b"):
            assert _time(item["due_at"]) == _time(item["created_at"]) + timedelta(minutes=10)
        for item in _page(client, admin, "urgent", "&channel=shop-b"):
            assert item["due_at"] is None


def test_sla_breached_fires_once_per_comment(
    client: TestClient, key: Key, db: Database, settings: Settings
) -> None:
    admin = key("admin")
    with receiver() as rec:
        hook = {"channel": "shop-b", "url": rec.url, "events": ["sla.breached"]}
        r = client.post("/v1/webhooks", json=hook | {"secret": "s" * 20}, headers=admin)
        assert r.status_code == 201
        items = _ingest(client, admin, "shop-b", timedelta(hours=5))
        _ingest(client, admin, "shop-a", timedelta(hours=5))  # breaches too, but no webhook
        late = {i["id"] for i in items if i["queue"] in TARGETS}
        acted = next(i["id"] for i in items if i["queue"] == "urgent")
        client.post(f"/v1/comments/{acted}/claim", headers=admin)  # acted on: no breach
        assert alerts.check_sla(db, settings) > 0
        assert alerts.check_sla(db, settings) == 0  # recorded: not again
        assert alerts.check_sla(db, settings, now=utcnow() + timedelta(days=1)) == 0
        while alerts.deliver_due(db, settings):
            pass
    got = Counter(a.json["comment"]["id"] for a in rec.arrivals)
    assert set(got) == late - {acted}
    assert set(got.values()) == {1}
    event = rec.arrivals[0].json
    assert event["event"] == "sla.breached"
    assert event["sla"]["queue"] == event["comment"]["queue"]
    assert event["sla"]["target_s"] == TARGETS[event["comment"]["queue"]]
    assert event["sla"]["waiting_s"] >= 4 * 3600
    with db.read() as s:
        breached = {
            c.id
            for c in s.scalars(
                select(StoredComment).where(StoredComment.sla_breached_at.is_not(None))
            )
        }
    assert late - {acted} <= breached
    assert acted not in breached
