"""Where the time of an ingest goes: ``POST /v1/comments`` with 100 new comments.

Two views, both written to ``benchmarks/results/ingest_profile.{md,json}``:

* **in process** (``moderation.ingest`` on a temporary SQLite, no HTTP): the wall time of one
  ingest of 100 comments per tier, next to scoring the same 100 comments alone
  (``Pipeline.score_batch``), and the time spent in each step of the ingest (timers around the
  store functions, the uncertainty and row building, and the write transaction as a whole);
* **the server** (``--py-spy``): ``triage serve --workers 1`` under two closed-loop clients
  sending ingest-100, sampled by py-spy (``--subprocesses``, active threads only); the share of
  the samples in each part of the ingest path.

    python benchmarks/profile_ingest.py              # in process, both tiers (~1 min)
    python benchmarks/profile_ingest.py --py-spy     # and the server, both tiers (+1 min)
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import functools
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_service import texts  # noqa: E402

from tests.api.helpers import Server  # noqa: E402
from triage.pipeline import load_pipeline  # noqa: E402
from triage.service import alerts, moderation  # noqa: E402
from triage.service.auth import Principal, Role  # noqa: E402
from triage.service.moderation import NewComment, create_key, ingest  # noqa: E402
from triage.service.settings import Settings  # noqa: E402
from triage.service.store import Database, repo, upgrade  # noqa: E402
from triage.types import Comment, Tier  # noqa: E402

RESULTS = REPO / "benchmarks" / "results"
MODEL = Path(os.environ.get("TRIAGE_TEST_MODEL", REPO / "models" / "triage-default"))

#: (module, function) timed inside an ingest
STEPS = [
    (repo, "channel_ids"),
    (repo, "comments_by_external_id"),
    (repo, "get_or_create_channel"),
    (repo, "insert_comments"),
    (repo, "insert_buckets"),
    (alerts, "enqueue_comments"),
    (moderation, "uncertainties"),
    (moderation, "_row"),
    (moderation, "_group_campaigns"),
]

#: parts of the server's stacks (a sample counts in every part one of its frames names)
PARTS = {
    "moderation.ingest (all of it)": "ingest (triage/service/moderation.py",
    "scoring (Pipeline.score_arrays)": "score_arrays (triage/pipeline/core.py",
    "encoder: onnxruntime run": "_run (triage/pipeline/encoder.py",
    "encoder: tokenizer": "windows (triage/pipeline/encoder.py",
    "heads on the embeddings": "decision (triage/pipeline/heads.py",
    "uncertainty": "uncertaint",
    "rows (_row)": "_row (triage/service/moderation.py",
    "insert_comments": "insert_comments (triage/service/store/repo.py",
    "comments_by_external_id": "comments_by_external_id (triage/service/store/repo.py",
    "get_or_create_channel (incl. waiting for the write lock)": "get_or_create_channel (",
    "commit": "commit (",
    "webhook outbox (enqueue_comments)": "enqueue_comments (",
    "response items (ItemOut.of)": "of (triage/service/api/schemas.py",
}


def in_process(tier: Tier, n: int) -> dict[str, Any]:
    """Mean ms of an ingest of 100 new comments, of scoring them alone, and of each step."""
    spent: collections.Counter[str] = collections.Counter()
    originals = []
    for module, name in STEPS:
        fn = getattr(module, name)
        originals.append((module, name, fn))

        def timed(*a: Any, _fn: Callable[..., Any] = fn, _name: str = name, **k: Any) -> Any:
            t = time.perf_counter()
            try:
                return _fn(*a, **k)
            finally:
                spent[_name] += time.perf_counter() - t

        setattr(module, name, functools.wraps(fn)(timed))
    pipeline = load_pipeline(MODEL)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/ingest.db"
        upgrade(url)
        db = Database(url)
        write = db.write

        @contextlib.contextmanager
        def timed_write() -> Iterator[Any]:
            t = time.perf_counter()
            with write() as s:
                yield s
            spent["write transaction (all of it)"] += time.perf_counter() - t

        db.write = timed_write  # type: ignore[method-assign]
        admin = Principal(1, "profile", Role.ADMIN, frozenset())
        settings = Settings(ingest_tier=tier)

        def one(i: int) -> None:
            batch = texts(100, i)
            items = [NewComment(f"p{i}-{j}", t["text"], f"a{j}") for j, t in enumerate(batch)]
            ingest(db, pipeline, settings, admin, "bench", items)

        one(0)  # loads the encoder
        spent.clear()
        t0 = time.perf_counter()
        for i in range(1, n + 1):
            one(i)
        total = (time.perf_counter() - t0) / n
        # texts of the same kind, not seen before (as the ingests' were)
        batches = [[Comment(t["text"]) for t in texts(100, 1000 + i)] for i in range(n)]
        t0 = time.perf_counter()
        for batch in batches:
            pipeline.score_batch(batch, tier)
        score = (time.perf_counter() - t0) / n
        db.dispose()
    for module, name, fn in originals:
        setattr(module, name, fn)
    return {
        "tier": tier.value,
        "ingests": n,
        "ingest_ms": round(1000 * total, 1),
        "score_alone_ms": round(1000 * score, 1),
        "steps_ms": {k: round(1000 * v / n, 2) for k, v in spent.most_common()},
    }


def server_profile(tier: str, seconds: int, out: Path) -> dict[str, Any]:
    """py-spy samples of ``triage serve`` under two ingest-100 clients, by part of the path."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/spy.db"
        upgrade(url)
        db = Database(url)
        token = create_key(db, Role.ADMIN, [])[1]
        db.dispose()
        env = {
            "TRIAGE_RATE_LIMIT_PER_MINUTE": "0",
            "TRIAGE_MAX_IN_FLIGHT_PER_KEY": "0",
            "TRIAGE_INGEST_TIER": tier,
        }
        server = Server(url, MODEL, Path(tmp) / "server.log", "--workers", "1", extra_env=env)
        server.start()
        stop = threading.Event()

        def client(w: int) -> None:
            with httpx.Client(
                base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=120
            ) as http:
                i = 0
                while not stop.is_set():
                    items = [
                        {"external_id": f"w{w}-{i}-{j}", "text": t["text"], "author": f"a{j}"}
                        for j, t in enumerate(texts(100, i))
                    ]
                    http.post("/v1/comments", json={"channel": "bench", "comments": items})
                    i += 1

        threads = [threading.Thread(target=client, args=(w,)) for w in range(2)]
        try:
            for t in threads:
                t.start()
            time.sleep(3)
            assert server.proc is not None
            spy = Path(sys.executable).parent / "py-spy"
            subprocess.run(
                [str(spy), "record", "--pid", str(server.proc.pid), "--subprocesses", "-d",
                 str(seconds), "-r", "50", "-f", "raw", "-o", str(out), "--nonblocking"],
                check=True,
                capture_output=True,
            )
        finally:
            stop.set()
            for t in threads:
                t.join()
            server.stop()
    total = 0
    parts: collections.Counter[str] = collections.Counter()
    for line in out.read_text().splitlines():
        stack, count = line.rsplit(" ", 1)
        total += int(count)
        for part, needle in PARTS.items():
            if needle in stack:
                parts[part] += int(count)
    return {
        "tier": tier,
        "seconds": seconds,
        "samples": total,
        "share_pct": {p: round(100 * parts[p] / max(total, 1), 1) for p in PARTS},
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--ingests", type=int, default=10, help="ingests timed per tier")
    parser.add_argument("--py-spy", action="store_true", help="also profile a server with py-spy")
    parser.add_argument("--seconds", type=int, default=20, help="py-spy duration per tier")
    args = parser.parse_args()
    load = [os.getloadavg()[0]]
    results: dict[str, Any] = {
        "command": " ".join(["python", *sys.argv]),
        "in_process": [in_process(t, args.ingests) for t in (Tier.FAST, Tier.ACCURATE)],
    }
    load.append(os.getloadavg()[0])
    if args.py_spy:
        with tempfile.TemporaryDirectory() as tmp:
            results["server"] = [
                server_profile(t, args.seconds, Path(tmp) / f"{t}.txt")
                for t in ("accurate", "fast")
            ]
        load.append(os.getloadavg()[0])
    results["load_avg_1min"] = load
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "ingest_profile.json").write_text(json.dumps(results, indent=2) + "\n")
    text = report(results)
    (RESULTS / "ingest_profile.md").write_text(text)
    print(text)  # noqa: T201


