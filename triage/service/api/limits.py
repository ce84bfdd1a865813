"""Request-body guard: size limit (413) and UTF-8 check (422) before any route sees the body.

The body is read here in full (up to the limit) and handed on unchanged, so a route never
starts parsing a body that will turn out too large, and invalid UTF-8 gets a message that
names the body instead of a generic parse error.
"""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["BodyLimitMiddleware"]


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
        too_large = _error(
            413, "body_too_large", f"larger than the limit of {self.max_bytes} bytes"
        )
        declared = headers.get(b"content-length", b"").strip()
        if declared.isdigit() and int(declared) > self.max_bytes:
            await too_large(scope, receive, send)
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
                await too_large(scope, receive, send)
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
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
