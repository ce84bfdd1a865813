"""Campaign detection by fingerprint buckets: ``campaign_buckets``.

Campaign grouping used to compare every new candidate with every recent one of its channel, under
the write lock (a flood of 400 long comments held it for 45 s). Each candidate now stores the LSH
buckets of its MinHash fingerprint (:func:`triage.service.campaigns.buckets`), and only comments
sharing a bucket are compared. This revision creates the table and computes the buckets of the
candidates stored before it, so that they can still be found.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from triage.service.campaigns import buckets

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
#: Comments read per statement by the backfill.
BATCH = 1000

_comments = sa.table(
    "comments",
    sa.column("id", sa.Integer()),
    sa.column("channel_id", sa.Integer()),
    sa.column("created_at", sa.DateTime()),
    sa.column("campaign_key", sa.Text()),
)


def upgrade() -> None:
    table = op.create_table(
        "campaign_buckets",
        sa.Column("comment_id", Id, sa.ForeignKey("comments.id"), primary_key=True),
        sa.Column("band", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("channel_id", Id, sa.ForeignKey("channels.id"), nullable=False),
        sa.Column("bucket", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index(
        "ix_campaign_buckets_lookup", "campaign_buckets", ["channel_id", "bucket", "created_at"]
    )
    assert table is not None
    _backfill(op.get_bind(), table)


def _backfill(conn: sa.Connection, table: sa.Table) -> None:
    """Buckets of every stored candidate (keyset on id, one executemany INSERT per batch)."""
    c = _comments.c
    after = 0
    while True:
        rows = conn.execute(
            sa.select(c.id, c.channel_id, c.created_at, c.campaign_key)
            .where(c.campaign_key.is_not(None), c.id > after)
            .order_by(c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        conn.execute(
            table.insert(),
            [
                {"comment_id": i, "band": band, "channel_id": ch, "bucket": b, "created_at": t}
                for i, ch, t, key in rows
                for band, b in enumerate(buckets(key))
            ],
        )
        after = rows[-1][0]


def downgrade() -> None:
    op.drop_index("ix_campaign_buckets_lookup", table_name="campaign_buckets")
    op.drop_table("campaign_buckets")
