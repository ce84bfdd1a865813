"""What a red team and a first-time user broke in the service (issue #12, items 1-8), kept broken
no more: lock timeouts and a flooding key, server-side sessions, per-key limits, races and strict
types, leases in campaign resolve, bidi names, an offline /docs, the demo key and /metrics
labels. The database-backed tests run on SQLite and PostgreSQL."""

from __future__ import annotations

import random
import re
import shutil
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text, update

from tests.api.helpers import comments, running_server, spam_burst
from triage.errors import AuthError
from triage.pipeline.core import Pipeline
from triage.service.api.app import create_app
from triage.service.api.serve import DEMO_KEY_PREFIX, demo_admin_key
from triage.service.auth import CSRF_HEADER, SESSION_COOKIE, Role, hash_token
from triage.service.moderation import authenticate, create_key
from triage.service.settings import Settings
from triage.service.store import Database, repo
from triage.service.store.db import utcnow
from triage.service.store.models import WebSession

Key = Callable[..., dict[str, str]]
CSRF = {CSRF_HEADER: "1"}


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _token(db: Database, role: str, *channels: str, name: str | None = None) -> str:
    return create_key(db, Role(role), list(channels), name)[1]


def _ingest(client: TestClient, h: dict[str, str], channel: str, items: list[Any]) -> list[Any]:
    r = client.post("/v1/comments", json={"channel": channel, "comments": items}, headers=h)
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


@pytest.fixture
def app_with(settings: Settings, pipeline: Pipeline) -> Iterator[Callable[..., TestClient]]:
    """``app_with(**changes)``: a started app whose settings are the test's with ``changes``."""
    clients: list[TestClient] = []

    def make(**changes: Any) -> TestClient:
        client = TestClient(create_app(settings.model_copy(update=changes), pipeline=pipeline))
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


# --- 1. a flooding key stalls nobody; a lock held too long is a 503, never a 500 -----------------


@contextmanager
def _locked(db_url: str, db: Database) -> Iterator[None]:
    """Another client holding the lock that claims and ingests need, until the block ends:
    SQLite's write lock (BEGIN IMMEDIATE), or an EXCLUSIVE lock on PostgreSQL's comments."""
    if db_url.startswith("sqlite"):
        conn = sqlite3.connect(db_url.removeprefix("sqlite:///"), timeout=5, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            conn.execute("ROLLBACK")
            conn.close()
        return
    with db.engine.connect() as pg:
        pg.execute(text("LOCK TABLE comments IN EXCLUSIVE MODE"))
        try:
            yield
        finally:
            pg.rollback()


def test_a_lock_held_too_long_is_a_503_with_retry_after(
    app_with: Callable[..., TestClient], db: Database, db_url: str
) -> None:
    client = app_with(db_lock_timeout_seconds=0.5)
    h = _bearer(_token(db, "admin"))
    _ingest(client, h, "shop-a", comments(5))
    with _locked(db_url, db):
        for path, body in (
            ("/v1/queues/urgent/claim", {"limit": 1}),
            ("/v1/comments", {"channel": "shop-a", "comments": comments(2, "late")}),
        ):
            r = client.post(path, json=body, headers=h)
            assert r.status_code == 503, (path, r.status_code, r.text)
            assert int(r.headers["retry-after"]) >= 1
            assert "busy" in r.json()["detail"]
        assert client.get("/v1/queues", headers=h).status_code == 200  # reading still works
    # the lock is gone: the same requests go through
    assert client.post("/v1/queues/urgent/claim", json={"limit": 1}, headers=h).status_code == 200
    late = {"channel": "shop-a", "comments": comments(2, "late")}
    assert client.post("/v1/comments", json=late, headers=h).status_code == 200


def _cjk(rng: random.Random, n: int) -> str:
    return "".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(n))


