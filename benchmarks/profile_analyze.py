"""Where the time of one ``POST /v1/analyze`` goes, in process (no sockets, no load generator).

The app is called as an ASGI callable in a loop, one one-comment request after another, and the
CPU time per request is measured for:

* ``route``: the FastAPI route (the lean path is bypassed by a ``Content-Type`` it does not take,
  ``application/json; charset=utf-8``);
* ``lean path``: ``triage.service.api.fastpath`` (``application/json``, key in the key cache);

each with the real pipeline and with a stub that returns a stored result (the framework's share
alone), with micro-batching on and off. ``score_batch`` of one comment is timed on its own
beside them, and ``--profile`` prints the cProfile of the lean path with the real pipeline.

    python benchmarks/profile_analyze.py            # ~1 min; prints a markdown table
    python benchmarks/profile_analyze.py --profile  # and where the lean path's time goes

Socket costs (uvicorn's HTTP parsing and the two writes per response) come on top; the service
benchmark (``bench_service.py``) measures the whole.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.api.helpers import NORMAL  # noqa: E402
from triage.pipeline.core import load_pipeline  # noqa: E402
from triage.service.api.app import create_app  # noqa: E402
from triage.service.auth import Role  # noqa: E402
from triage.service.moderation import create_key  # noqa: E402
from triage.service.settings import Settings  # noqa: E402
from triage.service.store import Database, upgrade  # noqa: E402
from triage.types import Comment  # noqa: E402

ROUTE_TYPE = b"application/json; charset=utf-8"
LEAN_TYPE = b"application/json"


class _Stub:
    """The pipeline with ``score_batch`` answering a stored result: the framework's cost only."""

    def __init__(self, pipeline: Any) -> None:
        self._pipeline = pipeline
        self._result = pipeline.score_batch([Comment("Where is my order?")])

    def score_batch(self, comments: Any, tier: Any = None) -> Any:
        return self._result * len(comments)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pipeline, name)


def _requests(app: Any, token: str, content_type: bytes, n: int) -> tuple[float, float]:
    """CPU and wall µs per request over ``n`` sequential one-comment requests."""
    bodies = [
        json.dumps({"comments": [{"text": f"{t} {i}"}]}).encode() for i, t in enumerate(NORMAL)
    ]
    headers = [
        (b"host", b"127.0.0.1"),
        (b"content-type", content_type),
        (b"authorization", f"Bearer {token}".encode()),
    ]

    async def one(body: bytes) -> None:
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
            "scheme": "http", "path": "/v1/analyze", "raw_path": b"/v1/analyze",
            "query_string": b"", "root_path": "", "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 80), "state": {},
            "headers": [*headers, (b"content-length", str(len(body)).encode())],
        }  # fmt: skip
        sent = False

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await asyncio.sleep(3600)
            raise AssertionError

        status = []

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])

        await app(scope, receive, send)
        if status != [200]:
            raise RuntimeError(f"status {status}")

    async def main() -> tuple[float, float]:
        async with app.router.lifespan_context(app):
            for i in range(200):
                await one(bodies[i % len(bodies)])
            cpu, wall = time.process_time(), time.perf_counter()
            for i in range(n):
                await one(bodies[i % len(bodies)])
            return (time.process_time() - cpu) / n * 1e6, (time.perf_counter() - wall) / n * 1e6

    try:  # the event loop `triage serve` runs on
        import uvloop

        return uvloop.run(main())
    except ImportError:
        return asyncio.run(main())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp()
    url = f"sqlite:///{tmp}/profile.db"
    upgrade(url)
    db = Database(url)
    token = create_key(db, Role.SCORE, [])[1]
    db.dispose()
    pipeline = load_pipeline(os.environ.get("TRIAGE_TEST_MODEL"))
    comments = [Comment(f"{t} {i}") for i, t in enumerate(NORMAL)]
    for c in comments:
        pipeline.score_batch([c])
    t0 = time.process_time()
    for i in range(args.requests):
        pipeline.score_batch([comments[i % len(comments)]])
    one = (time.process_time() - t0) / args.requests * 1e6
    out = [
        f"load average {os.getloadavg()[0]:.1f}; score_batch of one comment: {one:.0f} µs CPU",
        "",
        "| path | pipeline | batching | CPU µs/request | wall µs/request |",
        "|---|---|---|---:|---:|",
    ]
    for batching in (False, True):
        settings = Settings(
            database_url=url,
            rate_limit_per_minute=0,
            max_in_flight_per_key=0,
            analyze_batching=batching,
        )
        for name, pipe in (("stub", _Stub(pipeline)), ("real", pipeline)):
            for path, ctype in (("route", ROUTE_TYPE), ("lean path", LEAN_TYPE)):
                app = create_app(settings, pipeline=pipe)  # type: ignore[arg-type]
                cpu, wall = _requests(app, token, ctype, args.requests)
                on = "on" if batching else "off"
                out.append(f"| {path} | {name} | {on} | {cpu:.0f} | {wall:.0f} |")
    print("\n".join(out))  # noqa: T201
    if args.profile:
        app = create_app(Settings(database_url=url, rate_limit_per_minute=0), pipeline=pipeline)
        profile = cProfile.Profile()
        profile.enable()
        _requests(app, token, LEAN_TYPE, args.requests)
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
