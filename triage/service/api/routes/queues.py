"""Ranked queues: counts, pages, claims."""

from __future__ import annotations

from datetime import UTC
from typing import Annotated

from fastapi import APIRouter, Query

from triage.service import moderation
from triage.service.api.deps import PrincipalDep, StateDep
from triage.service.api.schemas import (
    ChannelQueuesOut,
    ClaimIn,
    ClaimOut,
    ItemOut,
    Lang,
    Name,
    QueueCount,
    QueueCountsOut,
    QueuePage,
    ReviewPage,
    Search,
)
from triage.service.store.db import utcnow
from triage.types import Queue, Tag

router = APIRouter(prefix="/v1/queues", tags=["queues"])


@router.get("", response_model=QueueCountsOut, summary="Queue names and counts per channel")
def counts(principal: PrincipalDep, state: StateDep) -> QueueCountsOut:
    """Open and currently claimed comments per queue, for every channel the key may see."""
    table = moderation.queue_counts(state.db, principal)
    channels = [
        ChannelQueuesOut(
            channel=name,
            queues={Queue(q): QueueCount(open=n, claimed=k) for q, (n, k) in qs.items()},
        )
        for name, qs in table.items()
    ]
    return QueueCountsOut(queues=list(Queue), channels=channels)


@router.get(
    "/review",
    response_model=ReviewPage,
    summary="Active learning: the comments to label next (least certain first)",
)
def review(
    principal: PrincipalDep,
    state: StateDep,
    channel: Annotated[
        Name | None, Query(description="Only this channel (default: all of the key's).")
    ] = None,
    lang: Annotated[
        Lang | None, Query(description="Only this language (ISO 639-1, or und).")
    ] = None,
    limit: Annotated[int | None, Query(ge=1, le=500, description="Default 50.")] = None,
    cursor: Annotated[
        str | None, Query(max_length=1000, description="`next_cursor` of the previous page.")
    ] = None,
) -> ReviewPage:
    """Comments that have no correction yet (open or resolved), the ones the model is least
    sure about first (`uncertainty`, 0 sure .. 1 a coin toss), then by id; stable cursor
    pagination. Labelling a comment (`POST /v1/comments/{id}/labels`) takes it off the list.

    Needs a `moderate` key (its channels) or an `admin` key.
    """
    result = moderation.list_review(
        state.db,
        principal,
        channel=channel,
        lang=lang,
        limit=min(limit or state.settings.page_limit, state.settings.max_page_limit),
        cursor=cursor,
    )
    now = utcnow()
    return ReviewPage(
        items=[ItemOut.of(row, now, state.settings) for row in result.rows],
        next_cursor=result.next_cursor,
    )


# Declared after /review, so that "review" is not taken for a queue name.
@router.get("/{queue}", response_model=QueuePage, summary="One page of a ranked queue")
def page(
    queue: Queue,
    principal: PrincipalDep,
    state: StateDep,
    channel: Annotated[
        Name | None, Query(description="Only this channel (default: all of the key's).")
    ] = None,
    lang: Annotated[
        Lang | None, Query(description="Only this language (ISO 639-1, or und).")
    ] = None,
    tag: Annotated[Tag | None, Query(description="Only comments with this tag.")] = None,
    limit: Annotated[int | None, Query(ge=1, le=500, description="Default 50.")] = None,
    cursor: Annotated[
        str | None, Query(max_length=1000, description="`next_cursor` of the previous page.")
    ] = None,
    q: Annotated[
        Search | None,
        Query(description="Only comments whose text contains this (case-insensitive)."),
    ] = None,
    overdue: Annotated[
        bool,
        Query(
            description="Only comments past their SLA (`due_at`) that nobody has claimed or "
            "resolved yet."
        ),
    ] = False,
) -> QueuePage:
    """Open comments, highest priority first, then oldest first; stable cursor pagination.

    Items carry `due_at` (created_at plus the channel's SLA target for the queue, null without
    one), `waiting_s` (time to the first claim or resolve, or to now) and `overdue`."""
    result = moderation.list_queue(
        state.db,
        principal,
        queue,
        channel=channel,
        lang=lang,
        tag=tag,
        limit=min(limit or state.settings.page_limit, state.settings.max_page_limit),
        cursor=cursor,
        text=q,
        overdue=state.settings if overdue else None,
    )
    now = utcnow()
    return QueuePage(
        items=[ItemOut.of(row, now, state.settings) for row in result.rows],
        next_cursor=result.next_cursor,
    )


@router.post(
    "/{queue}/claim", response_model=ClaimOut, summary="Lease the next items to the caller"
)
def claim(
    queue: Queue, principal: PrincipalDep, state: StateDep, body: ClaimIn | None = None
) -> ClaimOut:
    """Lease up to `limit` open, unclaimed items for `TRIAGE_LEASE_SECONDS`, best first.

    No item is ever leased to two callers at once; expired leases return to the queue.
    """
    body = body or ClaimIn()
    rows, expires = moderation.claim(
        state.db,
        state.settings,
        principal,
        queue,
        channel=body.channel,
        lang=body.lang,
        tag=body.tag,
        limit=body.limit,
    )
    now = utcnow()
    return ClaimOut(
        items=[ItemOut.of(row, now, state.settings) for row in rows],
        lease_expires_at=expires.replace(tzinfo=UTC),
    )
