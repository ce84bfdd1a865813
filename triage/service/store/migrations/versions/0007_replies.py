"""Saved replies and their uses: ``replies``, ``reply_uses``.

A channel's saved replies (title, text, optional language) with the e5 embedding of each
(float32 bytes, written by the service when a reply is saved or edited), which
``GET /v1/comments/{id}/suggestions`` ranks by; and which reply a moderator used when resolving
a comment as ``replied``, so that the ranking can learn from use later. Deleting a reply sets
``deleted_at`` and keeps the row, so its uses stay.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "replies",
        sa.Column("id", Id, primary_key=True),
        sa.Column("channel_id", Id, sa.ForeignKey("channels.id"), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("lang", sa.String(16), nullable=True),
        sa.Column("embedding", sa.LargeBinary(), nullable=False),
        sa.Column("embedding_model", sa.String(100), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_replies_channel", "replies", ["channel_id", "deleted_at"])
    op.create_table(
        "reply_uses",
        sa.Column("id", Id, primary_key=True),
        sa.Column("reply_id", Id, sa.ForeignKey("replies.id"), nullable=False, index=True),
        sa.Column("comment_id", Id, sa.ForeignKey("comments.id"), nullable=False, index=True),
        sa.Column("channel_id", Id, sa.ForeignKey("channels.id"), nullable=False),
        sa.Column("used_by", sa.String(200), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("reply_uses")
    op.drop_index("ix_replies_channel", table_name="replies")
    op.drop_table("replies")
