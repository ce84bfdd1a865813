"""Load benchmark of the HTTP service: latency and throughput of analyze and ingest.

The server is ``triage serve`` in its own process on 127.0.0.1; this script is the load
generator, in a second process. Scenarios:

* ``analyze-1``:   one comment per request, **open loop** at each ``--rate`` requests/s (latency is
  measured from each request's scheduled send time, so a server that falls behind is not
  flattered by the generator waiting for it);
* ``analyze-100``: 100 comments per request, closed loop with ``--concurrency`` clients;
* ``ingest-100``:  100 new comments per request into one channel, closed loop, on each database
  given (SQLite always; PostgreSQL with ``--postgres URL``).

    python benchmarks/bench_service.py         # ~1 min; writes benchmarks/results/service.*
    python benchmarks/bench_service.py --postgres "$(scripts/postgres start)"
    python benchmarks/bench_service.py --tier accurate --rate 20

Targets (issue 3): analyze-1 p99 <= 20 ms at 200 req/s (fast tier), <= 60 ms at 20 req/s
(accurate); ingest >= 1,000 comments/s in batches of 100.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.api.helpers import NORMAL, Server, empty_database  # noqa: E402
from triage.service.auth import Role  # noqa: E402
from triage.service.moderation import create_key  # noqa: E402
from triage.service.store import Database, upgrade  # noqa: E402

RESULTS = REPO / "benchmarks" / "results"


def percentiles(latencies: list[float]) -> dict[str, float]:
    """p50/p90/p99/max in milliseconds."""
    ms = sorted(x * 1000 for x in latencies)
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return {
        "p50_ms": round(q[49], 2),
        "p90_ms": round(q[89], 2),
        "p99_ms": round(q[98], 2),
        "max_ms": round(ms[-1], 2),
    }


def open_loop(
    url: str, headers: dict[str, str], rate: float, seconds: float, body: dict[str, Any]
) -> dict[str, Any]:
    """Send at a fixed rate from a pool of keep-alive clients; latency from the scheduled time."""
    todo: queue.Queue[float | None] = queue.Queue()
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def worker() -> None:
        with httpx.Client(headers=headers, timeout=30) as http:
            while (due := todo.get()) is not None:
                r = http.post(url, json=body)
                done = time.perf_counter()
                with lock:
                    latencies.append(done - due)
                    errors[0] += r.status_code != 200

    threads = [threading.Thread(target=worker) for _ in range(32)]
    for t in threads:
        t.start()
    start = time.perf_counter() + 0.2
    n = int(rate * seconds)
    for k in range(n):
        due = start + k / rate
        time.sleep(max(0.0, due - time.perf_counter()))
        todo.put(due)
    for _ in threads:
        todo.put(None)
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    return {
        "requests": n,
        "target_rps": rate,
        "achieved_rps": round(n / elapsed, 1),
        "errors": errors[0],
        **percentiles(latencies),
    }


def closed_loop(
    url: str, headers: dict[str, str], seconds: float, concurrency: int, make_body: Any
) -> dict[str, Any]:
    """``concurrency`` clients sending back to back for ``seconds``."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker(w: int) -> None:
        with httpx.Client(headers=headers, timeout=60) as http:
            i = 0
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                r = http.post(url, json=make_body(w, i))
                with lock:
                    latencies.append(time.perf_counter() - t0)
                    errors[0] += r.status_code != 200
                i += 1

    start = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(w,)) for w in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    return {
        "requests": len(latencies),
        "concurrency": concurrency,
        "rps": round(len(latencies) / elapsed, 1),
        "comments_per_s": round(100 * len(latencies) / elapsed, 0),
        "errors": errors[0],
        **percentiles(latencies),
    }


def texts(n: int, seed: int) -> list[dict[str, str]]:
    return [{"text": f"{NORMAL[(seed + i) % len(NORMAL)]} {seed}-{i}"} for i in range(n)]


