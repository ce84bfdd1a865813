"""The FastAPI application: ``create_app(settings)``.

The lifespan loads the model and opens the database once per process. Errors are translated
here and nowhere else: a :class:`~triage.errors.TriageError` becomes a 4xx JSON body
``{"detail": ...}`` (429 and 503 with ``Retry-After``), and request-validation errors become
422s whose messages start with the field they are about (``comments.0.text: ...``), bodies
that cannot be parsed as JSON at all (nested too deeply, a number with thousands of digits)
included.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from triage import __version__
from triage.errors import (
    AuthError,
    ConflictError,
    EncoderUnavailableError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    TriageError,
    UnavailableError,
)
from triage.pipeline.core import Pipeline, load_pipeline
from triage.service import web
from triage.service.alerts import AlertSender
from triage.service.api.deps import AppState
from triage.service.api.fastpath import AnalyzeFastPath
from triage.service.api.limits import BodyLimitMiddleware
from triage.service.api.metrics import Metrics, MetricsMiddleware
from triage.service.api.routes import (
    analyze,
    api_docs,
    campaigns,
    comments,
    health,
    keys,
    labels,
    queues,
    replies,
    stats,
    webhooks,
)
from triage.service.settings import Settings, get_settings
from triage.service.store.db import Database
from triage.training.registry import ActiveModel, Registry, resolve_model_dir

__all__ = ["create_app", "create_app_from_env"]

_STATUS: tuple[tuple[type[TriageError], int], ...] = (
    (AuthError, 401),
    (PermissionDeniedError, 403),
    (NotFoundError, 404),
    (ConflictError, 409),
    (InvalidRequestError, 422),
    (RateLimitedError, 429),
    (UnavailableError, 503),
    (EncoderUnavailableError, 503),  # the server cannot run the accurate tier: not the caller's fault
)


def _field(loc: tuple[Any, ...]) -> str:
    parts = (
        [str(p) for p in loc[1:]]
        if len(loc) > 1 and loc[0] in ("body", "query", "path", "header")
        else []
    )
    return ".".join(parts) or str(loc[0] if loc else "body")


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = []
    for e in exc.errors():
        loc = tuple(e.get("loc", ()))
        if e.get("type") == "json_invalid":
            field, msg = (
                "body",
                f"invalid JSON at offset {loc[-1]}: {e.get('ctx', {}).get('error', '')}",
            )
        else:
            field, msg = _field(loc), str(e.get("msg", "invalid"))
        errors.append(
            {
                "loc": [str(p) if not isinstance(p, int) else p for p in loc],
                "field": field,
                "msg": f"{field}: {msg}",
                "type": str(e.get("type", "value_error")),
            }
        )
    return JSONResponse({"detail": errors}, status_code=422)


async def _triage_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, TriageError)
    status = next((code for cls, code in _STATUS if isinstance(exc, cls)), 400)
    if isinstance(exc, InvalidRequestError):
        detail: Any = [
            {
                "loc": exc.field.split("."),
                "field": exc.field,
                "msg": str(exc),
                "type": "invalid_request",
            }
        ]
    else:
        detail = str(exc)
    body = {"detail": detail} | ({"hint": exc.hint} if exc.hint else {})
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
    if isinstance(exc, RateLimitedError | UnavailableError):
        headers["Retry-After"] = str(exc.retry_after)
    return JSONResponse(body, status_code=status, headers=headers or None)


def _unparseable(cause: BaseException | None) -> str | None:
    """Why a JSON body could not be parsed, when FastAPI's parser gave up with a generic 400."""
    if isinstance(cause, RecursionError):
        return "not parseable JSON: nested too deeply"
    if isinstance(cause, ValueError):
        return f"not parseable JSON: {str(cause).split('; ')[0]}"
    return None


async def _http_error(request: Request, exc: Exception) -> Any:
    """FastAPI answers a body its JSON parser raised on (other than a syntax error) with a bare
    400 "There was an error parsing the body"; it is a 422 naming ``body`` like the rest."""
    assert isinstance(exc, StarletteHTTPException)
    why = _unparseable(exc.__cause__) if exc.status_code == 400 else None
    if why is None:
        return await http_exception_handler(request, exc)
    return JSONResponse(
        {
            "detail": [
                {"loc": ["body"], "field": "body", "msg": f"body: {why}", "type": "json_invalid"}
            ]
        },
        status_code=422,
    )


def freeze_long_lived_objects() -> None:
    """Move everything allocated so far (libraries and the model: ~90k tracked objects) out of
    the garbage collector's reach. Without it every full collection walks them all, ~45 ms on
    the benchmark machine, and the request that triggered it waits that long."""
    gc.collect()
    gc.freeze()


def create_app(
    settings: Settings | None = None, *, pipeline: Pipeline | None = None, sender: bool = False
) -> FastAPI:
    """The API app. ``pipeline`` skips loading the model (tests and ``triage serve`` pass one).

    ``sender`` runs the webhook sender and SLA check (:class:`~triage.service.alerts.AlertSender`)
    in this process while the app runs, unless ``settings.webhook_sender`` is off; ``triage
    serve`` turns it on, tests start it themselves when they want it."""
    settings = settings or get_settings()
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = Database(settings.database_url, lock_timeout=settings.db_lock_timeout_seconds)
        # An explicit model directory is fixed; otherwise follow the registry's active pointer.
        registry = Registry() if settings.model_dir is None else None
        model = ActiveModel(pipeline or load_pipeline(resolve_model_dir(settings.model_dir)), registry)
        app.state.triage = state = AppState(settings, db, model, metrics)
        freeze_long_lived_objects()
        alerts = AlertSender(db, settings) if sender and settings.webhook_sender else None
        if alerts is not None:
            alerts.start()
        try:
            yield
        finally:
            if alerts is not None:
                alerts.stop()
            state.close()
            db.dispose()

    app = FastAPI(
        title="triage",
        version=__version__,
        summary="Multilingual comment triage: language, sentiment, tags, ranked moderation queues.",
        lifespan=lifespan,
        # /docs is served by routes.api_docs from packaged assets (no CDN); no /redoc.
        docs_url=None,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
    )
    app.add_exception_handler(TriageError, _triage_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    # innermost first: the lean analyze path runs after the body limit and inside the metrics
    app.add_middleware(AnalyzeFastPath, error_handler=_triage_error)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    for module in (analyze, comments, queues, labels, campaigns, keys, health, api_docs, web):
        app.include_router(module.router)
    app.include_router(replies.router)
    app.include_router(webhooks.router)
    app.include_router(stats.router)
    return app


def create_app_from_env() -> FastAPI:
    """App factory for ``uvicorn --factory`` (several workers): settings from ``TRIAGE_*``."""
    return create_app(get_settings(), sender=True)
