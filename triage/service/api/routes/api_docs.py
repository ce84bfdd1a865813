"""``/docs``: Swagger UI served from this process, so the page works on a host without internet.

FastAPI's own ``/docs`` loads Swagger UI's script and style sheet from a CDN (and its icon from
FastAPI's site): offline, the page stays blank. Here the assets come from the
``swagger-ui-bundle-v2`` package (Swagger UI 5, which renders OpenAPI 3.1; see
docs/dependencies.md) under ``/docs/assets/``, and the page names no other host. There is no
``/redoc`` (ReDoc would need its script from a CDN too).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Request, Response
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from swagger_ui_bundle import swagger_ui_path

router = APIRouter(include_in_schema=False)

ASSETS = Path(str(swagger_ui_path))
#: The files the page uses, and their content types (nothing else under ASSETS is served).
_SERVED = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon-32x32.png": "image/png",
}


@lru_cache(maxsize=len(_SERVED))
def _asset(name: str) -> tuple[bytes, str]:
    data = (ASSETS / name).read_bytes()
    return data, '"' + hashlib.sha256(data).hexdigest()[:16] + '"'


@router.get("/docs")
def docs(request: Request) -> HTMLResponse:
    """Swagger UI for ``/openapi.json`` (every operation, with an Authorize button)."""
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title=f"{request.app.title} - API docs",
        swagger_js_url="/docs/assets/swagger-ui-bundle.js",
        swagger_css_url="/docs/assets/swagger-ui.css",
        swagger_favicon_url="/docs/assets/favicon-32x32.png",
        oauth2_redirect_url=None,
        # No badge from Swagger's online validator: nothing on the page calls another host.
        swagger_ui_parameters={"validatorUrl": None},
    )


@router.get("/docs/assets/{name}")
def asset(name: str, request: Request) -> Response:
    """Swagger UI's script, style sheet and icon (revalidated by ETag)."""
    kind = _SERVED.get(name)
    if kind is None:
        return JSONResponse({"detail": f"no docs asset {name!r}"}, status_code=404)
    data, etag = _asset(name)
    headers = {"ETag": etag, "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(data, media_type=kind, headers=headers)
