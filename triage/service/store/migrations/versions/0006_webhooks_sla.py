"""Alerts: webhooks with an outbox, and SLA timers.

Adds ``webhooks`` (a channel's URL, events and signing secret, with the last delivery status)
and ``webhook_deliveries`` (the outbox: one row per event and webhook, written in the
transaction that caused the event, sent by the background sender), and to ``comments`` the
time of the first action (claim or resolve) and of the recorded SLA breach. Comments resolved
before this revision take their ``resolved_at`` as first action.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.add_column("comments", sa.Column("first_action_at", sa.DateTime(), nullable=True))
    op.add_column("comments", sa.Column("sla_breached_at", sa.DateTime(), nullable=True))
    op.create_index("ix_comments_sla", "comments", ["status", "queue", "created_at"])
    op.execute(
        "UPDATE comments SET first_action_at = resolved_at "
        "WHERE resolved_at IS NOT NULL AND first_action_at IS NULL"
    )
    op.create_table(
        "webhooks",
        sa.Column("id", Id, primary_key=True),
        sa.Column("channel_id", Id, sa.ForeignKey("channels.id"), nullable=False, index=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("secret", sa.String(200), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_status", sa.String(16), nullable=True),
        sa.Column("last_http_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_attempt_at", sa.DateTime(), nullable=True),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", Id, primary_key=True),
        sa.Column("webhook_id", Id, sa.ForeignKey("webhooks.id"), nullable=False, index=True),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("event", sa.String(32), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(), nullable=True),
        sa.Column("last_http_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.UniqueConstraint("webhook_id", "event_id", name="uq_webhook_deliveries_event"),
    )
    op.create_index(
        "ix_webhook_deliveries_due", "webhook_deliveries", ["status", "next_attempt_at"]
    )


def downgrade() -> None:
    op.drop_table("webhook_deliveries")
    op.drop_table("webhooks")
    op.drop_index("ix_comments_sla", table_name="comments")
    # Plain ALTER TABLE ... DROP COLUMN (as 0002): a batch copy would recreate comments, which
    # the foreign keys of labels and campaign_buckets forbid on SQLite.
    op.drop_column("comments", "sla_breached_at")
    op.drop_column("comments", "first_action_at")
