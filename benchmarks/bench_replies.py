"""Suggested replies: top-1 / top-3 accuracy across languages, and the latency of one suggestion.

The set is ``benchmarks/data/replies.jsonl`` (written for this benchmark; see its README entry):
20 saved replies of a clothing shop (15 in English, one each in Romanian, Vietnamese, Arabic and
Persian) and 125 comments in en, vi, ro, ar and fa: 20 per language that one reply answers, and 5
per language that none does (praise, greetings, spam, mentions), which should get no suggestion.

Ranking is exactly the service's (:mod:`triage.service.replies`): each reply's title and text
embedded with e5 and summed, the comment embedded, each vector's language removed, cosine
similarity. The comment's language is the one the model detects (as stored at ingest), the
replies' the one they were saved with. The script also reports plain cosine (languages kept) for
comparison, and a sweep of the minimum score.

Latency: each comment is ingested into a SQLite database with the 20 replies and
``GET /v1/comments/{id}/suggestions`` is timed in-process (FastAPI's TestClient; the embedder
already loaded), p50 / p90 / max.

    python benchmarks/bench_replies.py     # ~2 min; writes benchmarks/results/replies.*
    python benchmarks/bench_replies.py --build-centroids   # also rebuilds the centroids file

``--build-centroids`` writes the per-language mean e5 vectors the ranking subtracts: the mean
over the first 400 comments (by id) of each language of ``datasets/domain`` (the brand-page
corpus; none of this benchmark's texts), embedded through the training embedding cache.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from triage.pipeline.core import load_pipeline  # noqa: E402
from triage.pipeline.embed import Embedder, EmbeddingCache  # noqa: E402
from triage.service import replies  # noqa: E402

DATA = REPO / "benchmarks" / "data" / "replies.jsonl"
RESULTS = REPO / "benchmarks" / "results"
LANGS = ["en", "vi", "ro", "ar", "fa"]
PER_LANGUAGE = 400


def build_centroids(embedder: Embedder) -> None:
    """Write triage/service/reply_centroids.npz from datasets/domain (see the module doc)."""
    cache = EmbeddingCache(Path.home() / ".cache" / "triage" / "e5")
    langs, means = [], []
    for path in sorted((REPO / "datasets" / "domain").glob("*.jsonl")):
        rows = [json.loads(line) for line in path.open(encoding="utf-8")]
        texts = [r["text"] for r in sorted(rows, key=lambda r: r["id"])][:PER_LANGUAGE]
        langs.append(path.stem)
        means.append(cache.get(texts, embedder).mean(axis=0))
        print(f"{path.stem}: {len(texts)} comments", file=sys.stderr)  # noqa: T201
    np.savez(
        replies.CENTROIDS,
        langs=np.array(langs),
        centroids=np.stack(means).astype(np.float32),
        model=np.array(replies.EMBEDDING_MODEL),
    )


def load() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rows = [json.loads(line) for line in DATA.open(encoding="utf-8")]
    return [r for r in rows if r["kind"] == "reply"], [r for r in rows if r["kind"] == "question"]


def accuracy(
    scores: np.ndarray, ids: list[str], questions: list[dict[str, Any]], min_score: float
) -> dict[str, Any]:
    """Top-1 / top-3 per language and overall; with ``min_score``: how many answerable
    comments get the right reply first, and how many of the others get nothing."""
    out: dict[str, Any] = {}
    for lang in [*LANGS, "all"]:
        idx = [
            i
            for i, q in enumerate(questions)
            if q["reply"] and (lang == "all" or q["lang"] == lang)
        ]
        top = [[ids[j] for j in np.argsort(-scores[i], kind="stable")[:3]] for i in idx]
        gold = [questions[i]["reply"] for i in idx]
        out[lang] = {
            "n": len(idx),
            "top1": round(float(np.mean([t[0] == g for t, g in zip(top, gold, strict=True)])), 3),
            "top3": round(float(np.mean([g in t for t, g in zip(top, gold, strict=True)])), 3),
        }
    answerable = [i for i, q in enumerate(questions) if q["reply"]]
    others = [i for i, q in enumerate(questions) if not q["reply"]]
    out["threshold"] = {
        "min_score": min_score,
        "answered_right": round(
            float(
                np.mean(
                    [
                        scores[i].max() >= min_score
                        and ids[int(scores[i].argmax())] == questions[i]["reply"]
                        for i in answerable
                    ]
                )
            ),
            3,
        ),
        "answerable_with_nothing": round(
            float(np.mean([scores[i].max() < min_score for i in answerable])), 3
        ),
        "off_topic_with_nothing": round(
            float(np.mean([scores[i].max() < min_score for i in others])), 3
        ),
    }
    return out


def latency(reply_rows: list[dict[str, Any]], questions: list[dict[str, Any]]) -> dict[str, Any]:
    """Time GET /v1/comments/{id}/suggestions for every comment of the set (SQLite)."""
    from fastapi.testclient import TestClient

    from triage.service.api.app import create_app
    from triage.service.auth import Role
    from triage.service.moderation import create_key
    from triage.service.settings import Settings
    from triage.service.store import Database, upgrade

    pipeline = load_pipeline()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        db = Database(url)
        token = create_key(db, Role.ADMIN, [])[1]
        db.dispose()
        h = {"Authorization": f"Bearer {token}"}
        with TestClient(create_app(Settings(database_url=url), pipeline=pipeline)) as client:
            for r in reply_rows:
                body = {k: r[k] for k in ("title", "text", "lang")} | {"channel": "shop"}
                client.post("/v1/replies", json=body, headers=h).raise_for_status()
            comments = [
                {"external_id": str(i), "text": q["text"], "author": "Lan"}
                for i, q in enumerate(questions)
            ]
            r = client.post(
                "/v1/comments", json={"channel": "shop", "comments": comments}, headers=h
            )
            r.raise_for_status()
            ids = [item["id"] for item in r.json()["items"]]
            client.get(f"/v1/comments/{ids[0]}/suggestions", headers=h)  # warm
            times = []
            for cid in ids:
                t = time.perf_counter()
                client.get(f"/v1/comments/{cid}/suggestions", headers=h).raise_for_status()
                times.append(time.perf_counter() - t)
    ms = sorted(x * 1000 for x in times)
    q = statistics.quantiles(ms, n=10, method="inclusive")
    return {
        "requests": len(ms),
        "p50_ms": round(statistics.median(ms), 1),
        "p90_ms": round(q[8], 1),
        "max_ms": round(ms[-1], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build-centroids", action="store_true")
    parser.add_argument("--no-latency", action="store_true")
    args = parser.parse_args()
    pipeline = load_pipeline()
    embedder = pipeline.embedder
    if args.build_centroids:
        build_centroids(embedder)
        replies._centroids.cache_clear()
    reply_rows, questions = load()
    ids = [r["id"] for r in reply_rows]
    t = time.perf_counter()
    R = np.stack([replies.reply_vector(embedder, r["title"], r["text"]) for r in reply_rows])
    Q = embedder.embed([q["text"] for q in questions])
    embed_s = time.perf_counter() - t
    detected = [g.lang for g in pipeline.detector.detect([q["text"] for q in questions])]
    reply_langs: list[str | None] = [r["lang"] for r in reply_rows]
    centred = np.stack(
        [replies.rank(Q[i], detected[i], R, reply_langs) for i in range(len(questions))]
    )
    plain = Q @ R.T
    from triage.service.settings import Settings

    min_score = Settings().reply_min_score
    sweep = []
    for m in np.round(np.arange(0.10, 0.41, 0.02), 2):
        acc = accuracy(centred, ids, questions, float(m))["threshold"]
        sweep.append(acc)
    result = {
        "set": {"replies": len(reply_rows), "comments": len(questions)},
        "languages_removed": accuracy(centred, ids, questions, min_score),
        "plain_cosine": accuracy(plain, ids, questions, 2.0),
        "sweep": sweep,
        "detected_lang_wrong": sum(
            d != q["lang"] for d, q in zip(detected, questions, strict=True)
        ),
        "embed_seconds": round(embed_s, 1),
        "latency": None if args.no_latency else latency(reply_rows, questions),
        "machine": f"{platform.machine()}, {platform.python_version()}",
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "replies.json").write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))  # noqa: T201


if __name__ == "__main__":
    main()
