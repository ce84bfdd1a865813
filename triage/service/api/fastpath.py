"""The lean path of ``POST /v1/analyze``: the common request served without FastAPI's machinery.

A one-comment analyze request spends more time in the framework (routing, dependency
injection with its exit stacks, the thread hops of the auth dependency, validating the
response model again, the JSON encoder) than in scoring: ~0.8 ms of ~1.7 ms on the benchmark
machine. :class:`AnalyzeFastPath` is a pure ASGI middleware in front of the router that serves
the request a client sends over and over itself, doing the same checks in the same order:

* ``Authorization: Bearer <key>`` whose key is in the app's key cache
  (``TRIAGE_AUTH_CACHE_SECONDS``, :class:`~triage.service.auth.KeyCache`);
* a ``Content-Type: application/json`` body that :class:`~triage.service.api.schemas.AnalyzeIn`
  accepts and :func:`~triage.service.moderation.check_analyze` passes (the limits, the tier);
* then the key's rate and in-flight limits, the scoring (micro-batched or alone, as the
  route does) and a response built from the same :class:`~triage.service.api.schemas.AnalyzeOut`
  model.

Anything else — no or an uncached key (the first request of a key), the session cookie, a body
that fails validation or a check, another content type — goes on to the FastAPI route
unchanged (the body replayed), so every error keeps its one message and status and the route
stays the reference (``tests/api/test_analyze_fastpath.py`` checks both give the same answers).
An error while scoring (e.g. 429, 503) is answered by the app's own handler for
:class:`~triage.errors.TriageError`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from types import SimpleNamespace

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from triage.errors import TriageError
from triage.service import moderation
from triage.service.api import batcher
from triage.service.api.limits import replaying
from triage.service.api.schemas import AnalyzeIn, AnalyzeOut, record_of

__all__ = ["PATH", "AnalyzeFastPath"]

PATH = "/v1/analyze"
#: what ``scope["route"]`` says for the metrics (:func:`triage.service.api.metrics._route`)
_ROUTE = SimpleNamespace(path=PATH)

ErrorHandler = Callable[[Request, Exception], Awaitable[Response]]


class AnalyzeFastPath:
    """Pure ASGI middleware serving the common ``POST /v1/analyze`` (module docstring).

    ``error_handler`` turns a :class:`~triage.errors.TriageError` raised while the request is
    served into the app's error response (the one the exception handlers use)."""

    def __init__(self, app: ASGIApp, error_handler: ErrorHandler) -> None:
        self.app = app
        self.error_handler = error_handler

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != PATH:
            await self.app(scope, receive, send)
            return
        state = scope["app"].state.triage
        authorization = content_type = None
        for name, value in scope["headers"]:  # the first of each, as Request.headers.get
            if name == b"authorization" and authorization is None:
                authorization = value.decode("latin-1")
            elif name == b"content-type" and content_type is None:
                content_type = value
        principal = (
            moderation.cached_principal(state.keys, authorization)
            if authorization is not None and content_type == b"application/json"
            else None
        )
        if principal is None:
            await self.app(scope, receive, send)
            return
        body, receive = await _read(receive)
        if body is None:  # the client went away
            return
        try:
            parsed = AnalyzeIn.model_validate_json(body)
            texts = [c.text for c in parsed.comments]
            pipeline = state.pipeline
            chosen = moderation.check_analyze(pipeline, state.settings, texts, parsed.tier)
        except (ValidationError, TriageError):  # the route gives its error, as always
            await self.app(scope, receive, send)
            return
        scope["route"] = _ROUTE  # the metrics' route label
        try:
            with state.limiter.hold(principal.key_id):
                results = await batcher.score_checked(
                    state.batcher, pipeline, state.settings, texts, chosen
                )
        except TriageError as exc:
            response = await self.error_handler(Request(scope), exc)
            await response(scope, receive, send)
            return
        state.metrics.comments_scored.labels("analyze").inc(len(results))
        state.metrics.analyze_fast_path.inc()
        out = AnalyzeOut(
            results=[record_of(r, c.id) for r, c in zip(results, parsed.comments, strict=True)]
        )
        data = out.__pydantic_serializer__.to_json(out)
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-length", str(len(data)).encode()),
                    (b"content-type", b"application/json"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": data})


async def _read(receive: Receive) -> tuple[bytes | None, Receive]:
    """The whole body, and a ``receive`` that hands it on again (the size limit is checked by
    :class:`~triage.service.api.limits.BodyLimitMiddleware` before this middleware runs)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None, receive
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    return body, replaying(body, receive)
