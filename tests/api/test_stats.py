"""Analytics (#14, part 3) on SQLite and PostgreSQL: the series of GET /v1/stats (buckets by
created_at, empty ones listed, splits, first-action percentiles, the SLA per queue, CSV), its
validation, the channel scope, and the complaint themes of GET /v1/stats/themes (across
languages with e5, stored embeddings, the change from the week before, the TF-IDF fallback).

What the model says of each comment is set in the database after ingest, so that the figures
are about the counting, not about the model of the day.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from triage.pipeline.core import Pipeline
from triage.service.store import Database
from triage.service.store.models import CommentEmbedding, StoredComment

Key = Callable[..., dict[str, str]]
DAY0 = datetime(2026, 11, 2)  # a Monday


def _iso(t: datetime) -> str:
    return t.isoformat() + "Z"


def seed(
    client: TestClient,
    db: Database,
    admin: dict[str, str],
    channel: str,
    rows: list[dict[str, Any]],
) -> list[int]:
    """Ingest one comment per row (``at``: created_at, or none) and set what each row gives
    (queue, sentiment, lang, tags, first action after ``wait`` seconds) in the database."""
    body = {
        "channel": channel,
        "comments": [
            {"external_id": f"{channel}-{i}", "text": r.get("text", f"comment {i}")}
            | ({"created_at": _iso(r["at"])} if r.get("at") else {})
            for i, r in enumerate(rows)
        ],
    }
    r = client.post("/v1/comments", json=body, headers=admin)
    assert r.status_code == 200, r.text
    ids = [i["id"] for i in r.json()["items"]]
    with db.write() as s:
        for cid, row in zip(ids, rows, strict=True):
            tags = row.get("tags", [])
            values: dict[str, Any] = {
                "queue": row.get("queue", "other"),
                "sentiment": row.get("sentiment", "neutral"),
                "lang": row.get("lang", "en"),
                **{
                    f"tag_{t}": t in tags
                    for t in ("question", "complaint", "spam", "praise", "abuse")
                },
            }
            if "wait" in row:
                values["first_action_at"] = row["at"] + timedelta(seconds=row["wait"])
            s.execute(update(StoredComment).where(StoredComment.id == cid).values(**values))
    return ids


def get(client: TestClient, h: dict[str, str], path: str, **params: Any) -> Any:
    r = client.get(path, params=params, headers=h)
    assert r.status_code == 200, r.text
    return r.json()


def test_comments_are_counted_per_day_by_created_at_with_empty_days_listed(
    client: TestClient, db: Database, key: Key
) -> None:
    admin = key("admin")
    d = DAY0
    seed(
        client,
        db,
        admin,
        "shop-a",
        [
            {
                "at": d + timedelta(hours=1),
                "queue": "urgent",
                "sentiment": "negative",
                "tags": ["complaint"],
            },
            {
                "at": d + timedelta(hours=23, minutes=59),
                "queue": "questions",
                "lang": "vi",
                "tags": ["question"],
            },
            {
                "at": d + timedelta(days=2),
                "queue": "praise",
                "sentiment": "positive",
                "lang": "ro",
                "tags": ["praise"],
            },
            {
                "at": d + timedelta(days=2, hours=5),
                "queue": "urgent",
                "sentiment": "negative",
                "tags": ["complaint", "abuse"],
            },
            {"at": d + timedelta(days=2, hours=6), "queue": "spam", "lang": "vi", "tags": ["spam"]},
            {"at": d + timedelta(days=3)},  # on until: left out
            {"at": d - timedelta(seconds=1)},  # before since: left out
        ],
    )
    out = get(client, admin, "/v1/stats", since=_iso(d), until=_iso(d + timedelta(days=3)))
    assert out["bucket"] == "day"
    assert [i["start"] for i in out["items"]] == [
        "2026-11-02T00:00:00Z",
        "2026-11-03T00:00:00Z",
        "2026-11-04T00:00:00Z",
    ]
    assert [i["comments"] for i in out["items"]] == [2, 0, 3]
    first, empty, third = out["items"]
    assert first["by_queue"] == {
        "urgent": 1,
        "questions": 1,
        "spam": 0,
        "praise": 0,
        "abuse": 0,
        "other": 0,
    }
    assert first["by_sentiment"] == {"negative": 1, "neutral": 1, "positive": 0}
    assert first["by_tag"] == {"question": 1, "complaint": 1, "spam": 0, "praise": 0, "abuse": 0}
    assert first["by_lang"] == {"en": 1, "vi": 1}
    assert empty["by_lang"] == {}
    assert sum(empty["by_queue"].values()) == 0
    assert third["by_tag"]["complaint"] == 1
    assert third["by_tag"]["abuse"] == 1
    assert list(third["by_lang"]) == ["en", "ro", "vi"] or third["by_lang"] == {
        "en": 1,
        "ro": 1,
        "vi": 1,
    }


def test_a_comment_without_created_at_counts_when_it_arrived(
    client: TestClient, db: Database, key: Key
) -> None:
    admin = key("admin")
    seed(client, db, admin, "shop-a", [{}, {"at": DAY0}])
    out = get(client, admin, "/v1/stats")  # default: the last 30 days, by day
    assert len(out["items"]) in (30, 31)
    assert sum(i["comments"] for i in out["items"]) == 1  # DAY0 is long before
    assert out["items"][-1]["comments"] == 1


def test_hour_and_week_buckets(client: TestClient, db: Database, key: Key) -> None:
    admin = key("admin")
    thursday = DAY0 + timedelta(days=3, hours=10, minutes=30)
    seed(
        client,
        db,
        admin,
        "shop-a",
        [
            {"at": thursday},
            {"at": thursday + timedelta(minutes=29)},
            {"at": thursday + timedelta(days=4)},
        ],
    )
    hours = get(
        client,
        admin,
        "/v1/stats",
        bucket="hour",
        since=_iso(thursday - timedelta(minutes=30)),
        until=_iso(thursday + timedelta(hours=2)),
    )["items"]
    assert [(i["start"][11:16], i["comments"]) for i in hours] == [
        ("10:00", 2),
        ("11:00", 0),
        ("12:00", 0),
    ]
    weeks = get(
        client,
        admin,
        "/v1/stats",
        bucket="week",
        since=_iso(thursday),
        until=_iso(thursday + timedelta(days=10)),
    )["items"]
    assert [(i["start"], i["comments"]) for i in weeks] == [
        ("2026-11-02T00:00:00Z", 2),  # the Monday before
        ("2026-11-09T00:00:00Z", 1),
    ]


def test_first_action_percentiles_per_bucket_and_the_sla_per_queue(
    client: TestClient, db: Database, key: Key
) -> None:
    admin = key("admin")
    d = DAY0 + timedelta(hours=8)
    waits = [240, 60, 3600, 180, 120]  # sorted: 60 120 180 240 3600
    rows = [
        {"at": d + timedelta(minutes=i), "queue": "urgent", "wait": w} for i, w in enumerate(waits)
    ]
    rows += [
        {"at": d + timedelta(minutes=9), "queue": "urgent"},  # open, never acted on: late
        {"at": d + timedelta(days=1), "queue": "questions", "wait": 5 * 3600},  # over 4 h
        {"at": d + timedelta(days=1, hours=1), "queue": "questions", "wait": 600},
        {"at": d + timedelta(days=1, hours=2), "queue": "praise", "wait": 10},  # no target
    ]
    seed(client, db, admin, "shop-a", rows)
    out = get(
        client,
        admin,
        "/v1/stats",
        channel="shop-a",
        since=_iso(DAY0),
        until=_iso(DAY0 + timedelta(days=3)),
    )
    first, second, third = out["items"]
    assert first["first_actions"] == 5
    assert first["median_first_action_s"] == 180  # the 3rd of 5
    assert first["p90_first_action_s"] == 3600  # the 5th of 5 (ceil 4.5)
    assert second["first_actions"] == 3
    assert (second["median_first_action_s"], second["p90_first_action_s"]) == (600, 18000)
    assert third["first_actions"] == 0
    assert third["median_first_action_s"] is None
    assert third["p90_first_action_s"] is None
    response = {r["queue"]: r for r in out["response"]}
    assert response["urgent"] | {"queue": None} == {
        "queue": None,
        "target_s": 1800,
        "comments": 6,
        "first_actions": 5,
        "median_first_action_s": 180,
        "p90_first_action_s": 3600,
        "met": 4,
        "missed": 2,  # 3600 s, and the open one
    }
    assert (response["questions"]["met"], response["questions"]["missed"]) == (1, 1)
    assert response["questions"]["target_s"] == 4 * 3600
    assert response["praise"]["target_s"] is None
    assert (response["praise"]["met"], response["praise"]["missed"]) == (0, 0)
    assert response["praise"]["median_first_action_s"] == 10


def test_a_claim_through_the_api_is_a_first_action(
    client: TestClient, db: Database, key: Key
) -> None:
    admin = key("admin")
    (cid,) = seed(client, db, admin, "shop-a", [{}])
    before = get(client, admin, "/v1/stats")["items"][-1]
    assert before["first_actions"] == 0
    assert client.post(f"/v1/comments/{cid}/claim", headers=admin).status_code == 200
    after = get(client, admin, "/v1/stats")["items"][-1]
    assert after["first_actions"] == 1
    assert after["median_first_action_s"] is not None
    assert after["median_first_action_s"] < 600


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"bucket": "month"}, "bucket", "hour"),
        (
            {"since": "2026-11-05T00:00:00Z", "until": "2026-11-05T00:00:00Z"},
            "since",
            "before until",
        ),
        (
            {"since": "2026-11-05T00:00:00Z", "until": "2026-11-01T00:00:00Z"},
            "since",
            "before until",
        ),
        (
            {"bucket": "hour", "since": "2026-01-01T00:00:00Z", "until": "2026-03-01T00:00:00Z"},
            "since",
            "at most 1000",
        ),
        ({"since": "yesterday"}, "since", "datetime"),
        ({"until": "0001-01-02T00:00:00Z"}, "until", "give since"),
        ({"format": "xml"}, "format", "csv"),
    ],
)
def test_bad_requests_get_a_422_naming_the_parameter(
    client: TestClient, key: Key, params: dict[str, str], field: str, words: str
) -> None:
    r = client.get("/v1/stats", params=params, headers=key("admin"))
    assert r.status_code == 422, r.text
    detail = r.json()["detail"][0]
    assert detail["field"] == field
    assert words in detail["msg"]


def test_a_channel_key_sees_only_its_channel(client: TestClient, db: Database, key: Key) -> None:
    admin, alice = key("admin"), key("moderate", "shop-a")
    seed(client, db, admin, "shop-a", [{"at": DAY0}])
    seed(client, db, admin, "shop-b", [{"at": DAY0}, {"at": DAY0, "tags": ["complaint"]}])
    window = {"since": _iso(DAY0), "until": _iso(DAY0 + timedelta(days=1))}
    assert get(client, alice, "/v1/stats", **window)["items"][0]["comments"] == 1
    assert get(client, alice, "/v1/stats", channel="shop-a", **window)["items"][0]["comments"] == 1
    assert get(client, admin, "/v1/stats", **window)["items"][0]["comments"] == 3
    assert get(client, admin, "/v1/stats", channel="shop-b", **window)["items"][0]["comments"] == 2
    for path in ("/v1/stats", "/v1/stats/themes"):
        r = client.get(path, params={"channel": "shop-b", **window}, headers=alice)
        assert r.status_code == 403
        assert "shop-b" in r.json()["detail"]
    themes = get(client, alice, "/v1/stats/themes", **window)
    assert themes["complaints"] == 0
    assert themes["themes"] == []


def test_the_series_as_csv(client: TestClient, db: Database, key: Key) -> None:
    admin = key("admin")
    seed(
        client,
        db,
        admin,
        "shop-a",
        [
            {"at": DAY0, "queue": "urgent", "lang": "vi", "wait": 90},
            {"at": DAY0 + timedelta(days=1), "queue": "praise", "sentiment": "positive"},
        ],
    )
    r = client.get(
        "/v1/stats",
        params={"format": "csv", "since": _iso(DAY0), "until": _iso(DAY0 + timedelta(days=2))},
        headers=admin,
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"] == (
        'attachment; filename="triage-stats-day-20261102-20261104.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [row["start"] for row in rows] == ["2026-11-02T00:00:00Z", "2026-11-03T00:00:00Z"]
    assert rows[0]["comments"] == "1"
    assert rows[0]["queue_urgent"] == "1"
    assert rows[0]["lang_vi"] == "1"
    assert rows[1]["lang_en"] == "1"
    assert rows[1]["lang_vi"] == "0"
    assert rows[0]["median_first_action_s"] == "90"
    assert rows[1]["median_first_action_s"] == ""
    assert rows[1]["sentiment_positive"] == "1"


# --- themes ------------------------------------------------------------------------------------

LATE = [
    ("en", "My order still hasn't arrived after two weeks, where is my parcel?"),
    ("en", "Delivery is so late, I ordered ten days ago and nothing has come"),
    ("vi", "Đặt hàng hai tuần rồi mà vẫn chưa nhận được hàng"),
    ("vi", "Giao hàng chậm quá, đơn của tôi 10 ngày vẫn chưa tới"),
    ("ro", "Comanda mea nu a ajuns nici după două săptămâni"),
    ("ro", "Livrarea întârzie foarte mult, coletul încă nu a sosit"),
]
REFUND = [
    ("ar", "أريد استرداد أموالي، المنتج وصل مكسورا"),
    ("ar", "أعيدوا لي فلوسي، هذا المنتج سيء ولا أريده"),
    ("fa", "پولم را پس بدهید، محصول خراب بود"),
    ("fa", "لطفا هزینه سفارش را به حسابم برگردانید"),
]


def _complaints(
    texts: list[tuple[str, str]], start: datetime, step: timedelta = timedelta(hours=1)
) -> list[dict[str, Any]]:
    return [
        {"at": start + i * step, "text": text, "lang": lang, "tags": ["complaint"]}
        for i, (lang, text) in enumerate(texts)
    ]


def test_complaint_themes_group_across_languages_and_compare_with_the_week_before(
    client: TestClient, db: Database, key: Key, pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = key("admin")
    since = DAY0 + timedelta(days=7)
    rows = _complaints(LATE + REFUND, since + timedelta(hours=1))
    rows += _complaints(LATE[:3], DAY0 + timedelta(hours=1))  # the week before: 3 late ones
    rows += [{"at": since + timedelta(hours=2), "text": "Love it!", "tags": ["praise"]}]
    seed(client, db, admin, "shop-a", rows)
    window = {"since": _iso(since), "until": _iso(since + timedelta(days=7))}
    out = get(client, admin, "/v1/stats/themes", **window)
    assert out["method"] == "e5"
    assert out["note"] is None
    assert (out["complaints"], out["clustered"]) == (10, 10)
    assert out["previous_since"] == _iso(DAY0)
    themes = out["themes"]
    assert len(themes) == 2
    late, refund = themes
    assert {e["lang"] for e in late["examples"]} <= {"en", "vi", "ro"}
    assert late["count"] == 6
    assert refund["count"] == 4
    assert {e["lang"] for e in refund["examples"]} <= {"ar", "fa"}
    assert len(late["examples"]) == 3
    assert len(late["words"]) == 6
    assert late["previous"] == 3
    assert late["change"] == 3
    assert refund["previous"] == 0
    assert refund["change"] == 4
    # Every vector was stored: the next call embeds nothing.
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(CommentEmbedding)) == 13

    def broken(_texts: Any) -> Any:
        raise RuntimeError("no model here")

    monkeypatch.setattr(pipeline.embedder.plain(), "embed", broken)  # similarity: the plain encoder
    again = get(client, admin, "/v1/stats/themes", **window)
    assert again["method"] == "e5"
    assert [t["count"] for t in again["themes"]] == [6, 4]


def test_themes_fall_back_to_tfidf_when_the_embedder_cannot_load(
    client: TestClient, db: Database, key: Key, pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = key("admin")
    now = datetime.now(UTC).replace(tzinfo=None)
    texts = [("en", f"The delivery is late again, order {i} never arrived") for i in range(4)]
    texts += [("en", f"Refund my money now, the blender {i} is broken") for i in range(4)]
    seed(client, db, admin, "shop-a", _complaints(texts, now - timedelta(hours=10)))

    def broken(_texts: Any) -> Any:
        raise OSError("e5-small-q4.bin: not found")

    monkeypatch.setattr(pipeline.embedder.plain(), "embed", broken)  # similarity: the plain encoder
    out = get(client, admin, "/v1/stats/themes")  # the last 7 days
    assert out["method"] == "tfidf"
    assert "could not load" in out["note"]
    assert "TF-IDF" in out["note"]
    assert sorted(t["count"] for t in out["themes"]) == [4, 4]
    words = {w for t in out["themes"] for w in t["words"]}
    assert {"late", "refund"} <= words


def test_themes_read_at_most_the_configured_number_of_complaints(
    settings: Any, db: Database, key: Key, pipeline: Pipeline
) -> None:
    from triage.service.api.app import create_app

    capped = settings.model_copy(update={"themes_max_comments": 4})
    with TestClient(create_app(capped, pipeline=pipeline)) as client:
        admin = key("admin")
        since = DAY0 + timedelta(days=7)
        seed(client, db, admin, "shop-a", _complaints(LATE, since))
        out = get(
            client,
            admin,
            "/v1/stats/themes",
            since=_iso(since),
            until=_iso(since + timedelta(days=1)),
        )
    assert (out["complaints"], out["clustered"]) == (6, 4)
    newest = {t for _, t in LATE[2:]}
    assert {e["text"] for t in out["themes"] for e in t["examples"]} <= newest


def test_themes_of_a_window_reaching_back_to_year_one(client: TestClient, key: Key) -> None:
    params = {"since": "0001-01-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"}
    out = get(client, key("admin"), "/v1/stats/themes", **params)
    assert out["previous_since"] == "0001-01-01T00:00:00Z"  # no earlier window to compare with
    assert out["themes"] == []
