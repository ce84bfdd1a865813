"""Moderation use cases: what the API's routes call, one function per action.

Each function checks what the caller's key may do, chooses its transactions and calls
:mod:`triage.service.store.repo`. Scoring happens outside any write transaction, so a batch being
scored never holds SQLite's write lock. An ingest is acknowledged only after it committed.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
import logging
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError

from triage.errors import (
    AuthError,
    ConfigError,
    ConflictError,
    EncoderUnavailableError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
)
from triage.pipeline.core import Pipeline
from triage.pipeline.uncertainty import Uncertainty, uncertainties
from triage.service import alerts
from triage.service import campaigns as camp
from triage.service.auth import (
    KeyCache,
    Principal,
    Role,
    check_key_request,
    hash_token,
    new_token,
    token_matches,
    token_prefix,
)
from triage.service.settings import Settings
from triage.service.store import outbox, repo
from triage.service.store import replies as reply_store
from triage.service.store.db import Database, utcnow
from triage.service.store.models import ApiKey, Campaign, Label, StoredComment
from triage.types import Comment, Queue, Tag, Tier, TriageResult

log = logging.getLogger(__name__)

__all__ = [
    "IngestResult",
    "NewComment",
    "Page",
    "add_label",
    "analyze",
    "authenticate",
    "claim",
    "claim_comment",
    "create_key",
    "decode_cursor",
    "decode_review_cursor",
    "encode_cursor",
    "encode_review_cursor",
    "export_labels",
    "ingest",
    "iso",
    "list_campaigns",
    "list_keys",
    "list_queue",
    "list_review",
    "queue_counts",
    "resolve",
    "resolve_campaign",
    "resolve_many",
    "review_records",
    "revoke_key",
    "session_principal",
    "sign_in",
    "sign_out",
    "strip_bidi",
]

Row = tuple[StoredComment, str]
RESOLUTIONS = ("replied", "hidden", "deleted", "dismissed")


@dataclass(frozen=True, slots=True)
class NewComment:
    """A comment to ingest; ``created_at`` is naive UTC (``None``: now)."""

    external_id: str
    text: str
    author: str | None = None
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class IngestResult:
    """The stored rows in request order, and how many were new."""

    rows: list[Row]
    created: int


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a ranked queue and the cursor of the next one (``None`` at the end)."""

    rows: list[Row]
    next_cursor: str | None


def iso(t: datetime) -> str:
    """A stored (naive UTC) time as ISO 8601 with ``Z``."""
    return t.isoformat() + "Z"


#: Bidirectional controls: embeddings, overrides, isolates and marks (LRE RLE PDF LRO RLO, LRI
#: RLI FSI PDI, LRM RLM ALM). In a name they reorder the text shown around it ("U+202E shop").
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def strip_bidi(name: str) -> str:
    """A channel, author or key name without bidi control characters (and outer spaces).

    >>> strip_bidi("shop\u202e-a")
    'shop-a'
    """
    return _BIDI.sub("", name).strip()


def _name(value: str, field: str) -> str:
    cleaned = strip_bidi(value)
    if not cleaned:
        raise InvalidRequestError("must not be only bidirectional control characters", field=field)
    return cleaned


# --- limits and scoring ------------------------------------------------------------------------


def check_batch(texts: Sequence[str], settings: Settings) -> None:
    """Enforce the batch-size and text-length limits (422 naming the offending field)."""
    if len(texts) > settings.max_batch:
        raise InvalidRequestError(
            f"at most {settings.max_batch} comments per request; got {len(texts)}",
            field="comments",
            hint="split the batch, or raise TRIAGE_MAX_BATCH",
        )
    for i, text in enumerate(texts):
        if len(text) > settings.max_text_chars:
            raise InvalidRequestError(
                f"at most {settings.max_text_chars} characters; got {len(text)}",
                field=f"comments.{i}.text",
            )


_WARNED: set[str] = set()


def _warn_once(message: str) -> None:
    if message not in _WARNED:
        _WARNED.add(message)
        log.warning(message)


