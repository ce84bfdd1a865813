"""Who may do what: every role x endpoint x own/other channel, and nothing leaks across channels."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import BACKENDS, comments, fresh_url, spam_burst
from triage.pipeline.core import Pipeline
from triage.service.api.app import create_app
from triage.service.auth import Role
from triage.service.moderation import create_key
from triage.service.settings import Settings
from triage.service.store import Database


@dataclass
class World:
    """Two channels with comments and a spam campaign each, and a key of every kind."""

    client: TestClient
    headers: dict[str, dict[str, str]]
    ids: dict[str, int]


@pytest.fixture(scope="module", params=BACKENDS)
def world(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    model_dir: Path,
    pipeline: Pipeline,
) -> Iterator[World]:
    url = fresh_url(str(request.param), request, tmp_path_factory.mktemp("auth"))
    db = Database(url)
    tokens = {
        "score": create_key(db, Role.SCORE, [])[1],
        "moderate": create_key(db, Role.MODERATE, ["shop-a"])[1],
        "admin": create_key(db, Role.ADMIN, [])[1],
    }
    create_key(db, Role.SCORE, [], "matrix-victim")  # what "revoke key" revokes (idempotent)
    db.dispose()
    headers = {role: {"Authorization": f"Bearer {t}"} for role, t in tokens.items()}
    headers |= {
        "anonymous": {},
        "wrong-key": {"Authorization": "Bearer trg_nothere_" + "x" * 43},
        "not-bearer": {"Authorization": f"Basic {tokens['admin']}"},
    }
    with TestClient(
        create_app(Settings(database_url=url, model_dir=model_dir), pipeline=pipeline)
    ) as client:
        ids: dict[str, int] = {}
        for scope, channel in (("own", "shop-a"), ("other", "shop-b")):
            body = {"channel": channel, "comments": comments(6) + spam_burst(5)}
            items = client.post("/v1/comments", json=body, headers=headers["admin"]).json()["items"]
            ids[f"{scope}-comment"] = items[0]["id"]
            campaigns = client.get(
                f"/v1/campaigns?channel={channel}", headers=headers["admin"]
            ).json()["items"]
            assert campaigns, "the spam burst should form a campaign"
            ids[f"{scope}-campaign"] = campaigns[0]["id"]
            hook = {"channel": channel, "url": "http://127.0.0.1:9/", "events": ["sla.breached"]}
            ids[f"{scope}-webhook"] = client.post(
                "/v1/webhooks", json=hook | {"secret": "s" * 16}, headers=headers["admin"]
            ).json()["id"]
            reply = {"channel": channel, "title": "Shipping", "text": "Orders arrive in 3-5 days."}
            for owner in ("", *ROLES):  # one to edit, and one per role to delete (again: 404)
                ids[f"{scope}-reply{owner}"] = client.post(
                    "/v1/replies", json=reply, headers=headers["admin"]
                ).json()["id"]
        yield World(client, headers, ids)


# (name, method, path, json body, scope). Scope: "any" (not about a channel), "own"/"other"
# (a channel the moderate key has / has not), or "public".
NO_MATCH = {"limit": 1, "lang": "zz"}  # claims nothing, so the claims do not disturb other cases
WEBHOOK = {
    "channel": "{channel}",
    "url": "http://127.0.0.1:9/hook",
    "events": ["comment.urgent"],
    "secret": "0123456789abcdef",
}
REPLY = {"channel": "{channel}", "title": "Opening hours", "text": "Open 9:00-21:00."}
CASES: list[tuple[str, str, str, Any, str]] = [
    ("analyze", "POST", "/v1/analyze", {"comments": [{"text": "hi"}]}, "any"),
    (
        "ingest",
        "POST",
        "/v1/comments",
        {"channel": "{channel}", "comments": [{"external_id": "m1", "text": "hi"}]},
        "own",
    ),
    (
        "ingest",
        "POST",
        "/v1/comments",
        {"channel": "{channel}", "comments": [{"external_id": "m1", "text": "hi"}]},
        "other",
    ),
    ("queue counts", "GET", "/v1/queues", None, "any"),
    ("queue page", "GET", "/v1/queues/urgent", None, "any"),
    ("queue page", "GET", "/v1/queues/urgent?channel={channel}", None, "own"),
    ("queue page", "GET", "/v1/queues/urgent?channel={channel}", None, "other"),
    ("overdue page", "GET", "/v1/queues/urgent?overdue=true&channel={channel}", None, "own"),
    ("overdue page", "GET", "/v1/queues/urgent?overdue=true&channel={channel}", None, "other"),
    ("review list", "GET", "/v1/queues/review", None, "any"),
    ("review list", "GET", "/v1/queues/review?channel={channel}", None, "own"),
    ("review list", "GET", "/v1/queues/review?channel={channel}", None, "other"),
    ("claim", "POST", "/v1/queues/urgent/claim", NO_MATCH, "any"),
    ("claim", "POST", "/v1/queues/urgent/claim", {**NO_MATCH, "channel": "{channel}"}, "own"),
    ("claim", "POST", "/v1/queues/urgent/claim", {**NO_MATCH, "channel": "{channel}"}, "other"),
    ("resolve", "POST", "/v1/comments/{comment}/resolve", {"action": "dismissed"}, "own"),
    ("resolve", "POST", "/v1/comments/{comment}/resolve", {"action": "dismissed"}, "other"),
    ("relabel", "POST", "/v1/comments/{comment}/labels", {"sentiment": "neutral"}, "own"),
    ("relabel", "POST", "/v1/comments/{comment}/labels", {"sentiment": "neutral"}, "other"),
    ("export", "GET", "/v1/labels/export", None, "any"),
    ("export", "GET", "/v1/labels/export?channel={channel}", None, "own"),
    ("export", "GET", "/v1/labels/export?channel={channel}", None, "other"),
    ("campaigns", "GET", "/v1/campaigns", None, "any"),
    ("campaigns", "GET", "/v1/campaigns?channel={channel}", None, "own"),
    ("campaigns", "GET", "/v1/campaigns?channel={channel}", None, "other"),
    ("hide campaign", "POST", "/v1/campaigns/{campaign}/resolve", {"action": "hidden"}, "own"),
    ("hide campaign", "POST", "/v1/campaigns/{campaign}/resolve", {"action": "hidden"}, "other"),
    ("create key", "POST", "/v1/keys", {"role": "score"}, "any"),
    ("list keys", "GET", "/v1/keys", None, "any"),
    ("revoke key", "DELETE", "/v1/keys/matrix-victim", None, "any"),
    ("add webhook", "POST", "/v1/webhooks", WEBHOOK, "own"),
    ("add webhook", "POST", "/v1/webhooks", WEBHOOK, "other"),
    ("list webhooks", "GET", "/v1/webhooks", None, "any"),
    ("list webhooks", "GET", "/v1/webhooks?channel={channel}", None, "own"),
    ("list webhooks", "GET", "/v1/webhooks?channel={channel}", None, "other"),
    ("delete webhook", "DELETE", "/v1/webhooks/{webhook}", None, "own"),
    ("delete webhook", "DELETE", "/v1/webhooks/{webhook}", None, "other"),
    ("save reply", "POST", "/v1/replies", REPLY, "own"),
    ("save reply", "POST", "/v1/replies", REPLY, "other"),
    ("list replies", "GET", "/v1/replies", None, "any"),
    ("list replies", "GET", "/v1/replies?channel={channel}", None, "own"),
    ("list replies", "GET", "/v1/replies?channel={channel}", None, "other"),
    ("edit reply", "PATCH", "/v1/replies/{reply}", {"title": "Delivery"}, "own"),
    ("edit reply", "PATCH", "/v1/replies/{reply}", {"title": "Delivery"}, "other"),
    ("delete reply", "DELETE", "/v1/replies/{reply_of_role}", None, "own"),
    ("delete reply", "DELETE", "/v1/replies/{reply_of_role}", None, "other"),
    ("suggestions", "GET", "/v1/comments/{comment}/suggestions", None, "own"),
    ("suggestions", "GET", "/v1/comments/{comment}/suggestions", None, "other"),
    ("stats", "GET", "/v1/stats", None, "any"),
    ("stats", "GET", "/v1/stats?channel={channel}", None, "own"),
    ("stats", "GET", "/v1/stats?channel={channel}", None, "other"),
    ("stats csv", "GET", "/v1/stats?format=csv&channel={channel}", None, "own"),
    ("stats csv", "GET", "/v1/stats?format=csv&channel={channel}", None, "other"),
    ("themes", "GET", "/v1/stats/themes", None, "any"),
    ("themes", "GET", "/v1/stats/themes?channel={channel}", None, "own"),
    ("themes", "GET", "/v1/stats/themes?channel={channel}", None, "other"),
    ("healthz", "GET", "/healthz", None, "public"),
    ("readyz", "GET", "/readyz", None, "public"),
    ("metrics", "GET", "/metrics", None, "public"),
]
#: The weeks of the world's comments (2026-11-01).
RANGE = "/v1/stats?bucket=week&since=2026-10-01T00:00:00Z&until=2026-12-01T00:00:00Z"
ROLES = ["anonymous", "wrong-key", "not-bearer", "score", "moderate", "admin"]
# The id is in the path: existence must not leak.
BY_ID = {"resolve", "relabel", "hide campaign", "edit reply", "delete reply", "suggestions"}
ADMIN_ONLY = {
    "create key",
    "list keys",
    "revoke key",
    "add webhook",
    "list webhooks",
    "delete webhook",
}


def expected(name: str, scope: str, role: str) -> int | str:
    """The status a role should get: a code, or "ok" for any 2xx."""
    if scope == "public":
        return "ok"
    if role in ("anonymous", "wrong-key", "not-bearer"):
        return 401
    if name == "analyze" or role == "admin":
        return "ok"
    if name in ADMIN_ONLY or role == "score":
        return 403
    if scope == "other":  # a moderate key and another channel
        return 404 if name in BY_ID else 403
    return "ok"


def _fill(value: Any, ids: dict[str, int], scope: str, role: str = "") -> Any:
    channel = {"own": "shop-a", "other": "shop-b"}.get(scope, "")
    fill = {
        "channel": channel,
        "comment": ids.get(f"{scope}-comment", 0),
        "campaign": ids.get(f"{scope}-campaign", 0),
        "webhook": ids.get(f"{scope}-webhook", 0),
        "reply": ids.get(f"{scope}-reply", 0),
        "reply_of_role": ids.get(f"{scope}-reply{role}", 0),
    }
    if isinstance(value, str):
        return value.format(**fill)
    if isinstance(value, dict):
        return {k: _fill(v, ids, scope, role) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids, scope, role) for v in value]
    return value


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "method", "path", "body", "scope"), CASES, ids=[f"{c[0]}-{c[4]}" for c in CASES]
)
def test_authorisation_matrix(
    world: World, role: str, name: str, method: str, path: str, body: Any, scope: str
) -> None:
    r = world.client.request(
        method,
        _fill(path, world.ids, scope, role),
        json=_fill(body, world.ids, scope),
        headers=world.headers[role],
    )
    want = expected(name, scope, role)
    if want == "ok":
        assert 200 <= r.status_code < 300, r.text
    else:
        assert r.status_code == want, r.text
        assert r.json()["detail"]
    if r.status_code == 401:
        assert r.headers["www-authenticate"] == "Bearer"


def test_a_404_for_another_channel_looks_exactly_like_a_missing_id(world: World) -> None:
    h = world.headers["moderate"]
    other = world.client.post(
        f"/v1/comments/{world.ids['other-comment']}/resolve", json={"action": "hidden"}, headers=h
    )
    missing = world.client.post(
        "/v1/comments/987654321/resolve", json={"action": "hidden"}, headers=h
    )
    assert other.status_code == missing.status_code == 404
    assert other.json()["detail"].replace(str(world.ids["other-comment"]), "N") == missing.json()[
        "detail"
    ].replace("987654321", "N")


def test_a_moderate_key_never_sees_another_channels_comments(world: World) -> None:
    h, admin = world.headers["moderate"], world.headers["admin"]
    client = world.client
    for queue in ("urgent", "questions", "spam", "praise", "other"):
        assert {
            i["channel"]
            for i in client.get(f"/v1/queues/{queue}?limit=500", headers=h).json()["items"]
        } <= {"shop-a"}
    assert [c["channel"] for c in client.get("/v1/queues", headers=h).json()["channels"]] == [
        "shop-a"
    ]
    review = client.get("/v1/queues/review?limit=500", headers=h).json()["items"]
    assert review
    assert {i["channel"] for i in review} == {"shop-a"}
    assert {c["channel"] for c in client.get("/v1/campaigns", headers=h).json()["items"]} == {
        "shop-a"
    }
    client.post(
        f"/v1/comments/{world.ids['other-comment']}/labels",
        json={"sentiment": "neutral"},
        headers=admin,
    )
    exported = client.get("/v1/labels/export", headers=h).text
    assert "shop-b" not in exported
    claimed = client.post("/v1/queues/spam/claim", json={"limit": 100}, headers=h).json()["items"]
    assert {i["channel"] for i in claimed} <= {"shop-a"}
    # The analytics count shop-a only: the same as asking for shop-a by name, less than admin's.
    mine = client.get(RANGE, headers=h).json()["items"]
    named = client.get(RANGE + "&channel=shop-a", headers=h).json()["items"]
    everything = client.get(RANGE, headers=admin).json()["items"]
    assert mine == named
    assert sum(i["comments"] for i in mine) < sum(i["comments"] for i in everything)
