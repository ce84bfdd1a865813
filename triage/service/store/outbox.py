"""Queries of the alerts (:mod:`triage.service.alerts`): webhooks, the delivery outbox and the
SLA sweep. Like :mod:`triage.service.store.repo`, every function takes an open session and
neither commits nor knows about HTTP.

Leasing a due delivery differs per database as claims do: PostgreSQL picks rows with
``FOR UPDATE SKIP LOCKED`` (two senders pass each other by), SQLite's write transaction holds the
database's write lock. The lease itself is ``next_attempt_at`` moved past the attempt's timeout:
a sender killed mid-attempt leaves the delivery pending, due again once the lease ran out.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, false, func, or_, select, true, update
from sqlalchemy.orm import Session

from triage.service.store.models import Channel, StoredComment, Webhook, WebhookDelivery

__all__ = [
    "Due",
    "add_deliveries",
    "add_webhook",
    "breach_candidates",
    "delete_webhook",
    "delivery_counts",
    "get_webhook",
    "lease_due",
    "overdue_condition",
    "record_attempt",
    "webhooks",
    "webhooks_of_channel",
]

C = StoredComment
D = WebhookDelivery


def add_webhook(
    session: Session,
    *,
    channel_id: int,
    url: str,
    events: list[str],
    secret: str,
    by: str,
    now: datetime,
) -> Webhook:
    """Store a new webhook."""
    hook = Webhook(
        channel_id=channel_id, url=url, events=events, secret=secret, created_by=by, created_at=now
    )
    session.add(hook)
    session.flush()
    return hook


def webhooks(session: Session, ids: Collection[int] | None) -> list[tuple[Webhook, str]]:
    """Webhooks with their channel name (of the channels ``ids``; every one when None), by id."""
    query = select(Webhook, Channel.name).join(Channel, Channel.id == Webhook.channel_id)
    if ids is not None:
        query = query.where(Webhook.channel_id.in_(sorted(ids)))
    return [(w, name) for w, name in session.execute(query.order_by(Webhook.id))]


def get_webhook(session: Session, webhook_id: int) -> tuple[Webhook, str] | None:
    """A webhook and its channel name, or ``None``."""
    row = session.execute(
        select(Webhook, Channel.name)
        .join(Channel, Channel.id == Webhook.channel_id)
        .where(Webhook.id == webhook_id)
    ).one_or_none()
    return None if row is None else (row[0], row[1])


def delete_webhook(session: Session, webhook_id: int) -> None:
    """Remove a webhook and its deliveries (pending ones are dropped)."""
    session.execute(delete(D).where(D.webhook_id == webhook_id))
    session.execute(delete(Webhook).where(Webhook.id == webhook_id))


def webhooks_of_channel(session: Session, channel_id: int) -> list[Webhook]:
    """The webhooks of one channel."""
    return list(
        session.scalars(
            select(Webhook).where(Webhook.channel_id == channel_id).order_by(Webhook.id)
        )
    )


def delivery_counts(session: Session, webhook_ids: Collection[int]) -> dict[int, dict[str, int]]:
    """``{webhook_id: {status: n}}`` of the outbox."""
    out: dict[int, dict[str, int]] = {}
    if not webhook_ids:
        return out
    query = (
        select(D.webhook_id, D.status, func.count())
        .where(D.webhook_id.in_(sorted(webhook_ids)))
        .group_by(D.webhook_id, D.status)
    )
    for wid, status, n in session.execute(query):
        out.setdefault(wid, {})[status] = int(n)
    return out


def add_deliveries(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """Write outbox rows ``{webhook_id, event_id, event, body, status, attempts, created_at,
    next_attempt_at}`` (a Core executemany)."""
    if rows:
        session.execute(D.__table__.insert(), list(rows))


@dataclass(frozen=True, slots=True)
class Due:
    """A leased delivery: what to send, where, and how many attempts it has had (this one too)."""

    id: int
    webhook_id: int
    event_id: str
    event: str
    body: str
    url: str
    secret: str
    attempts: int
    created_at: datetime


def lease_due(session: Session, now: datetime, until: datetime, limit: int) -> list[Due]:
    """Lease up to ``limit`` pending deliveries due at ``now`` until ``until`` (oldest first);
    counts the attempt."""
    pick = (
        select(D.id)
        .where(D.status == "pending", D.next_attempt_at <= now)
        .order_by(D.next_attempt_at, D.id)
        .limit(limit)
        .with_for_update(skip_locked=True)  # a no-op on SQLite (its write lock is held)
    )
    chosen = list(session.scalars(pick))
    if not chosen:
        return []
    session.execute(
        update(D)
        .where(D.id.in_(chosen), D.status == "pending")
        .values(next_attempt_at=until, attempts=D.attempts + 1)
    )
    rows = session.execute(
        select(D, Webhook.url, Webhook.secret)
        .join(Webhook, Webhook.id == D.webhook_id)
        .where(D.id.in_(chosen))
        .order_by(D.next_attempt_at, D.id)
    )
    return [
        Due(d.id, d.webhook_id, d.event_id, d.event, d.body, url, secret, d.attempts, d.created_at)
        for d, url, secret in rows
    ]


def record_attempt(
    session: Session,
    due: Due,
    *,
    now: datetime,
    status: str,
    http_status: int | None,
    error: str | None,
    next_attempt_at: datetime | None,
) -> None:
    """Store how an attempt went: ``delivered``, ``pending`` again (at ``next_attempt_at``) or
    ``failed`` (given up); the webhook keeps it as its last status."""
    values: dict[str, Any] = {
        "status": status,
        "last_http_status": http_status,
        "last_error": error,
    }
    if status == "delivered":
        values["delivered_at"] = now
    if next_attempt_at is not None:
        values["next_attempt_at"] = next_attempt_at
    session.execute(update(D).where(D.id == due.id).values(**values))
    shown = {"pending": "retrying"}.get(status, status)
    session.execute(
        update(Webhook)
        .where(Webhook.id == due.webhook_id)
        .values(
            last_status=shown, last_http_status=http_status, last_error=error, last_attempt_at=now
        )
    )


def overdue_condition(
    session: Session,
    targets: Mapping[str, Mapping[str, int]],
    now: datetime,
    queues: Collection[str],
) -> ColumnElement[bool]:
    """Open comments of ``queues`` nobody has acted on (claimed or resolved) whose SLA target
    (``{channel or "*": {queue: seconds}}``, 0 for none) has passed at ``now``."""
    named = {name: t for name, t in targets.items() if name != "*"}
    query = select(Channel.id, Channel.name).where(Channel.name.in_(sorted(named)))
    found: dict[int, str] = {cid: name for cid, name in session.execute(query)} if named else {}  # noqa: C416
    parts: list[ColumnElement[bool]] = []
    for queue in sorted(queues):
        special = {cid: named[name][queue] for cid, name in found.items() if queue in named[name]}
        default = targets.get("*", {}).get(queue, 0)
        if default:
            others = C.channel_id.not_in(sorted(special)) if special else true()
            parts.append(
                and_(C.queue == queue, others, C.created_at <= now - timedelta(seconds=default))
            )
        for cid, seconds in sorted(special.items()):
            if seconds:
                parts.append(
                    and_(
                        C.queue == queue,
                        C.channel_id == cid,
                        C.created_at <= now - timedelta(seconds=seconds),
                    )
                )
    if not parts:
        return false()
    return and_(C.status == "open", C.first_action_at.is_(None), or_(*parts))


def breach_candidates(
    session: Session, targets: Mapping[str, Mapping[str, int]], now: datetime, limit: int
) -> list[tuple[StoredComment, str]]:
    """Overdue comments whose breach is not recorded yet, oldest first, locked for update."""
    queues = {q for t in targets.values() for q in t}
    query = (
        select(C, Channel.name)
        .join(Channel, Channel.id == C.channel_id)
        .where(overdue_condition(session, targets, now, queues), C.sla_breached_at.is_(None))
        .order_by(C.created_at, C.id)
        .limit(limit)
        .with_for_update(of=C, skip_locked=True)
    )
    return [(c, name) for c, name in session.execute(query)]
