"""Prometheus metrics of one app: requests, latency, comments scored and queue depths.

Each app gets its own registry, so several apps in one process (tests) do not collide. With
several uvicorn worker processes each worker reports its own counters; see docs/deploy.md.
"""

from __future__ import annotations

from collections.abc import Callable
from time import perf_counter
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from starlette.routing import Match

__all__ = ["Metrics", "MetricsMiddleware"]

_BUCKETS = (0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)


class Metrics:
    """The app's collectors."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "triage_http_requests",
            "HTTP requests served.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "triage_http_request_duration_seconds",
            "Time to serve a request.",
            ["method", "route"],
            buckets=_BUCKETS,
            registry=self.registry,
        )
        self.comments_scored = Counter(
            "triage_comments_scored",
            "Comments run through the pipeline.",
            ["endpoint"],
            registry=self.registry,
        )
        self.analyze_fast_path = Counter(
            "triage_analyze_fast_path_requests",
            "POST /v1/analyze requests answered by the lean path (triage.service.api.fastpath); "
            "the rest went through the full route.",
            registry=self.registry,
        )
        self.queue_depth = Gauge(
            "triage_queue_depth",
            "Open comments per channel and queue (at scrape time).",
            ["channel", "queue"],
            registry=self.registry,
        )

    def render(self, depths: dict[str, dict[str, tuple[int, int]]]) -> bytes:
        """Exposition text; queue depths are set from ``{channel: {queue: (open, leased)}}``."""
        self.queue_depth.clear()
        for channel, queues in depths.items():
            for queue, (n, _) in queues.items():
                self.queue_depth.labels(channel, queue).set(n)
        return generate_latest(self.registry)


class MetricsMiddleware:
    """Pure ASGI middleware counting requests and timing them per route template."""

    def __init__(self, app: Callable[..., Any], metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(
        self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]
    ) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = [500]

        async def send_status(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        start = perf_counter()
        try:
            await self.app(scope, receive, send_status)
        finally:
            route = _route(scope)
            self.metrics.latency.labels(scope["method"], route).observe(perf_counter() - start)
            self.metrics.requests.labels(scope["method"], route, str(status[0])).inc()


def _route(scope: dict[str, Any]) -> str:
    """The path template of the route that served the request (``/v1/queues/{queue}``).

    FastAPI records it for its own routes; ``/openapi.json`` and other plain Starlette routes
    are looked up in the app's routes. Paths no route knows are ``unmatched`` (one label, not
    one per address a scanner tries).
    """
    path = getattr(scope.get("route"), "path", None)
    if path is not None:
        return str(path)
    app = scope.get("app")
    for route in getattr(app, "routes", ()):
        match, _ = route.matches(scope)
        if match is Match.FULL and hasattr(route, "path"):
            return str(route.path)
    return "unmatched"