def ingest_tier(pipeline: Pipeline, settings: Settings) -> Tier:
    """The tier that scores stored comments: ``TRIAGE_INGEST_TIER``, else the accurate tier when the
    model has it (the better judgement for the queues, at ~30-50 ms per comment), else fast."""
    if settings.ingest_tier is not None:
        return _tier(pipeline, settings.ingest_tier, settings)
    return Tier.ACCURATE if Tier.ACCURATE in pipeline.tiers else Tier.FAST


def _tier(pipeline: Pipeline, tier: Tier | None, settings: Settings) -> Tier:
    chosen = tier or settings.default_tier
    if chosen not in pipeline.tiers:
        known = ", ".join(t.value for t in pipeline.tiers)
        raise InvalidRequestError(
            f"model {pipeline.name} has no {chosen.value!r} tier; it has: {known}", field="tier"
        )
    return chosen


def analyze(
    pipeline: Pipeline, settings: Settings, texts: Sequence[str], tier: Tier | None = None
) -> list[TriageResult]:
    """Score texts without storing anything (any role may)."""
    chosen = check_analyze(pipeline, settings, texts, tier)
    return pipeline.score_batch([Comment(text=t) for t in texts], chosen)


def check_analyze(
    pipeline: Pipeline, settings: Settings, texts: Sequence[str], tier: Tier | None = None
) -> Tier:
    """What :func:`analyze` checks before scoring (422 naming the field): the batch and text
    limits and the tier; returns the tier to score with."""
    check_batch(texts, settings)
    return _tier(pipeline, tier, settings)


# --- ingest and campaigns ----------------------------------------------------------------------


def _row(
    channel_id: int,
    c: NewComment,
    r: TriageResult,
    now: datetime,
    settings: Settings,
    unsure: Uncertainty,
) -> dict[str, Any]:
    rec = r.to_record()
    tags = set(rec.pop("tags"))
    return {
        "channel_id": channel_id,
        "external_id": c.external_id,
        "text": c.text,
        "author": c.author,
        "created_at": c.created_at or now,
        "ingested_at": now,
        **rec,
        **{f"tag_{t.value}": t.value in tags for t in Tag},
        "reasons": list(r.priority.reasons),
        "uncertainty": round(unsure.score, 4),
        "uncertainty_reason": unsure.reason[:200],
        "status": "open",
        "campaign_key": camp.campaign_key(c.text, r.tags.spam, settings.campaign_min_p_spam),
    }