@pytest.mark.slow
def test_a_flood_on_one_channel_does_not_stall_another(
    tmp_path: Path, sqlite_template: Path, model_dir: Path
) -> None:
    """The red team's case on a real SQLite file and a real server: a moderate key for channel
    `evil` posts batches of 400 comments of 5,000 CJK characters sharing one URL (half of them
    one campaign text from 200 authors, half all different), while a moderator of channel
    `victim` keeps claiming and ingesting. Grouping used to compare every pair under the write
    lock (45 s) and the victim's claim got a 500 "database is locked" after 30 s."""
    shutil.copy(sqlite_template, tmp_path / "t.db")
    url = f"sqlite:///{tmp_path / 't.db'}"
    db = Database(url)
    evil = _bearer(_token(db, "moderate", "evil"))
    victim = _bearer(_token(db, "moderate", "victim"))
    db.dispose()
    rng = random.Random(12)
    campaign_text = _cjk(rng, 5000) + " https://evil.example/win"

    def flood_batch(b: int) -> dict[str, Any]:
        items = [
            {
                "external_id": f"f{b}-{i}",
                "text": campaign_text if i % 2 else _cjk(rng, 5000) + " https://evil.example/win",
                "author": f"bot{b}-{i}",
            }
            for i in range(400)
        ]
        return {"channel": "evil", "comments": items}

    bodies = [flood_batch(b) for b in range(2)]
    with running_server(url, model_dir, tmp_path / "server.log") as server:
        seeded = httpx.post(
            f"{server.url}/v1/comments",
            json={"channel": "victim", "comments": comments(40, "v")},
            headers=victim,
            timeout=60,
        )
        assert seeded.status_code == 200, seeded.text
        flood_status: list[int] = []
        victim_status: list[tuple[str, int]] = []
        done = threading.Event()

        def flood() -> None:
            with httpx.Client(base_url=server.url, headers=evil, timeout=300) as http:
                for body in bodies:
                    flood_status.append(http.post("/v1/comments", json=body).status_code)
            done.set()

        def moderate() -> None:
            deadline = time.monotonic() + 300  # a safety stop, not an assertion
            with httpx.Client(base_url=server.url, headers=victim, timeout=120) as http:
                n = 0
                while (not done.is_set() or n < 6) and time.monotonic() < deadline:
                    r = http.post("/v1/queues/other/claim", json={"channel": "victim", "limit": 1})
                    victim_status.append(("claim", r.status_code))
                    new = {"channel": "victim", "comments": comments(1, f"live{n}-")}
                    r = http.post("/v1/comments", json=new)
                    victim_status.append(("ingest", r.status_code))
                    n += 1
                    time.sleep(0.3)  # a person's pace, well under the key's rate limit

        threads = [threading.Thread(target=flood), threading.Thread(target=moderate)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        campaigns = httpx.get(
            f"{server.url}/v1/campaigns?channel=evil", headers=evil, timeout=60
        ).json()["items"]
    assert flood_status == [200, 200]
    assert victim_status
    assert [s for s in victim_status if s[1] != 200] == []
    # grouping still works at that size: the campaign text from 400 authors is one campaign
    assert [(c["size"], c["authors"]) for c in campaigns] == [(400, 400)]


# --- 2. server-side sessions ---------------------------------------------------------------------


def _sign_in(client: TestClient, token: str) -> str:
    r = client.post("/login", json={"key": token})
    assert r.status_code == 200, r.text
    cookie = client.cookies.get(SESSION_COOKIE)
    assert cookie
    return cookie


def _with_cookie(cookie: str, **headers: str) -> dict[str, str]:
    return {"Cookie": f"{SESSION_COOKIE}={cookie}", **headers}


def test_the_cookie_holds_a_session_not_the_key(client: TestClient, db: Database) -> None:
    token = _token(db, "moderate", "shop-a", name="alice")
    cookie = _sign_in(client, token)
    assert token not in cookie
    assert token not in "; ".join(
        client.post("/login", json={"key": token}).headers.get_list("set-cookie")
    )
    with db.read() as s:  # stored hashed: the database does not hold the cookie's value
        stored = list(s.scalars(select(WebSession.token_hash)))
    assert hash_token(cookie) in stored
    assert cookie not in stored
    # a cookie holding an API key (what the cookie used to be) signs nobody in
    client.cookies.clear()
    assert client.get("/v1/queues", headers=_with_cookie(token)).status_code == 401
    assert client.get("/", headers=_with_cookie(token), follow_redirects=False).status_code == 303


def test_sign_out_ends_the_session_for_a_copied_cookie_too(
    client: TestClient, db: Database
) -> None:
    cookie = _sign_in(client, _token(db, "moderate", "shop-a", name="alice"))
    assert client.get("/v1/queues").status_code == 200
    out = client.post("/logout", follow_redirects=False)
    assert out.status_code == 303
    client.cookies.clear()
    # the old cookie, replayed (a copy in another browser, a stolen one): nothing works
    assert client.get("/v1/queues", headers=_with_cookie(cookie)).status_code == 401
    page = client.get("/", headers=_with_cookie(cookie), follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/login"
    ingest = {"channel": "shop-a", "comments": comments(1)}
    r = client.post("/v1/comments", json=ingest, headers=_with_cookie(cookie, **CSRF))
    assert r.status_code == 401


def test_sessions_expire_on_the_server(client: TestClient, db: Database) -> None:
    cookie = _sign_in(client, _token(db, "admin"))
    assert client.get("/v1/queues").status_code == 200
    with db.write() as s:  # 12 hours later
        s.execute(update(WebSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert client.get("/v1/queues", headers=_with_cookie(cookie)).status_code == 401
    assert client.get("/", follow_redirects=False).status_code == 303


def test_sign_out_from_another_site_is_refused(client: TestClient, db: Database) -> None:
    _sign_in(client, _token(db, "admin"))
    for headers in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
        for method in ("POST", "GET"):
            r = client.request(method, "/logout", headers=headers, follow_redirects=False)
            assert r.status_code == 403, (method, headers)
            assert SESSION_COOKIE not in "; ".join(r.headers.get_list("set-cookie"))
    assert client.get("/v1/queues").status_code == 200  # still signed in
    assert client.post("/logout", follow_redirects=False).status_code == 303  # from here: fine
    assert client.get("/v1/queues").status_code == 401


def test_revoking_a_key_ends_its_sessions(client: TestClient, db: Database) -> None:
    admin = _bearer(_token(db, "admin", name="ops"))
    cookie = _sign_in(client, _token(db, "moderate", "shop-a", name="alice"))
    assert client.delete("/v1/keys/alice", headers=admin).status_code == 204
    with db.read() as s:
        (revoked_at,) = s.execute(
            select(WebSession.revoked_at).where(WebSession.token_hash == hash_token(cookie))
        ).one()
    assert revoked_at is not None
    client.cookies.clear()
    assert client.get("/v1/queues", headers=_with_cookie(cookie)).status_code == 401


# --- 3. per-key rate and in-flight limits -------------------------------------------------------


ANALYZE = {"comments": [{"text": "Where is my refund??"}]}


def test_a_key_over_its_request_rate_gets_429_and_other_keys_do_not(
    app_with: Callable[..., TestClient], db: Database
) -> None:
    client = app_with(rate_limit_per_minute=60, rate_limit_burst=3)
    greedy, other = _bearer(_token(db, "score")), _bearer(_token(db, "score"))
    for _ in range(3):
        assert client.post("/v1/analyze", json=ANALYZE, headers=greedy).status_code == 200
    r = client.post("/v1/analyze", json=ANALYZE, headers=greedy)
    assert r.status_code == 429
    assert 1 <= int(r.headers["retry-after"]) <= 60
    assert "60 requests per minute" in r.json()["detail"]
    assert "TRIAGE_RATE_LIMIT_PER_MINUTE" in r.json()["hint"]
    assert client.post("/v1/analyze", json=ANALYZE, headers=other).status_code == 200


def test_a_key_with_too_many_requests_in_flight_gets_429(
    app_with: Callable[..., TestClient], db: Database
) -> None:
    client = app_with(max_in_flight_per_key=2)
    token = _token(db, "score")
    key_id = authenticate(db, f"Bearer {token}").key_id
    limiter = client.app.state.triage.limiter  # type: ignore[attr-defined]
    with limiter.hold(key_id), limiter.hold(key_id):  # two requests of this key still running
        r = client.post("/v1/analyze", json=ANALYZE, headers=_bearer(token))
        assert r.status_code == 429
        assert r.headers["retry-after"] == "1"
        assert "in progress" in r.json()["detail"]
        other = _bearer(_token(db, "score"))
        assert client.post("/v1/analyze", json=ANALYZE, headers=other).status_code == 200
    assert client.post("/v1/analyze", json=ANALYZE, headers=_bearer(token)).status_code == 200


def test_per_key_limits_are_on_by_default_and_documented() -> None:
    defaults = Settings(database_url="sqlite:///x.db")
    assert defaults.rate_limit_per_minute > 0
    assert defaults.max_in_flight_per_key > 0
    deploy = (Path(__file__).resolve().parents[2] / "docs" / "deploy.md").read_text()
    for name in (
        "TRIAGE_RATE_LIMIT_PER_MINUTE",
        "TRIAGE_RATE_LIMIT_BURST",
        "TRIAGE_MAX_IN_FLIGHT_PER_KEY",
    ):
        assert name in deploy


# --- 4. races and types ------------------------------------------------------------------------


def test_concurrent_keys_with_one_name_are_one_201_and_409s(
    app_with: Callable[..., TestClient], key: Key
) -> None:
    client = app_with(max_in_flight_per_key=0)  # ten at once from one key, as the red team did
    admin = key("admin")
    barrier = threading.Barrier(10)
    status: list[int] = []

    def create() -> None:
        barrier.wait()
        r = client.post("/v1/keys", json={"role": "score", "name": "twin"}, headers=admin)
        status.append(r.status_code)

    threads = [threading.Thread(target=create) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert Counter(status) == {201: 1, 409: 9}


def test_numbers_must_be_json_integers(client: TestClient, key: Key) -> None:
    h = key("admin")
    ids = [i["id"] for i in _ingest(client, h, "shop-a", comments(3))]
    for path, body, field in (
        ("/v1/queues/other/claim", {"limit": "5"}, "limit"),
        ("/v1/queues/other/claim", {"limit": True}, "limit"),
        ("/v1/queues/other/claim", {"limit": 5.0}, "limit"),
        ("/v1/comments/resolve", {"ids": [str(ids[0])], "action": "hidden"}, "ids.0"),
        ("/v1/comments/resolve", {"ids": [float(ids[0])], "action": "hidden"}, "ids.0"),
        (
            "/v1/comments",
            {
                "channel": "shop-a",
                "comments": [{"external_id": "t", "text": "hi", "created_at": 5}],
            },
            "comments.0.created_at",
        ),
    ):
        r = client.post(path, json=body, headers=h)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["detail"][0]["field"] == field, (body, r.text)
    assert client.post("/v1/queues/other/claim", json={"limit": 5}, headers=h).status_code == 200


def test_the_tags_cap_counts_the_tags_as_sent(client: TestClient, key: Key) -> None:
    h = key("admin")
    cid = _ingest(client, h, "shop-a", comments(1))[0]["id"]
    for tags in (["spam"] * 100_000, ["spam"] * 6):
        r = client.post(f"/v1/comments/{cid}/labels", json={"tags": tags}, headers=h)
        assert r.status_code == 422, len(tags)
        assert r.json()["detail"][0]["field"] == "tags"
    ok = client.post(f"/v1/comments/{cid}/labels", json={"tags": ["spam", "spam"]}, headers=h)
    assert ok.status_code == 201
    assert ok.json()["tags"] == ["spam"]


def test_bodies_that_are_not_parseable_json_are_a_422_naming_the_body(
    client: TestClient, key: Key
) -> None:
    h = {**key("admin"), "content-type": "application/json"}
    deep = "[" * 100_000 + "]" * 100_000
    long_number = '{"comments": [{"text": "hi"}], "x": ' + "9" * 5000 + "}"
    for path in ("/v1/analyze", "/v1/comments", "/v1/keys"):
        for body, why in ((deep, "nested too deeply"), (long_number, "digits")):
            r = client.post(path, content=body, headers=h)
            assert r.status_code == 422, (path, why, r.status_code, r.text[:200])
            (error,) = r.json()["detail"]
            assert error["field"] == "body"
            assert error["msg"].startswith("body: not parseable JSON")
            assert why in error["msg"]
    # the sign-in form's own JSON parsing: a refusal, not a 500
    login = client.post("/login", content=deep, headers={"content-type": "application/json"})
    assert login.status_code == 401


# --- 5. campaign resolve respects other moderators' leases ---------------------------------------


def test_resolving_a_campaign_leaves_comments_another_moderator_holds(
    client: TestClient, db: Database
) -> None:
    admin = _bearer(_token(db, "admin"))
    alice = _bearer(_token(db, "moderate", "shop-a", name="alice"))
    bob = _bearer(_token(db, "moderate", "shop-a", name="bob"))
    _ingest(client, admin, "shop-a", spam_burst(6))
    (campaign,) = client.get("/v1/campaigns", headers=alice).json()["items"]
    members = [
        i["id"]
        for i in client.get("/v1/queues/spam?limit=500", headers=admin).json()["items"]
        if i["campaign_id"] == campaign["id"]
    ]
    held, own = members[0], members[1]
    assert client.post(f"/v1/comments/{held}/claim", headers=bob).status_code == 200
    assert client.post(f"/v1/comments/{own}/claim", headers=alice).status_code == 200
    # a single resolve of bob's comment is refused; the campaign's resolve leaves it too
    single = client.post(f"/v1/comments/{held}/resolve", json={"action": "hidden"}, headers=alice)
    assert single.status_code == 409
    r = client.post(
        f"/v1/campaigns/{campaign['id']}/resolve", json={"action": "hidden"}, headers=alice
    )
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["resolved"] == len(members) - 1  # alice's own claim included
    assert [s["id"] for s in out["skipped"]] == [held]
    assert "claimed by bob" in out["skipped"][0]["detail"]
    left = client.get("/v1/queues/spam?limit=500", headers=admin).json()["items"]
    assert [(i["id"], i["status"], i["claimed_by"]) for i in left if i["campaign_id"]] == [
        (held, "open", "bob")
    ]
    done = client.post(f"/v1/comments/{held}/resolve", json={"action": "replied"}, headers=bob)
    assert done.status_code == 200
    assert done.json()["resolved_by"] == "bob"


# --- 6. bidi controls in names ------------------------------------------------------------------


def test_bidi_controls_are_stripped_from_names_at_ingest(client: TestClient, key: Key) -> None:
    h = key("admin")
    items = [
        {
            "external_id": "x\u202e1",
            "text": "Where is my order?",
            "author": "\u2067eve\u2069\u202e",
        },
        {"external_id": "x2", "text": "Do you ship to Hanoi?", "author": "\u202e\u200f"},
    ]
    r = client.post(
        "/v1/comments", json={"channel": "shop\u202e-a\u200e", "comments": items}, headers=h
    )
    assert r.status_code == 200, r.text
    first, second = r.json()["items"]
    assert (first["channel"], first["author"], first["external_id"]) == (
        "shop-a",
        "eve",
        "x\u202e1",
    )
    assert (second["channel"], second["author"]) == ("shop-a", None)
    assert [c["channel"] for c in client.get("/v1/queues", headers=h).json()["channels"]] == [
        "shop-a"
    ]
    only_controls = {"channel": "\u202e\u2066", "comments": items}
    r = client.post("/v1/comments", json=only_controls, headers=h)
    assert r.status_code == 422
    assert r.json()["detail"][0]["field"] == "channel"
    made = client.post("/v1/keys", json={"role": "score", "name": "al\u202eice"}, headers=h)
    assert made.status_code == 201
    assert made.json()["name"] == "alice"


# --- 7. /docs without the internet ----------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [v for k, v in attrs if k in ("src", "href") and v]


def test_docs_reference_no_other_host_and_their_assets_are_served(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "://" not in page.text  # no absolute address anywhere, scripts included
    links = _Links()
    links.feed(page.text)
    assert len(links.urls) == 3  # the script, the style sheet, the icon
    for url in links.urls:
        parts = urlsplit(url)
        assert (parts.scheme, parts.netloc) == ("", ""), url
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert len(asset.content) > 500, url
    kinds = {u.rsplit(".", 1)[1]: client.get(u).headers["content-type"] for u in links.urls}
    assert "javascript" in kinds["js"]
    assert "css" in kinds["css"]
    assert client.get("/openapi.json").json()["info"]["title"] == "triage"
    assert client.get("/redoc").status_code == 404  # it would need a CDN
    assert client.get("/docs/assets/index.html").status_code == 404
    assert client.get("/docs/assets/..%2F..%2F__init__.py").status_code == 404


# --- 8. the demo key and /metrics labels -------------------------------------------------------


def test_each_demo_start_rotates_the_demo_admin_key(db: Database) -> None:
    ops = _token(db, "admin", name="ops")
    started = [demo_admin_key(db) for _ in range(3)]
    names = [key.name for key, _, _ in started]
    assert all(n.startswith(DEMO_KEY_PREFIX) for n in names)
    assert [revoked for _, _, revoked in started] == [[], [names[0]], [names[1]]]
    with db.read() as s:
        live = sorted(k.name for k in repo.keys(s) if k.revoked_at is None)
    assert live == sorted(["ops", names[2]])  # one demo key, and the operator's own untouched
    for _, token, _ in started[:2]:
        with pytest.raises(AuthError):
            authenticate(db, f"Bearer {token}")
    assert authenticate(db, f"Bearer {started[2][1]}").role is Role.ADMIN
    assert authenticate(db, f"Bearer {ops}").name == "ops"


def test_metrics_label_docs_and_other_known_routes_by_route(client: TestClient) -> None:
    for path in ("/docs", "/docs/assets/swagger-ui.css", "/openapi.json", "/no/such/page"):
        client.get(path)
    metrics = client.get("/metrics").text
    for route in ("/docs", "/docs/assets/{name}", "/openapi.json"):
        assert f'triage_http_requests_total{{method="GET",route="{route}",status="200"}} 1.0' in (
            metrics
        ), route
    assert 'route="unmatched",status="404"} 1.0' in metrics
    assert 'route="unmatched",status="200"' not in metrics


@pytest.mark.slow
def test_a_second_demo_start_revokes_the_first_demo_key(
    db_url: str, model_dir: Path, tmp_path: Path
) -> None:
    log = tmp_path / "server.log"
    tokens: list[str] = []
    for start in range(2):
        with running_server(db_url, model_dir, log, "--demo") as server:
            found = re.findall(r"Admin key '[^']+' \(shown once\): (trg_\S+)", log.read_text())
            assert len(found) == start + 1, log.read_text()
            tokens.append(found[-1])
            r = httpx.get(f"{server.url}/v1/keys", headers=_bearer(tokens[-1]), timeout=30)
            assert r.status_code == 200
            live = [k["name"] for k in r.json()["items"] if k["revoked_at"] is None]
            assert len(live) == 1, live
            if start:
                old = httpx.get(f"{server.url}/v1/keys", headers=_bearer(tokens[0]), timeout=30)
                assert old.status_code == 401
    assert "Revoked the demo key(s) of earlier starts" in log.read_text()
