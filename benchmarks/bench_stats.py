"""Analytics latency: ``GET /v1/stats`` and ``GET /v1/stats/themes`` on 100,000 stored comments.

The comments (4 channels, 90 days, random queues, sentiments, tags, languages; 70% with a first
action 1 minute to 10 hours after ``created_at``) are written straight into a fresh database
(no scoring); 200 complaints of the last 7 days and 200 of the week before get a stored random
384-d vector each, so that the themes call measures the clustering, not the e5 model. Each
request is sent in-process (FastAPI's TestClient) 7 times after one warm-up; the table gives
the median and the slowest.

    python benchmarks/bench_stats.py                       # SQLite; ~1 min
    python benchmarks/bench_stats.py --postgres URL        # also PostgreSQL (a throwaway database:
                                                           # its tables are emptied)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402

from triage.pipeline.core import load_pipeline  # noqa: E402
from triage.service.api.app import create_app  # noqa: E402
from triage.service.auth import Role  # noqa: E402
from triage.service.moderation import create_key  # noqa: E402
from triage.service.replies import EMBEDDING_MODEL  # noqa: E402
from triage.service.settings import Settings  # noqa: E402
from triage.service.store import Database, upgrade  # noqa: E402
from triage.service.store.db import utcnow  # noqa: E402
from triage.service.store.models import Base, Channel, CommentEmbedding, StoredComment  # noqa: E402

RESULTS = REPO / "benchmarks" / "results"
N = 100_000
CHANNELS = ["shop-a", "cafe-b", "telco-c", "promo-d"]
QUEUES = ["urgent", "questions", "spam", "praise", "abuse", "other"]
LANGS = ["en", "vi", "ro", "ar", "fa", "es", "id"]
REQUESTS = [
    ("day, 30 days, all channels", "/v1/stats"),
    ("day, 30 days, one channel", "/v1/stats?channel=shop-a"),
    ("hour, 48 hours, all channels", "/v1/stats?bucket=hour"),
    ("week, 12 weeks, all channels", "/v1/stats?bucket=week"),
    ("hour, 41 days (984 buckets), all channels", "/v1/stats?bucket=hour&since={since41}"),
    ("day, 30 days, CSV", "/v1/stats?format=csv"),
    ("themes, 200 + 200 stored vectors", "/v1/stats/themes"),
]


def fill(db: Database, seed: int = 0) -> int:
    rng = random.Random(seed)
    now = utcnow()
    with db.write() as s:
        s.execute(insert(Channel), [{"name": c, "created_at": now} for c in CHANNELS])
        ids = {name: cid for cid, name in s.execute(text("SELECT id, name FROM channels"))}
    rows = []
    for i in range(N):
        created = now - timedelta(seconds=rng.randrange(90 * 86400))
        queue = rng.choice(QUEUES)
        acted = rng.random() < 0.7
        complaint = rng.random() < 0.15
        rows.append(
            {
                "channel_id": ids[rng.choice(CHANNELS)],
                "external_id": f"b{i}",
                "text": f"comment {i}",
                "author": None,
                "created_at": created,
                "ingested_at": created,
                "lang": rng.choice(LANGS),
                "lang_score": 0.9,
                "sentiment": rng.choice(["negative", "neutral", "positive"]),
                "sentiment_score": 0.0,
                **{
                    f"p_{k}": 0.1
                    for k in (
                        "negative",
                        "neutral",
                        "positive",
                        "question",
                        "complaint",
                        "spam",
                        "praise",
                        "abuse",
                        "urgent",
                    )
                },
                "tag_question": rng.random() < 0.2,
                "tag_complaint": complaint,
                "tag_spam": queue == "spam",
                "tag_praise": queue == "praise",
                "tag_abuse": queue == "abuse",
                "priority": 10,
                "queue": queue,
                "model": "bench",
                "reasons": [],
                "status": "open" if not acted else "replied",
                "first_action_at": created + timedelta(seconds=rng.randrange(60, 36000))
                if acted
                else None,
            }
        )
    with db.write() as s:
        for k in range(0, N, 5000):
            s.execute(insert(StoredComment), rows[k : k + 5000])
    # Stored vectors for the complaints the themes call reads (the newest 200 of each week).
    vec = np.random.default_rng(seed)
    with db.write() as s:
        for lo, hi in ((7, 0), (14, 7)):
            found = (
                s.execute(
                    text(
                        "SELECT id FROM comments WHERE tag_complaint AND created_at >= :a AND created_at < :b "
                        "ORDER BY created_at DESC, id DESC LIMIT 200"
                    ),
                    {"a": now - timedelta(days=lo), "b": now - timedelta(days=hi)},
                )
                .scalars()
                .all()
            )
            centres = vec.normal(size=(5, 384))
            s.execute(
                insert(CommentEmbedding),
                [
                    {
                        "comment_id": cid,
                        "model": EMBEDDING_MODEL,
                        "embedding": (centres[j % 5] + vec.normal(scale=0.8, size=384))
                        .astype(np.float32)
                        .tobytes(),
                        "created_at": now,
                    }
                    for j, cid in enumerate(found)
                ],
            )
    return N


def measure(url: str, label: str, pipeline: Any) -> dict[str, Any]:
    upgrade(url)
    db = Database(url)
    if db.dialect == "postgresql":
        names = ", ".join(t.name for t in Base.metadata.sorted_tables)
        with db.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    t0 = time.perf_counter()
    fill(db)
    filled = time.perf_counter() - t0
    _, token = create_key(db, Role.ADMIN, [])
    if db.dialect == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    db.dispose()
    h = {"Authorization": f"Bearer {token}"}
    since41 = (utcnow() - timedelta(days=41)).strftime("%Y-%m-%dT%H:%M:%SZ")
    out = {"database": label, "comments": N, "fill_s": round(filled, 1), "requests": []}
    settings = Settings(database_url=url, webhook_sender=False)
    with TestClient(create_app(settings, pipeline=pipeline)) as client:
        for name, path in REQUESTS:
            path = path.format(since41=since41)
            times = []
            for k in range(8):
                t = time.perf_counter()
                r = client.get(path, headers=h)
                dt = time.perf_counter() - t
                assert r.status_code == 200, r.text
                if k:
                    times.append(dt * 1000)
            body = r.json() if "csv" not in path else None
            extra = {}
            if body and "items" in body:
                extra = {
                    "buckets": len(body["items"]),
                    "counted": sum(i["comments"] for i in body["items"]),
                }
            if body and "themes" in body:
                extra = {"themes": len(body["themes"]), "clustered": body["clustered"]}
            out["requests"].append(
                {
                    "request": name,
                    "path": path,
                    "p50_ms": round(statistics.median(times), 1),
                    "max_ms": round(max(times), 1),
                    **extra,
                }
            )
            print(label, name, out["requests"][-1], flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--postgres", help="URL of a throwaway PostgreSQL database (emptied)")
    args = ap.parse_args()
    pipeline = load_pipeline()
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        runs.append(measure(f"sqlite:///{tmp}/bench.db", "SQLite", pipeline))
    if args.postgres:
        runs.append(measure(args.postgres, "PostgreSQL", pipeline))
    load = os.getloadavg()
    meta = {
        "date": datetime.now().strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "load_average": [round(x, 1) for x in load],
        "python": platform.python_version(),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "stats.json").write_text(json.dumps({"meta": meta, "runs": runs}, indent=2) + "\n")
    lines = [
        "# Analytics latency: GET /v1/stats and /v1/stats/themes on 100,000 comments",
        "",
        f"`python benchmarks/bench_stats.py{' --postgres URL' if args.postgres else ''}` "
        f"(raw numbers in `stats.json`). Run on {meta['date']}, {meta['machine']} (shared with other "
        f"jobs; load average {', '.join(map(str, meta['load_average']))}), Python {meta['python']}; "
        "in-process requests (FastAPI TestClient), median and slowest of 7 after a warm-up.",
        "",
        "100,000 comments in 4 channels over 90 days, 70% with a first action; the themes call "
        "reads 200 + 200 stored random vectors (5 blobs), so it measures the clustering "
        "(k-means, k = 2..8 by silhouette), not the e5 model.",
        "",
        "| database | request | buckets | p50 ms | max ms |",
        "|---|---|---:|---:|---:|",
    ]
    for run in runs:
        for r in run["requests"]:
            lines.append(
                f"| {run['database']} | {r['request']} | {r.get('buckets', '')} | {r['p50_ms']} | {r['max_ms']} |"
            )
    (RESULTS / "stats.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
