"""``POST /v1/analyze`` and the limits every endpoint shares: sizes, encodings, types, fields."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from triage.types import OUTPUT_FIELDS


def test_analyze_returns_the_output_record_of_every_comment_in_order(
    client: TestClient, key: Callable[..., dict[str, str]]
) -> None:
    texts = ["Where is my refund?? Nobody answers!", "Merci beaucoup, super produit", "🔥🔥"]
    r = client.post(
        "/v1/analyze",
        json={"comments": [{"text": t, "id": f"x{i}"} for i, t in enumerate(texts)]},
        headers=key("score"),
    )
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert [x["id"] for x in results] == ["x0", "x1", "x2"]
    for x in results:
        assert set(OUTPUT_FIELDS) <= set(x)
        assert 0 <= x["priority"] <= 100
        assert x["queue"] in {"urgent", "questions", "spam", "praise", "other"}
        assert all(0.0 <= x[f] <= 1.0 for f in OUTPUT_FIELDS if f.startswith("p_"))
    assert results[0]["lang"] == "en"
    assert results[0]["queue"] == "urgent"
    assert results[0]["reasons"]


def test_a_comment_alone_scores_as_it_does_inside_a_batch(
    client: TestClient, key: Callable[..., dict[str, str]]
) -> None:
    h = key("score")
    batch = client.post(
        "/v1/analyze",
        json={"comments": [{"text": "ok"}, {"text": "Where is my parcel?"}]},
        headers=h,
    )
    alone = client.post(
        "/v1/analyze", json={"comments": [{"text": "Where is my parcel?"}]}, headers=h
    )
    assert batch.json()["results"][1] == alone.json()["results"][0]


def test_tier_must_be_one_the_model_has(
    client: TestClient, key: Callable[..., dict[str, str]]
) -> None:
    h = key("score")
    r = client.post(
        "/v1/analyze", json={"comments": [{"text": "hello"}], "tier": "turbo"}, headers=h
    )
    assert r.status_code == 422
    assert r.json()["detail"][0]["field"] == "tier"
    accurate = client.post(
        "/v1/analyze", json={"comments": [{"text": "hello"}], "tier": "accurate"}, headers=h
    )
    has_accurate = "accurate" in {t.value for t in client.app.state.triage.pipeline.tiers}  # type: ignore[attr-defined]
    if has_accurate:
        assert accurate.status_code == 200
        assert accurate.json()["results"][0]["model"].endswith("/accurate")
    else:
        assert accurate.status_code == 422
        assert "tier" in accurate.json()["detail"][0]["msg"]


def _field(r: object) -> str:
    return r.json()["detail"][0]["field"]  # type: ignore[attr-defined, no-any-return]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"comments": [{"text": ""}]}, "comments.0.text"),
        ({"comments": [{"text": "   \n\t"}]}, "comments.0.text"),
        ({"comments": [{"text": 42}]}, "comments.0.text"),
        ({"comments": [{"text": None}]}, "comments.0.text"),
        ({"comments": [{"txt": "typo"}]}, "comments.0.text"),
        ({"comments": [{"text": "ok", "lang": "en"}]}, "comments.0.lang"),
        ({"comments": [{"text": "ok"}], "extra": 1}, "extra"),
        ({"comments": []}, "comments"),
        ({"comments": "hello"}, "comments"),
        ({}, "comments"),
        ([{"text": "a list, not an object"}], "body"),
        ({"comments": [{"text": "a\u0000b"}]}, "comments.0.text"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(
    client: TestClient, key: Callable[..., dict[str, str]], body: object, field: str
) -> None:
    r = client.post("/v1/analyze", json=body, headers=key("score"))
    assert r.status_code == 422, r.text
    assert _field(r) == field
    assert r.json()["detail"][0]["msg"].startswith(f"{field}: ")


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (b'{"comments": [{"text": "\xff\xfe broken"}]}', "body"),
        (b'{"comments": [{"text": "\\ud800 lone surrogate"}]}', "comments.0.text"),
        (b'{"comments": [{"text": "unterminated', "body"),
        (
            b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]",
            "body",
        ),
        (b'{"comments": [{"text": "ok"}], "tier": NaN}', "tier"),
    ],
)
def test_undecodable_bodies_are_4xx_naming_the_field(
    client: TestClient, key: Callable[..., dict[str, str]], raw: bytes, field: str
) -> None:
    r = client.post(
        "/v1/analyze", content=raw, headers={**key("score"), "content-type": "application/json"}
    )
    assert r.status_code == 422, r.text
    assert _field(r) == field


def test_batch_and_text_limits_are_422_and_body_limit_is_413(
    client: TestClient, key: Callable[..., dict[str, str]]
) -> None:
    h = key("score")
    settings = client.app.state.triage.settings  # type: ignore[attr-defined]
    many = {"comments": [{"text": "hi"}] * (settings.max_batch + 1)}
    r = client.post("/v1/analyze", json=many, headers=h)
    assert r.status_code == 422
    assert _field(r) == "comments"
    assert str(settings.max_batch) in r.text
    long = {"comments": [{"text": "ok"}, {"text": "x" * (settings.max_text_chars + 1)}]}
    r = client.post("/v1/analyze", json=long, headers=h)
    assert r.status_code == 422
    assert _field(r) == "comments.1.text"
    huge = b'{"comments": [{"text": "' + b"y" * settings.max_body_bytes + b'"}]}'
    r = client.post("/v1/analyze", content=huge, headers={**h, "content-type": "application/json"})
    assert r.status_code == 413
    assert "bytes" in r.json()["detail"][0]["msg"]

    def chunks():  # no Content-Length: the limit must still hold
        for _ in range(settings.max_body_bytes // 65536 + 2):
            yield b" " * 65536

    r = client.post(
        "/v1/analyze", content=chunks(), headers={**h, "content-type": "application/json"}
    )
    assert r.status_code == 413


def test_a_text_at_the_length_limit_is_scored(
    client: TestClient, key: Callable[..., dict[str, str]]
) -> None:
    settings = client.app.state.triage.settings  # type: ignore[attr-defined]
    text = ("Where is my order? " * settings.max_text_chars)[: settings.max_text_chars]
    r = client.post("/v1/analyze", json={"comments": [{"text": text}]}, headers=key("score"))
    assert r.status_code == 200