def ingest(
    db: Database,
    pipeline: Pipeline,
    settings: Settings,
    principal: Principal,
    channel: str,
    comments: Sequence[NewComment],
) -> IngestResult:
    """Score, store and enqueue comments; idempotent on ``(channel, external_id)``.

    A comment already stored (or repeated within the request) is not scored again: every
    position gets the stored record. Concurrent ingests of the same comment store it once.
    Bidi control characters are removed from the channel and author names.

    Three short steps, none of them holding a lock while it computes: scoring (no
    transaction), one write transaction that stores the comments with their campaign buckets
    (the ingest is acknowledged once it committed), then campaign grouping: the comparison runs
    outside any write transaction and only its result is written (:func:`_group_campaigns`).
    """
    channel = _name(channel, "channel")
    principal.require_channel(channel)
    check_batch([c.text for c in comments], settings)
    first: dict[str, NewComment] = {}
    for c in comments:
        author = strip_bidi(c.author) if c.author is not None else None
        first.setdefault(
            c.external_id, NewComment(c.external_id, c.text, author or None, c.created_at)
        )
    with db.read() as s:
        known = repo.channel_ids(s, [channel])
        existing = repo.comments_by_external_id(s, next(iter(known)), first) if known else {}
    todo = [c for eid, c in first.items() if eid not in existing]
    tier = ingest_tier(pipeline, settings)
    batch = [Comment(c.text, id=c.external_id, channel=channel, author=c.author) for c in todo]
    try:
        results = pipeline.score_batch(batch, tier)
    except EncoderUnavailableError as exc:
        # the comments are stored all the same, judged by the fast tier (their `model` says so)
        _warn_once(f"the accurate tier cannot run here ({exc}); storing comments scored by the fast tier")
        tier = Tier.FAST
        results = pipeline.score_batch(batch, tier)
    # How unsure the model is, against the thresholds of the tier that decided the tags.
    thresholds = pipeline.tiers[tier].thresholds
    unsure = uncertainties([r.sentiment for r in results], [r.tags for r in results], thresholds)
    now = utcnow()
    rows = [_row(0, c, r, now, settings, u) for c, r, u in zip(todo, results, unsure, strict=True)]
    keys = {r["external_id"]: r["campaign_key"] for r in rows if r["campaign_key"]}
    bands = {eid: camp.buckets(key) for eid, key in keys.items()}
    with db.write() as s:
        channel_id = repo.get_or_create_channel(s, channel, now)
        for r in rows:
            r["channel_id"] = channel_id
        inserted = repo.insert_comments(s, rows)
        repo.insert_buckets(
            s,
            [
                {
                    "comment_id": inserted[r["external_id"]],
                    "band": band,
                    "channel_id": channel_id,
                    "bucket": bucket,
                    "created_at": r["created_at"],
                }
                for r in rows
                if r["external_id"] in inserted and r["external_id"] in bands
                for band, bucket in enumerate(bands[r["external_id"]])
            ],
        )
        stored = repo.comments_by_external_id(s, channel_id, first)
        # Webhook events of the new comments, in the transaction that stores them (the outbox).
        new_ids = set(inserted.values())
        alerts.enqueue_comments(
            s, settings, channel_id, channel, [c for c in stored.values() if c.id in new_ids], now
        )
    # Candidates of this request not in a campaign yet: new ones, and ones a failed or
    # concurrent earlier request stored without grouping them.
    new = [
        camp.Candidate(
            c.id,
            c.author,
            c.created_at,
            c.campaign_key,
            None,
            tuple(bands[c.external_id]) if c.external_id in bands else None,
        )
        for c in stored.values()
        if c.campaign_key and c.campaign_id is None
    ]
    if new:
        if _group_campaigns(db, channel_id, new, settings, now):
            with db.read() as s:
                stored = repo.comments_by_external_id(s, channel_id, first)
    return IngestResult([(stored[c.external_id], channel) for c in comments], created=len(inserted))


def _shift(t: datetime, delta: timedelta) -> datetime:
    try:
        return t + delta
    except OverflowError:
        return datetime.max if delta > timedelta(0) else datetime.min


def _group_campaigns(
    db: Database, channel_id: int, new: list[camp.Candidate], settings: Settings, now: datetime
) -> bool:
    """Group new candidates into campaigns; True if any comment joined one.

    The pool is what the bucket index finds (comments of the channel within the window that
    share an LSH bucket with a new one, bounded), read without a lock; :func:`campaigns.group`
    compares only those. The write transaction then re-reads the members under the channel
    lock, so a comment that a concurrent request put into a campaign meanwhile makes this
    group join that campaign instead of starting a second one.
    """
    window = timedelta(seconds=settings.campaign_window_seconds)
    times = [c.created_at for c in new]
    start, end = _shift(min(times), -window), _shift(max(times), window)
    with db.read() as s:
        matches = repo.bucket_matches(
            s, channel_id, {b for c in new for b in c.buckets or camp.buckets(c.key)}, start, end
        )
        found = {c.id: c for c in repo.campaign_candidates(s, matches)}
    pool = [
        camp.Candidate(c.id, c.author, c.created_at, c.key, c.campaign_id, tuple(matches[c.id]))
        for c in found.values()
    ]
    assignments = camp.group(
        new,
        pool,
        window=window,
        threshold=settings.campaign_similarity,
        min_authors=settings.campaign_min_authors,
    )
    if not assignments:
        return False
    with db.write() as s:
        repo.lock_channel(s, channel_id)
        current = repo.campaign_ids(s, [i for a in assignments for i in a.members])
        for a in assignments:
            free = [i for i in a.members if current.get(i) is None]
            taken = sorted({current[i] for i in a.members if current.get(i) is not None})
            target = a.campaign_id if a.campaign_id is not None else (taken[0] if taken else None)
            if not free:
                continue
            found_campaign = repo.get_campaign(s, target) if target is not None else None
            campaign = (
                found_campaign[0]
                if found_campaign
                else repo.create_campaign(s, channel_id, "", now)
            )
            repo.join_campaign(s, campaign, free)
            if found_campaign is None:
                alerts.enqueue_campaign(s, settings, campaign, free, now)
            for i in free:
                current[i] = campaign.id
    return True


