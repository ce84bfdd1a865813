"""Liveness, readiness and Prometheus metrics (no API key needed)."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy.exc import SQLAlchemyError

from triage.service import moderation
from triage.service.api.deps import StateDep
from triage.service.auth import Principal, Role

router = APIRouter(tags=["health"])

_ALL = Principal(key_id=0, name="metrics", role=Role.ADMIN, channels=frozenset())


@router.get("/healthz", summary="Liveness")
def healthz() -> dict[str, str]:
    """200 while the process serves requests."""
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="Readiness: model loaded and database reachable",
    responses={503: {"description": "Not ready; the body says why."}},
)
def readyz(state: StateDep) -> JSONResponse:
    """200 when the model is loaded and the database answers; 503 (with the reason) otherwise."""
    try:
        state.db.ping()
    except SQLAlchemyError as exc:
        return JSONResponse(
            {"status": "unavailable", "database": str(exc.__class__.__name__)}, status_code=503
        )
    return JSONResponse(
        {"status": "ready", "model": state.pipeline.name, "database": state.db.dialect}
    )


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}},
)
def metrics(state: StateDep) -> Response:
    """Requests, latency histograms, comments scored, and open comments per channel and queue."""
    depths = moderation.queue_counts(state.db, _ALL)
    return Response(state.metrics.render(depths), media_type=CONTENT_TYPE_LATEST)
