"""``POST /v1/comments`` (ingest) and the actions on one stored comment: resolve, relabel."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from triage.service import moderation
from triage.service.api.deps import PrincipalDep, StateDep
from triage.service.api.schemas import (
    BulkResolveIn,
    BulkResolveOut,
    IngestIn,
    IngestOut,
    ItemOut,
    LabelIn,
    LabelOut,
    ResolveIn,
    SkippedOut,
)
from triage.service.store.db import utcnow

router = APIRouter(prefix="/v1/comments", tags=["comments"])

CommentId = Annotated[
    int, Path(ge=1, le=2**63 - 1, description="The comment's id in triage (`id` of an item).")
]


@router.post("", response_model=IngestOut, summary="Score, store and enqueue comments of a channel")
def ingest(body: IngestIn, principal: PrincipalDep, state: StateDep) -> IngestOut:
    """Idempotent on `(channel, external_id)`: sending a comment again stores nothing new and
    returns the stored record. The answer comes after the comments are committed.

    Needs a `moderate` key scoped to the channel, or an `admin` key.
    """
    new = [
        moderation.NewComment(c.external_id, c.text, c.author, c.created_at) for c in body.comments
    ]
    result = moderation.ingest(
        state.db, state.pipeline, state.settings, principal, body.channel, new
    )
    state.metrics.comments_scored.labels("ingest").inc(result.created)
    now = utcnow()
    return IngestOut(items=[ItemOut.of(row, now, state.settings) for row in result.rows], created=result.created)


@router.post("/resolve", response_model=BulkResolveOut, summary="Close several comments at once")
def resolve_many(body: BulkResolveIn, principal: PrincipalDep, state: StateDep) -> BulkResolveOut:
    """Resolve up to `TRIAGE_MAX_BATCH` comments in one transaction (the inbox's bulk hide).

    Ids that are unknown or in another channel, and comments leased to another key, are skipped
    and listed in `skipped`; the rest are resolved.
    """
    rows, skipped = moderation.resolve_many(
        state.db, state.settings, principal, body.ids, body.action
    )
    now = utcnow()
    return BulkResolveOut(
        items=[ItemOut.of(row, now, state.settings) for row in rows],
        skipped=[SkippedOut(id=i, detail=why) for i, why in skipped],
    )


@router.post("/{comment_id}/claim", response_model=ItemOut, summary="Claim one comment")
def claim(comment_id: CommentId, principal: PrincipalDep, state: StateDep) -> ItemOut:
    """Lease this comment to the caller for `TRIAGE_LEASE_SECONDS` (again: renew the lease).

    409 if another key holds a lease on it or it is no longer open; 404 if it is not in one of
    the key's channels.
    """
    row, _ = moderation.claim_comment(state.db, state.settings, principal, comment_id)
    return ItemOut.of(row, utcnow(), state.settings)


@router.post("/{comment_id}/resolve", response_model=ItemOut, summary="Close a comment")
def resolve(
    comment_id: CommentId, body: ResolveIn, principal: PrincipalDep, state: StateDep
) -> ItemOut:
    """Mark a comment replied, hidden, deleted or dismissed; it leaves its queue. With
    `replied`, `reply_id` records which saved reply answered it (see `/v1/replies`).

    409 if another key holds a lease on it; 404 if it is not in one of the key's channels.
    """
    row = moderation.resolve(state.db, principal, comment_id, body.action, body.reply_id)
    return ItemOut.of(row, utcnow(), state.settings)


@router.post(
    "/{comment_id}/labels",
    response_model=LabelOut,
    status_code=201,
    summary="Correct a comment's labels",
)
def relabel(
    comment_id: CommentId, body: LabelIn, principal: PrincipalDep, state: StateDep
) -> LabelOut:
    """Store a moderator's correction of sentiment, tags and/or language, with who and when.

    Fields left out keep the values of the previous correction; see `GET /v1/labels/export`.
    """
    label = moderation.add_label(state.db, principal, comment_id, body.model_dump(mode="json"))
    return LabelOut.of(label)
