"""Queries of the analytics (``GET /v1/stats``, ``GET /v1/stats/themes``): counts per time bucket
aggregated in SQL, the first-action percentiles per bucket and per queue, the complaint comments
of a window, and the cache of their e5 embeddings (table ``comment_embeddings``, migration 0008).

Like :mod:`triage.service.store.repo`: every function takes an open session and neither commits
nor knows about HTTP.

Buckets are whole numbers of seconds after an origin (``(epoch(created_at) - origin) // width``),
computed in SQL on both databases: SQLite reads the epoch with ``strftime('%s')`` of the stored
text cut to whole seconds, PostgreSQL with ``extract(epoch ...)`` (a ``timestamp without time
zone`` is taken as UTC, which is what the tables store). The percentiles are nearest-rank
(the ``ceil(p * n)``-th smallest value), picked by ``row_number()`` over each group, so only two
rows per group leave the database.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    and_,
    case,
    cast,
    extract,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from triage.service.store.models import Channel, CommentEmbedding, StoredComment
from triage.types import Tag

__all__ = [
    "BucketCounts",
    "Percentiles",
    "QueueResponse",
    "add_embeddings",
    "bucket_counts",
    "complaints",
    "count_complaints",
    "embeddings",
    "first_action_percentiles",
    "queue_response",
]

C = StoredComment


@dataclass
class BucketCounts:
    """What one bucket holds: comments, and their split by queue, sentiment, tag and language."""

    comments: int = 0
    by_queue: dict[str, int] = field(default_factory=dict)
    by_sentiment: dict[str, int] = field(default_factory=dict)
    by_tag: dict[str, int] = field(default_factory=dict)
    by_lang: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Percentiles:
    """Seconds from ``created_at`` to the first action, over the comments that had one."""

    count: int
    median_s: int | None
    p90_s: int | None


@dataclass(frozen=True, slots=True)
class QueueResponse:
    """One queue over the whole window: comments, first-action percentiles, met/missed SLA."""

    comments: int
    first_action: Percentiles
    met: int
    missed: int


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _epoch(session: Session, column: Any) -> ColumnElement[int]:
    """Whole seconds since 1970 of a stored (naive UTC) time."""
    if _dialect(session) == "postgresql":
        return cast(func.floor(extract("epoch", column)), BigInteger)
    return cast(func.strftime("%s", func.substr(column, 1, 19)), Integer)


def _int(value: int) -> ColumnElement[int]:
    # An inlined integer (ours, never the caller's text): PostgreSQL then sees one and the same
    # expression in SELECT and GROUP BY, where two bind parameters would be two expressions.
    return literal_column(str(int(value)), Integer)


def _window(
    channel_ids: Collection[int] | None, since: datetime, until: datetime
) -> list[ColumnElement[bool]]:
    where = [C.created_at >= since, C.created_at < until]
    if channel_ids is not None:
        where.append(C.channel_id.in_(sorted(channel_ids)))
    return where


def _first_action_s(session: Session) -> ColumnElement[int]:
    secs = _epoch(session, C.first_action_at) - _epoch(session, C.created_at)
    return case((secs < 0, 0), else_=secs)  # a created_at in the future: no negative waits


def bucket_counts(
    session: Session,
    channel_ids: Collection[int] | None,
    since: datetime,
    until: datetime,
    origin: int,
    width: int,
) -> dict[int, BucketCounts]:
    """Counts per bucket index (``(epoch(created_at) - origin) // width``) of the comments
    created in ``[since, until)`` in these channels (every channel when ``None``); buckets
    without comments are left out."""
    bucket = ((_epoch(session, C.created_at) - _int(origin)) // _int(width)).label("b")
    base = select(
        bucket,
        C.queue.label("queue"),
        C.sentiment.label("sentiment"),
        C.lang.label("lang"),
        *[getattr(C, f"tag_{t.value}").label(f"tag_{t.value}") for t in Tag],
    ).where(*_window(channel_ids, since, until))
    sub = base.subquery()
    out: dict[int, BucketCounts] = {}
    for column, attr in (("queue", "by_queue"), ("sentiment", "by_sentiment"), ("lang", "by_lang")):
        col = sub.c[column]
        for b, value, n in session.execute(
            select(sub.c.b, col, func.count()).group_by(sub.c.b, col)
        ):
            counts = out.setdefault(int(b), BucketCounts())
            getattr(counts, attr)[str(value)] = int(n)
            if attr == "by_queue":
                counts.comments += int(n)
    tag_sums = [func.sum(case((sub.c[f"tag_{t.value}"], 1), else_=0)) for t in Tag]
    for b, *sums in session.execute(select(sub.c.b, *tag_sums).group_by(sub.c.b)):
        counts = out.setdefault(int(b), BucketCounts())
        counts.by_tag = {t.value: int(n or 0) for t, n in zip(Tag, sums, strict=True)}
    return out


def _percentiles(
    session: Session, group: ColumnElement[Any], where: Sequence[ColumnElement[bool]]
) -> dict[Any, Percentiles]:
    """Nearest-rank median and p90 of the first-action seconds per value of ``group``."""
    secs = _first_action_s(session)
    ranked = (
        select(
            group.label("g"),
            secs.label("s"),
            func.row_number().over(partition_by=group, order_by=secs).label("rn"),
            func.count().over(partition_by=group).label("n"),
        )
        .where(*where, C.first_action_at.is_not(None))
        .subquery()
    )
    median_rank = (ranked.c.n * 50 + 99) // 100  # ceil(n / 2)
    p90_rank = (ranked.c.n * 90 + 99) // 100  # ceil(0.9 n)
    query = select(ranked.c.g, ranked.c.n, ranked.c.rn, ranked.c.s, median_rank, p90_rank).where(
        or_(ranked.c.rn == median_rank, ranked.c.rn == p90_rank)
    )
    found: dict[Any, dict[str, int]] = {}
    for g, n, rn, s, m_rank, p_rank in session.execute(query):
        row = found.setdefault(g, {"n": int(n)})
        if rn == m_rank:
            row["median"] = int(s)
        if rn == p_rank:
            row["p90"] = int(s)
    return {g: Percentiles(row["n"], row.get("median"), row.get("p90")) for g, row in found.items()}


def first_action_percentiles(
    session: Session,
    channel_ids: Collection[int] | None,
    since: datetime,
    until: datetime,
    origin: int,
    width: int,
) -> dict[int, Percentiles]:
    """Median and p90 of the first-action time per bucket (only buckets with an action)."""
    bucket = (_epoch(session, C.created_at) - _int(origin)) // _int(width)
    found = _percentiles(session, bucket, _window(channel_ids, since, until))
    return {int(b): p for b, p in found.items()}


def queue_response(
    session: Session,
    channel_ids: Collection[int] | None,
    since: datetime,
    until: datetime,
    targets: Mapping[tuple[int, str], int],
    now: datetime,
) -> dict[str, QueueResponse]:
    """Per queue over the window: comments, first-action percentiles, and against the SLA
    (``targets``: seconds per ``(channel id, queue)``; pairs left out have none) how many were
    first acted on within it (``met``) and how many were not: acted on later, or still waiting
    past it (``missed``). Comments whose queue has no target count in neither."""
    where = _window(channel_ids, since, until)
    secs = _first_action_s(session)
    target = (
        case(
            *[
                (and_(C.channel_id == cid, C.queue == queue), _int(seconds))
                for (cid, queue), seconds in sorted(targets.items())
            ],
            else_=None,
        )
        if targets
        else None
    )
    columns: list[Any] = [C.queue, func.count()]
    if target is not None:
        waited = _int(int(now.replace(tzinfo=UTC).timestamp())) - _epoch(session, C.created_at)
        acted = C.first_action_at.is_not(None)
        columns += [
            func.sum(case((and_(target.is_not(None), acted, secs <= target), 1), else_=0)),
            func.sum(
                case(
                    (and_(target.is_not(None), acted, secs > target), 1),
                    (and_(target.is_not(None), ~acted, C.status == "open", waited > target), 1),
                    else_=0,
                )
            ),
        ]
    rows = session.execute(select(*columns).where(*where).group_by(C.queue)).all()
    pct = _percentiles(session, C.queue, where)
    out = {}
    for queue, n, *sla in rows:
        met, missed = (int(sla[0] or 0), int(sla[1] or 0)) if sla else (0, 0)
        out[str(queue)] = QueueResponse(
            int(n), pct.get(queue, Percentiles(0, None, None)), met, missed
        )
    return out


# --- complaint themes -------------------------------------------------------------------------


def complaints(
    session: Session,
    channel_ids: Collection[int] | None,
    since: datetime,
    until: datetime,
    limit: int,
) -> list[tuple[int, str, str, str, datetime]]:
    """``(id, channel, text, lang, created_at)`` of the comments tagged complaint in
    ``[since, until)``, the most recent ``limit`` of them, newest first."""
    query = (
        select(C.id, Channel.name, C.text, C.lang, C.created_at)
        .join(Channel, Channel.id == C.channel_id)
        .where(*_window(channel_ids, since, until), C.tag_complaint.is_(True))
        .order_by(C.created_at.desc(), C.id.desc())
        .limit(limit)
    )
    return [(i, ch, text, lang, t) for i, ch, text, lang, t in session.execute(query)]


def embeddings(session: Session, comment_ids: Collection[int], model: str) -> dict[int, bytes]:
    """Stored embeddings (float32 bytes) of these comments made with ``model``."""
    if not comment_ids:
        return {}
    query = select(CommentEmbedding.comment_id, CommentEmbedding.embedding).where(
        CommentEmbedding.comment_id.in_(sorted(comment_ids)), CommentEmbedding.model == model
    )
    return {int(i): bytes(e) for i, e in session.execute(query)}


def add_embeddings(
    session: Session, vectors: Mapping[int, bytes], model: str, now: datetime
) -> None:
    """Store embeddings of comments (a comment's older vector, of another model, is replaced)."""
    if not vectors:
        return
    ids = sorted(vectors)
    session.execute(
        CommentEmbedding.__table__.delete().where(
            CommentEmbedding.comment_id.in_(ids), CommentEmbedding.model != model
        )
    )
    insert = postgresql.insert if _dialect(session) == "postgresql" else sqlite.insert
    session.execute(
        insert(CommentEmbedding.__table__).on_conflict_do_nothing(index_elements=["comment_id"]),
        [
            {"comment_id": i, "model": model, "embedding": vectors[i], "created_at": now}
            for i in ids
        ],
    )


def count_complaints(
    session: Session, channel_ids: Collection[int] | None, since: datetime, until: datetime
) -> int:
    """How many comments tagged complaint were created in ``[since, until)``."""
    query = select(func.count()).where(
        *_window(channel_ids, since, until), C.tag_complaint.is_(True)
    )
    return int(session.scalar(query) or 0)
