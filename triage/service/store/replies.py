"""Queries of saved replies and their uses (tables ``replies`` and ``reply_uses``, migration 0007).

Like :mod:`triage.service.store.repo`: every function takes an open session and neither commits
nor knows about HTTP; :mod:`triage.service.replies` chooses the transactions.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from triage.service.store.models import Channel, ReplyUse, SavedReply

__all__ = [
    "ReplyRow",
    "add_reply",
    "add_use",
    "channel_replies",
    "get_reply",
    "list_replies",
    "use_counts",
]

#: A saved reply and its channel's name.
ReplyRow = tuple[SavedReply, str]


def add_reply(
    session: Session,
    *,
    channel_id: int,
    title: str,
    text: str,
    lang: str | None,
    embedding: bytes,
    embedding_model: str,
    by: str,
    now: datetime,
) -> SavedReply:
    """Store a new saved reply."""
    reply = SavedReply(
        channel_id=channel_id,
        title=title,
        text=text,
        lang=lang,
        embedding=embedding,
        embedding_model=embedding_model,
        created_by=by,
        created_at=now,
        updated_by=by,
        updated_at=now,
    )
    session.add(reply)
    session.flush()
    return reply


def get_reply(session: Session, reply_id: int, *, for_update: bool = False) -> ReplyRow | None:
    """A saved reply that is not deleted, with its channel's name, or ``None``."""
    query = (
        select(SavedReply, Channel.name)
        .join(Channel, Channel.id == SavedReply.channel_id)
        .where(SavedReply.id == reply_id, SavedReply.deleted_at.is_(None))
    )
    if for_update:
        query = query.with_for_update(of=SavedReply)
    row = session.execute(query).one_or_none()
    return None if row is None else (row[0], row[1])


def list_replies(session: Session, channel_ids: Collection[int] | None) -> list[ReplyRow]:
    """The saved replies of these channels (every channel when ``None``), by channel then id."""
    query = (
        select(SavedReply, Channel.name)
        .join(Channel, Channel.id == SavedReply.channel_id)
        .where(SavedReply.deleted_at.is_(None))
        .order_by(Channel.name, SavedReply.id)
    )
    if channel_ids is not None:
        query = query.where(SavedReply.channel_id.in_(sorted(channel_ids)))
    return [(r, name) for r, name in session.execute(query)]


def channel_replies(
    session: Session, channel_id: int
) -> list[tuple[int, str, str, str | None, bytes]]:
    """``(id, title, text, lang, embedding)`` of one channel's saved replies, in id order."""
    query = (
        select(
            SavedReply.id, SavedReply.title, SavedReply.text, SavedReply.lang, SavedReply.embedding
        )
        .where(SavedReply.channel_id == channel_id, SavedReply.deleted_at.is_(None))
        .order_by(SavedReply.id)
    )
    return [
        (i, title, text, lang, bytes(emb)) for i, title, text, lang, emb in session.execute(query)
    ]


def use_counts(
    session: Session, reply_ids: Collection[int]
) -> dict[int, tuple[int, datetime | None]]:
    """``{reply_id: (uses, last used)}`` of the replies that have been used."""
    if not reply_ids:
        return {}
    query = (
        select(ReplyUse.reply_id, func.count(), func.max(ReplyUse.used_at))
        .where(ReplyUse.reply_id.in_(sorted(reply_ids)))
        .group_by(ReplyUse.reply_id)
    )
    return {rid: (int(n), last) for rid, n, last in session.execute(query)}


def add_use(
    session: Session, *, reply: SavedReply, comment_id: int, by: str, now: datetime
) -> ReplyUse:
    """Record that ``reply`` answered comment ``comment_id``."""
    use = ReplyUse(
        reply_id=reply.id,
        comment_id=comment_id,
        channel_id=reply.channel_id,
        used_by=by,
        used_at=now,
    )
    session.add(use)
    session.flush()
    return use
