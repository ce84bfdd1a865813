"""Ingest (idempotent), resolve, relabel and the training export."""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.api.helpers import comments, spam_burst
from triage.pipeline.core import Pipeline
from triage.service.auth import Principal, Role
from triage.service.moderation import NewComment, add_label, export_labels, ingest
from triage.service.settings import Settings
from triage.service.store import Database
from triage.service.store.models import StoredComment
from triage.types import OUTPUT_FIELDS

Key = Callable[..., dict[str, str]]


def _count(db: Database) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(StoredComment)) or 0)


def test_ingest_answers_with_the_stored_records_in_request_order(
    client: TestClient, key: Key
) -> None:
    batch = comments(5)
    r = client.post(
        "/v1/comments",
        json={"channel": "shop-a", "comments": batch},
        headers=key("moderate", "shop-a"),
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["created"] == 5
    assert [i["external_id"] for i in body["items"]] == [c["external_id"] for c in batch]
    for item, sent in zip(body["items"], batch, strict=True):
        assert set(OUTPUT_FIELDS) <= set(item)
        assert item["channel"] == "shop-a"
        assert item["text"] == sent["text"]
        assert item["author"] == sent["author"]
        assert item["status"] == "open"
        assert item["claimed_by"] is None
        assert isinstance(item["id"], int)
    assert body["items"][0]["created_at"] == "2026-11-01T00:00:00Z"


def test_sending_the_same_comments_again_stores_nothing_and_returns_the_same_result(
    client: TestClient, key: Key, db: Database
) -> None:
    h = key("moderate", "shop-a")
    body = {"channel": "shop-a", "comments": comments(6)}
    first = client.post("/v1/comments", json=body, headers=h).json()
    # The same comments again, one new one, and a repeat inside the request.
    again_body = {"channel": "shop-a", "comments": [*comments(6), *comments(7)[6:], comments(1)[0]]}
    again = client.post("/v1/comments", json=again_body, headers=h).json()
    assert again["created"] == 1
    # the stored result, without the clock's waiting time (it grows between the two requests)
    assert [_stored(i) for i in again["items"][:6]] == [_stored(i) for i in first["items"]]
    assert _stored(again["items"][7]) == _stored(first["items"][0])
    assert all(0 <= a["waiting_s"] - b["waiting_s"] <= 60 for a, b in zip(again["items"], first["items"]))
    assert _count(db) == 7


def _stored(item: dict) -> dict:
    return {k: v for k, v in item.items() if k != "waiting_s"}


def test_the_same_external_id_in_two_channels_is_two_comments(
    client: TestClient, key: Key, db: Database
) -> None:
    h = key("admin")
    for channel in ("shop-a", "shop-b"):
        r = client.post(
            "/v1/comments", json={"channel": channel, "comments": comments(2)}, headers=h
        )
        assert r.json()["created"] == 2
    assert _count(db) == 4


def test_concurrent_overlapping_ingests_store_each_comment_once(
    settings: Settings, pipeline: Pipeline, db: Database
) -> None:
    """Six writers send the same comments (a spam burst among them) in different orders at once."""
    admin = Principal(1, "t", Role.ADMIN, frozenset())
    items = [
        NewComment(c["external_id"], c["text"], c["author"]) for c in comments(30) + spam_burst(6)
    ]
    results: list[dict[str, int]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def worker(n: int) -> None:
        batch = random.Random(n).sample(items, len(items))
        start.wait()
        try:
            out = ingest(db, pipeline, settings, admin, "race", batch)
            results.append({row[0].external_id: row[0].id for row in out.rows})
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert all(r == results[0] for r in results)  # every caller got the same stored ids
    assert _count(db) == 36
    with db.read() as s:
        assert s.scalar(select(func.count(func.distinct(StoredComment.campaign_id)))) == 1


def test_concurrent_bursts_from_many_writers_form_one_campaign(
    settings: Settings, pipeline: Pipeline, db: Database
) -> None:
    """Writers with different comments of one spam campaign, in one channel, at the same time."""
    admin = Principal(1, "t", Role.ADMIN, frozenset())
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def worker(n: int) -> None:
        batch = [
            NewComment(c["external_id"], c["text"], c["author"]) for c in spam_burst(3, seed=n)
        ]
        start.wait()
        try:
            ingest(db, pipeline, settings, admin, "burst", batch)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    with db.read() as s:
        assert (
            s.scalar(
                select(func.count())
                .select_from(StoredComment)
                .where(StoredComment.campaign_id.is_(None))
            )
            == 0
        )
        assert s.scalar(select(func.count(func.distinct(StoredComment.campaign_id)))) == 1


def test_resolve_closes_the_comment_and_it_leaves_the_queue(client: TestClient, key: Key) -> None:
    h = key("moderate", "shop-a")
    items = client.post(
        "/v1/comments", json={"channel": "shop-a", "comments": comments(3)}, headers=h
    ).json()["items"]
    target = items[0]
    r = client.post(f"/v1/comments/{target['id']}/resolve", json={"action": "replied"}, headers=h)
    assert r.status_code == 200
    assert r.json()["status"] == "replied"
    assert r.json()["resolved_by"]
    page = client.get(f"/v1/queues/{target['queue']}", headers=h).json()["items"]
    assert target["id"] not in [i["id"] for i in page]
    bad = client.post(
        f"/v1/comments/{target['id']}/resolve", json={"action": "archived"}, headers=h
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["field"] == "action"
    missing = client.post("/v1/comments/999999/resolve", json={"action": "hidden"}, headers=h)
    assert missing.status_code == 404


def test_labels_are_stored_with_who_and_when_and_exported_as_training_jsonl(
    client: TestClient, key: Key
) -> None:
    h = key("moderate", "shop-a")
    items = client.post(
        "/v1/comments", json={"channel": "shop-a", "comments": comments(3)}, headers=h
    ).json()["items"]
    a, b = items[0]["id"], items[1]["id"]
    r = client.post(
        f"/v1/comments/{a}/labels", json={"sentiment": "negative", "tags": ["complaint"]}, headers=h
    )
    assert r.status_code == 201, r.text
    assert r.json()["labelled_by"].startswith("moderate-")
    assert r.json()["labelled_at"].endswith("Z")
    # A later correction of the tags only keeps the earlier sentiment.
    client.post(f"/v1/comments/{a}/labels", json={"tags": ["complaint", "question"]}, headers=h)
    client.post(
        f"/v1/comments/{b}/labels",
        json={"sentiment": "positive", "tags": [], "lang": "ro"},
        headers=h,
    )
    empty = client.post(f"/v1/comments/{b}/labels", json={}, headers=h)
    assert empty.status_code == 422
    bad = client.post(f"/v1/comments/{b}/labels", json={"tags": ["urgent"]}, headers=h)
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["field"].startswith("tags")

    r = client.get("/v1/labels/export", headers=h)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/x-ndjson")
    rows = [json.loads(line) for line in r.text.splitlines()]
    assert [(x["external_id"], x["sentiment"], x["tags"]) for x in rows] == [
        ("c0", "negative", ["question", "complaint"]),  # canonical order
        ("c1", "positive", []),
    ]
    assert rows[1]["lang"] == "ro"
    assert rows[0]["lang"] == items[0]["lang"]
    for row in rows:
        assert {"text", "lang", "sentiment", "tags", "labelled_by", "labelled_at"} <= set(row)


def test_export_pages_through_every_latest_label(
    client: TestClient, key: Key, db: Database
) -> None:
    h = key("admin")
    items = client.post(
        "/v1/comments", json={"channel": "big", "comments": comments(20)}, headers=h
    ).json()["items"]
    admin = Principal(1, "t", Role.ADMIN, frozenset())
    for item in items:
        add_label(db, admin, item["id"], {"sentiment": "negative"})
        add_label(db, admin, item["id"], {"sentiment": "neutral"})
    rows = list(export_labels(db, admin, "big", chunk=7))  # several pages
    assert sorted(r["external_id"] for r in rows) == sorted(i["external_id"] for i in items)
    assert {r["sentiment"] for r in rows} == {"neutral"}
    with client.stream("GET", "/v1/labels/export?channel=big", headers=h) as r:
        assert len([line for line in r.iter_lines() if line]) == 20