def report(results: dict[str, Any]) -> str:
    """The markdown of ``results``."""
    loads = ", ".join(f"{x:.1f}" for x in results["load_avg_1min"])
    lines = [
        "# Where an ingest of 100 comments spends its time",
        "",
        f"`{results['command']}` (`benchmarks/profile_ingest.py`). Machine: {os.cpu_count()} CPUs "
        f"shared with other work (1-minute load average {loads} at the start, between the parts "
        "and at the end): compare figures within a column, not across runs.",
        "",
        "## In process (`moderation.ingest`, SQLite, no HTTP)",
        "",
        "Mean milliseconds per ingest of 100 new comments; *score alone* is `score_batch` of "
        "100 other comments of the same kind at the same tier. Steps are nested (the write "
        "transaction holds insert_comments, the second comments_by_external_id, "
        "get_or_create_channel and the webhook outbox), so they do not add up.",
        "",
    ]
    runs = results["in_process"]
    steps = list(dict.fromkeys(k for r in runs for k in r["steps_ms"]))
    lines += [
        "| | " + " | ".join(f"{r['tier']} tier" for r in runs) + " |",
        "|---|" + "---:|" * len(runs),
        "| **ingest** | " + " | ".join(f"**{r['ingest_ms']}**" for r in runs) + " |",
        "| score alone | " + " | ".join(str(r["score_alone_ms"]) for r in runs) + " |",
        "| ingest - score | "
        + " | ".join(f"{r['ingest_ms'] - r['score_alone_ms']:.1f}" for r in runs)
        + " |",
    ]
    lines += [
        f"| {s} | " + " | ".join(str(r["steps_ms"].get(s, "")) for r in runs) + " |" for s in steps
    ]
    if "server" in results:
        spies = results["server"]
        lines += [
            "",
            "## The server (py-spy)",
            "",
            "`triage serve --workers 1` on SQLite with `TRIAGE_INGEST_TIER` set, two closed-loop "
            "clients sending 100 new comments per request; py-spy samples its active threads 50 "
            "times a second. Share of the samples whose stack passes through each part (nested "
            "parts overlap).",
            "",
            "| part | " + " | ".join(f"{s['tier']} tier" for s in spies) + " |",
            "|---|" + "---:|" * len(spies),
            "| samples | " + " | ".join(str(s["samples"]) for s in spies) + " |",
        ]
        lines += [
            f"| {p} | " + " | ".join(f"{s['share_pct'][p]}%" for s in spies) + " |" for p in PARTS
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
