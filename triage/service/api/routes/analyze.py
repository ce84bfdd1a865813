"""``POST /v1/analyze``: stateless scoring."""

from __future__ import annotations

from fastapi import APIRouter

from triage.service.api import batcher
from triage.service.api.deps import PrincipalDep, StateDep
from triage.service.api.schemas import AnalyzeIn, AnalyzeOut, record_of

router = APIRouter(prefix="/v1", tags=["analyze"])


@router.post("/analyze", response_model=AnalyzeOut, summary="Score comments without storing them")
async def analyze(body: AnalyzeIn, _principal: PrincipalDep, state: StateDep) -> AnalyzeOut:
    """Language, sentiment, tags, priority and queue of 1..N comments (N: `TRIAGE_MAX_BATCH`).

    Any role may call it. `tier` is `fast` (default) or `accurate` if the model has that tier.
    Concurrent small requests are scored together (`TRIAGE_ANALYZE_BATCHING`); each gets the
    same results as alone.
    """
    texts = [c.text for c in body.comments]
    results = await batcher.analyze(state.batcher, state.pipeline, state.settings, texts, body.tier)
    state.metrics.comments_scored.labels("analyze").inc(len(results))
    return AnalyzeOut(
        results=[record_of(r, c.id) for r, c in zip(results, body.comments, strict=True)]
    )
