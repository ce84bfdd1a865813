"""Webhooks (#14, part 2): subscriptions, the outbox written with the event, signed deliveries to
a local receiver, retries with back-off, giving up after a day, the sender thread, and the
signature check of docs/api.md."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.api.helpers import comments, spam_burst
from tests.api.receiver import receiver
from triage.pipeline.core import Pipeline
from triage.service import alerts
from triage.service.api.app import create_app
from triage.service.settings import Settings
from triage.service.store import Database
from triage.service.store.db import utcnow
from triage.service.store.models import WebhookDelivery

SECRET = "a-long-webhook-secret-0123"
ALL = ["comment.urgent", "comment.created", "campaign.detected", "sla.breached"]
Key = Callable[..., dict[str, str]]


def _hook(
    client: TestClient,
    admin: dict[str, str],
    url: str,
    channel: str = "shop-a",
    events: list[str] | None = None,
    secret: str = SECRET,
) -> dict:
    r = client.post(
        "/v1/webhooks",
        json={"channel": channel, "url": url, "events": events or ALL, "secret": secret},
        headers=admin,
    )
    assert r.status_code == 201, r.text
    return r.json()


def _deliveries(db: Database) -> list[WebhookDelivery]:
    with db.read() as s:
        return list(s.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def test_create_list_filter_and_delete_without_ever_showing_the_secret(
    client: TestClient, key: Key
) -> None:
    admin = key("admin")
    a = _hook(client, admin, "http://127.0.0.1:9/a", events=["comment.urgent", "sla.breached"])
    b = _hook(client, admin, "https://hooks.example.org/b", channel="shop-b")
    assert a["channel"] == "shop-a"
    assert a["events"] == ["comment.urgent", "sla.breached"]
    assert a["last_status"] is None
    assert a["pending"] == 0
    listed = client.get("/v1/webhooks", headers=admin)
    assert [h["id"] for h in listed.json()["items"]] == [a["id"], b["id"]]
    assert SECRET not in listed.text
    assert "secret" not in listed.json()["items"][0]
    only_b = client.get("/v1/webhooks?channel=shop-b", headers=admin).json()["items"]
    assert [h["url"] for h in only_b] == ["https://hooks.example.org/b"]
    assert client.delete(f"/v1/webhooks/{a['id']}", headers=admin).status_code == 204
    assert [h["id"] for h in client.get("/v1/webhooks", headers=admin).json()["items"]] == [b["id"]]
    again = client.delete(f"/v1/webhooks/{a['id']}", headers=admin)
    assert again.status_code == 404
    assert "no webhook" in again.json()["detail"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"events": ["comment.deleted"]}, "events"),
        ({"events": []}, "events"),
        ({"url": "ftp://127.0.0.1/x"}, "url"),
        ({"url": "not a url"}, "url"),
        ({"secret": "short"}, "secret"),
    ],
)
def test_a_bad_subscription_is_a_422_naming_the_field(
    client: TestClient, key: Key, change: dict, field: str
) -> None:
    body = {"channel": "shop-a", "url": "http://127.0.0.1:9/", "events": ALL, "secret": SECRET}
    r = client.post("/v1/webhooks", json=body | change, headers=key("admin"))
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["field"].startswith(field)


def test_allowed_hosts_limit_where_webhooks_may_point(
    settings: Settings, pipeline: Pipeline, key: Key
) -> None:
    limited = settings.model_copy(update={"webhook_allowed_hosts": ["hooks.slack.com"]})
    admin = key("admin")
    with TestClient(create_app(limited, pipeline=pipeline)) as client:
        body = {"channel": "shop-a", "events": ALL, "secret": SECRET}
        bad = client.post("/v1/webhooks", json=body | {"url": "http://10.0.0.5/"}, headers=admin)
        assert bad.status_code == 422
        assert "TRIAGE_WEBHOOK_ALLOWED_HOSTS" in bad.text
        good = client.post(
            "/v1/webhooks",
            json=body | {"url": "https://hooks.slack.com/services/T/B/x"},
            headers=admin,
        )
        assert good.status_code == 201


def test_ingest_writes_signed_events_that_reach_the_receiver_once(
    client: TestClient, key: Key, db: Database, settings: Settings
) -> None:
    admin = key("admin")
    with receiver() as rec, receiver() as other:
        hook = _hook(client, admin, rec.url, events=["comment.created", "comment.urgent"])
        _hook(client, admin, other.url, channel="shop-b")
        body = {"channel": "shop-a", "comments": comments(12)}
        items = client.post("/v1/comments", json=body, headers=admin).json()["items"]
        urgent = [i for i in items if i["queue"] == "urgent"]
        assert urgent, "the sample comments should put something in the urgent queue"
        # In the outbox with the ingest; nothing was sent from the request.
        assert rec.arrivals == []
        assert len(_deliveries(db)) == len(items) + len(urgent)
        # The same comments again: stored once, announced once.
        client.post("/v1/comments", json=body, headers=admin)
        assert len(_deliveries(db)) == len(items) + len(urgent)
        while alerts.deliver_due(db, settings):
            pass
    got = Counter(a.json["event"] for a in rec.arrivals)
    assert got == {"comment.created": len(items), "comment.urgent": len(urgent)}
    assert other.arrivals == []  # shop-b's webhook hears nothing of shop-a
    for a in rec.arrivals:
        expected = hmac.new(SECRET.encode(), a.body, hashlib.sha256).hexdigest()
        assert a.headers["x-triage-signature"] == f"sha256={expected}"
        assert a.headers["content-type"] == "application/json"
        assert a.event_id == a.json["event_id"]
    assert len({a.event_id for a in rec.arrivals}) == len(rec.arrivals)
    first = next(a.json for a in rec.arrivals if a.json["event"] == "comment.urgent")
    record = first["comment"]
    stored = next(i for i in urgent if i["id"] == record["id"])
    assert record["text"] == stored["text"]
    assert record["channel"] == "shop-a"
    assert record["queue"] == "urgent"
    assert record["priority"] == stored["priority"]
    assert record["reasons"] == stored["reasons"]
    assert record["reasons"]
    assert record["p_negative"] == stored["p_negative"]
    assert "tags" in record
    assert record["due_at"] is not None  # urgent has an SLA by default
    listed = client.get("/v1/webhooks", headers=admin).json()["items"][0]
    assert listed["id"] == hook["id"]
    assert listed["last_status"] == "delivered"
    assert listed["last_http_status"] == 200
    assert listed["delivered"] == len(rec.arrivals)
    assert listed["pending"] == 0


def test_campaign_detected_fires_when_a_campaign_forms(
    client: TestClient, key: Key, db: Database, settings: Settings
) -> None:
    admin = key("admin")
    with receiver() as rec:
        _hook(client, admin, rec.url, events=["campaign.detected"])
        body = {"channel": "shop-a", "comments": spam_burst(6)}
        client.post("/v1/comments", json=body, headers=admin)
        while alerts.deliver_due(db, settings):
            pass
    (arrival,) = rec.arrivals
    event = arrival.json
    campaigns = client.get("/v1/campaigns", headers=admin).json()["items"]
    assert event["event"] == "campaign.detected"
    assert event["campaign"]["id"] == campaigns[0]["id"]
    assert event["campaign"]["size"] >= 3
    assert {c["queue"] for c in event["comments"]} == {"spam"}


def test_a_failing_receiver_gets_retries_with_doubling_back_off_then_one_success(
    client: TestClient, key: Key, db: Database, settings: Settings
) -> None:
    admin = key("admin")
    base = settings.webhook_retry_seconds
    with receiver(lambda n: 503 if n < 2 else 200) as rec:
        _hook(client, admin, rec.url, events=["comment.created"])
        client.post(
            "/v1/comments", json={"channel": "shop-a", "comments": comments(1)}, headers=admin
        )
        t0 = utcnow()
        assert alerts.deliver_due(db, settings, now=t0) == 1  # 503
        (d,) = _deliveries(db)
        assert (d.status, d.attempts, d.next_attempt_at) == (
            "pending",
            1,
            t0 + timedelta(seconds=base),
        )
        hook = client.get("/v1/webhooks", headers=admin).json()["items"][0]
        assert (hook["last_status"], hook["last_http_status"]) == ("retrying", 503)
        assert hook["last_error"] == "HTTP 503"
        assert hook["pending"] == 1
        # Not due before the back-off has passed.
        assert alerts.deliver_due(db, settings, now=t0 + timedelta(seconds=base / 2)) == 0
        t1 = t0 + timedelta(seconds=base)
        assert alerts.deliver_due(db, settings, now=t1) == 1  # 503 again: wait twice as long
        (d,) = _deliveries(db)
        assert d.next_attempt_at == t1 + timedelta(seconds=2 * base)
        assert alerts.deliver_due(db, settings, now=t1 + timedelta(seconds=1.5 * base)) == 0
        t2 = t1 + timedelta(seconds=2 * base)
        assert alerts.deliver_due(db, settings, now=t2) == 1  # 200
        # Delivered: never sent again, however late it gets.
        assert alerts.deliver_due(db, settings, now=t2 + timedelta(days=3)) == 0
    assert [a.answered for a in rec.arrivals] == [503, 503, 200]
    assert len({a.body for a in rec.arrivals}) == 1  # the same body (and event id) each time
    (d,) = _deliveries(db)
    assert (d.status, d.attempts, d.delivered_at) == ("delivered", 3, t2)
    hook = client.get("/v1/webhooks", headers=admin).json()["items"][0]
    assert (hook["last_status"], hook["delivered"], hook["pending"]) == ("delivered", 1, 0)


def test_a_delivery_is_given_up_a_day_after_its_event(
    client: TestClient, key: Key, db: Database, settings: Settings
) -> None:
    admin = key("admin")
    with receiver(lambda _: 500) as rec:
        _hook(client, admin, rec.url, events=["comment.created"])
        client.post(
            "/v1/comments", json={"channel": "shop-a", "comments": comments(1)}, headers=admin
        )
        (d,) = _deliveries(db)
        assert alerts.deliver_due(db, settings, now=d.created_at + timedelta(hours=23)) == 1
        assert _deliveries(db)[0].status == "pending"
        assert alerts.deliver_due(db, settings, now=d.created_at + timedelta(days=1, hours=1)) == 1
        assert alerts.deliver_due(db, settings, now=d.created_at + timedelta(days=5)) == 0
    assert len(rec.arrivals) == 2
    assert _deliveries(db)[0].status == "failed"
    hook = client.get("/v1/webhooks", headers=admin).json()["items"][0]
    assert (hook["last_status"], hook["failed"], hook["pending"]) == ("failed", 1, 0)


def test_an_unreachable_receiver_is_retried_and_deleting_the_webhook_drops_its_deliveries(
    client: TestClient, key: Key, db: Database, settings: Settings
) -> None:
    admin = key("admin")
    with receiver() as rec:
        dead = rec.url
    hook = _hook(client, admin, dead, events=["comment.created"])  # nothing listens there now
    client.post("/v1/comments", json={"channel": "shop-a", "comments": comments(3)}, headers=admin)
    assert alerts.deliver_due(db, settings) == 3
    listed = client.get("/v1/webhooks", headers=admin).json()["items"][0]
    assert listed["last_status"] == "retrying"
    assert listed["last_http_status"] is None
    assert "ConnectError" in listed["last_error"]
    assert listed["pending"] == 3
    assert client.delete(f"/v1/webhooks/{hook['id']}", headers=admin).status_code == 204
    assert _deliveries(db) == []


def test_the_sender_thread_of_the_app_delivers_without_being_asked(
    settings: Settings, pipeline: Pipeline, key: Key
) -> None:
    fast = settings.model_copy(update={"webhook_poll_seconds": 0.05})
    admin = key("admin")
    with receiver() as rec, TestClient(create_app(fast, pipeline=pipeline, sender=True)) as client:
        _hook(client, admin, rec.url, events=["comment.created"])
        client.post(
            "/v1/comments", json={"channel": "shop-a", "comments": comments(4)}, headers=admin
        )
        rec.wait_for(lambda r: len(r.ok()) == 4)
    assert sorted(a.json["comment"]["external_id"] for a in rec.arrivals) == [
        "c0",
        "c1",
        "c2",
        "c3",
    ]


def test_the_signature_check_in_the_docs_accepts_real_deliveries_and_refuses_forgeries(
    client: TestClient, key: Key, db: Database, settings: Settings
) -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()
    code = next(
        block
        for block in re.findall(r"```python\n(.*?)```", docs, re.S)
        if "def verify_triage_signature" in block
    )
    namespace: dict = {}
    exec(code, namespace)  # noqa: S102 - the documentation's own example
    verify = namespace["verify_triage_signature"]
    admin = key("admin")
    with receiver() as rec:
        _hook(client, admin, rec.url, events=["comment.created"])
        client.post(
            "/v1/comments", json={"channel": "shop-a", "comments": comments(1)}, headers=admin
        )
        alerts.deliver_due(db, settings)
    (a,) = rec.arrivals
    assert verify(SECRET, a.body, a.headers["x-triage-signature"])
    assert not verify("another-secret-of-some-length", a.body, a.headers["x-triage-signature"])
    tampered = json.dumps(a.json | {"event": "comment.urgent"}).encode()
    assert not verify(SECRET, tampered, a.headers["x-triage-signature"])
