"""Database tables (SQLAlchemy 2 declarative). The schema itself is owned by the Alembic
migrations in ``triage/store/migrations``; these classes must describe the same tables.

Times are stored as naive UTC ``DateTime`` values (SQLite has no time zones); the API adds the
``Z`` on the way out.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "ApiKey",
    "Base",
    "Campaign",
    "CampaignBucket",
    "Channel",
    "CommentEmbedding",
    "Label",
    "ReplyUse",
    "SavedReply",
    "StoredComment",
    "WebSession",
    "Webhook",
    "WebhookDelivery",
]

#: BIGINT on PostgreSQL, INTEGER (the rowid alias, so it auto-increments) on SQLite.
Id = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    """Declarative base of every triage table."""


class Channel(Base):
    """A page or group whose comments form their own queues."""

    __tablename__ = "channels"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime())


class Campaign(Base):
    """Near-identical spam-ish comments posted by several authors within a time window."""

    __tablename__ = "campaigns"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    channel_id: Mapped[int] = mapped_column(Id, ForeignKey("channels.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    sample_text: Mapped[str] = mapped_column(Text)
    first_seen: Mapped[datetime] = mapped_column(DateTime())
    last_seen: Mapped[datetime] = mapped_column(DateTime())
    created_at: Mapped[datetime] = mapped_column(DateTime())


class StoredComment(Base):
    """An ingested comment with its triage record, moderation status, lease and campaign."""

    __tablename__ = "comments"
    __table_args__ = (
        UniqueConstraint("channel_id", "external_id", name="uq_comments_channel_external"),
        Index(
            "ix_comments_queue_rank",
            "channel_id",
            "status",
            "queue",
            "priority",
            "created_at",
            "id",
        ),
        Index("ix_comments_channel_time", "channel_id", "created_at"),
        # The review list (GET /v1/queues/review): most uncertain first, per channel.
        Index("ix_comments_review", "channel_id", "uncertainty", "id"),
        # The SLA sweep (triage.service.alerts.check_sla): open comments per queue by age.
        Index("ix_comments_sla", "status", "queue", "created_at"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    channel_id: Mapped[int] = mapped_column(Id, ForeignKey("channels.id"))
    external_id: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime())
    ingested_at: Mapped[datetime] = mapped_column(DateTime())
    # The output record of DESIGN.md; tags are flags so queues can filter on them in SQL.
    lang: Mapped[str] = mapped_column(String(16))
    lang_score: Mapped[float] = mapped_column(Float)
    sentiment: Mapped[str] = mapped_column(String(16))
    sentiment_score: Mapped[float] = mapped_column(Float)
    p_negative: Mapped[float] = mapped_column(Float)
    p_neutral: Mapped[float] = mapped_column(Float)
    p_positive: Mapped[float] = mapped_column(Float)
    p_question: Mapped[float] = mapped_column(Float)
    p_complaint: Mapped[float] = mapped_column(Float)
    p_spam: Mapped[float] = mapped_column(Float)
    p_praise: Mapped[float] = mapped_column(Float)
    # Added by migration 0003 (rows stored before it read 0.0: they were scored without these heads).
    p_abuse: Mapped[float] = mapped_column(Float, default=0.0)
    p_urgent: Mapped[float] = mapped_column(Float, default=0.0)
    tag_question: Mapped[bool] = mapped_column(Boolean)
    tag_complaint: Mapped[bool] = mapped_column(Boolean)
    tag_spam: Mapped[bool] = mapped_column(Boolean)
    tag_praise: Mapped[bool] = mapped_column(Boolean)
    tag_abuse: Mapped[bool] = mapped_column(Boolean, default=False)
    priority: Mapped[int] = mapped_column(Integer)
    queue: Mapped[str] = mapped_column(String(16))
    model: Mapped[str] = mapped_column(String(200))
    reasons: Mapped[list[str]] = mapped_column(JSON)
    # Active learning (triage.pipeline.uncertainty): 0 sure .. 1 coin toss, and the head least sure about.
    # NULL only for rows written by a triage older than migration 0002 after it ran.
    uncertainty: Mapped[float | None] = mapped_column(Float)
    uncertainty_reason: Mapped[str | None] = mapped_column(String(200))
    # Moderation state.
    status: Mapped[str] = mapped_column(String(16), default="open")
    resolved_by: Mapped[str | None] = mapped_column(String(200))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    claim_expires_at: Mapped[datetime | None] = mapped_column(DateTime())
    # Campaign detection: the text skeleton of campaign candidates (NULL for the rest).
    campaign_key: Mapped[str | None] = mapped_column(Text)
    campaign_id: Mapped[int | None] = mapped_column(Id, ForeignKey("campaigns.id"), index=True)
    # SLA (migration 0006): the first claim or resolve, and when sla.breached was recorded.
    first_action_at: Mapped[datetime | None] = mapped_column(DateTime())
    sla_breached_at: Mapped[datetime | None] = mapped_column(DateTime())


class Label(Base):
    """A moderator's correction of one comment: who, when, and the labels they set."""

    __tablename__ = "labels"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    comment_id: Mapped[int] = mapped_column(Id, ForeignKey("comments.id"), index=True)
    channel_id: Mapped[int] = mapped_column(Id, ForeignKey("channels.id"), index=True)
    lang: Mapped[str | None] = mapped_column(String(16))
    sentiment: Mapped[str | None] = mapped_column(String(16))
    tags: Mapped[list[str] | None] = mapped_column(JSON)
    # high / normal / low (docs/labelling.md); migration 0003
    priority: Mapped[str | None] = mapped_column(String(16))
    labelled_by: Mapped[str] = mapped_column(String(200))
    labelled_at: Mapped[datetime] = mapped_column(DateTime())


