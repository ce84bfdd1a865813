"""``/v1/webhooks``: admins subscribe URLs to a channel's events (triage.service.alerts)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from triage.service import alerts
from triage.service.api.deps import PrincipalDep, StateDep
from triage.service.api.schemas import Name, WebhookIn, WebhookList, WebhookOut

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])


@router.post("", response_model=WebhookOut, status_code=201, summary="Add a webhook (admin)")
def create(body: WebhookIn, principal: PrincipalDep, state: StateDep) -> WebhookOut:
    """POST `events` of `channel` to `url` from now on: `comment.created`, `comment.urgent`,
    `campaign.detected`, `sla.breached`. Each body is signed with `secret`
    (`X-Triage-Signature: sha256=<hex HMAC-SHA256 of the raw body>`) and carries an event id
    (`X-Triage-Event-Id`); failed deliveries are retried with back-off for a day."""
    hook, channel, counts = alerts.create_webhook(
        state.db,
        state.settings,
        principal,
        channel=body.channel,
        url=body.url,
        events=body.events,
        secret=body.secret,
    )
    return WebhookOut.of(hook, channel, counts)


@router.get("", response_model=WebhookList, summary="List the webhooks (admin)")
def list_webhooks(
    principal: PrincipalDep,
    state: StateDep,
    channel: Annotated[Name | None, Query(description="Only this channel.")] = None,
) -> WebhookList:
    """Every webhook with the status of its latest delivery attempt and its outbox counts
    (pending, delivered, failed). Never the secret."""
    return WebhookList(
        items=[WebhookOut.of(*row) for row in alerts.list_webhooks(state.db, principal, channel)]
    )


@router.delete(
    "/{webhook_id}",
    status_code=204,
    response_class=Response,
    summary="Remove a webhook (admin)",
    responses={404: {"description": "No webhook has this id."}},
)
def delete(
    webhook_id: Annotated[int, Path(ge=1, le=2**63 - 1)], principal: PrincipalDep, state: StateDep
) -> Response:
    """Stops its deliveries at once; the pending ones are dropped."""
    alerts.delete_webhook(state.db, principal, webhook_id)
    return Response(status_code=204)
