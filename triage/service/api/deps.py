"""Dependencies shared by the routes, as ``Annotated`` aliases.

The app's long-lived objects (settings, database, pipeline, metrics) live in one
:class:`AppState` on ``app.state``, created by the lifespan in :mod:`triage.service.api.app`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPBearer
from starlette.concurrency import run_in_threadpool

from triage.errors import PermissionDeniedError
from triage.pipeline.core import Pipeline
from triage.service import moderation
from triage.service.api.batcher import AnalyzeBatcher
from triage.service.api.limits import KeyLimiter
from triage.service.api.metrics import Metrics
from triage.service.auth import CSRF_HEADER, SESSION_COOKIE, KeyCache, Principal
from triage.service.settings import Settings
from triage.service.store.db import Database
from triage.training.registry import ActiveModel

__all__ = ["AppState", "DatabaseDep", "PipelineDep", "PrincipalDep", "SettingsDep", "StateDep"]


@dataclass
class AppState:
    """Everything a request may need, loaded once per process."""

    settings: Settings
    db: Database
    model: ActiveModel
    metrics: Metrics
    limiter: KeyLimiter = field(init=False)
    #: API keys verified recently (``TRIAGE_AUTH_CACHE_SECONDS``)
    keys: KeyCache = field(init=False)
    #: micro-batching of small analyze requests (``TRIAGE_ANALYZE_BATCHING``); None when off
    batcher: AnalyzeBatcher | None = field(init=False)

    def __post_init__(self) -> None:
        self.limiter = KeyLimiter(
            per_minute=self.settings.rate_limit_per_minute,
            burst=self.settings.rate_limit_burst,
            in_flight=self.settings.max_in_flight_per_key,
        )
        self.keys = KeyCache(self.settings.auth_cache_seconds)
        self.batcher = (
            AnalyzeBatcher(
                lambda: self.pipeline,
                window_s=self.settings.analyze_batch_window_us / 1e6,
                max_comments=self.settings.analyze_batch_max,
            )
            if self.settings.analyze_batching
            else None
        )

    def close(self) -> None:
        """Stop what the state runs (the scoring thread of the batcher)."""
        if self.batcher is not None:
            self.batcher.close()

    @property
    def pipeline(self) -> Pipeline:
        """The active model (follows ``triage models activate`` without a restart)."""
        pipeline: Pipeline = self.model.get()
        return pipeline


async def get_state(request: Request) -> AppState:
    """The app's state (set up by the lifespan)."""
    state: AppState = request.app.state.triage
    return state


StateDep = Annotated[AppState, Depends(get_state)]


async def get_settings(state: StateDep) -> Settings:
    """The app's settings."""
    return state.settings


async def get_db(state: StateDep) -> Database:
    """The app's database."""
    return state.db


async def get_pipeline(state: StateDep) -> Pipeline:
    """The loaded model."""
    return state.pipeline


SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_db)]
PipelineDep = Annotated[Pipeline, Depends(get_pipeline)]

# Declares the bearer scheme in the OpenAPI document (the "Authorize" button of /docs); the
# header itself is checked in get_principal so that every failure gets our own 401 message.
_bearer = HTTPBearer(auto_error=False, description="An API key from `triage keys create`.")


_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


async def get_principal(
    request: Request, state: StateDep, _: Annotated[object, Security(_bearer)] = None
) -> AsyncIterator[Principal]:
    """The caller, from ``Authorization: Bearer <key>`` (401 if missing or unknown).

    Without that header, the inbox's session cookie (set by ``POST /login``) stands in for it;
    a request that changes something must then also send ``X-Triage-CSRF: 1`` (403 otherwise).
    The request then counts against its key's rate and in-flight limits until it is answered
    (429 with ``Retry-After`` over them; :class:`~triage.service.api.limits.KeyLimiter`).

    It runs in the event loop; a key verified in the last ``TRIAGE_AUTH_CACHE_SECONDS`` is
    taken from :attr:`AppState.keys` without a database read, other lookups run in a thread.
    """
    authorization = request.headers.get("authorization")
    token = request.cookies.get(SESSION_COOKIE)
    if authorization is None and token:
        if request.method not in _SAFE_METHODS and request.headers.get(CSRF_HEADER) != "1":
            raise PermissionDeniedError(
                f"a request signed in by the session cookie must send the header '{CSRF_HEADER}: 1'"
            )
        principal = await run_in_threadpool(moderation.session_principal, state.db, token)
    else:
        principal = moderation.cached_principal(
            state.keys, authorization
        ) or await run_in_threadpool(moderation.authenticate, state.db, authorization, state.keys)
    with state.limiter.hold(principal.key_id):
        yield principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]
