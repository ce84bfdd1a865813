"""Ranked queues: order, stable cursor pagination, filters, counts, claims and leases."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import comments
from triage.pipeline.core import Pipeline
from triage.service.api.app import create_app
from triage.service.settings import Settings

Key = Callable[..., dict[str, str]]
#: A well-formed cursor whose id does not fit in 64 bits.
BIG_ID_CURSOR = base64.urlsafe_b64encode(b'[1,"2020-01-01T00:00:00",' + b"9" * 30 + b"]").decode()


def _all_pages(
    client: TestClient, url: str, headers: dict[str, str], limit: int
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        sep = "&" if "?" in url else "?"
        r = client.get(
            f"{url}{sep}limit={limit}" + (f"&cursor={cursor}" if cursor else ""), headers=headers
        )
        assert r.status_code == 200, r.text
        items += r.json()["items"]
        cursor = r.json()["next_cursor"]
        if cursor is None:
            return items


def _rank(item: dict[str, Any]) -> tuple[int, str, int]:
    return (-item["priority"], item["created_at"], item["id"])


def test_queues_are_ranked_by_priority_then_age_and_pages_cover_each_item_once(
    client: TestClient, key: Key
) -> None:
    h = key("admin")
    stored = client.post(
        "/v1/comments", json={"channel": "shop-a", "comments": comments(40)}, headers=h
    ).json()["items"]
    for queue in ("urgent", "questions", "spam", "praise", "abuse", "other"):
        expected = sorted((i for i in stored if i["queue"] == queue), key=_rank)
        got = _all_pages(client, f"/v1/queues/{queue}", h, limit=3)
        assert [i["id"] for i in got] == [i["id"] for i in expected], queue


def test_equal_priority_means_oldest_first(client: TestClient, key: Key) -> None:
    h = key("admin")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    same = [
        {
            "external_id": f"s{i}",
            "text": "Where is my order? Nobody answers",
            "author": "a",
            "created_at": (start - timedelta(hours=i)).isoformat(),
        }
        for i in range(5)
    ]
    queue = client.post("/v1/comments", json={"channel": "c", "comments": same}, headers=h).json()[
        "items"
    ][0]["queue"]
    got = client.get(f"/v1/queues/{queue}", headers=h).json()["items"]
    assert [i["external_id"] for i in got] == ["s4", "s3", "s2", "s1", "s0"]


def test_cursor_pages_stay_stable_while_new_comments_arrive(client: TestClient, key: Key) -> None:
    h = key("admin")
    old = client.post(
        "/v1/comments", json={"channel": "c", "comments": comments(24)}, headers=h
    ).json()["items"]
    queue = max({i["queue"] for i in old}, key=lambda q: sum(i["queue"] == q for i in old))
    first = client.get(f"/v1/queues/{queue}?limit=2", headers=h).json()
    # Newer comments arrive, some ranking above the page already read.
    client.post("/v1/comments", json={"channel": "c", "comments": comments(24, "new")}, headers=h)
    rest = []
    cursor = first["next_cursor"]
    while cursor:
        page = client.get(f"/v1/queues/{queue}?limit=2&cursor={cursor}", headers=h).json()
        rest += page["items"]
        cursor = page["next_cursor"]
    seen = [i["id"] for i in first["items"]] + [i["id"] for i in rest]
    assert len(seen) == len(set(seen))  # nothing twice
    old_ids = {i["id"] for i in old if i["queue"] == queue}
    assert old_ids <= set(seen)  # nothing of the old ones skipped


def test_filters_by_channel_language_and_tag(client: TestClient, key: Key) -> None:
    h = key("admin")
    stored = []
    for channel in ("a", "b"):
        stored += client.post(
            "/v1/comments", json={"channel": channel, "comments": comments(24)}, headers=h
        ).json()["items"]
    for queue in {i["queue"] for i in stored}:
        got = _all_pages(client, f"/v1/queues/{queue}?channel=b", h, limit=50)
        assert {i["channel"] for i in got} == {"b"}
        assert len(got) == sum(i["queue"] == queue and i["channel"] == "b" for i in stored)
    lang = stored[0]["lang"]
    got = _all_pages(client, f"/v1/queues/{stored[0]['queue']}?lang={lang}", h, limit=50)
    assert got
    assert {i["lang"] for i in got} == {lang}
    tagged = [i for i in stored if i["tags"]]
    if tagged:
        tag, queue = tagged[0]["tags"][0], tagged[0]["queue"]
        got = _all_pages(client, f"/v1/queues/{queue}?tag={tag}", h, limit=50)
        assert got
        assert all(tag in i["tags"] for i in got)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("cursor=not-a-cursor", "cursor"),
        ("cursor=WzEsMiwzXQ", "cursor"),
        (f"cursor={BIG_ID_CURSOR}", "cursor"),
        ("limit=0", "limit"),
        ("limit=abc", "limit"),
        ("tag=urgent", "tag"),
        ("lang=English", "lang"),
        ("channel=", "channel"),
    ],
)
def test_bad_queue_queries_are_422_naming_the_parameter(
    client: TestClient, key: Key, query: str, field: str
) -> None:
    r = client.get(f"/v1/queues/urgent?{query}", headers=key("admin"))
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["field"] == field


def test_unknown_queue_is_a_422_naming_it(client: TestClient, key: Key) -> None:
    r = client.get("/v1/queues/inbox", headers=key("admin"))
    assert r.status_code == 422
    assert r.json()["detail"][0]["field"] == "queue"
    r = client.post("/v1/queues/inbox/claim", headers=key("admin"))
    assert r.status_code == 422
    assert r.json()["detail"][0]["field"] == "queue"


def test_queue_counts_per_channel(client: TestClient, key: Key) -> None:
    h = key("admin")
    stored = client.post(
        "/v1/comments", json={"channel": "a", "comments": comments(12)}, headers=h
    ).json()["items"]
    client.post("/v1/queues/urgent/claim", json={"limit": 1}, headers=h)
    body = client.get("/v1/queues", headers=h).json()
    assert body["queues"] == ["urgent", "questions", "spam", "praise", "abuse", "other"]
    (channel,) = body["channels"]
    assert channel["channel"] == "a"
    for queue, counts in channel["queues"].items():
        assert counts["open"] == sum(i["queue"] == queue for i in stored)
    assert channel["queues"]["urgent"]["claimed"] == min(1, channel["queues"]["urgent"]["open"])
    moderator = client.get("/v1/queues", headers=key("moderate", "new-shop")).json()
    assert [c["channel"] for c in moderator["channels"]] == ["new-shop"]


def test_claims_lease_the_best_items_and_never_the_same_one_twice(
    client: TestClient, key: Key
) -> None:
    admin, alice, bob = key("admin"), key("moderate", "a"), key("moderate", "a")
    stored = client.post(
        "/v1/comments", json={"channel": "a", "comments": comments(40)}, headers=admin
    ).json()["items"]
    queue = max({i["queue"] for i in stored}, key=lambda q: sum(i["queue"] == q for i in stored))
    ranked = [i["id"] for i in sorted((i for i in stored if i["queue"] == queue), key=_rank)]
    first = client.post(f"/v1/queues/{queue}/claim", json={"limit": 2}, headers=alice).json()
    second = client.post(f"/v1/queues/{queue}/claim", json={"limit": 2}, headers=bob).json()
    assert [i["id"] for i in first["items"]] == ranked[:2]
    assert [i["id"] for i in second["items"]] == ranked[2:4]
    assert first["items"][0]["claimed_by"] != second["items"][0]["claimed_by"]
    listed = {i["id"]: i for i in client.get(f"/v1/queues/{queue}", headers=admin).json()["items"]}
    assert listed[ranked[0]]["claimed_by"] == first["items"][0]["claimed_by"]
    # Someone else may not resolve an item while it is leased; the holder may.
    r = client.post(f"/v1/comments/{ranked[0]}/resolve", json={"action": "replied"}, headers=bob)
    assert r.status_code == 409
    assert "claimed" in r.json()["detail"]
    r = client.post(f"/v1/comments/{ranked[0]}/resolve", json={"action": "replied"}, headers=alice)
    assert r.status_code == 200
    everything = client.post(
        f"/v1/queues/{queue}/claim", json={"limit": 100}, headers=admin
    ).json()["items"]
    assert [i["id"] for i in everything] == ranked[4:]
    assert client.post(f"/v1/queues/{queue}/claim", headers=admin).json()["items"] == []


def test_claim_limit_is_bounded_by_settings(client: TestClient, key: Key) -> None:
    r = client.post("/v1/queues/urgent/claim", json={"limit": 10_000}, headers=key("admin"))
    assert r.status_code == 422
    assert r.json()["detail"][0]["field"] == "limit"


def test_expired_leases_return_to_the_queue(
    settings: Settings, pipeline: Pipeline, key: Key
) -> None:
    short = settings.model_copy(update={"lease_seconds": 1})
    with TestClient(create_app(short, pipeline=pipeline)) as client:
        alice, bob = key("moderate", "a"), key("moderate", "a")
        stored = client.post(
            "/v1/comments", json={"channel": "a", "comments": comments(12)}, headers=alice
        ).json()
        queue = stored["items"][0]["queue"]
        taken = client.post(f"/v1/queues/{queue}/claim", json={"limit": 50}, headers=alice).json()[
            "items"
        ]
        assert taken
        assert client.post(f"/v1/queues/{queue}/claim", headers=bob).json()["items"] == []
        time.sleep(1.2)
        listed = client.get(f"/v1/queues/{queue}", headers=bob).json()["items"]
        assert all(i["claimed_by"] is None for i in listed)
        again = client.post(f"/v1/queues/{queue}/claim", json={"limit": 50}, headers=bob).json()[
            "items"
        ]
        assert [i["id"] for i in again] == [i["id"] for i in taken]
