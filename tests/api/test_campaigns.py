"""Spam campaigns end to end: a burst of near-identical comments from many authors, mixed into
normal traffic and ingested in small batches, becomes one campaign; one request hides it."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.api.helpers import NORMAL, comments, spam_burst

Key = Callable[..., dict[str, str]]

# Real customers with links and phone numbers: different texts, so never a campaign.
LINKED = [
    "My order http://shop.example/o/1881 never arrived, can you check?",
    "Is this the same as the one on www.example.com/p/22 ? Looks cheaper there",
    "Call me back on 0912 345 678, I was charged twice",
    "Photo of the damaged box: https://imgur.com/a/xYz please refund",
    "@shop_a the tracking link https://track.example/123 says delivered but nothing here",
    "Bạn ơi check giúp mình đơn này nhé https://shopee.vn/o/99",
    "Nu merge linkul https://magazin.ro/cos, ce sa fac?",
    "¿El envío a Madrid tarda mucho? vi esto en www.tienda.es/envios",
    "Write to me at maria.k@example.com about the wholesale price",
    "Saw your ad on https://fb.me/xyz and want to know if it fits size 42",
    "I sent the receipt to support@shop.example twice with no answer",
    "Your site http://shop.example/checkout crashes when I pay with card",
]


def traffic(seed: int = 1) -> list[dict[str, Any]]:
    """Normal comments (some with links or phone numbers) with a 12-author spam burst mixed in."""
    rng = random.Random(seed)
    start = datetime(2026, 11, 1, 9, tzinfo=UTC)
    normal = comments(60, "n", start=start)
    for item, text in zip(normal[::5], LINKED, strict=True):
        item["text"] = text
    burst = spam_burst(12, seed, start=start + timedelta(minutes=7))
    mixed = normal + burst
    rng.shuffle(mixed)
    return sorted(mixed, key=lambda c: c["created_at"])


def ingest_in_batches(
    client: TestClient, headers: dict[str, str], items: list[dict[str, Any]], size: int = 7
) -> None:
    for i in range(0, len(items), size):
        r = client.post(
            "/v1/comments",
            json={"channel": "shop-a", "comments": items[i : i + size]},
            headers=headers,
        )
        assert r.status_code == 200, r.text


def test_a_burst_in_normal_traffic_becomes_exactly_one_campaign(
    client: TestClient, key: Key
) -> None:
    h = key("moderate", "shop-a")
    items = traffic()
    ingest_in_batches(client, h, items)
    (campaign,) = client.get("/v1/campaigns", headers=h).json()["items"]
    assert campaign["size"] == 12
    assert campaign["authors"] == 12
    assert campaign["status"] == "open"
    assert "Earn" in campaign["sample_text"]
    spam = client.get("/v1/queues/spam?limit=500", headers=h).json()["items"]
    members = {i["external_id"] for i in spam if i["campaign_id"] == campaign["id"]}
    assert members == {c["external_id"] for c in items if c["external_id"].startswith("spam")}
    assert all(f"campaign {campaign['id']}" in i["reasons"] for i in spam if i["campaign_id"])
    everything = [
        i
        for q in ("urgent", "questions", "praise", "other", "spam")
        for i in client.get(f"/v1/queues/{q}?limit=500", headers=h).json()["items"]
    ]
    assert not [
        i for i in everything if i["campaign_id"] and not i["external_id"].startswith("spam")
    ]


def test_one_request_hides_a_whole_campaign_and_later_members_follow(
    client: TestClient, key: Key
) -> None:
    h = key("moderate", "shop-a")
    items = traffic(seed=2)
    ingest_in_batches(client, h, items)
    (campaign,) = client.get("/v1/campaigns", headers=h).json()["items"]
    r = client.post(f"/v1/campaigns/{campaign['id']}/resolve", json={"action": "hidden"}, headers=h)
    assert r.status_code == 200
    assert r.json() == {"id": campaign["id"], "status": "hidden", "resolved": 12, "skipped": []}
    spam = client.get("/v1/queues/spam?limit=500", headers=h).json()["items"]
    assert not [i for i in spam if i["campaign_id"] == campaign["id"]]
    # A latecomer from a new account is recognised and hidden with the rest.
    late = spam_burst(1, seed=99, start=datetime(2026, 11, 1, 10, tzinfo=UTC))
    stored = client.post(
        "/v1/comments", json={"channel": "shop-a", "comments": late}, headers=h
    ).json()["items"][0]
    assert stored["campaign_id"] == campaign["id"]
    assert stored["status"] == "hidden"
    listed = client.get("/v1/campaigns?status=hidden", headers=h).json()["items"]
    assert [(c["id"], c["size"]) for c in listed] == [(campaign["id"], 13)]


def test_the_same_praise_from_many_people_is_not_a_campaign(client: TestClient, key: Key) -> None:
    h = key("admin")
    same = [{"external_id": f"p{i}", "text": NORMAL[1], "author": f"fan{i}"} for i in range(8)]
    client.post("/v1/comments", json={"channel": "shop-a", "comments": same}, headers=h)
    assert client.get("/v1/campaigns", headers=h).json()["items"] == []