# --- queues ------------------------------------------------------------------------------------


def _pack(values: list[Any]) -> str:
    """An opaque cursor: compact JSON in unpadded URL-safe base64."""
    raw = json.dumps(values, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@contextmanager
def _unpacked(cursor: str) -> Iterator[Any]:
    """The values of a cursor; any error inside the block is a 422 naming ``cursor``."""
    try:
        yield json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, RecursionError):
        raise InvalidRequestError(
            "not a cursor this server issued; pass next_cursor unchanged", field="cursor"
        ) from None


def encode_cursor(key: repo.RankKey) -> str:
    """Opaque cursor for the page after ``key``."""
    return _pack([key.priority, key.created_at.isoformat(), key.id])


def decode_cursor(cursor: str) -> repo.RankKey:
    """Inverse of :func:`encode_cursor`; anything else is a 422 naming ``cursor``."""
    with _unpacked(cursor) as values:
        p, t, i = values
        if not (type(p) is int and type(i) is int and isinstance(t, str)):
            raise TypeError
        if not (0 <= p <= 100 and 0 <= i < 2**63):  # out-of-range ints would fail in SQLite
            raise ValueError
        return repo.RankKey(p, datetime.fromisoformat(t).replace(tzinfo=None), i)


def _channel_ids(s: Any, principal: Principal, channel: str | None) -> list[int] | None:
    names = principal.visible(channel)
    return None if names is None else list(repo.channel_ids(s, names))


def list_queue(
    db: Database,
    principal: Principal,
    queue: Queue,
    *,
    channel: str | None,
    lang: str | None,
    tag: Tag | None,
    limit: int,
    cursor: str | None,
    text: str | None = None,
    overdue: Settings | None = None,
) -> Page:
    """A page of a ranked queue (priority, then oldest first) over the channels the key may see;
    ``text`` keeps only comments whose text contains it; ``overdue`` (the settings with the SLA
    targets) only those past their SLA without a first action."""
    after = decode_cursor(cursor) if cursor else None
    with db.read() as s:
        ids = _channel_ids(s, principal, channel)
        late = (
            outbox.overdue_condition(s, overdue.sla_targets, utcnow(), [queue.value])
            if overdue is not None
            else None
        )
        rows = repo.queue_page(
            s,
            queue.value,
            ids,
            lang=lang,
            tag=tag.value if tag else None,
            limit=limit + 1,
            after=after,
            text=text.strip() if text and text.strip() else None,
            extra=late,
        )
    more = len(rows) > limit
    return Page(rows[:limit], encode_cursor(repo.RankKey.of(rows[limit - 1][0])) if more else None)


def encode_review_cursor(key: repo.ReviewKey) -> str:
    """Opaque cursor for the review page after ``key``."""
    return _pack(["review", key.uncertainty, key.id])


def decode_review_cursor(cursor: str) -> repo.ReviewKey:
    """Inverse of :func:`encode_review_cursor`; anything else is a 422 naming ``cursor``.

    >>> decode_review_cursor(encode_review_cursor(repo.ReviewKey(0.9731, 42)))
    ReviewKey(uncertainty=0.9731, id=42)
    """
    with _unpacked(cursor) as values:
        kind, u, i = values
        if not (kind == "review" and type(u) in (int, float) and type(i) is int):
            raise TypeError
        if not (0.0 <= u <= 1.0 and 0 <= i < 2**63):  # also refuses NaN
            raise ValueError
        return repo.ReviewKey(float(u), i)


