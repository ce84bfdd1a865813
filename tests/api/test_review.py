"""Active learning: GET /v1/queues/review lists the comments to label next, least certain first."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import comments
from triage.pipeline.core import Pipeline
from triage.pipeline.uncertainty import uncertainty
from triage.types import Comment, Tag, Tier

Key = Callable[..., dict[str, str]]

#: The shipped model is sure about these ...
CLEAR = [
    "Thank you so much, I love it, perfect quality!",
    "Love this dress, the colour is perfect!",
    "Amazing shop, great service, thank you!",
]
#: ... and hesitates over these.
AMBIGUOUS = [
    "The delivery was fast but the size is wrong",
    "It arrived.",
    "Could be better",
]
REASON = re.compile(
    r"^(sentiment: (negative|neutral|positive) \d\.\d\d vs (negative|neutral|positive) \d\.\d\d"
    r"|(question|complaint|spam|praise|abuse): \d\.\d\d at threshold \d\.\d\d)$"
)


def _ingest(client: TestClient, h: dict[str, str], channel: str, texts: list[str]) -> list[Any]:
    body = {
        "channel": channel,
        "comments": [{"external_id": f"{channel}-{i}", "text": t} for i, t in enumerate(texts)],
    }
    r = client.post("/v1/comments", json=body, headers=h)
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


def _review(client: TestClient, h: dict[str, str], query: str = "") -> list[dict[str, Any]]:
    r = client.get(f"/v1/queues/review?limit=500{query}", headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["next_cursor"] is None
    return list(r.json()["items"])


def _all_pages(client: TestClient, h: dict[str, str], limit: int) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        r = client.get(
            f"/v1/queues/review?limit={limit}" + (f"&cursor={cursor}" if cursor else ""),
            headers=h,
        )
        assert r.status_code == 200, r.text
        assert len(r.json()["items"]) <= limit
        new = {i["id"] for i in r.json()["items"]}
        assert not new & {i["id"] for i in items}, "a page repeated an item"
        items += r.json()["items"]
        cursor = r.json()["next_cursor"]
        if cursor is None:
            return items


def _order(item: dict[str, Any]) -> tuple[float, int]:
    return (-item["uncertainty"], item["id"])


def test_ambiguous_comments_come_first_with_the_reason_the_model_hesitates(
    client: TestClient, key: Key, pipeline: Pipeline
) -> None:
    h = key("admin")
    stored = _ingest(client, h, "shop-a", CLEAR + AMBIGUOUS)
    got = _review(client, h)
    assert sorted(i["id"] for i in got) == sorted(i["id"] for i in stored)
    assert got == sorted(got, key=_order)
    texts = [i["text"] for i in got]
    assert set(texts[: len(AMBIGUOUS)]) == set(AMBIGUOUS)  # every ambiguous above every clear
    # The stored uncertainty is the model's, measured against the fast tier's tag thresholds.
    thresholds = pipeline.tiers[Tier.FAST].thresholds
    results = pipeline.score_batch([Comment(t) for t in texts], Tier.FAST)
    for item, result in zip(got, results, strict=True):
        want = uncertainty(result.sentiment, result.tags, thresholds)
        assert item["uncertainty"] == pytest.approx(want.score, abs=1e-4)
        assert item["uncertainty_reason"] == want.reason
        assert REASON.match(item["uncertainty_reason"]), item["uncertainty_reason"]
        assert 0.0 <= item["uncertainty"] <= 1.0
        if not item["uncertainty_reason"].startswith("sentiment"):
            tag = Tag(item["uncertainty_reason"].split(":")[0])
            assert item["uncertainty_reason"].endswith(f"at threshold {thresholds[tag]:.2f}")
    # The other item views carry the same fields.
    queue = got[0]["queue"]
    listed = client.get(f"/v1/queues/{queue}?limit=500", headers=h).json()["items"]
    first = next(i for i in listed if i["id"] == got[0]["id"])
    assert first["uncertainty"] == got[0]["uncertainty"]
    assert first["uncertainty_reason"] == got[0]["uncertainty_reason"]


def test_a_labelled_comment_leaves_the_list_and_a_resolved_one_stays(
    client: TestClient, key: Key
) -> None:
    h = key("moderate", "shop-a")
    _ingest(client, h, "shop-a", CLEAR + AMBIGUOUS)
    before = _review(client, h)
    top, second = before[0], before[1]
    r = client.post(f"/v1/comments/{top['id']}/labels", json={"sentiment": "neutral"}, headers=h)
    assert r.status_code == 201, r.text
    r = client.post(f"/v1/comments/{second['id']}/resolve", json={"action": "replied"}, headers=h)
    assert r.status_code == 200, r.text
    after = _review(client, h)
    assert [i["id"] for i in after] == [i["id"] for i in before[1:]]
    assert after[0]["status"] == "replied"
    # The label is in the training export: what the review list is for.
    exported = client.get("/v1/labels/export", headers=h).text
    assert top["external_id"] in exported


def test_cursor_pages_return_every_comment_exactly_once(client: TestClient, key: Key) -> None:
    h = key("admin")
    _ingest(client, h, "shop-a", CLEAR + AMBIGUOUS)
    client.post("/v1/comments", json={"channel": "shop-a", "comments": comments(30)}, headers=h)
    # The same texts twice: equal uncertainties, so the id decides (and the cursor must too).
    _ingest(client, h, "shop-b", CLEAR + AMBIGUOUS)
    everything = _review(client, h)
    assert len(everything) == 2 * len(CLEAR + AMBIGUOUS) + 30
    for limit in (1, 4, 7):
        paged = _all_pages(client, h, limit)
        assert [i["id"] for i in paged] == [i["id"] for i in everything], limit


def test_pages_stay_stable_while_comments_arrive_and_get_labelled(
    client: TestClient, key: Key
) -> None:
    h = key("admin")
    old = client.post(
        "/v1/comments", json={"channel": "c", "comments": comments(20)}, headers=h
    ).json()["items"]
    first = client.get("/v1/queues/review?limit=3", headers=h).json()
    client.post("/v1/comments", json={"channel": "c", "comments": comments(20, "new")}, headers=h)
    seen = [i["id"] for i in first["items"]]
    client.post(f"/v1/comments/{seen[0]}/labels", json={"tags": []}, headers=h)
    cursor = first["next_cursor"]
    while cursor:
        page = client.get(f"/v1/queues/review?limit=3&cursor={cursor}", headers=h).json()
        seen += [i["id"] for i in page["items"]]
        assert len(seen) == len(set(seen)), "a page repeated an item"
        cursor = page["next_cursor"]
    assert {i["id"] for i in old} <= set(seen)


def test_filters_and_channel_scoping(client: TestClient, key: Key) -> None:
    admin = key("admin")
    for channel in ("shop-a", "shop-b"):
        _ingest(client, admin, channel, CLEAR + AMBIGUOUS + ["Produsul a ajuns rapid, mulțumesc!"])
    mod_a = key("moderate", "shop-a")
    seen = _review(client, mod_a)
    assert len(seen) == len(CLEAR + AMBIGUOUS) + 1
    assert {i["channel"] for i in seen} == {"shop-a"}
    assert {i["channel"] for i in _review(client, mod_a, "&channel=shop-a")} == {"shop-a"}
    assert {i["channel"] for i in _review(client, admin)} == {"shop-a", "shop-b"}
    assert {i["channel"] for i in _review(client, admin, "&channel=shop-b")} == {"shop-b"}
    romanian = _review(client, admin, "&lang=ro")
    assert [i["lang"] for i in romanian] == ["ro", "ro"]
    r = client.get("/v1/queues/review?channel=shop-b", headers=mod_a)
    assert r.status_code == 403, r.text
    assert client.get("/v1/queues/review", headers=key("score")).status_code == 403
    assert client.get("/v1/queues/review").status_code == 401
    # Another channel's label does not hide anything, nor do labels leak across channels.
    b_item = _review(client, admin, "&channel=shop-b")[0]
    client.post(f"/v1/comments/{b_item['id']}/labels", json={"sentiment": "neutral"}, headers=admin)
    assert len(_review(client, mod_a)) == len(seen)


@pytest.mark.parametrize(
    "cursor",
    [
        "nonsense",
        base64.urlsafe_b64encode(b'[1,"2020-01-01T00:00:00",5]').decode(),  # a queue cursor
        base64.urlsafe_b64encode(b'["review",NaN,5]').decode(),
        base64.urlsafe_b64encode(b'["review",0.5,' + b"9" * 30 + b"]").decode(),
        base64.urlsafe_b64encode(b'["review",2,5]').decode(),
        base64.urlsafe_b64encode(b'["review",true,5]').decode(),
    ],
)
def test_a_bad_cursor_is_a_422_naming_it(client: TestClient, key: Key, cursor: str) -> None:
    r = client.get(f"/v1/queues/review?cursor={cursor}", headers=key("admin"))
    assert r.status_code == 422, r.text
    assert "cursor" in r.text


def test_review_is_not_a_queue_name(client: TestClient, key: Key) -> None:
    h = key("admin")
    r = client.post("/v1/queues/review/claim", json={"limit": 1}, headers=h)
    assert r.status_code == 422
    assert client.get("/v1/queues", headers=h).json()["queues"] == [
        "urgent",
        "questions",
        "spam",
        "praise",
        "abuse",
        "other",
    ]
