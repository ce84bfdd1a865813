"""Spam campaigns: list them, and hide or delete a whole campaign in one request."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from triage.service import moderation
from triage.service.api.deps import PrincipalDep, StateDep
from triage.service.api.schemas import (
    CampaignOut,
    CampaignPage,
    CampaignResolveIn,
    CampaignResolveOut,
    Name,
    SkippedOut,
)

router = APIRouter(prefix="/v1/campaigns", tags=["campaigns"])


@router.get("", response_model=CampaignPage, summary="Spam campaigns")
def campaigns(
    principal: PrincipalDep,
    state: StateDep,
    channel: Annotated[
        Name | None, Query(description="Only this channel (default: all of the key's).")
    ] = None,
    status: Annotated[Literal["open", "hidden", "deleted", "dismissed"] | None, Query()] = None,
) -> CampaignPage:
    """Groups of near-identical comments posted by several authors within a time window, newest
    first. Their comments sit in the `spam` queue with a `campaign_id`."""
    rows = moderation.list_campaigns(state.db, principal, channel, status)
    return CampaignPage(items=[CampaignOut.of(*row) for row in rows])


@router.post(
    "/{campaign_id}/resolve",
    response_model=CampaignResolveOut,
    summary="Hide or delete a whole campaign",
)
def resolve(
    campaign_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
    body: CampaignResolveIn,
    principal: PrincipalDep,
    state: StateDep,
) -> CampaignResolveOut:
    """Resolve every open comment of the campaign (`hidden`, `deleted` or `dismissed`) at once.
    Comments that join the campaign later get the same status. Comments another key holds a
    lease on are not touched: they stay open with that moderator and are listed in `skipped`."""
    campaign, _, n, skipped = moderation.resolve_campaign(
        state.db, principal, campaign_id, body.action
    )
    return CampaignResolveOut(
        id=campaign.id,
        status=campaign.status,
        resolved=n,
        skipped=[SkippedOut(id=i, detail=why) for i, why in skipped],
    )