def list_review(
    db: Database,
    principal: Principal,
    *,
    channel: str | None,
    lang: str | None,
    limit: int,
    cursor: str | None,
) -> Page:
    """Active learning: the comments of the key's channels nobody has labelled yet, the ones
    the model is least sure about first (see :mod:`triage.pipeline.uncertainty`); then by id."""
    after = decode_review_cursor(cursor) if cursor else None
    with db.read() as s:
        ids = _channel_ids(s, principal, channel)
        rows = repo.review_page(s, ids, lang=lang, limit=limit + 1, after=after)
    more = len(rows) > limit
    return Page(
        rows[:limit], encode_review_cursor(repo.ReviewKey.of(rows[limit - 1][0])) if more else None
    )


def review_records(
    db: Database,
    principal: Principal,
    *,
    channel: str | None,
    lang: str | None,
    limit: int,
    page_size: int = 500,
) -> Iterator[dict[str, Any]]:
    """The first ``limit`` comments of the review list as plain records (``triage review``):
    ``id, channel, external_id, text, lang, predictions, uncertainty, reason``."""
    cursor: str | None = None
    left = limit
    while left > 0:
        page = list_review(
            db, principal, channel=channel, lang=lang, limit=min(left, page_size), cursor=cursor
        )
        for c, name in page.rows:
            yield {
                "id": c.id,
                "channel": name,
                "external_id": c.external_id,
                "text": c.text,
                "lang": c.lang,
                "predictions": {
                    "sentiment": c.sentiment,
                    "p_negative": c.p_negative,
                    "p_neutral": c.p_neutral,
                    "p_positive": c.p_positive,
                    "tags": [t.value for t in Tag if getattr(c, f"tag_{t.value}")],
                    **{f"p_{t.value}": getattr(c, f"p_{t.value}") for t in Tag},
                    "model": c.model,
                },
                "uncertainty": c.uncertainty,
                "reason": c.uncertainty_reason,
            }
        left -= len(page.rows)
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def queue_counts(db: Database, principal: Principal) -> dict[str, dict[str, tuple[int, int]]]:
    """``{channel: {queue: (open, leased)}}`` for every channel the key may see."""
    now = utcnow()
    with db.read() as s:
        names = principal.visible(None)
        ids = repo.channel_ids(s, names)
        counts = repo.queue_counts(s, None if names is None else list(ids), now)
    out = {
        name: {q.value: (0, 0) for q in Queue}
        for name in sorted(names if names is not None else ids.values())
    }
    for cid, queue, n, leased in counts:
        out[ids[cid]][queue] = (n, leased)
    return out


def claim(
    db: Database,
    settings: Settings,
    principal: Principal,
    queue: Queue,
    *,
    channel: str | None,
    lang: str | None,
    tag: Tag | None,
    limit: int,
) -> tuple[list[Row], datetime]:
    """Lease the next ``limit`` unleased items of a queue to the caller (never to two callers)."""
    if limit > settings.max_claim:
        raise InvalidRequestError(
            f"at most {settings.max_claim} items per claim; got {limit}", field="limit"
        )
    now = utcnow()
    expires = now + timedelta(seconds=settings.lease_seconds)
    with db.write() as s:
        ids = _channel_ids(s, principal, channel)
        rows = repo.claim(
            s,
            queue.value,
            ids,
            lang=lang,
            tag=tag.value if tag else None,
            limit=limit,
            owner=principal.name,
            now=now,
            expires=expires,
        )
    return rows, expires


def _visible_comment(s: Any, principal: Principal, comment_id: int) -> Row:
    principal.require(Role.MODERATE)
    row = repo.get_comment(s, comment_id, for_update=True)
    if row is None or not principal.may_see(row[1]):
        raise NotFoundError(
            f"no comment with id {comment_id}"
        )  # the same answer whether or not it exists
    return row


def _held_by_other(c: StoredComment, principal: Principal, now: datetime) -> str | None:
    """Why ``principal`` may not act on ``c`` (another key's lease in force), or ``None``."""
    held = c.claimed_by is not None and c.claim_expires_at is not None and c.claim_expires_at > now
    if held and c.claimed_by != principal.name:
        return f"comment {c.id} is claimed by {c.claimed_by} until {c.claim_expires_at:%H:%M:%S}Z"
    return None


def _close(c: StoredComment, principal: Principal, action: str, now: datetime) -> None:
    c.status, c.resolved_by, c.resolved_at = action, principal.name, now
    c.first_action_at = c.first_action_at or now  # the SLA clock stops at the first action
    c.claimed_by = c.claim_expires_at = None


