"""Load benchmark of the HTTP service: latency and throughput of analyze and ingest.

The server is ``triage serve`` in its own process on 127.0.0.1; this script is the load
generator, in a second process. Scenarios:

* ``analyze-1``:   one comment per request, **open loop** at each ``--rate`` requests/s (latency is
  measured from each request's scheduled send time, so a server that falls behind is not
  flattered by the generator waiting for it), with each ``--workers`` count, and with the
  server of ``--baseline-src`` too (an older checkout) for ratios measured in the same run. The
  client is raw asyncio sockets with pre-built keep-alive requests, cheap next to the server on
  the same cores; its CPU and the server's are reported;
* ``analyze-100``: 100 comments per request, closed loop with ``--concurrency`` clients;
* ``ingest-100``:  100 new comments per request into one channel, closed loop, on each database
  given (SQLite always; PostgreSQL with ``--postgres URL``), with the server's ingest tier set to
  each of ``--ingest-tiers`` (``TRIAGE_INGEST_TIER``; the server's default is the accurate tier).

The batch scenarios run ``analyze-100`` at each of ``--batch-tiers`` too, so an ingest is compared
with scoring the same comments at the same tier: what ingest adds is the difference. With
``--baseline-src`` they run against both servers, ``--rounds`` times, alternating which goes
first; server CPU per comment is reported next to the rates (the cores are shared).

    python benchmarks/bench_service.py         # ~4 min; writes benchmarks/results/service.*
    git worktree add /tmp/old <commit>; cp triage/pipeline/_native*.so /tmp/old/triage/pipeline/
    python benchmarks/bench_service.py --baseline-src /tmp/old   # old and new side by side
    python benchmarks/bench_service.py --postgres "$(scripts/postgres start)"
    python benchmarks/bench_service.py --tier accurate --rate 20 --workers 1

Targets: analyze-1 p99 <= 10 ms at 500 req/s on 2 cores (issue 13, fast tier), <= 60 ms at
20 req/s (accurate); ingest >= 1,000 comments/s in batches of 100 with the fast tier. An ingest at
the accurate tier (the default) is bound by the scoring (~93% of the server's time, the encoder's
onnxruntime run ~80%: ``benchmarks/profile_ingest.py``, ``results/ingest_profile.md``), so it
runs at about the rate of ``analyze-100`` at the accurate tier.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import psutil

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


class _Conn:
    """One keep-alive HTTP/1.1 connection that sends pre-built request bytes."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    async def request(self, raw: bytes) -> int:
        """Send ``raw``, read one response; its status code."""
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        if length:
            await self.reader.readexactly(length)
        return status


