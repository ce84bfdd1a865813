"""What the inbox page needs from the API: text search on queue pages, claiming one comment,
bulk resolve, sign-in with a session cookie (and its CSRF guard), and the page's routes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import comments, spam_burst
from triage.pipeline.core import Pipeline
from triage.service.api.app import create_app
from triage.service.auth import CSRF_HEADER, SESSION_COOKIE, Role
from triage.service.moderation import create_key
from triage.service.settings import Settings
from triage.service.store import Database

Key = Callable[..., dict[str, str]]
CSRF = {CSRF_HEADER: "1"}


def _ingest(
    client: TestClient, h: dict[str, str], channel: str, items: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    r = client.post("/v1/comments", json={"channel": channel, "comments": items}, headers=h)
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


def _token(db: Database, role: str, *channels: str, name: str | None = None) -> str:
    return create_key(db, Role(role), list(channels), name)[1]


# --- search ------------------------------------------------------------------------------------


def test_queue_search_keeps_comments_containing_the_text_in_rank_order(
    client: TestClient, key: Key
) -> None:
    h = key("admin")
    items = [
        {"external_id": "a", "text": "Where is my REFUND? nobody answers", "author": "a"},
        {"external_id": "b", "text": "refund please, the parcel never came", "author": "b"},
        {"external_id": "c", "text": "Where is my order? Nobody answers", "author": "c"},
        {"external_id": "d", "text": "100% off_sale refund", "author": "d"},
    ]
    stored = {i["external_id"]: i for i in _ingest(client, h, "shop-a", items)}
    for queue in {i["queue"] for i in stored.values()}:
        everything = client.get(f"/v1/queues/{queue}", headers=h).json()["items"]
        got = client.get(f"/v1/queues/{queue}?q=refund", headers=h).json()["items"]
        assert [i["id"] for i in got] == [
            i["id"] for i in everything if "refund" in i["text"].lower()
        ]
    every = [
        i["external_id"]
        for q in ("urgent", "questions", "spam", "praise", "other")
        for i in client.get(f"/v1/queues/{q}", params={"q": "rEfUnD"}, headers=h).json()["items"]
    ]
    assert sorted(every) == ["a", "b", "d"]
    # LIKE wildcards are literal characters
    found = [
        i["external_id"]
        for q in ("urgent", "questions", "spam", "praise", "other")
        for p in ("100%", "f_s", "%", "_")
        for i in client.get(f"/v1/queues/{q}", params={"q": p}, headers=h).json()["items"]
    ]
    assert set(found) == {"d"}
    # blank means no search; over-long or NUL is a 422 naming q
    assert len(
        client.get("/v1/queues/urgent", params={"q": "  "}, headers=h).json()["items"]
    ) == len(client.get("/v1/queues/urgent", headers=h).json()["items"])
    for bad in ("x" * 201, "a\x00b"):
        r = client.get("/v1/queues/urgent", params={"q": bad}, headers=h)
        assert r.status_code == 422
        assert r.json()["detail"][0]["field"] == "q"


# --- claim one ---------------------------------------------------------------------------------


def test_claim_one_comment_leases_it_and_others_get_409(client: TestClient, db: Database) -> None:
    admin = {"Authorization": f"Bearer {_token(db, 'admin')}"}
    alice = {"Authorization": f"Bearer {_token(db, 'moderate', 'shop-a', name='alice')}"}
    bob = {"Authorization": f"Bearer {_token(db, 'moderate', 'shop-a', name='bob')}"}
    carol = {"Authorization": f"Bearer {_token(db, 'moderate', 'shop-b', name='carol')}"}
    cid = _ingest(client, admin, "shop-a", comments(3))[1]["id"]
    r = client.post(f"/v1/comments/{cid}/claim", headers=alice)
    assert r.status_code == 200, r.text
    assert r.json()["claimed_by"] == "alice"
    assert r.json()["claim_expires_at"]
    page = client.get(f"/v1/queues/{r.json()['queue']}", headers=admin).json()["items"]
    assert next(i for i in page if i["id"] == cid)["claimed_by"] == "alice"
    again = client.post(f"/v1/comments/{cid}/claim", headers=alice)  # renew
    assert again.status_code == 200
    assert again.json()["claim_expires_at"] >= r.json()["claim_expires_at"]
    taken = client.post(f"/v1/comments/{cid}/claim", headers=bob)
    assert taken.status_code == 409
    assert "claimed by alice" in taken.json()["detail"]
    # another channel's comment does not exist for carol; a score key may not claim
    assert client.post(f"/v1/comments/{cid}/claim", headers=carol).status_code == 404
    assert client.post("/v1/comments/999999/claim", headers=carol).status_code == 404
    score = {"Authorization": f"Bearer {_token(db, 'score')}"}
    assert client.post(f"/v1/comments/{cid}/claim", headers=score).status_code == 403
    # a resolved comment cannot be claimed
    assert (
        client.post(
            f"/v1/comments/{cid}/resolve", json={"action": "replied"}, headers=alice
        ).status_code
        == 200
    )
    done = client.post(f"/v1/comments/{cid}/claim", headers=bob)
    assert done.status_code == 409
    assert "already replied" in done.json()["detail"]


# --- bulk resolve ------------------------------------------------------------------------------


def test_bulk_resolve_hides_the_ids_it_may_and_reports_the_rest(
    client: TestClient, db: Database
) -> None:
    admin = {"Authorization": f"Bearer {_token(db, 'admin')}"}
    alice = {"Authorization": f"Bearer {_token(db, 'moderate', 'shop-a', name='alice')}"}
    bob = {"Authorization": f"Bearer {_token(db, 'moderate', 'shop-a', name='bob')}"}
    own = [i["id"] for i in _ingest(client, admin, "shop-a", spam_burst(5))]
    other = _ingest(client, admin, "shop-b", comments(2))[0]["id"]
    assert client.post(f"/v1/comments/{own[0]}/claim", headers=bob).status_code == 200
    body = {"ids": [*own, own[1], other, 987654], "action": "hidden"}
    r = client.post("/v1/comments/resolve", json=body, headers=alice)
    assert r.status_code == 200, r.text
    out = r.json()
    assert [i["id"] for i in out["items"]] == own[1:]
    assert all(i["status"] == "hidden" and i["resolved_by"] == "alice" for i in out["items"])
    skipped = {s["id"]: s["detail"] for s in out["skipped"]}
    assert set(skipped) == {own[0], other, 987654}
    assert "claimed by bob" in skipped[own[0]]
    # another channel's id reads exactly like one that does not exist
    assert skipped[other] == f"no comment with id {other}"
    assert skipped[987654] == "no comment with id 987654"
    spam = client.get("/v1/queues/spam?channel=shop-a", headers=admin).json()["items"]
    assert [i["id"] for i in spam] == [own[0]]


def test_bulk_resolve_validates_its_body(client: TestClient, key: Key, settings: Settings) -> None:
    h = key("admin")
    for body, field in (
        ({"ids": [], "action": "hidden"}, "ids"),
        ({"ids": [1], "action": "nope"}, "action"),
        ({"ids": [0], "action": "hidden"}, "ids.0"),
        ({"ids": [1], "action": "hidden", "x": 1}, "x"),
        ({"ids": list(range(1, settings.max_batch + 2)), "action": "hidden"}, "ids"),
    ):
        r = client.post("/v1/comments/resolve", json=body, headers=h)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["detail"][0]["field"] == field
    assert (
        client.post(
            "/v1/comments/resolve", json={"ids": [1], "action": "hidden"}, headers=key("score")
        ).status_code
        == 403
    )


# --- session cookie ----------------------------------------------------------------------------


@pytest.fixture
def https_client(settings: Settings, pipeline: Pipeline) -> Iterator[TestClient]:
    with TestClient(create_app(settings, pipeline=pipeline), base_url="https://testserver") as c:
        yield c


def _set_cookie(r: Any) -> str:
    return "; ".join(r.headers.get_list("set-cookie"))


def test_sign_in_sets_a_strict_httponly_cookie_that_authorises_the_api(
    client: TestClient, db: Database
) -> None:
    token = _token(db, "moderate", "shop-a", name="alice")
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"
    r = client.post("/login", json={"key": token})
    assert r.status_code == 200, r.text
    assert r.json() == {
        "name": "alice",
        "role": "moderate",
        "channels": ["shop-a"],
        "csrf_header": CSRF_HEADER,
    }
    cookie = _set_cookie(r)
    assert f"{SESSION_COOKIE}=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Secure" not in cookie  # plain http (tests, a laptop): a Secure cookie would be dropped
    assert client.get("/session").json()["name"] == "alice"
    page = client.get("/")
    assert page.status_code == 200
    assert 'id="items"' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert client.get("/login", follow_redirects=False).headers["location"] == "/"
    assert client.get("/v1/queues").status_code == 200
    assert client.get("/v1/queues/urgent?channel=shop-b").status_code == 403
    # a change needs the CSRF header when the cookie is what authorises it
    ingest = {"channel": "shop-a", "comments": comments(1)}
    refused = client.post("/v1/comments", json=ingest)
    assert refused.status_code == 403
    assert CSRF_HEADER in refused.json()["detail"]
    assert client.post("/v1/comments", json=ingest, headers=CSRF).status_code == 200
    # a Bearer header wins over the cookie (and needs no CSRF header)
    admin = _token(db, "admin")
    who = client.post("/v1/comments", json=ingest, headers={"Authorization": f"Bearer {admin}"})
    assert who.status_code == 200
    # signing out forgets the cookie
    out = client.post("/logout", follow_redirects=False)
    assert out.status_code == 303
    assert out.headers["location"] == "/login"
    assert f'{SESSION_COOKIE}=""' in _set_cookie(out) or "Max-Age=0" in _set_cookie(out)
    assert client.get("/v1/queues").status_code == 401
    assert client.get("/", follow_redirects=False).status_code == 303


def test_cookie_is_secure_over_https(https_client: TestClient, db: Database) -> None:
    r = https_client.post("/login", json={"key": _token(db, "admin")})
    assert r.status_code == 200
    assert "Secure" in _set_cookie(r)


def test_sign_in_refuses_score_keys_unknown_keys_and_other_sites(
    client: TestClient, db: Database
) -> None:
    score = _token(db, "score")
    r = client.post("/login", json={"key": score})
    assert r.status_code == 403
    assert "role score" in r.json()["detail"]
    assert SESSION_COOKIE not in _set_cookie(r)
    form = client.post("/login", data={"key": score})  # without script: the form again, with why
    assert form.status_code == 403
    assert "role score" in form.text
    assert "text/html" in form.headers["content-type"]
    for body in ({"key": "trg_nothere_" + "x" * 43}, {"key": ""}, {"nokey": 1}, [1]):
        r = client.post("/login", json=body)
        assert r.status_code == 401, body
        assert SESSION_COOKIE not in _set_cookie(r)
    assert (
        client.post(
            "/login", content=b"{not json", headers={"content-type": "application/json"}
        ).status_code
        == 401
    )
    admin = _token(db, "admin")
    cross = client.post("/login", json={"key": admin}, headers={"Origin": "https://evil.example"})
    assert cross.status_code == 403
    assert SESSION_COOKIE not in _set_cookie(cross)
    fetch_site = client.post(
        "/login", json={"key": admin}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert fetch_site.status_code == 403
    ok = client.post("/login", data={"key": admin}, follow_redirects=False)  # form post works too
    assert ok.status_code == 303
    assert ok.headers["location"] == "/"
    assert SESSION_COOKIE in _set_cookie(ok)


def test_static_files_and_page_routes_are_not_in_the_api_schema(client: TestClient) -> None:
    for name, kind in (("app.js", "javascript"), ("app.css", "css"), ("login.js", "javascript")):
        r = client.get(f"/static/{name}")
        assert r.status_code == 200, name
        assert kind in r.headers["content-type"], name
        assert (
            client.get(f"/static/{name}", headers={"If-None-Match": r.headers["etag"]}).status_code
            == 304
        )
    for bad in ("nope.js", "..%2Fapp.py", "routes.py", ".hidden.js"):
        assert client.get(f"/static/{bad}").status_code == 404, bad
    login = client.get("/login")
    assert login.status_code == 200
    assert 'type="password"' in login.text
    assert login.headers["cache-control"] == "no-store"
    paths = client.get("/openapi.json").json()["paths"]
    assert not {"/", "/login", "/logout", "/session", "/static/{name}"} & set(paths)
    assert client.get("/session").status_code == 401