def resolve(
    db: Database, principal: Principal, comment_id: int, action: str, reply_id: int | None = None
) -> Row:
    """Close a comment: replied, hidden, deleted or dismissed (409 while another key leases it).

    ``reply_id`` (with ``replied`` only) records which saved reply of the comment's channel
    answered it, in the same transaction (422 naming ``reply_id`` for any other reply).
    """
    if reply_id is not None and action != "replied":
        raise InvalidRequestError(
            f"a saved reply is recorded only with action 'replied', not {action!r}",
            field="reply_id",
        )
    now = utcnow()
    with db.write() as s:
        c, channel = _visible_comment(s, principal, comment_id)
        if (why := _held_by_other(c, principal, now)) is not None:
            raise ConflictError(why)
        if reply_id is not None:
            found = reply_store.get_reply(s, reply_id)
            if found is None or found[1] != channel:
                raise InvalidRequestError(
                    f"no saved reply with id {reply_id} in channel {channel!r}", field="reply_id"
                )
            reply_store.add_use(s, reply=found[0], comment_id=c.id, by=principal.name, now=now)
        _close(c, principal, action, now)
    return c, channel


def resolve_many(
    db: Database, settings: Settings, principal: Principal, comment_ids: Sequence[int], action: str
) -> tuple[list[Row], list[tuple[int, str]]]:
    """Resolve several comments in one transaction (the inbox's bulk hide/delete).

    Returns the resolved rows and ``(id, why)`` of the skipped ones: ids that do not exist or
    are in a channel the key may not see ("no comment with id N", as for one comment), and
    comments another key holds a lease on.
    """
    principal.require(Role.MODERATE)
    ids = list(dict.fromkeys(comment_ids))
    if len(ids) > settings.max_batch:
        raise InvalidRequestError(
            f"at most {settings.max_batch} ids per request; got {len(ids)}", field="ids"
        )
    now = utcnow()
    done: list[Row] = []
    skipped: list[tuple[int, str]] = []
    with db.write() as s:
        found = repo.get_comments(s, ids)
        for cid in ids:
            row = found.get(cid)
            if row is None or not principal.may_see(row[1]):
                skipped.append((cid, f"no comment with id {cid}"))
            elif (why := _held_by_other(row[0], principal, now)) is not None:
                skipped.append((cid, why))
            else:
                _close(row[0], principal, action, now)
                done.append(row)
    return done, skipped


def claim_comment(
    db: Database, settings: Settings, principal: Principal, comment_id: int
) -> tuple[Row, datetime]:
    """Lease one open comment to the caller (or renew the caller's lease on it).

    409 if another key holds a lease on it or it is no longer open; 404 if the key may not see it.
    """
    now = utcnow()
    expires = now + timedelta(seconds=settings.lease_seconds)
    with db.write() as s:
        c, channel = _visible_comment(s, principal, comment_id)
        if c.status != "open":
            raise ConflictError(f"comment {comment_id} is already {c.status} (by {c.resolved_by})")
        if (why := _held_by_other(c, principal, now)) is not None:
            raise ConflictError(why)
        c.claimed_by, c.claim_expires_at = principal.name, expires
        c.first_action_at = c.first_action_at or now
    return (c, channel), expires


def add_label(
    db: Database, principal: Principal, comment_id: int, values: Mapping[str, Any]
) -> Label:
    """Store a moderator's correction (sentiment, tags, priority, lang) with who and when."""
    if all(v is None for v in values.values()):
        raise InvalidRequestError("give at least one of sentiment, tags, priority, lang", field="body")
    with db.write() as s:
        comment, _ = _visible_comment(s, principal, comment_id)
        return repo.add_label(s, comment, values, principal.name, utcnow())


