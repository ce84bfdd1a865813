"""Listing and revoking API keys: what an admin sees, that a revoked key stops working at once
(header and inbox session cookie), that nobody can revoke the last admin key, on both databases.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from triage.errors import ConflictError
from triage.service.auth import CSRF_HEADER, Principal, Role, hash_token
from triage.service.moderation import create_key, revoke_key
from triage.service.store import Database, repo
from triage.service.store.db import utcnow


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _token(db: Database, role: str, name: str, *channels: str) -> str:
    return create_key(db, Role(role), list(channels), name)[1]


def _listed(client: TestClient, admin: dict[str, str]) -> dict[str, dict[str, object]]:
    r = client.get("/v1/keys", headers=admin)
    assert r.status_code == 200, r.text
    return {k["name"]: k for k in r.json()["items"]}


def test_the_list_shows_every_key_but_never_a_key_or_its_hash(
    client: TestClient, db: Database
) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    tokens = {
        "ops": _token(db, "admin", "ops"),
        "alice": _token(db, "moderate", "alice", "shop-b", "shop-a"),
        "scorer": _token(db, "score", "scorer"),
    }
    r = client.get("/v1/keys", headers=_bearer(tokens["ops"]))
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert [(k["name"], k["role"], k["channels"]) for k in items] == [
        ("ops", "admin", []),
        ("alice", "moderate", ["shop-a", "shop-b"]),
        ("scorer", "score", []),
    ]
    for k in items:
        assert set(k) == {"name", "role", "channels", "prefix", "created_at", "revoked_at"}
        token = tokens[str(k["name"])]
        assert token.startswith(k["prefix"] + "_")  # tells which key a leaked string is
        assert len(k["prefix"]) == len("trg_") + 8
        assert k["revoked_at"] is None
        assert datetime.fromisoformat(k["created_at"]) >= before
    for token in tokens.values():  # neither the key (beyond its prefix) nor its hash
        assert token not in r.text
        assert token[len("trg_") + 8 :] not in r.text
        assert hash_token(token) not in r.text


def test_a_revoked_key_gets_401_at_once_and_the_other_keys_keep_working(
    client: TestClient, db: Database
) -> None:
    admin = _bearer(_token(db, "admin", "ops"))
    alice = _bearer(_token(db, "moderate", "alice", "shop-a"))
    bob = _bearer(_token(db, "moderate", "bob", "shop-a"))
    for h in (admin, alice, bob):
        assert client.get("/v1/queues", headers=h).status_code == 200
    # only an admin may revoke: a moderator cannot revoke a colleague (or itself)
    assert client.delete("/v1/keys/bob", headers=alice).status_code == 403
    assert client.delete("/v1/keys/alice", headers=alice).status_code == 403
    assert client.get("/v1/queues", headers=bob).status_code == 200

    r = client.delete("/v1/keys/alice", headers=admin)
    assert r.status_code == 204, r.text
    assert r.content == b""

    refused = client.get("/v1/queues", headers=alice)
    assert refused.status_code == 401
    assert refused.json()["detail"] == "unknown or revoked API key"
    assert refused.headers["www-authenticate"] == "Bearer"
    assert (
        client.post("/v1/analyze", json={"comments": [{"text": "hi"}]}, headers=alice).status_code
        == 401
    )
    assert client.get("/v1/queues", headers=bob).status_code == 200
    assert client.get("/v1/queues", headers=admin).status_code == 200

    listed = _listed(client, admin)
    assert listed["alice"]["revoked_at"] is not None
    revoked_at = datetime.fromisoformat(str(listed["alice"]["revoked_at"]))
    assert revoked_at >= datetime.fromisoformat(str(listed["alice"]["created_at"]))
    assert listed["bob"]["revoked_at"] is None
    assert listed["ops"]["revoked_at"] is None

    # idempotent: revoking again is a 204 and keeps the first revocation time
    assert client.delete("/v1/keys/alice", headers=admin).status_code == 204
    assert _listed(client, admin)["alice"]["revoked_at"] == listed["alice"]["revoked_at"]
    assert client.get("/v1/queues", headers=alice).status_code == 401
    # the name of a revoked key stays taken (it is in claimed_by/labelled_by of the past)
    again = client.post("/v1/keys", json={"role": "score", "name": "alice"}, headers=admin)
    assert again.status_code == 409


def test_unknown_names_are_404_and_names_with_a_slash_work(
    client: TestClient, db: Database
) -> None:
    admin = _bearer(_token(db, "admin", "ops"))
    r = client.delete("/v1/keys/nobody", headers=admin)
    assert r.status_code == 404
    assert "no key named 'nobody'" in r.json()["detail"]
    team = _bearer(_token(db, "moderate", "team/shop a", "shop-a"))
    assert client.delete("/v1/keys/team/shop%20a", headers=admin).status_code == 204
    assert client.get("/v1/queues", headers=team).status_code == 401
    assert client.delete("/v1/keys/team", headers=admin).status_code == 404


def test_the_last_admin_key_cannot_be_revoked(client: TestClient, db: Database) -> None:
    first = _bearer(_token(db, "admin", "ops"))
    r = client.delete("/v1/keys/ops", headers=first)
    assert r.status_code == 409
    assert "last admin key" in r.json()["detail"]
    assert "triage keys create --role admin" in r.json()["hint"]
    assert client.get("/v1/keys", headers=first).status_code == 200  # still works
    assert _listed(client, first)["ops"]["revoked_at"] is None

    # with a second admin key, either may be revoked, by itself too
    second = _bearer(_token(db, "admin", "ops-2"))
    assert client.delete("/v1/keys/ops", headers=first).status_code == 204
    assert client.get("/v1/keys", headers=first).status_code == 401
    # a revoked admin key does not count: the second one is now the last
    r = client.delete("/v1/keys/ops-2", headers=second)
    assert r.status_code == 409
    assert client.get("/v1/keys", headers=second).status_code == 200
    # revoking the revoked one is still fine, and other roles are never "the last"
    assert client.delete("/v1/keys/ops", headers=second).status_code == 204
    _token(db, "moderate", "alice", "shop-a")
    assert client.delete("/v1/keys/alice", headers=second).status_code == 204


def _revoke_at_once(db: Database, names: list[str]) -> dict[str, str]:
    """Revoke each key from its own thread, all starting together: name -> revoked|conflict."""
    caller = Principal(0, "test", Role.ADMIN, frozenset())
    barrier = threading.Barrier(len(names))
    outcome: dict[str, str] = {}

    def revoke(name: str) -> None:
        barrier.wait()
        try:
            revoke_key(db, caller, name)
            outcome[name] = "revoked"
        except ConflictError:
            outcome[name] = "conflict"

    threads = [threading.Thread(target=revoke, args=(n,)) for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return outcome


def test_two_admins_revoking_each_other_at_once_leave_one_admin(db: Database) -> None:
    """Each request sees two admin keys; without the row locks both could revoke."""
    for round_ in range(4):
        names = [f"a{round_}", f"b{round_}"]
        for n in names:
            _token(db, "admin", n)
        outcome = _revoke_at_once(db, names)
        assert sorted(outcome.values()) == ["conflict", "revoked"], outcome
        with db.read() as s:
            assert len(repo.unrevoked_admin_ids(s)) == 1
        # revoke the survivor behind the API's back, so that the next pair is alone again
        survivor = next(n for n in names if outcome[n] == "conflict")
        with db.write() as s:
            key = repo.key_by_name(s, survivor)
            assert key is not None
            assert repo.revoke_key(s, key.id, utcnow())


def test_the_inbox_session_of_a_revoked_key_stops_working(client: TestClient, db: Database) -> None:
    admin = _bearer(_token(db, "admin", "ops"))
    assert (
        client.post("/login", json={"key": _token(db, "moderate", "alice", "shop-a")}).status_code
        == 200
    )
    assert client.get("/v1/queues").status_code == 200  # the cookie authorises the API
    assert client.get("/", follow_redirects=False).status_code == 200

    assert client.delete("/v1/keys/alice", headers=admin).status_code == 204

    assert client.get("/v1/queues").status_code == 401
    ingest = {"channel": "shop-a", "comments": [{"external_id": "x", "text": "hi"}]}
    assert client.post("/v1/comments", json=ingest, headers={CSRF_HEADER: "1"}).status_code == 401
    page = client.get("/", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/login"