def run(db_url: str, args: argparse.Namespace, log: Path, scenarios: list[str]) -> dict[str, Any]:
    upgrade(db_url)
    if db_url.startswith("postgresql"):
        empty_database(db_url)
    db = Database(db_url)
    headers = {"Authorization": f"Bearer {create_key(db, Role.ADMIN, [])[1]}"}
    db.dispose()
    # One key sends everything here: the per-key limits (on by default) would measure themselves.
    no_limits = {"TRIAGE_RATE_LIMIT_PER_MINUTE": "0", "TRIAGE_MAX_IN_FLIGHT_PER_KEY": "0"}
    server = Server(db_url, args.model, log, extra_env=no_limits)
    server.start()
    out: dict[str, Any] = {}
    try:
        warm = httpx.Client(base_url=server.url, headers=headers, timeout=30)
        for _ in range(50):
            warm.post("/v1/analyze", json={"comments": texts(1, 0), "tier": args.tier})
        warm.close()
        if "analyze-1" in scenarios:
            for rate in args.rate:
                out[f"analyze-1 at {rate:g}/s"] = open_loop(
                    f"{server.url}/v1/analyze",
                    headers,
                    rate,
                    args.seconds,
                    {"comments": texts(1, 1), "tier": args.tier},
                )
        if "analyze-100" in scenarios:
            out["analyze-100"] = closed_loop(
                f"{server.url}/v1/analyze",
                headers,
                args.seconds,
                args.concurrency,
                lambda w, i: {"comments": texts(100, i), "tier": args.tier},
            )
        if "ingest-100" in scenarios:

            def batch(w: int, i: int) -> dict[str, Any]:
                items = [
                    {"external_id": f"w{w}-{i}-{j}", "text": t["text"], "author": f"a{j}"}
                    for j, t in enumerate(texts(100, i))
                ]
                return {"channel": "bench", "comments": items}

            out["ingest-100"] = closed_loop(
                f"{server.url}/v1/comments", headers, args.seconds, args.concurrency, batch
            )
    finally:
        server.stop()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--model",
        type=Path,
        default=Path(os.environ.get("TRIAGE_TEST_MODEL", REPO / "models" / "triage-default")),
    )
    parser.add_argument(
        "--postgres", help="postgresql+psycopg:// URL of an empty, disposable database"
    )
    parser.add_argument("--tier", default="fast", choices=["fast", "accurate"])
    parser.add_argument(
        "--rate",
        type=float,
        nargs="+",
        default=[100.0, 200.0],
        help="analyze-1 requests per second (open loop), one run per rate",
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of each scenario")
    parser.add_argument(
        "--concurrency", type=int, default=2, help="clients of the closed-loop scenarios"
    )
    args = parser.parse_args()
    results: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "load_avg_at_start": os.getloadavg(),
        },
        "tier": args.tier,
        "seconds": args.seconds,
    }
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_url = f"sqlite:///{tmp}/bench.db"
        results["sqlite"] = run(
            sqlite_url, args, Path(tmp) / "server.log", ["analyze-1", "analyze-100", "ingest-100"]
        )
        if args.postgres:
            results["postgresql"] = run(
                args.postgres, args, Path(tmp) / "server-pg.log", ["ingest-100"]
            )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "service.json").write_text(json.dumps(results, indent=2) + "\n")
    load = results["machine"]["load_avg_at_start"][0]
    lines = [
        f"# Service benchmark ({args.tier} tier, {args.seconds:g} s per scenario)",
        "",
        (
            f"Machine: {os.cpu_count()} CPUs, load average at start {load:.1f}. "
            "Server: `triage serve` (1 worker); load generator: this script, "
            "a second process, on 127.0.0.1."
        ),
        "",
        "| database | scenario | requests | rate | comments/s | p50 ms | p99 ms | max ms | errors |",  # noqa: E501
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for dbname in ("sqlite", "postgresql"):
        for name, r in results.get(dbname, {}).items():
            rate = (
                f"{r['achieved_rps']}/{r['target_rps']:g} req/s"
                if "target_rps" in r
                else f"{r['rps']} req/s"
            )
            lines.append(
                f"| {dbname} | {name} | {r['requests']} | {rate} | {r.get('comments_per_s', '')} | "
                f"{r['p50_ms']} | {r['p99_ms']} | {r['max_ms']} | {r['errors']} |"
            )
    (RESULTS / "service.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))  # noqa: T201


if __name__ == "__main__":
    main()
