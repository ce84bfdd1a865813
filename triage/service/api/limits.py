"""Request limits: the body guard and the per-key rate and concurrency limits.

:class:`BodyLimitMiddleware`: size limit (413) and UTF-8 check (422) before any route sees the
body. The body is read here in full (up to the limit) and handed on unchanged, so a route never
starts parsing a body that will turn out too large, and invalid UTF-8 gets a message that
names the body instead of a generic parse error.

:class:`KeyLimiter`: per API key, a request rate (a token bucket: ``burst`` requests at once,
refilled at ``per_minute``) and a number of requests served at the same time. Over either the
answer is 429 with ``Retry-After``. One key flooding ``/v1/analyze`` with 1,000 long texts per
request can then hold at most ``in_flight`` worker threads, and other keys keep theirs. The
counts live in the process: with several workers each one enforces them (docs/deploy.md).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from triage.errors import RateLimitedError

__all__ = ["BodyLimitMiddleware", "KeyLimiter", "replaying"]


@dataclass
class _Key:
    tokens: float
    stamp: float
    in_flight: int = 0


class KeyLimiter:
    """Per-key request rate and requests in flight (0 turns either off).

    >>> limiter = KeyLimiter(per_minute=60, burst=2, in_flight=0, clock=lambda: 0.0)
    >>> with limiter.hold(1), limiter.hold(1):
    ...     pass
    >>> with limiter.hold(1):
    ...     pass
    Traceback (most recent call last):
    ...
    triage.errors.RateLimitedError: this key sent more than 60 requests per minute; slow down
    """

    def __init__(
        self,
        *,
        per_minute: int,
        burst: int,
        in_flight: int,
        clock: object = time.monotonic,
    ) -> None:
        self.per_minute = per_minute
        self.burst = max(1, burst)
        self.in_flight = in_flight
        self._clock = clock
        self._keys: dict[int, _Key] = {}
        self._lock = threading.Lock()

    def _now(self) -> float:
        now: float = self._clock()  # type: ignore[operator]
        return now

    @contextmanager
    def hold(self, key_id: int) -> Iterator[None]:
        """Count one request of ``key_id`` for its duration (429 if over a limit)."""
        self._acquire(key_id)
        try:
            yield
        finally:
            with self._lock:
                self._keys[key_id].in_flight -= 1

    def _acquire(self, key_id: int) -> None:
        now = self._now()
        with self._lock:
            state = self._keys.get(key_id)
            if state is None:
                state = self._keys[key_id] = _Key(float(self.burst), now)
            if self.in_flight and state.in_flight >= self.in_flight:
                raise RateLimitedError(
                    f"this key has {state.in_flight} requests in progress, the most allowed at "
                    "once; wait for one to finish",
                    retry_after=1,
                    hint="raise TRIAGE_MAX_IN_FLIGHT_PER_KEY, or send fewer requests in parallel",
                )
            if self.per_minute:
                rate = self.per_minute / 60.0
                state.tokens = min(float(self.burst), state.tokens + (now - state.stamp) * rate)
                state.stamp = now
                if state.tokens < 1.0:
                    raise RateLimitedError(
                        f"this key sent more than {self.per_minute} requests per minute; slow down",
                        retry_after=math.ceil((1.0 - state.tokens) / rate),
                        hint="raise TRIAGE_RATE_LIMIT_PER_MINUTE, or batch comments into "
                        "fewer requests",
                    )
                state.tokens -= 1.0
            state.in_flight += 1


def _error(status: int, kind: str, msg: str) -> JSONResponse:
    return JSONResponse(
        {"detail": [{"loc": ["body"], "field": "body", "msg": f"body: {msg}", "type": kind}]},
        status_code=status,
    )


class BodyLimitMiddleware:
    """Pure ASGI middleware enforcing ``max_bytes`` on request bodies and UTF-8 on JSON ones."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS", "DELETE"):
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", [])}

        def too_large() -> JSONResponse:
            return _error(413, "body_too_large", f"larger than the limit of {self.max_bytes} bytes")

        declared = headers.get(b"content-length", b"").strip()
        if declared.isdigit() and int(declared) > self.max_bytes:
            await too_large()(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # client went away
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.max_bytes:
                await too_large()(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        ctype = headers.get(b"content-type", b"").decode("latin-1").lower()
        if body and ("json" in ctype or not ctype):
            try:
                body.decode("utf-8")
            except UnicodeDecodeError as exc:
                await _error(
                    422,
                    "utf8_invalid",
                    f"not valid UTF-8 (byte 0x{body[exc.start]:02x} at offset {exc.start})",
                )(scope, receive, send)
                return
        await self.app(scope, replaying(body, receive), send)


def replaying(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands a body already read on once, then whatever ``receive`` says."""
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
