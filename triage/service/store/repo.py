"""Queries. Every function takes an open :class:`~sqlalchemy.orm.Session` and neither commits
nor knows about HTTP; transactions are chosen by the caller (:mod:`triage.service.moderation`).

The two places where SQLite and PostgreSQL differ:

* ``insert ... on conflict do nothing`` (both dialects have it, under different imports), which
  makes ingest and channel creation idempotent and safe under concurrency;
* claims: PostgreSQL locks the chosen rows with ``FOR UPDATE SKIP LOCKED``, so concurrent
  claimers pass each other by; SQLite has no row locks, but a write transaction there holds the
  database's write lock from ``BEGIN IMMEDIATE`` on, so select-then-update cannot interleave.
  Both then update only rows that are still unclaimed (or whose lease expired).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    case,
    cast,
    delete,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from triage.service.campaigns import Candidate
from triage.service.store.models import (
    ApiKey,
    Campaign,
    CampaignBucket,
    Channel,
    Label,
    StoredComment,
    WebSession,
)

__all__ = [
    "RankKey",
    "ReviewKey",
    "add_key",
    "add_label",
    "add_session",
    "bucket_matches",
    "campaign_candidates",
    "campaign_ids",
    "campaigns",
    "channel_ids",
    "claim",
    "comments_by_external_id",
    "create_campaign",
    "get_campaign",
    "get_comment",
    "get_comments",
    "get_or_create_channel",
    "insert_buckets",
    "insert_comments",
    "join_campaign",
    "key_by_name",
    "key_by_prefix",
    "key_name_taken",
    "keys",
    "label_page",
    "lock_channel",
    "queue_counts",
    "queue_page",
    "resolve_campaign",
    "review_page",
    "revoke_key",
    "revoke_key_sessions",
    "revoke_session",
    "session_key",
    "unrevoked_admin_ids",
]

C = StoredComment
_Q = TypeVar("_Q", bound="Select[*tuple[Any, ...]]")
Row = tuple[StoredComment, str]


@dataclass(frozen=True, slots=True)
class RankKey:
    """Position in a ranked queue: priority (desc), then age (oldest first), then id."""

    priority: int
    created_at: datetime
    id: int

    @classmethod
    def of(cls, comment: StoredComment) -> RankKey:
        """The rank key of a stored comment."""
        return cls(comment.priority, comment.created_at, comment.id)


_RANK = (C.priority.desc(), C.created_at.asc(), C.id.asc())


def _after(key: RankKey) -> ColumnElement[bool]:
    return or_(
        C.priority < key.priority,
        and_(
            C.priority == key.priority,
            or_(C.created_at > key.created_at, and_(C.created_at == key.created_at, C.id > key.id)),
        ),
    )


@dataclass(frozen=True, slots=True)
class ReviewKey:
    """Position in the review list: uncertainty (desc), then id."""

    uncertainty: float
    id: int

    @classmethod
    def of(cls, comment: StoredComment) -> ReviewKey:
        """The review key of a stored comment (which has an uncertainty)."""
        assert comment.uncertainty is not None
        return cls(comment.uncertainty, comment.id)


_REVIEW = (C.uncertainty.desc(), C.id.asc())


def _after_review(key: ReviewKey) -> ColumnElement[bool]:
    return or_(
        C.uncertainty < key.uncertainty, and_(C.uncertainty == key.uncertainty, C.id > key.id)
    )


def _insert(session: Session, table: Any) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def get_or_create_channel(session: Session, name: str, now: datetime) -> int:
    """The id of channel ``name``, created if new (safe when two requests race to create it)."""
    found = session.scalar(select(Channel.id).where(Channel.name == name))
    if found is not None:
        return found
    session.execute(
        _insert(session, Channel).values(name=name, created_at=now).on_conflict_do_nothing()
    )
    return session.scalars(select(Channel.id).where(Channel.name == name)).one()


def channel_ids(session: Session, names: Collection[str] | None) -> dict[int, str]:
    """``{id: name}`` of the named channels that exist (every channel when ``names`` is None)."""
    query = select(Channel.id, Channel.name)
    if names is not None:
        query = query.where(Channel.name.in_(sorted(names)))
    return {cid: name for cid, name in session.execute(query)}  # noqa: C416 (a Result has .keys())


def comments_by_external_id(
    session: Session, channel_id: int, external_ids: Iterable[str]
) -> dict[str, StoredComment]:
    """Stored comments of one channel, keyed by external id."""
    ids = sorted(set(external_ids))
    rows = session.scalars(select(C).where(C.channel_id == channel_id, C.external_id.in_(ids)))
    return {c.external_id: c for c in rows}


def insert_comments(session: Session, rows: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """Insert comments, skipping any whose ``(channel, external_id)`` exists.

    Returns ``{external_id: id}`` of the rows this call inserted (all in one channel).
    """
    if not rows:
        return {}
    table = StoredComment.__table__
    # A Core executemany: SQLAlchemy batches it into multi-row INSERT ... RETURNING statements
    # ("insertmanyvalues") and caches the compiled statement, unlike .values([...]).
    stmt = (
        _insert(session, table)
        .on_conflict_do_nothing(index_elements=["channel_id", "external_id"])
        .returning(table.c.external_id, table.c.id)
    )
    # One order for everyone: two PostgreSQL transactions inserting the same comments then wait
    # for each other in the same order and cannot deadlock.
    ordered = sorted(rows, key=lambda r: str(r["external_id"]))
    return {e: i for e, i in session.execute(stmt, ordered)}  # noqa: C416 (a Result has .keys())


def get_comment(session: Session, comment_id: int, *, for_update: bool = False) -> Row | None:
    """A comment and its channel name, or ``None``."""
    query = (
        select(C, Channel.name).join(Channel, Channel.id == C.channel_id).where(C.id == comment_id)
    )
    if for_update:
        query = query.with_for_update(of=C)
    row = session.execute(query).one_or_none()
    return None if row is None else (row[0], row[1])


def get_comments(session: Session, comment_ids: Collection[int]) -> dict[int, Row]:
    """Comments and their channel names by id, locked for update (missing ids are left out)."""
    query = (
        select(C, Channel.name)
        .join(Channel, Channel.id == C.channel_id)
        .where(C.id.in_(sorted(comment_ids)))
        .order_by(C.id)  # one lock order for everyone
        .with_for_update(of=C)
    )
    return {c.id: (c, name) for c, name in session.execute(query)}


def _filtered(
    query: _Q,
    ids: Collection[int] | None,
    queue: str,
    lang: str | None,
    tag: str | None,
    text: str | None = None,
) -> _Q:
    query = query.where(C.status == "open", C.queue == queue)
    if ids is not None:
        query = query.where(C.channel_id.in_(sorted(ids)))
    if lang is not None:
        query = query.where(C.lang == lang)
    if tag is not None:
        query = query.where(getattr(C, f"tag_{tag}").is_(True))
    if text:
        # lower() LIKE lower(): any case on PostgreSQL, ASCII letters only on SQLite.
        query = query.where(C.text.icontains(text, autoescape=True))
    return query


def queue_page(
    session: Session,
    queue: str,
    ids: Collection[int] | None,
    *,
    lang: str | None,
    tag: str | None,
    limit: int,
    after: RankKey | None,
    text: str | None = None,
    extra: ColumnElement[bool] | None = None,
) -> list[Row]:
    """One page of open comments of a queue, best first; ``ids`` limits the channels,
    ``text`` keeps only comments containing it and ``extra`` is one more condition."""
    query = _filtered(
        select(C, Channel.name).join(Channel, Channel.id == C.channel_id),
        ids,
        queue,
        lang,
        tag,
        text,
    )
    if after is not None:
        query = query.where(_after(after))
    if extra is not None:
        query = query.where(extra)
    return [(c, name) for c, name in session.execute(query.order_by(*_RANK).limit(limit))]


def review_page(
    session: Session,
    ids: Collection[int] | None,
    *,
    lang: str | None,
    limit: int,
    after: ReviewKey | None,
) -> list[Row]:
    """One page of the comments nobody has labelled yet (any status), most uncertain first.

    ``ids`` limits the channels. Comments without an uncertainty (written by a triage older
    than migration 0002 while it ran) are left out.
    """
    labelled = select(Label.id).where(Label.comment_id == C.id).exists()
    query = (
        select(C, Channel.name)
        .join(Channel, Channel.id == C.channel_id)
        .where(C.uncertainty.is_not(None), ~labelled)
    )
    if ids is not None:
        query = query.where(C.channel_id.in_(sorted(ids)))
    if lang is not None:
        query = query.where(C.lang == lang)
    if after is not None:
        query = query.where(_after_review(after))
    return [(c, name) for c, name in session.execute(query.order_by(*_REVIEW).limit(limit))]


def claim(
    session: Session,
    queue: str,
    ids: Collection[int] | None,
    *,
    lang: str | None,
    tag: str | None,
    limit: int,
    owner: str,
    now: datetime,
    expires: datetime,
) -> list[Row]:
    """Lease the best ``limit`` open, unleased comments of a queue to ``owner`` till ``expires``."""
    free = or_(C.claimed_by.is_(None), C.claim_expires_at <= now)
    pick = _filtered(select(C.id), ids, queue, lang, tag).where(free).order_by(*_RANK).limit(limit)
    chosen = list(
        session.scalars(pick.with_for_update(skip_locked=True))
    )  # FOR UPDATE is a no-op on SQLite
    if not chosen:
        return []
    claimed = set(
        session.scalars(
            update(C)
            .where(C.id.in_(chosen), free)
            .values(
                claimed_by=owner,
                claim_expires_at=expires,
                first_action_at=func.coalesce(C.first_action_at, now),
            )
            .returning(C.id)
        )
    )
    rows = session.execute(
        select(C, Channel.name)
        .join(Channel, Channel.id == C.channel_id)
        .where(C.id.in_(sorted(claimed)))
        .order_by(*_RANK)
    )
    return [(c, name) for c, name in rows]


def queue_counts(
    session: Session, ids: Collection[int] | None, now: datetime
) -> list[tuple[int, str, int, int]]:
    """``(channel_id, queue, open, leased)`` for every channel/queue with open comments."""
    leased = func.sum(case((and_(C.claimed_by.is_not(None), C.claim_expires_at > now), 1), else_=0))
    query = select(C.channel_id, C.queue, func.count(), leased).where(C.status == "open")
    if ids is not None:
        query = query.where(C.channel_id.in_(sorted(ids)))
    query = query.group_by(C.channel_id, C.queue)
    return [(cid, q, int(n), int(k or 0)) for cid, q, n, k in session.execute(query)]


def insert_buckets(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """Store LSH buckets ``{comment_id, band, channel_id, bucket, created_at}`` (existing ones
    are kept: a comment's buckets never change)."""
    if not rows:
        return
    stmt = _insert(session, CampaignBucket.__table__).on_conflict_do_nothing(
        index_elements=["comment_id", "band"]
    )
    session.execute(stmt, sorted(rows, key=lambda r: (r["comment_id"], r["band"])))


def bucket_matches(
    session: Session,
    channel_id: int,
    buckets: Collection[int],
    start: datetime,
    end: datetime,
    limit: int = 2000,
    chunk: int = 500,
) -> dict[int, set[int]]:
    """``{comment_id: buckets}`` of the channel's candidates posted between ``start`` and
    ``end`` that share one of ``buckets``: at most ``limit`` comments, the newest first."""
    found: dict[int, tuple[datetime, set[int]]] = {}
    wanted = sorted(set(buckets))
    B = CampaignBucket
    for i in range(0, len(wanted), chunk):
        query = (
            select(B.comment_id, B.bucket, B.created_at)
            .where(
                B.channel_id == channel_id,
                B.bucket.in_(wanted[i : i + chunk]),
                B.created_at.between(start, end),
            )
            .order_by(B.created_at.desc(), B.comment_id.desc())
            .limit(limit * 16)
        )
        for cid, bucket, at in session.execute(query):
            found.setdefault(cid, (at, set()))[1].add(bucket)
    newest = sorted(found.items(), key=lambda kv: (kv[1][0], kv[0]), reverse=True)[:limit]
    return {cid: bs for cid, (_, bs) in newest}


def campaign_candidates(session: Session, ids: Collection[int]) -> list[Candidate]:
    """The campaign candidates with these ids (id, author, time, skeleton, campaign)."""
    out: list[Candidate] = []
    wanted = sorted(set(ids))
    for i in range(0, len(wanted), 500):
        query = select(C.id, C.author, C.created_at, C.campaign_key, C.campaign_id).where(
            C.id.in_(wanted[i : i + 500]), C.campaign_key.is_not(None)
        )
        out += [Candidate(i_, a, t, k or "", cid) for i_, a, t, k, cid in session.execute(query)]
    return out


def campaign_ids(session: Session, comment_ids: Collection[int]) -> dict[int, int | None]:
    """``{id: campaign_id}`` of these comments, locked for update (in id order)."""
    out: dict[int, int | None] = {}
    wanted = sorted(set(comment_ids))
    for i in range(0, len(wanted), 500):
        query = (
            select(C.id, C.campaign_id)
            .where(C.id.in_(wanted[i : i + 500]))
            .order_by(C.id)
            .with_for_update()
        )
        out.update({cid: camp for cid, camp in session.execute(query)})  # noqa: C416
    return out


def lock_channel(session: Session, channel_id: int) -> None:
    """Serialise campaign detection per channel (PostgreSQL row lock; SQLite holds its write lock).

    ``FOR NO KEY UPDATE``, not ``FOR UPDATE``: inserting comments takes ``FOR KEY SHARE`` on their
    channel (the foreign key), and two ingests each holding that and asking for ``FOR UPDATE``
    would deadlock.
    """
    session.execute(
        select(Channel.id).where(Channel.id == channel_id).with_for_update(key_share=True)
    )


def create_campaign(session: Session, channel_id: int, sample_text: str, now: datetime) -> Campaign:
    """A new, empty campaign."""
    campaign = Campaign(
        channel_id=channel_id,
        status="open",
        sample_text=sample_text[:500],
        first_seen=now,
        last_seen=now,
        created_at=now,
    )
    session.add(campaign)
    session.flush()
    return campaign


def join_campaign(session: Session, campaign: Campaign, member_ids: Collection[int]) -> None:
    """Put comments into a campaign: they move to the spam queue, with the reason recorded."""
    members = session.scalars(select(C).where(C.id.in_(sorted(member_ids)))).all()
    reason = f"campaign {campaign.id}"
    if not campaign.sample_text and members:
        campaign.sample_text = members[0].text[:500]
    for c in members:
        c.campaign_id = campaign.id
        if c.status == "open" and campaign.status != "open":
            c.status = campaign.status
        c.queue = "spam"
        if reason not in c.reasons:
            c.reasons = [reason, *c.reasons]
    times = [c.created_at for c in members]
    bounds = session.execute(
        select(func.min(C.created_at), func.max(C.created_at)).where(C.campaign_id == campaign.id)
    ).one()
    campaign.first_seen = min([t for t in (bounds[0], *times) if t is not None])
    campaign.last_seen = max([t for t in (bounds[1], *times) if t is not None])


def campaigns(
    session: Session, ids: Collection[int] | None, status: str | None
) -> list[tuple[Campaign, str, int, int]]:
    """Campaigns with their channel name, size and number of distinct authors, newest first."""
    size = func.count(C.id)
    authors = func.count(func.distinct(func.coalesce(C.author, cast(C.id, String))))
    query = (
        select(Campaign, Channel.name, size, authors)
        .join(Channel, Channel.id == Campaign.channel_id)
        .join(C, C.campaign_id == Campaign.id)
        .group_by(Campaign.id, Channel.name)
        .order_by(Campaign.last_seen.desc(), Campaign.id.desc())
    )
    if ids is not None:
        query = query.where(Campaign.channel_id.in_(sorted(ids)))
    if status is not None:
        query = query.where(Campaign.status == status)
    return [(c, name, int(n), int(a)) for c, name, n, a in session.execute(query)]


def get_campaign(session: Session, campaign_id: int) -> tuple[Campaign, str] | None:
    """A campaign and its channel name, or ``None``."""
    row = session.execute(
        select(Campaign, Channel.name)
        .join(Channel, Channel.id == Campaign.channel_id)
        .where(Campaign.id == campaign_id)
    ).one_or_none()
    return None if row is None else (row[0], row[1])


def resolve_campaign(
    session: Session, campaign: Campaign, status: str, by: str, now: datetime
) -> tuple[int, list[tuple[int, str, datetime]]]:
    """Resolve every open comment of a campaign except those another key holds a lease on.

    Returns how many changed, and ``(id, holder, lease end)`` of the open comments left alone.
    """
    campaign.status = status
    free = or_(C.claimed_by.is_(None), C.claim_expires_at <= now, C.claimed_by == by)
    held = [
        (i, who, until)
        for i, who, until in session.execute(
            select(C.id, C.claimed_by, C.claim_expires_at)
            .where(C.campaign_id == campaign.id, C.status == "open", ~free)
            .order_by(C.id)
            .with_for_update()
        )
    ]
    result = session.execute(
        update(C)
        .where(C.campaign_id == campaign.id, C.status == "open", free)
        .values(
            status=status,
            resolved_by=by,
            resolved_at=now,
            claimed_by=None,
            claim_expires_at=None,
            first_action_at=func.coalesce(C.first_action_at, now),
        )
    )
    return int(result.rowcount or 0), held  # type: ignore[attr-defined]


def add_label(
    session: Session, comment: StoredComment, values: Mapping[str, Any], by: str, now: datetime
) -> Label:
    """Store a correction; fields it leaves out keep their values from the previous correction."""
    previous = session.scalars(
        select(Label).where(Label.comment_id == comment.id).order_by(Label.id.desc()).limit(1)
    ).first()
    merged = {
        k: getattr(previous, k) if previous is not None else None
        for k in ("lang", "sentiment", "tags", "priority")
    }
    merged.update({k: v for k, v in values.items() if v is not None})
    label = Label(
        comment_id=comment.id,
        channel_id=comment.channel_id,
        labelled_by=by,
        labelled_at=now,
        **merged,
    )
    session.add(label)
    session.flush()
    return label


def label_page(
    session: Session, ids: Collection[int] | None, after_id: int, limit: int
) -> list[tuple[Label, StoredComment, str]]:
    """The latest correction of each comment, in label id order after ``after_id``."""
    latest = select(func.max(Label.id)).group_by(Label.comment_id)
    query = (
        select(Label, C, Channel.name)
        .join(C, C.id == Label.comment_id)
        .join(Channel, Channel.id == C.channel_id)
        .where(Label.id.in_(latest), Label.id > after_id)
        .order_by(Label.id)
        .limit(limit)
    )
    if ids is not None:
        query = query.where(Label.channel_id.in_(sorted(ids)))
    return [(label, c, name) for label, c, name in session.execute(query)]


def add_key(
    session: Session,
    *,
    name: str,
    prefix: str,
    key_hash: str,
    role: str,
    channels: list[str],
    now: datetime,
) -> ApiKey:
    """Store a new API key (its hash only)."""
    key = ApiKey(
        name=name, prefix=prefix, key_hash=key_hash, role=role, channels=channels, created_at=now
    )
    session.add(key)
    session.flush()
    return key


def key_by_prefix(session: Session, prefix: str) -> ApiKey | None:
    """The unrevoked key with this prefix, or ``None``."""
    return session.scalars(
        select(ApiKey).where(ApiKey.prefix == prefix, ApiKey.revoked_at.is_(None))
    ).first()


def key_name_taken(session: Session, name: str) -> bool:
    """True if a key with this name exists."""
    return session.scalar(select(func.count()).select_from(ApiKey).where(ApiKey.name == name)) != 0


def keys(session: Session) -> list[ApiKey]:
    """Every API key, revoked ones too, oldest first."""
    return list(session.scalars(select(ApiKey).order_by(ApiKey.created_at, ApiKey.id)))


def key_by_name(session: Session, name: str) -> ApiKey | None:
    """The key (revoked or not) with this name, or ``None``."""
    return session.scalars(select(ApiKey).where(ApiKey.name == name)).first()


def unrevoked_admin_ids(session: Session) -> list[int]:
    """Ids of the admin keys not revoked, locked until the transaction ends.

    PostgreSQL locks the rows in id order (``FOR UPDATE``), so two transactions that each
    revoke an admin key wait for each other instead of both seeing "another admin is left";
    the second one then no longer sees the key the first revoked. SQLite's write transaction
    already holds the database's write lock.
    """
    return list(
        session.scalars(
            select(ApiKey.id)
            .where(ApiKey.role == "admin", ApiKey.revoked_at.is_(None))
            .order_by(ApiKey.id)
            .with_for_update()
        )
    )


def revoke_key(session: Session, key_id: int, now: datetime) -> bool:
    """Set the key's ``revoked_at`` unless it is already set (the first revocation's time
    stays); True if this call revoked it. A loaded :class:`ApiKey` of the session is updated."""
    result = session.execute(
        update(ApiKey)
        .where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(result.rowcount or 0) == 1  # type: ignore[attr-defined]


# --- inbox sessions ------------------------------------------------------------------------------


def add_session(
    session: Session, *, token_hash: str, key_id: int, now: datetime, expires: datetime
) -> WebSession:
    """Store a new inbox session (its token's hash only); drops sessions expired a day ago."""
    session.execute(delete(WebSession).where(WebSession.expires_at < now - timedelta(days=1)))
    row = WebSession(token_hash=token_hash, key_id=key_id, created_at=now, expires_at=expires)
    session.add(row)
    session.flush()
    return row


def session_key(session: Session, token_hash: str, now: datetime) -> ApiKey | None:
    """The unrevoked key of a session that is neither expired nor revoked, or ``None``."""
    return session.scalars(
        select(ApiKey)
        .join(WebSession, WebSession.key_id == ApiKey.id)
        .where(
            WebSession.token_hash == token_hash,
            WebSession.revoked_at.is_(None),
            WebSession.expires_at > now,
            ApiKey.revoked_at.is_(None),
        )
    ).first()


def revoke_session(session: Session, token_hash: str, now: datetime) -> bool:
    """End one session (sign-out); True if it was in force."""
    result = session.execute(
        update(WebSession)
        .where(WebSession.token_hash == token_hash, WebSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(result.rowcount or 0) == 1  # type: ignore[attr-defined]


def revoke_key_sessions(session: Session, key_id: int, now: datetime) -> int:
    """End every session of a key (it was revoked); returns how many were in force."""
    result = session.execute(
        update(WebSession)
        .where(WebSession.key_id == key_id, WebSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