def _raw_post(url: str, headers: dict[str, str], body: dict[str, Any]) -> tuple[str, int, bytes]:
    """(host, port, the whole request) for a POST of ``body`` as JSON to ``url``."""
    parsed = urlsplit(url)
    data = json.dumps(body).encode()
    lines = [
        f"POST {parsed.path} HTTP/1.1",
        f"Host: {parsed.netloc}",
        "Content-Type: application/json",
        f"Content-Length: {len(data)}",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + data
    return parsed.hostname or "127.0.0.1", parsed.port or 80, raw


def open_loop(
    url: str,
    headers: dict[str, str],
    rate: float,
    seconds: float,
    bodies: list[dict[str, Any]],
    connections: int = 64,
) -> dict[str, Any]:
    """Send at a fixed rate; latency from each request's *scheduled* time (open loop).

    The client is raw asyncio over ``connections`` pre-opened keep-alive sockets with the
    request bytes built once (cycling through ``bodies``), so it costs little CPU next to the
    server on the same cores (its own CPU use is reported). A request whose turn comes while
    every connection is busy waits for one, and that wait counts in its latency: the generator
    never slows down to the server's pace, so queueing in the server shows up in the
    percentiles."""
    built = [_raw_post(url, headers, body) for body in bodies]
    host, port = built[0][:2]
    raws = [raw for _, _, raw in built]

    async def main() -> tuple[list[float], int]:
        idle: asyncio.Queue[_Conn] = asyncio.Queue()
        for _ in range(connections):
            idle.put_nowait(_Conn(*await asyncio.open_connection(host, port)))
        latencies: list[float] = []
        errors = 0

        async def one(due: float, raw: bytes) -> None:
            nonlocal errors
            conn = await idle.get()
            try:
                status = await conn.request(raw)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                errors += 1
                conn = _Conn(*await asyncio.open_connection(host, port))
            else:
                latencies.append(time.perf_counter() - due)
                errors += status != 200
            idle.put_nowait(conn)

        loop = asyncio.get_running_loop()
        tasks = []
        start = time.perf_counter() + 0.1
        for k in range(int(rate * seconds)):
            due = start + k / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(loop.create_task(one(due, raws[k % len(raws)])))
        await asyncio.gather(*tasks)
        while not idle.empty():
            idle.get_nowait().writer.close()
        return latencies, errors

    cpu0, t0 = time.process_time(), time.perf_counter()
    latencies, errors = asyncio.run(main())
    elapsed = time.perf_counter() - t0
    n = int(rate * seconds)
    return {
        "requests": n,
        "target_rps": rate,
        "achieved_rps": round(n / elapsed, 1),
        "errors": errors,
        "client_cpu_pct": round(100 * (time.process_time() - cpu0) / elapsed, 1),
        **percentiles(latencies),
    }


def closed_loop(
    url: str,
    headers: dict[str, str],
    seconds: float,
    concurrency: int,
    make_body: Any,
    server: Server | None = None,
) -> dict[str, Any]:
    """``concurrency`` clients sending back to back for ``seconds`` (with ``server``: its CPU)."""
    load = os.getloadavg()[0]
    cpu = _ServerCpu(server) if server is not None else None
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
    out = {
        "requests": len(latencies),
        "concurrency": concurrency,
        "rps": round(len(latencies) / elapsed, 1),
        "comments_per_s": round(100 * len(latencies) / elapsed, 0),
        "errors": errors[0],
        **percentiles(latencies),
        "load_avg_1min": round(load, 2),
    }
    if cpu is not None:
        server_cpu = cpu.pct()
        out["server_cpu_pct"] = server_cpu
        # CPU seconds per second / comments per second, in ms
        out["server_cpu_ms_per_comment"] = round(
            10 * server_cpu / max(out["comments_per_s"], 1e-9), 3
        )
    return out


class _ServerCpu:
    """CPU used by the server process and its children (uvicorn workers) since creation, as a
    percentage of one core."""

    def __init__(self, server: Server) -> None:
        assert server.proc is not None
        self.proc = psutil.Process(server.proc.pid)
        self.t0, self.cpu0 = time.perf_counter(), self._cpu()

    def _cpu(self) -> float:
        total = 0.0
        for p in [self.proc, *self.proc.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                t = p.cpu_times()
                total += t.user + t.system
        return total

    def pct(self) -> float:
        return round(100 * (self._cpu() - self.cpu0) / (time.perf_counter() - self.t0), 1)


def texts(n: int, seed: int) -> list[dict[str, str]]:
    return [{"text": f"{NORMAL[(seed + i) % len(NORMAL)]} {seed}-{i}"} for i in range(n)]


def _key_with(env: dict[str, str], db_url: str) -> str:
    """Migrate ``db_url`` and create an admin key with the code ``env`` points at (an older
    checkout has older migrations and models)."""
    script = (
        "from triage.service.store import Database, upgrade\n"
        "from triage.service.moderation import create_key\n"
        "from triage.service.auth import Role\n"
        f"upgrade({db_url!r})\n"
        f"print(create_key(Database({db_url!r}), Role.ADMIN, [])[1])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip().splitlines()[-1]


def run(
    db_url: str,
    args: argparse.Namespace,
    log: Path,
    scenarios: list[str],
    *,
    workers: int,
    src: Path | None = None,
    ingest_tier: str | None = None,
    batch_tiers: tuple[str, ...] = (),
    tag: str = "",
) -> dict[str, Any]:
    """Start ``triage serve --workers N`` (from the source tree ``src``, default this one) on
    ``db_url`` and run ``scenarios`` against it: ``analyze-100`` once per tier of
    ``batch_tiers`` (keys ``analyze-100 <tier>``), ``ingest-100`` with the server's ingest tier
    set to ``ingest_tier`` (key ``ingest-100 <tier>``; external ids start with ``tag``)."""
    # One key sends everything here: the per-key limits (on by default) would measure themselves.
    env = {"TRIAGE_RATE_LIMIT_PER_MINUTE": "0", "TRIAGE_MAX_IN_FLIGHT_PER_KEY": "0"}
    if ingest_tier is not None:
        env["TRIAGE_INGEST_TIER"] = ingest_tier
    if db_url.startswith("postgresql"):  # every run starts from empty tables
        upgrade(db_url)  # (a --baseline-src on PostgreSQL needs the same migrations)
        empty_database(db_url)
    if src is not None:  # another checkout (an older commit, for a same-run comparison)
        env["PYTHONPATH"] = str(src.resolve())
        env["PYTHONSAFEPATH"] = "1"  # `python -c` would put the cwd (this checkout) first
        token = _key_with(env, db_url)
    else:
        upgrade(db_url)
        db = Database(db_url)
        token = create_key(db, Role.ADMIN, [])[1]
        db.dispose()
    headers = {"Authorization": f"Bearer {token}"}
    env.update(dict(kv.split("=", 1) for kv in args.server_env))
    server = Server(db_url, args.model, log, "--workers", str(workers), extra_env=env)
    server.start()
    out: dict[str, Any] = {}
    try:
        warm = httpx.Client(base_url=server.url, headers=headers, timeout=60)
        for tier in {args.tier, *batch_tiers, *([ingest_tier] if ingest_tier else [])}:
            for _ in range(100 if tier == args.tier else 3):  # the accurate tier loads its encoder
                warm.post("/v1/analyze", json={"comments": texts(1, 0), "tier": tier})
        warm.close()
        if "analyze-1" in scenarios:
            for rate in args.rate:
                load = os.getloadavg()[0]
                cpu = _ServerCpu(server)
                r = open_loop(
                    f"{server.url}/v1/analyze",
                    headers,
                    rate,
                    args.seconds,
                    [{"comments": texts(1, i), "tier": args.tier} for i in range(len(NORMAL))],
                )
                server_cpu = cpu.pct()
                out[f"analyze-1 at {rate:g}/s"] = r | {
                    "server_cpu_pct": server_cpu,
                    "server_cpu_ms_per_request": round(10 * server_cpu / r["achieved_rps"], 3),
                    "load_avg_1min": round(load, 2),
                }
        if "analyze-100" in scenarios:
            for tier in batch_tiers:
                out[f"analyze-100 {tier}"] = closed_loop(
                    f"{server.url}/v1/analyze",
                    headers,
                    args.seconds,
                    args.concurrency,
                    lambda w, i, tier=tier: {"comments": texts(100, i), "tier": tier},
                    server,
                )
        if "ingest-100" in scenarios:

            def batch(w: int, i: int) -> dict[str, Any]:
                items = [
                    {"external_id": f"{tag}w{w}-{i}-{j}", "text": t["text"], "author": f"a{j}"}
                    for j, t in enumerate(texts(100, i))
                ]
                return {"channel": "bench", "comments": items}

            out[f"ingest-100 {ingest_tier or 'default'}"] = closed_loop(
                f"{server.url}/v1/comments", headers, args.seconds, args.concurrency, batch, server
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
        default=[100.0, 200.0, 300.0, 500.0],
        help="analyze-1 requests per second (open loop), one run per rate",
    )
    parser.add_argument(
        "--workers",
        type=int,
        nargs="+",
        default=[1, 2],
        help="`triage serve --workers N`: analyze-1 runs with each; the other scenarios with "
        "the first",
    )
    parser.add_argument(
        "--baseline-src",
        type=Path,
        help="also run every scenario against the server of this source tree (an older commit: "
        "`git worktree add /tmp/old <commit>`), alternating with this one, for ratios measured "
        "in the same run",
    )
    parser.add_argument(
        "--server-env",
        nargs="*",
        default=[],
        metavar="NAME=VALUE",
        help="extra environment of the server (e.g. TRIAGE_ANALYZE_BATCHING=0)",
    )
    parser.add_argument(
        "--scenarios",
        nargs="+",
        default=["analyze-1", "analyze-100", "ingest-100"],
        choices=["analyze-1", "analyze-100", "ingest-100"],
    )
    parser.add_argument(
        "--batch-tiers",
        nargs="+",
        default=["fast", "accurate"],
        choices=["fast", "accurate"],
        help="tiers of analyze-100 (the request's `tier`)",
    )
    parser.add_argument(
        "--ingest-tiers",
        nargs="+",
        default=["accurate", "fast"],
        choices=["fast", "accurate"],
        help="ingest-100 with the server's TRIAGE_INGEST_TIER set to each (accurate: the default)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="batch scenarios: runs of each server, alternating current and baseline",
    )
    parser.add_argument(
        "--out", type=Path, default=RESULTS / "service", help="results file stem (.md and .json)"
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
        "command": " ".join(["python", *sys.argv]),
        "tier": args.tier,
        "seconds": args.seconds,
        "server_env": args.server_env,
        "analyze-1": [],
    }
    codes: list[tuple[str, Path | None]] = [("current", None)]
    if args.baseline_src:
        codes.insert(0, ("baseline", args.baseline_src))
        results["baseline_src"] = str(args.baseline_src)
        results["baseline_commit"] = _commit(args.baseline_src)
    results["current_commit"] = _commit(REPO)
    results["nice"] = os.nice(0)
    with tempfile.TemporaryDirectory() as tmp:
        if "analyze-1" in args.scenarios:
            for workers in args.workers:
                for code, src in codes:
                    url = f"sqlite:///{tmp}/bench-{code}-{workers}.db"
                    log = Path(tmp) / f"server-{code}-{workers}.log"
                    out = run(url, args, log, ["analyze-1"], workers=workers, src=src)
                    for r in out.values():
                        results["analyze-1"].append({"code": code, "workers": workers, **r})
        results["batches"] = run_batches(args, codes, Path(tmp))
    results["machine"]["load_avg_at_end"] = os.getloadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps(results, indent=2) + "\n")
    text = report(results, args)
    args.out.with_suffix(".md").write_text(text)
    print(text)  # noqa: T201


def run_batches(
    args: argparse.Namespace, codes: list[tuple[str, Path | None]], tmp: Path
) -> list[dict[str, Any]]:
    """The batch scenarios (analyze-100, ingest-100) on each database, each code, ``--rounds``
    times; in each round the codes go in turn, the first of the last round going last."""
    dbs = [("sqlite", None)] + ([("postgresql", args.postgres)] if args.postgres else [])
    rows: list[dict[str, Any]] = []
    n = 0
    for rnd in range(args.rounds):
        order = codes if rnd % 2 == 0 else codes[::-1]
        for database, pg_url in dbs:
            for code, src in order:
                # one server per ingest tier (TRIAGE_INGEST_TIER); analyze-100 with the first
                plans: list[tuple[list[str], str | None]] = []
                if "ingest-100" in args.scenarios:
                    plans += [(["ingest-100"], t) for t in args.ingest_tiers]
                if "analyze-100" in args.scenarios and database == "sqlite":
                    if plans:
                        plans[0] = (["analyze-100", "ingest-100"], plans[0][1])
                    else:
                        plans.append((["analyze-100"], None))
                for scenarios, ingest_tier in plans:
                    n += 1
                    url = pg_url or f"sqlite:///{tmp}/batch-{n}.db"
                    out = run(
                        url,
                        args,
                        tmp / f"server-batch-{n}.log",
                        scenarios,
                        workers=args.workers[0],
                        src=src,
                        ingest_tier=ingest_tier,
                        batch_tiers=tuple(args.batch_tiers),
                        tag=f"r{n}-",
                    )
                    for name, r in out.items():
                        scenario, tier = name.split(" ")
                        rows.append(
                            {"database": database, "scenario": scenario, "tier": tier,
                             "code": code, "round": rnd + 1, **r}
                        )
    return rows


def _commit(src: Path) -> str:
    """The commit checked out in ``src`` (``+`` when it has uncommitted changes)."""
    git = ["git", "-C", str(src)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run([*git, "diff", "--quiet", "HEAD"], capture_output=True).returncode
    return head.stdout.strip() + ("+" if dirty else "")


def report(results: dict[str, Any], args: argparse.Namespace) -> str:
    """The markdown of ``results``."""
    start, end = (
        results["machine"]["load_avg_at_start"][0],
        results["machine"]["load_avg_at_end"][0],
    )
    env = f" with {' '.join(args.server_env)}" if args.server_env else ""
    lines = [
        f"# Service benchmark (analyze-1 at the {args.tier} tier, {args.seconds:g} s per scenario)",
        "",
        f"`{results['command']}`",
        "",
        f"Machine: {os.cpu_count()} CPUs shared with other work (1-minute load average {start:.1f} "
        f"at the start, {end:.1f} at the end; per scenario in the table). Server: `triage serve "
        f"--workers N`{env} on SQLite (the batch scenarios on PostgreSQL too with `--postgres`); "
        f"load generator: this script, one process on the same "
        f"cores, over 127.0.0.1; both at nice {results['nice']}. Code: current = "
        f"{results['current_commit']}"
        + (
            f", baseline = {results['baseline_commit']} (`--baseline-src`)"
            if "baseline_commit" in results
            else ""
        )
        + ".",
    ]
    rows = results["analyze-1"]
    base = {(r["workers"], r["target_rps"]): r for r in rows if r["code"] == "baseline"}
    if rows:
        lines += [
            "",
            "## analyze-1: one comment per request, open loop",
            "",
            "Requests are sent on a fixed schedule whatever the server does; latency is measured "
            "from each request's scheduled time, so queueing in the server is counted. Client and "
            "server CPU: % of one core during the scenario (server: all its processes); ms/req: "
            "server CPU time per request.",
            "",
            "| workers | rate req/s | code | achieved | p50 ms | p90 ms | p99 ms | max ms | errors "
            "| client CPU % | server CPU % | server ms/req | load | p99 baseline/current |",
            "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
    for r in rows:
        b = base.get((r["workers"], r["target_rps"]))
        ratio = (
            f"{b['p99_ms'] / r['p99_ms']:.1f}×" if b is not None and r["code"] == "current" else ""
        )
        lines.append(
            f"| {r['workers']} | {r['target_rps']:g} | {r['code']} | {r['achieved_rps']} | "
            f"{r['p50_ms']} | {r['p90_ms']} | {r['p99_ms']} | {r['max_ms']} | {r['errors']} | "
            f"{r['client_cpu_pct']} | {r['server_cpu_pct']} | {r['server_cpu_ms_per_request']} | "
            f"{r['load_avg_1min']} | {ratio} |"
        )
    closed = results.get("batches", [])
    if closed:
        lines += [
            "",
            f"## Batches of 100, closed loop ({args.concurrency} clients, "
            f"{args.workers[0]} worker{'s' if args.workers[0] > 1 else ''})",
            "",
            "analyze-100 scores the comments without storing them (the request's `tier`); "
            "ingest-100 scores, stores and enqueues 100 new comments with the server's "
            "`TRIAGE_INGEST_TIER` (the default is the accurate tier). Server CPU ms/comment: "
            "the server's CPU time over the comments it handled (less sensitive than the rates "
            "to what else runs on the shared cores).",
            "",
            "| database | scenario | tier | code | round | requests | rate req/s | comments/s "
            "| p50 ms | p99 ms | max ms | errors | server CPU ms/comment | load |",
            "|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        order = {"sqlite": 0, "fast": 0, "baseline": 0}
        for r in sorted(
            closed,
            key=lambda r: (
                order.get(r["database"], 1), r["scenario"], order.get(r["tier"], 1), r["round"],
                order.get(r["code"], 1),
            ),
        ):
            lines.append(
                f"| {r['database']} | {r['scenario']} | {r['tier']} | {r['code']} | {r['round']} "
                f"| {r['requests']} | {r['rps']} | {r['comments_per_s']:g} | {r['p50_ms']} "
                f"| {r['p99_ms']} | {r['max_ms']} | {r['errors']} "
                f"| {r.get('server_cpu_ms_per_comment', '')} | {r['load_avg_1min']} |"
            )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
