"""``GET /v1/labels/export``: moderators' corrections as training JSONL."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from triage.service import moderation
from triage.service.api.deps import PrincipalDep, StateDep
from triage.service.api.schemas import Name

router = APIRouter(prefix="/v1/labels", tags=["labels"])


@router.get(
    "/export",
    response_class=StreamingResponse,
    summary="Stream corrections as training JSONL",
    responses={
        200: {"content": {"application/x-ndjson": {}}, "description": "One JSON object per line."}
    },
)
def export(
    principal: PrincipalDep,
    state: StateDep,
    channel: Annotated[
        Name | None, Query(description="Only this channel (default: all of the key's).")
    ] = None,
) -> StreamingResponse:
    """The latest correction of each comment: `text, lang, sentiment, tags, labelled_by,
    labelled_at` (plus `id, channel, external_id, source`), one JSON object per line."""
    rows = moderation.export_labels(state.db, principal, channel)
    lines = (json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    return StreamingResponse(lines, media_type="application/x-ndjson")
