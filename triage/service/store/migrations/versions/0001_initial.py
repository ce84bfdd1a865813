"""Initial schema: channels, campaigns, comments, labels, api_keys.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# BIGINT on PostgreSQL; INTEGER on SQLite, where an INTEGER PRIMARY KEY is the auto-increment rowid.
Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "channels",
        sa.Column("id", Id, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "campaigns",
        sa.Column("id", Id, primary_key=True),
        sa.Column("channel_id", Id, sa.ForeignKey("channels.id"), nullable=False, index=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("sample_text", sa.Text(), nullable=False),
        sa.Column("first_seen", sa.DateTime(), nullable=False),
        sa.Column("last_seen", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    floats = [
        "lang_score",
        "sentiment_score",
        "p_negative",
        "p_neutral",
        "p_positive",
        "p_question",
        "p_complaint",
        "p_spam",
        "p_praise",
    ]
    op.create_table(
        "comments",
        sa.Column("id", Id, primary_key=True),
        sa.Column("channel_id", Id, sa.ForeignKey("channels.id"), nullable=False),
        sa.Column("external_id", sa.String(200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author", sa.String(200)),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("ingested_at", sa.DateTime(), nullable=False),
        sa.Column("lang", sa.String(16), nullable=False),
        sa.Column("sentiment", sa.String(16), nullable=False),
        *[sa.Column(name, sa.Float(), nullable=False) for name in floats],
        *[
            sa.Column(f"tag_{t}", sa.Boolean(), nullable=False)
            for t in ("question", "complaint", "spam", "praise")
        ],
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("queue", sa.String(16), nullable=False),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("resolved_by", sa.String(200)),
        sa.Column("resolved_at", sa.DateTime()),
        sa.Column("claimed_by", sa.String(200)),
        sa.Column("claim_expires_at", sa.DateTime()),
        sa.Column("campaign_key", sa.Text()),
        sa.Column("campaign_id", Id, sa.ForeignKey("campaigns.id"), index=True),
        sa.UniqueConstraint("channel_id", "external_id", name="uq_comments_channel_external"),
    )
    op.create_index(
        "ix_comments_queue_rank",
        "comments",
        ["channel_id", "status", "queue", "priority", "created_at", "id"],
    )
    op.create_index("ix_comments_channel_time", "comments", ["channel_id", "created_at"])
    op.create_table(
        "labels",
        sa.Column("id", Id, primary_key=True),
        sa.Column("comment_id", Id, sa.ForeignKey("comments.id"), nullable=False, index=True),
        sa.Column("channel_id", Id, sa.ForeignKey("channels.id"), nullable=False, index=True),
        sa.Column("lang", sa.String(16)),
        sa.Column("sentiment", sa.String(16)),
        sa.Column("tags", sa.JSON()),
        sa.Column("labelled_by", sa.String(200), nullable=False),
        sa.Column("labelled_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", Id, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("prefix", sa.String(32), nullable=False, unique=True),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime()),
    )


def downgrade() -> None:
    for table in ("api_keys", "labels", "comments", "campaigns", "channels"):
        op.drop_table(table)