class ApiKey(Base):
    """An API key: only its SHA-256 is stored; ``prefix`` finds it without scanning."""

    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    prefix: Mapped[str] = mapped_column(String(32), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    channels: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime())


class WebSession(Base):
    """A signed-in inbox session (migration 0004): the cookie holds a random id, this table only
    its SHA-256. It works until ``expires_at``, its revocation (sign-out) or its key's."""

    __tablename__ = "sessions"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    key_id: Mapped[int] = mapped_column(Id, ForeignKey("api_keys.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime())
    expires_at: Mapped[datetime] = mapped_column(DateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime())


class CampaignBucket(Base):
    """One LSH band of a campaign candidate's MinHash fingerprint (migration 0005): comments
    that share a bucket are the only ones compared (:mod:`triage.service.campaigns`)."""

    __tablename__ = "campaign_buckets"
    __table_args__ = (
        Index("ix_campaign_buckets_lookup", "channel_id", "bucket", "created_at"),
    )
    comment_id: Mapped[int] = mapped_column(Id, ForeignKey("comments.id"), primary_key=True)
    band: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    channel_id: Mapped[int] = mapped_column(Id, ForeignKey("channels.id"))
    bucket: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime())


class SavedReply(Base):
    """A channel's saved reply (migration 0007), with the e5 embedding of its title and text
    (float32 bytes, computed when it is saved or edited) that suggestions rank by. A deleted
    reply keeps its row (``deleted_at`` set) so that the uses recorded against it stay."""

    __tablename__ = "replies"
    __table_args__ = (Index("ix_replies_channel", "channel_id", "deleted_at"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    channel_id: Mapped[int] = mapped_column(Id, ForeignKey("channels.id"))
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    lang: Mapped[str | None] = mapped_column(String(16))
    embedding: Mapped[bytes] = mapped_column(LargeBinary)
    embedding_model: Mapped[str] = mapped_column(String(100))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime())
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime())


class ReplyUse(Base):
    """A comment resolved as ``replied`` with a saved reply (migration 0007): which reply, who
    and when, so that the ranking can learn from use."""

    __tablename__ = "reply_uses"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    reply_id: Mapped[int] = mapped_column(Id, ForeignKey("replies.id"), index=True)
    comment_id: Mapped[int] = mapped_column(Id, ForeignKey("comments.id"), index=True)
    channel_id: Mapped[int] = mapped_column(Id, ForeignKey("channels.id"))
    used_by: Mapped[str] = mapped_column(String(200))
    used_at: Mapped[datetime] = mapped_column(DateTime())


class Webhook(Base):
    """Where a channel's alerts go (migration 0006): a URL, the events it wants, the secret
    that signs them, and how the last delivery attempt went."""

    __tablename__ = "webhooks"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    channel_id: Mapped[int] = mapped_column(Id, ForeignKey("channels.id"), index=True)
    url: Mapped[str] = mapped_column(Text)
    events: Mapped[list[str]] = mapped_column(JSON)
    secret: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime())
    last_status: Mapped[str | None] = mapped_column(String(16))
    last_http_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime())


class WebhookDelivery(Base):
    """The outbox (migration 0006): one event for one webhook, written in the transaction that
    caused it, with the exact body to send; the sender marks it delivered or reschedules it."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("webhook_id", "event_id", name="uq_webhook_deliveries_event"),
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    webhook_id: Mapped[int] = mapped_column(Id, ForeignKey("webhooks.id"), index=True)
    event_id: Mapped[str] = mapped_column(String(64))
    event: Mapped[str] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(Text)
    # pending (to send; next_attempt_at is also the lease of an attempt in flight), delivered, failed
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime())
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime())
    last_http_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)


class CommentEmbedding(Base):
    """The e5 embedding of a comment (migration 0008), stored the first time the complaint
    themes (``GET /v1/stats/themes``) need it, so that the next call does not embed it again.
    ``model`` names what computed it; a vector of another model is not used."""

    __tablename__ = "comment_embeddings"
    comment_id: Mapped[int] = mapped_column(Id, ForeignKey("comments.id"), primary_key=True)
    model: Mapped[str] = mapped_column(String(100))
    embedding: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime())
