"""The real thing: ``triage serve`` in a subprocess on a loopback port, hit by many clients.

* 20 moderators claiming from the same queues at once never get the same comment;
* a server killed with SIGKILL in the middle of a stream of ingests has lost none of the comments
  it acknowledged (2xx) once it is restarted;
* ``triage serve --demo`` gives a newcomer sample data and a working admin key.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.api.helpers import Server, comments, running_server
from triage.service.auth import Role
from triage.service.moderation import create_key
from triage.service.store import Database
from triage.service.store.repo import channel_ids, comments_by_external_id

pytestmark = pytest.mark.slow

QUEUES = ["urgent", "questions", "spam", "praise", "other"]


def test_twenty_concurrent_claimers_never_get_the_same_comment(
    db_url: str, model_dir: Path, tmp_path: Path
) -> None:
    db = Database(db_url)
    admin = {"Authorization": f"Bearer {create_key(db, Role.ADMIN, [])[1]}"}
    moderators = [
        {"Authorization": f"Bearer {create_key(db, Role.MODERATE, ['shop-a'])[1]}"}
        for _ in range(20)
    ]
    db.dispose()
    with running_server(db_url, model_dir, tmp_path / "server.log") as server:
        stored: list[int] = []
        for start in range(0, 300, 100):
            r = httpx.post(
                f"{server.url}/v1/comments",
                headers=admin,
                timeout=60,
                json={"channel": "shop-a", "comments": comments(300)[start : start + 100]},
            )
            assert r.status_code == 200, r.text
            stored += [i["id"] for i in r.json()["items"]]
        claims: list[tuple[int, int]] = []  # (moderator, comment id)
        errors: list[str] = []
        barrier = threading.Barrier(20)

        def moderator(n: int) -> None:
            rng = random.Random(n)
            with httpx.Client(base_url=server.url, headers=moderators[n], timeout=60) as http:
                barrier.wait()
                while True:
                    got = 0
                    for queue in rng.sample(QUEUES, len(QUEUES)):
                        r = http.post(
                            f"/v1/queues/{queue}/claim", json={"limit": rng.randint(1, 4)}
                        )
                        if r.status_code != 200:
                            errors.append(f"{r.status_code} {r.text}")
                            return
                        claims.extend((n, i["id"]) for i in r.json()["items"])
                        got += len(r.json()["items"])
                    if got == 0:
                        return

        threads = [threading.Thread(target=moderator, args=(n,)) for n in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not errors, errors[:3]
    twice = [cid for cid, k in Counter(cid for _, cid in claims).items() if k > 1]
    assert twice == []
    assert sorted(cid for _, cid in claims) == sorted(stored)
    assert len({n for n, _ in claims}) > 1  # the work was actually shared


def test_sigkill_during_ingest_loses_no_acknowledged_comment(
    db_url: str, model_dir: Path, tmp_path: Path
) -> None:
    db = Database(db_url)
    headers = {"Authorization": f"Bearer {create_key(db, Role.ADMIN, [])[1]}"}
    server = Server(db_url, model_dir, tmp_path / "server.log")
    server.start()
    acknowledged: list[str] = []
    stop = threading.Event()

    def sender(n: int) -> None:
        with httpx.Client(base_url=server.url, headers=headers, timeout=30) as http:
            for batch in range(10_000):
                if stop.is_set():
                    return
                items = comments(5, f"w{n}-b{batch}-")
                try:
                    r = http.post("/v1/comments", json={"channel": "shop-a", "comments": items})
                except httpx.HTTPError:
                    return  # the server is gone: this batch was never acknowledged
                if r.status_code == 200:
                    acknowledged.extend(c["external_id"] for c in items)

    threads = [threading.Thread(target=sender, args=(n,)) for n in range(4)]
    try:
        for t in threads:
            t.start()
        deadline = time.monotonic() + 60
        while len(acknowledged) < 200 and time.monotonic() < deadline:
            time.sleep(0.05)
        server.kill()  # mid-stream: other requests are in flight
    finally:
        stop.set()
        for t in threads:
            t.join()
        server.stop()
    assert len(acknowledged) >= 200
    server.start()  # recovers the database it was killed on
    try:
        counts = httpx.get(f"{server.url}/v1/queues", headers=headers, timeout=30).json()
        open_total = sum(q["open"] for c in counts["channels"] for q in c["queues"].values())
    finally:
        server.stop()
    with db.read() as s:
        (cid,) = channel_ids(s, ["shop-a"])
        stored = comments_by_external_id(s, cid, acknowledged)
    db.dispose()
    missing = sorted(set(acknowledged) - set(stored))
    assert missing == []
    assert open_total >= len(set(acknowledged))


def test_serve_demo_loads_samples_and_prints_a_working_admin_key(
    db_url: str, model_dir: Path, tmp_path: Path
) -> None:
    log = tmp_path / "server.log"
    with running_server(db_url, model_dir, log, "--demo") as server:
        out = log.read_text()
        key = re.search(r"Admin key '[^']+' \(shown once\): (trg_\S+)", out)
        assert key, out
        r = httpx.get(
            f"{server.url}/v1/queues",
            headers={"Authorization": f"Bearer {key.group(1)}"},
            timeout=30,
        )
        assert r.status_code == 200
        channels = {c["channel"] for c in r.json()["channels"]}
        assert {"shop-a"} <= channels
        assert sum(q["open"] for c in r.json()["channels"] for q in c["queues"].values()) == 48
        assert httpx.get(f"{server.url}/docs", timeout=30).status_code == 200
        metrics = httpx.get(f"{server.url}/metrics", timeout=30).text
        assert 'triage_queue_depth{channel="shop-a"' in metrics
        assert "triage_http_request_duration_seconds" in metrics


def test_serve_with_two_workers_scores_and_stores_through_both(
    db_url: str, model_dir: Path, tmp_path: Path
) -> None:
    """``triage serve --workers 2`` on SQLite and PostgreSQL: two worker processes start, each
    loads the model, and concurrent analyze and ingest requests all succeed on the one database
    (analyze micro-batching and the key cache live in each worker)."""
    db = Database(db_url)
    admin = {"Authorization": f"Bearer {create_key(db, Role.ADMIN, [])[1]}"}
    db.dispose()
    log = tmp_path / "server.log"
    with running_server(db_url, model_dir, log, "--workers", "2") as server:
        texts = [f"Where is my order number {i}? I paid a week ago" for i in range(60)]

        def analyze(text: str) -> httpx.Response:
            return httpx.post(
                f"{server.url}/v1/analyze",
                headers=admin,
                json={"comments": [{"text": text}]},
                timeout=60,
            )

        def ingest(n: int) -> httpx.Response:
            return httpx.post(
                f"{server.url}/v1/comments",
                headers=admin,
                json={"channel": "shop-a", "comments": comments(10, prefix=f"w{n}-")},
                timeout=60,
            )

        with ThreadPoolExecutor(4) as pool:  # the per-key in-flight limit (4 per worker)
            answers = list(pool.map(analyze, texts))
            stored = list(pool.map(ingest, range(6)))
        assert all(r.status_code == 200 for r in answers), [
            r.text for r in answers if r.status_code != 200
        ][:3]
        assert all(r.status_code == 200 for r in stored), [
            r.text for r in stored if r.status_code != 200
        ][:3]
        assert sum(r.json()["created"] for r in stored) == 60
        # the same text gets the same judgement whichever worker answered it
        again = [analyze(texts[0]).json()["results"][0] for _ in range(8)]
        assert all(a == answers[0].json()["results"][0] for a in again)
        started = set(re.findall(r"Started server process \[(\d+)\]", log.read_text()))
        assert len(started) == 2, log.read_text()[-2000:]


@pytest.mark.parametrize("access_log", ["true", "false"])
def test_the_access_log_can_be_turned_off(
    access_log: str, sqlite_template: Path, model_dir: Path, tmp_path: Path
) -> None:
    """``TRIAGE_ACCESS_LOG=false``: no line per request in the server's output (the CPU it
    saves is measured by benchmarks/bench_service.py); the startup lines stay."""
    url = f"sqlite:///{tmp_path / 'triage.db'}"
    Path(tmp_path / "triage.db").write_bytes(sqlite_template.read_bytes())
    db = Database(url)
    key = {"Authorization": f"Bearer {create_key(db, Role.SCORE, [])[1]}"}
    db.dispose()
    log = tmp_path / "server.log"
    server = Server(url, model_dir, log, extra_env={"TRIAGE_ACCESS_LOG": access_log})
    server.start()
    try:
        r = httpx.post(
            f"{server.url}/v1/analyze", headers=key, json={"comments": [{"text": "hi"}]}, timeout=30
        )
        assert r.status_code == 200
    finally:
        server.stop()
    out = log.read_text()
    assert "Uvicorn running on" in out
    assert ('"POST /v1/analyze HTTP/1.1" 200' in out) is (access_log == "true")