def export_labels(
    db: Database, principal: Principal, channel: str | None, chunk: int = 500
) -> Iterator[dict[str, Any]]:
    """Training rows of the latest correction of each comment (checks access before streaming)."""
    with db.read() as s:
        ids = _channel_ids(s, principal, channel)

    def rows() -> Iterator[dict[str, Any]]:
        after = 0
        while True:
            with db.read() as s:
                page = repo.label_page(s, ids, after, chunk)
            for label, c, name in page:
                yield {
                    "id": f"{name}/{c.external_id}",
                    "text": c.text,
                    "lang": label.lang or c.lang,
                    "sentiment": label.sentiment,
                    "tags": label.tags,
                    "priority": label.priority,
                    "labelled_by": label.labelled_by,
                    "labelled_at": iso(label.labelled_at),
                    "channel": name,
                    "external_id": c.external_id,
                    "source": "triage-labels",
                }
            if len(page) < chunk:
                return
            after = page[-1][0].id

    return rows()


# --- campaigns ---------------------------------------------------------------------------------


def list_campaigns(
    db: Database, principal: Principal, channel: str | None, status: str | None
) -> list[tuple[Campaign, str, int, int]]:
    """Campaigns (with channel, size, authors) in the channels the key may see."""
    with db.read() as s:
        return repo.campaigns(s, _channel_ids(s, principal, channel), status)


def resolve_campaign(
    db: Database, principal: Principal, campaign_id: int, action: str
) -> tuple[Campaign, str, int, list[tuple[int, str]]]:
    """Hide, delete or dismiss every open comment of a campaign in one transaction.

    Comments another key holds a lease on are left to that key (as a single resolve would
    answer 409): they stay open and come back as ``(id, why)``. Returns the campaign, its
    channel, how many comments were resolved, and the skipped ones.
    """
    principal.require(Role.MODERATE)
    now = utcnow()
    with db.write() as s:
        found = repo.get_campaign(s, campaign_id)
        if found is None or not principal.may_see(found[1]):
            raise NotFoundError(f"no campaign with id {campaign_id}")
        n, held = repo.resolve_campaign(s, found[0], action, principal.name, now)
    skipped = [
        (cid, f"comment {cid} is claimed by {who} until {until:%H:%M:%S}Z")
        for cid, who, until in held
    ]
    return found[0], found[1], n, skipped


# --- keys --------------------------------------------------------------------------------------


def create_key(
    db: Database, role: Role, channels: Collection[str], name: str | None = None
) -> tuple[ApiKey, str]:
    """Create an API key; returns the stored row and the key itself (shown only now)."""
    scope = check_key_request(role, [_name(c, "channels") for c in channels])
    token = new_token()
    prefix = token_prefix(token)
    if prefix is None:  # pragma: no cover - new_token always makes a valid key
        raise ConfigError("generated an invalid key")
    if name is None:
        name = f"{role.value}-{prefix.removeprefix('trg_')}"
    name = _name(name, "name")
    taken = ConflictError(f"a key named {name!r} exists; choose another --name")
    try:
        with db.write() as s:
            if repo.key_name_taken(s, name):
                raise taken
            key = repo.add_key(
                s,
                name=name,
                prefix=prefix,
                key_hash=hash_token(token),
                role=role.value,
                channels=scope,
                now=utcnow(),
            )
    except IntegrityError:
        # A concurrent request stored the same name between the check and the insert
        # (PostgreSQL's unique index answers UniqueViolation): the same answer as the check.
        raise taken from None
    return key, token


def list_keys(db: Database, principal: Principal) -> list[ApiKey]:
    """Every key, revoked ones too, oldest first (admin). Rows carry hashes: callers show only
    the name, role, channels, prefix and times."""
    principal.require(Role.ADMIN)
    with db.read() as s:
        return repo.keys(s)


