"""Alerts: webhooks (an outbox and a background sender) and SLA timers.

**Events.** ``comment.created`` (every new comment), ``comment.urgent`` (a new comment in the
urgent queue), ``campaign.detected`` (a new spam campaign) and ``sla.breached`` (an open comment
nobody has claimed or resolved within its queue's target; once per comment). Each is written to
the outbox (``webhook_deliveries``) in the same transaction as what caused it (the ingest, the
campaign grouping, the SLA check), once per subscribed webhook, with the exact JSON body to send:
an event that happened is never lost, and no event is announced for a change that rolled back.

**Delivery.** :class:`AlertSender` (a thread of the service process, started by the app's
lifespan) leases due deliveries, POSTs each body with ``X-Triage-Signature: sha256=<hex
HMAC-SHA256 of the raw body with the webhook's secret>`` and ``X-Triage-Event-Id``, and records
the outcome before it moves on: a 2xx marks it delivered (it is never sent again), anything else
schedules a retry after ``webhook_retry_seconds`` doubling per failure (at most
``webhook_retry_max_seconds``) until ``webhook_retry_for_seconds`` (a day) after the event. A
process killed mid-attempt leaves the delivery leased until ``next_attempt_at``; then it is sent
again, so a receiver that answered 2xx to an attempt whose outcome was never recorded sees the
event id twice (the only case; receivers should dedupe on ``X-Triage-Event-Id``).

**SLA.** ``settings.sla_targets`` gives seconds to first action per channel and queue. A comment
is due at ``created_at + target``; its ``waiting_s`` runs from ``created_at`` to its first action
(``first_action_at``: the first claim or resolve) or now.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx

from triage import __version__
from triage.errors import InvalidRequestError, NotFoundError, TriageError
from triage.service.auth import Principal, Role
from triage.service.settings import Settings
from triage.service.store import outbox, repo
from triage.service.store.db import Database, utcnow
from triage.service.store.models import Campaign, StoredComment, Webhook
from triage.types import Tag

__all__ = [
    "EVENTS",
    "AlertSender",
    "Sla",
    "check_sla",
    "comment_record",
    "create_webhook",
    "delete_webhook",
    "deliver_due",
    "enqueue_campaign",
    "enqueue_comments",
    "list_webhooks",
    "retry_delay",
    "sign",
    "sla_of",
    "verify",
]

log = logging.getLogger("triage.alerts")

EVENTS = ("comment.urgent", "comment.created", "campaign.detected", "sla.breached")
SIGNATURE_HEADER = "X-Triage-Signature"
EVENT_ID_HEADER = "X-Triage-Event-Id"


def _iso(t: datetime) -> str:
    return t.isoformat() + "Z"


# --- signatures ------------------------------------------------------------------------------


def sign(secret: str, body: bytes) -> str:
    """The ``X-Triage-Signature`` value of ``body``.

    >>> sign("s3cret", b'{"event":"comment.urgent"}')[:15]
    'sha256=709dfaf9'
    """
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, signature: str) -> bool:
    """True if ``signature`` is the header value :func:`sign` gives (constant time)."""
    return hmac.compare_digest(sign(secret, body), signature)


# --- SLA -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sla:
    """A comment's SLA at some moment: when it is due (``None``: its queue has no target), how
    long it has waited for a first action (or waited before it), and whether it is late now."""

    target_s: int | None
    due_at: datetime | None
    waiting_s: int
    overdue: bool


def sla_of(c: StoredComment, channel: str, settings: Settings, now: datetime) -> Sla:
    """The SLA of a stored comment at ``now``."""
    target = settings.sla_target(channel, c.queue)
    until = c.first_action_at or now
    waiting = max(0, int((until - c.created_at).total_seconds()))
    if target is None:
        return Sla(None, None, waiting, False)
    try:
        due = c.created_at + timedelta(seconds=target)
    except OverflowError:
        due = datetime.max
    late = c.status == "open" and c.first_action_at is None and now > due
    return Sla(target, due, waiting, late)


# --- payloads and the outbox -------------------------------------------------------------------


def comment_record(
    c: StoredComment, channel: str, settings: Settings, now: datetime
) -> dict[str, Any]:
    """The comment as a webhook body carries it: text, scores, tags, queue, reasons, SLA."""
    sla = sla_of(c, channel, settings, now)
    record: dict[str, Any] = {
        "id": c.id,
        "external_id": c.external_id,
        "channel": channel,
        "text": c.text,
        "author": c.author,
        "created_at": _iso(c.created_at),
        "lang": c.lang,
        "lang_score": c.lang_score,
        "sentiment": c.sentiment,
        "sentiment_score": c.sentiment_score,
        "p_negative": c.p_negative,
        "p_neutral": c.p_neutral,
        "p_positive": c.p_positive,
        **{f"p_{t.value}": getattr(c, f"p_{t.value}", None) for t in Tag},
        "tags": [t.value for t in Tag if getattr(c, f"tag_{t.value}", False)],
        "priority": c.priority,
        "queue": c.queue,
        "reasons": list(c.reasons),
        "status": c.status,
        "campaign_id": c.campaign_id,
        "model": c.model,
        "due_at": _iso(sla.due_at) if sla.due_at else None,
        "waiting_s": sla.waiting_s,
    }
    if hasattr(c, "p_urgent"):
        record["p_urgent"] = c.p_urgent
    return record


def _enqueue(
    s: Any,
    channel_id: int,
    events: Iterable[tuple[str, Callable[[], dict[str, Any]]]],
    now: datetime,
) -> int:
    """Write one outbox row per event and subscribed webhook; returns how many."""
    hooks = outbox.webhooks_of_channel(s, channel_id)
    if not hooks:
        return 0
    rows = []
    for event, payload in events:
        targets = [h for h in hooks if event in h.events]
        if not targets:
            continue
        event_id = f"evt_{uuid.uuid4().hex}"
        body = json.dumps(
            {"event": event, "event_id": event_id, "occurred_at": _iso(now), **payload()},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        rows += [
            {
                "webhook_id": h.id,
                "event_id": event_id,
                "event": event,
                "body": body,
                "status": "pending",
                "attempts": 0,
                "created_at": now,
                "next_attempt_at": now,
            }
            for h in targets
        ]
    outbox.add_deliveries(s, rows)
    return len(rows)


def enqueue_comments(
    s: Any,
    settings: Settings,
    channel_id: int,
    channel: str,
    comments: Collection[StoredComment],
    now: datetime,
) -> int:
    """``comment.created`` for new comments and ``comment.urgent`` for those in the urgent
    queue (call inside the ingest's write transaction)."""
    if not comments:
        return 0

    def body(c: StoredComment) -> Callable[[], dict[str, Any]]:
        return lambda: {"channel": channel, "comment": comment_record(c, channel, settings, now)}

    events: list[tuple[str, Callable[[], dict[str, Any]]]] = []
    for c in sorted(comments, key=lambda c: c.id):
        events.append(("comment.created", body(c)))
        if c.queue == "urgent":
            events.append(("comment.urgent", body(c)))
    return _enqueue(s, channel_id, events, now)


def enqueue_campaign(
    s: Any, settings: Settings, campaign: Campaign, member_ids: Collection[int], now: datetime
) -> int:
    """``campaign.detected`` for a campaign just formed (inside the grouping's transaction)."""
    rows = repo.get_comments(s, member_ids)

    def payload() -> dict[str, Any]:
        members = [rows[i] for i in sorted(rows)]
        channel = members[0][1] if members else ""
        return {
            "channel": channel,
            "campaign": {
                "id": campaign.id,
                "size": len(members),
                "sample_text": campaign.sample_text,
                "first_seen": _iso(campaign.first_seen),
                "last_seen": _iso(campaign.last_seen),
            },
            "comment": comment_record(*members[0], settings, now) if members else None,
            "comments": [comment_record(c, ch, settings, now) for c, ch in members[:20]],
        }

    return _enqueue(s, campaign.channel_id, [("campaign.detected", payload)], now)


def check_sla(
    db: Database, settings: Settings, now: datetime | None = None, limit: int = 500
) -> int:
    """Record the breach of every open comment that passed its SLA without a first action
    (once per comment: ``sla_breached_at``) and write ``sla.breached`` for it; returns how
    many breaches it recorded (at most ``limit`` per call)."""
    now = now or utcnow()
    with db.write() as s:
        found = outbox.breach_candidates(s, settings.sla_targets, now, limit)
        for c, channel in found:
            c.sla_breached_at = now

            def payload(c: StoredComment = c, channel: str = channel) -> dict[str, Any]:
                sla = sla_of(c, channel, settings, now)
                return {
                    "channel": channel,
                    "sla": {
                        "queue": c.queue,
                        "target_s": sla.target_s,
                        "due_at": _iso(sla.due_at) if sla.due_at else None,
                        "waiting_s": sla.waiting_s,
                    },
                    "comment": comment_record(c, channel, settings, now),
                }

            _enqueue(s, c.channel_id, [("sla.breached", payload)], now)
    return len(found)


# --- webhooks: the use cases the routes call -----------------------------------------------------


def _check_url(url: str, settings: Settings) -> str:
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidRequestError("must be an absolute http:// or https:// URL", field="url")
    allowed = {h.lower() for h in settings.webhook_allowed_hosts}
    if allowed and parts.hostname.lower() not in allowed:
        raise InvalidRequestError(
            f"host {parts.hostname!r} is not in TRIAGE_WEBHOOK_ALLOWED_HOSTS", field="url"
        )
    return url


def create_webhook(
    db: Database,
    settings: Settings,
    principal: Principal,
    *,
    channel: str,
    url: str,
    events: Collection[str],
    secret: str,
) -> tuple[Webhook, str, dict[str, int]]:
    """Subscribe ``url`` to ``events`` of ``channel`` (admin)."""
    principal.require(Role.ADMIN)
    principal.require_channel(channel)
    url = _check_url(url, settings)
    unknown = sorted(set(events) - set(EVENTS))
    if unknown or not events:
        raise InvalidRequestError(
            f"unknown event(s) {', '.join(unknown)}; events are {', '.join(EVENTS)}"
            if unknown
            else "give at least one event",
            field="events",
        )
    now = utcnow()
    with db.write() as s:
        channel_id = repo.get_or_create_channel(s, channel, now)
        hook = outbox.add_webhook(
            s,
            channel_id=channel_id,
            url=url,
            events=[e for e in EVENTS if e in events],
            secret=secret,
            by=principal.name,
            now=now,
        )
    return hook, channel, {}


def list_webhooks(
    db: Database, principal: Principal, channel: str | None
) -> list[tuple[Webhook, str, dict[str, int]]]:
    """The webhooks (with channel and outbox counts per status) of the channels asked for
    (admin)."""
    principal.require(Role.ADMIN)
    with db.read() as s:
        names = principal.visible(channel)
        ids = None if names is None else list(repo.channel_ids(s, names))
        found = outbox.webhooks(s, ids)
        counts = outbox.delivery_counts(s, [w.id for w, _ in found])
    return [(w, name, counts.get(w.id, {})) for w, name in found]


def delete_webhook(db: Database, principal: Principal, webhook_id: int) -> None:
    """Remove a webhook and its pending deliveries (admin; 404 if unknown)."""
    principal.require(Role.ADMIN)
    with db.write() as s:
        found = outbox.get_webhook(s, webhook_id)
        if found is None or not principal.may_see(found[1]):
            raise NotFoundError(f"no webhook with id {webhook_id}")
        outbox.delete_webhook(s, webhook_id)


# --- the sender --------------------------------------------------------------------------------


def retry_delay(settings: Settings, attempts: int) -> float:
    """Seconds to wait after the ``attempts``-th failed attempt: doubling, capped."""
    return float(
        min(
            settings.webhook_retry_max_seconds,
            settings.webhook_retry_seconds * 2 ** min(attempts - 1, 40),
        )
    )


Post = Callable[[str, bytes, dict[str, str]], int]


def _httpx_post(timeout: float) -> Post:
    def post(url: str, body: bytes, headers: dict[str, str]) -> int:
        with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as http:
            return http.post(url, content=body, headers=headers).status_code

    return post


def deliver_due(
    db: Database,
    settings: Settings,
    *,
    now: datetime | None = None,
    limit: int = 20,
    post: Post | None = None,
) -> int:
    """Send up to ``limit`` due deliveries, one at a time, recording each outcome before the
    next; returns how many were attempted. ``now`` and ``post`` are for tests (a fixed clock,
    a fake transport)."""
    fixed = now
    start = fixed or utcnow()
    lease = start + timedelta(seconds=settings.webhook_timeout_seconds + 5)
    with db.write() as s:
        batch = outbox.lease_due(s, start, lease, limit)
    post = post or _httpx_post(settings.webhook_timeout_seconds)
    for due in batch:
        body = due.body.encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": f"triage-webhooks/{__version__}",
            "X-Triage-Event": due.event,
            EVENT_ID_HEADER: due.event_id,
            SIGNATURE_HEADER: sign(due.secret, body),
        }
        http_status: int | None = None
        error: str | None = None
        try:
            http_status = post(due.url, body, headers)
            if not 200 <= http_status < 300:
                error = f"HTTP {http_status}"
        except (httpx.HTTPError, OSError) as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
        at = fixed or utcnow()
        if error is None:
            status, next_at = "delivered", None
        elif at - due.created_at >= timedelta(seconds=settings.webhook_retry_for_seconds):
            status, next_at = "failed", None
        else:
            status, next_at = "pending", at + timedelta(seconds=retry_delay(settings, due.attempts))
        with db.write() as s:
            outbox.record_attempt(
                s,
                due,
                now=at,
                status=status,
                http_status=http_status,
                error=error,
                next_attempt_at=next_at,
            )
        if error is not None:
            log.info(
                "webhook %s: %s %s failed (%s); %s",
                due.webhook_id,
                due.event,
                due.event_id,
                error,
                "giving up" if status == "failed" else f"retry at {next_at}",
            )
    return len(batch)


class AlertSender:
    """The background thread: delivers due webhooks and runs the SLA check periodically."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db, self.settings = db, settings
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread (once)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="triage-alerts", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the thread to stop and wait for it (an attempt in flight finishes first)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        next_sla = 0.0
        while not self._stop.is_set():
            sent = 0
            try:
                if time.monotonic() >= next_sla:
                    check_sla(self.db, self.settings)
                    next_sla = time.monotonic() + self.settings.sla_check_seconds
                sent = deliver_due(self.db, self.settings)
            except TriageError as exc:  # the database was busy: try again next round
                log.warning("alerts: %s", exc)
            except Exception:  # noqa: BLE001 - the sender must outlive any one failure
                log.exception("alerts: unexpected error")
            if sent == 0:
                self._stop.wait(self.settings.webhook_poll_seconds)
