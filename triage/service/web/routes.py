"""Routes of the inbox page: sign in and out, the page, its static files.

Signing in checks an API key (role ``moderate`` or ``admin``; a ``score`` key is refused) and
starts a server-side session (:func:`triage.service.moderation.sign_in`): the cookie holds the
session's random id, never the key, and the database only that id's SHA-256. The cookie is
``HttpOnly`` (no script can read it), ``SameSite=Strict`` (no other site can make the browser send
it), ``Secure`` when the page is served over https, never in a URL. The session ends when it
expires (``TRIAGE_SESSION_SECONDS``), on sign-out, and when its key is revoked.
The page's calls to ``/v1`` are authorised by that cookie (:func:`triage.service.api.deps.get_principal`);
the ones that change something also send ``X-Triage-CSRF: 1``, which another site's page cannot.
Signing in and out from another site's page is refused (403).
"""

from __future__ import annotations

import hashlib
import html
import json
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from triage.errors import AuthError, PermissionDeniedError
from triage.service import moderation
from triage.service.api.deps import PrincipalDep, StateDep
from triage.service.auth import CSRF_HEADER, SESSION_COOKIE, Principal, Role
from triage.service.store.db import Database

__all__ = ["router"]

STATIC = Path(__file__).resolve().parent / "static"
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
}
_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
_ERROR_SLOT = '<p id="login-error" class="error" role="alert" hidden></p>'
SCORE_REFUSED = (
    "This key has role score: it may only analyze text. "
    "Sign in with a key of role moderate or admin."
)
UNKNOWN_KEY = "Unknown or revoked API key."

router = APIRouter(include_in_schema=False)


@lru_cache(maxsize=32)
def _asset(name: str) -> tuple[bytes, str] | None:
    """A static file's bytes and ETag, or ``None`` if there is no such file (no subfolders)."""
    path = STATIC / name
    if "/" in name or "\\" in name or name.startswith(".") or path.suffix not in _TYPES:
        return None
    if not path.is_file():
        return None
    data = path.read_bytes()
    return data, '"' + hashlib.sha256(data).hexdigest()[:16] + '"'


def _page(name: str, status: int = 200, error: str | None = None) -> Response:
    found = _asset(name)
    assert found is not None, name
    body = found[0].decode()
    if error:
        body = body.replace(
            _ERROR_SLOT, f'<p id="login-error" class="error" role="alert">{html.escape(error)}</p>'
        )
    return Response(
        body,
        status_code=status,
        media_type=_TYPES[".html"],
        headers={**_SECURITY_HEADERS, "Cache-Control": "no-store"},
    )


def _cross_site(request: Request) -> bool:
    """True if the request comes from another site's page (a login/logout CSRF attempt)."""
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return True
    origin = request.headers.get("origin")
    return origin is not None and urlsplit(origin).netloc != request.headers.get("host")


def _signed_in(db: Database, request: Request) -> Principal | None:
    """The moderate/admin key of the session cookie's session, or ``None``."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        principal = moderation.session_principal(db, token)
    except AuthError:
        return None
    return None if principal.role is Role.SCORE else principal


def _forget(response: Response, request: Request) -> Response:
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="strict",
    )
    return response


def _who(principal: Principal) -> dict[str, Any]:
    return {
        "name": principal.name,
        "role": principal.role.value,
        "channels": sorted(principal.channels),
        "csrf_header": CSRF_HEADER,
    }


@router.get("/")
async def inbox(request: Request, state: StateDep) -> Response:
    """The inbox page, or a redirect to the sign-in page."""
    if await run_in_threadpool(_signed_in, state.db, request) is None:
        return _forget(RedirectResponse("/login", status_code=303), request)
    return _page("index.html")


@router.get("/login")
async def login_page(request: Request, state: StateDep) -> Response:
    """The sign-in form (or the inbox, when already signed in)."""
    if await run_in_threadpool(_signed_in, state.db, request) is not None:
        return RedirectResponse("/", status_code=303)
    return _page("login.html")


@router.post("/login")
async def login(request: Request, state: StateDep) -> Response:
    """Check a key and start a session; the cookie holds the session's id (not the key).

    JSON ``{"key": ...}`` (the page's script) answers JSON; a plain form post (``key=...``,
    without script) answers a redirect to ``/`` or the form again with the reason.
    """
    as_json = "json" in request.headers.get("content-type", "")

    def refuse(status: int, message: str) -> Response:
        if as_json:
            return JSONResponse({"detail": message}, status_code=status)
        return _page("login.html", status, message)

    if _cross_site(request):
        return refuse(403, "Sign in from this site's own sign-in page.")
    raw = await request.body()
    token: Any = None
    try:
        if as_json:
            data = json.loads(raw or b"{}")
            token = data.get("key") if isinstance(data, dict) else None
        else:
            token = (parse_qs(raw.decode("utf-8"), max_num_fields=10).get("key") or [None])[0]
    except (ValueError, UnicodeDecodeError, RecursionError):
        token = None
    if not isinstance(token, str) or not token.strip() or len(token) > 500:
        return refuse(401, "Enter an API key.")
    token = token.strip()
    try:
        principal, session_id = await run_in_threadpool(
            moderation.sign_in, state.db, state.settings, token
        )
    except AuthError:
        return refuse(401, UNKNOWN_KEY)
    except PermissionDeniedError:
        return refuse(403, SCORE_REFUSED)
    response: Response = (
        JSONResponse(_who(principal)) if as_json else RedirectResponse("/", status_code=303)
    )
    response.set_cookie(
        SESSION_COOKIE,
        session_id,
        max_age=state.settings.session_seconds,
        path="/",
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="strict",
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _sign_out(request: Request, state: StateDep) -> Response:
    if _cross_site(request):
        # Another site's page (a form or link aimed at /logout): refused, like its sign-in.
        return JSONResponse(
            {"detail": "Sign out from this site's own page."},
            status_code=403,
            headers={"Cache-Control": "no-store"},
        )
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        moderation.sign_out(state.db, token)
    return _forget(RedirectResponse("/login", status_code=303), request)


@router.post("/logout")
def logout(request: Request, state: StateDep) -> Response:
    """End the session on the server and forget the cookie (403 from another site's page)."""
    return _sign_out(request, state)


@router.get("/logout")
def logout_link(request: Request, state: StateDep) -> Response:
    """The same as ``POST /logout``, for a typed or bookmarked address."""
    return _sign_out(request, state)


@router.get("/session")
def session(principal: PrincipalDep) -> JSONResponse:
    """Who is signed in: key name, role, channels (the page shows it and marks own claims)."""
    principal.require(Role.MODERATE)
    return JSONResponse(_who(principal), headers={"Cache-Control": "no-store"})


@router.get("/static/{name}")
def static(name: str, request: Request) -> Response:
    """The page's CSS and scripts (revalidated by ETag)."""
    found = _asset(name)
    if found is None:
        return JSONResponse({"detail": f"no static file {name!r}"}, status_code=404)
    data, etag = found
    headers = {**_SECURITY_HEADERS, "ETag": etag, "Cache-Control": "no-cache"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(data, media_type=_TYPES[Path(name).suffix], headers=headers)