def revoke_key(db: Database, principal: Principal, name: str) -> tuple[ApiKey, bool]:
    """Revoke the key named ``name`` (admin): from now on it authenticates nothing, neither in
    the ``Authorization`` header nor through the inbox sessions signed in with it (ended too).

    Returns the key and whether this call revoked it: revoking a revoked key changes nothing
    and is no error. 404 for an unknown name; 409 for the last admin key that is not revoked
    (nobody could create or revoke keys through the API any more).
    """
    principal.require(Role.ADMIN)
    with db.write() as s:
        key = repo.key_by_name(s, name)
        if key is None:
            raise NotFoundError(
                f"no key named {name!r}", hint="GET /v1/keys (or `triage keys list`) lists them"
            )
        if key.revoked_at is not None:
            return key, False
        if key.role == Role.ADMIN.value:
            admins = repo.unrevoked_admin_ids(s)  # locked: concurrent revocations queue up here
            if key.id not in admins:  # revoked by a concurrent request meanwhile
                s.refresh(key)
                return key, False
            if len(admins) == 1:
                raise ConflictError(
                    f"{name!r} is the last admin key that is not revoked; revoking it would leave "
                    "no key that can manage keys",
                    hint="create another admin key first (triage keys create --role admin), "
                    "switch to it, then revoke this one",
                )
        now = utcnow()
        revoked = repo.revoke_key(s, key.id, now)
        repo.revoke_key_sessions(s, key.id, now)
        s.refresh(key)
    return key, revoked


def _bearer_token(authorization: str | None) -> str:
    scheme, _, token = (authorization or "").partition(" ")
    if not authorization:
        raise AuthError("missing API key; send the header 'Authorization: Bearer <key>'")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError("malformed Authorization header; expected 'Bearer <key>'")
    return token.strip()


def authenticate(
    db: Database, authorization: str | None, cache: KeyCache | None = None
) -> Principal:
    """The caller of a request with header ``Authorization: Bearer <key>`` (401 otherwise).

    With a ``cache``, a key it verified less than ``cache.ttl`` seconds ago is not read from
    the database again (see :class:`~triage.service.auth.KeyCache` for what that means for
    revocation), and a key the database accepts is remembered."""
    token = _bearer_token(authorization)
    if cache is not None and (hit := cache.get(token)) is not None:
        return hit
    generation = cache.generation if cache is not None else 0
    prefix = token_prefix(token)
    with db.read() as s:
        key = repo.key_by_prefix(s, prefix) if prefix else None
    if key is None or not token_matches(token, key.key_hash):
        raise AuthError("unknown or revoked API key")
    principal = _principal(key)
    if cache is not None:
        cache.put(token, principal, generation)
    return principal


def cached_principal(cache: KeyCache, authorization: str | None) -> Principal | None:
    """The caller, if ``cache`` holds its key; ``None`` means: call :func:`authenticate`
    (which also gives the 401 of a missing or malformed header). Reads no database."""
    try:
        return cache.get(_bearer_token(authorization))
    except AuthError:
        return None


# --- inbox sessions ------------------------------------------------------------------------------


def _principal(key: ApiKey) -> Principal:
    return Principal(key.id, key.name, Role(key.role), frozenset(key.channels))


def sign_in(db: Database, settings: Settings, token: str) -> tuple[Principal, str]:
    """Start an inbox session for an API key of role moderate or admin.

    Returns the principal and the session's own random id (what the cookie holds; only its
    SHA-256 is stored). 401 for an unknown or revoked key, 403 for a ``score`` key.
    """
    principal = authenticate(db, f"Bearer {token}")
    if principal.role is Role.SCORE:
        raise PermissionDeniedError(
            "This key has role score: it may only analyze text. "
            "Sign in with a key of role moderate or admin."
        )
    session_token = secrets.token_urlsafe(32)
    now = utcnow()
    with db.write() as s:
        repo.add_session(
            s,
            token_hash=hash_token(session_token),
            key_id=principal.key_id,
            now=now,
            expires=now + timedelta(seconds=settings.session_seconds),
        )
    return principal, session_token


def session_principal(db: Database, session_token: str) -> Principal:
    """The caller of an inbox session (401 once it expired, was signed out, or its key was
    revoked)."""
    if not session_token or len(session_token) > 200:
        raise AuthError("not signed in")
    with db.read() as s:
        key = repo.session_key(s, hash_token(session_token), utcnow())
    if key is None:
        raise AuthError("the session has ended (signed out, expired, or its key was revoked)")
    return _principal(key)


def sign_out(db: Database, session_token: str) -> bool:
    """End an inbox session; True if it was in force."""
    if not session_token or len(session_token) > 200:
        return False
    with db.write() as s:
        return repo.revoke_session(s, hash_token(session_token), utcnow())
