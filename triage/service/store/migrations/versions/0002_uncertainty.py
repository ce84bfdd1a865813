"""Active learning: each comment's uncertainty (and why), for GET /v1/queues/review.

Adds ``comments.uncertainty`` (0 sure .. 1 coin toss, see :mod:`triage.pipeline.uncertainty`) and
``comments.uncertainty_reason`` (the head the model is least sure about), an index for the
review list, and backfills both for the comments stored before this revision.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from triage.pipeline.uncertainty import uncertainty
from triage.types import SentimentScores, Tag, TagScores

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Rows read and updated per statement by the backfill.
BATCH = 1000
#: Rows stored before this revision have no record of the tag thresholds their model used (the
#: thresholds live in the model directory, which the migration does not load, and the model may
#: be gone). Their tag uncertainty is therefore measured against 0.5. New comments use the
#: thresholds of the tier that scored them.
BACKFILL_THRESHOLDS = dict.fromkeys(Tag, 0.5)
#: The tags stored at this revision (``abuse`` came with 0003): a migration is frozen in time.
TAGS = (Tag.QUESTION, Tag.COMPLAINT, Tag.SPAM, Tag.PRAISE)

_comments = sa.table(
    "comments",
    sa.column("id", sa.Integer()),
    sa.column("p_negative", sa.Float()),
    sa.column("p_neutral", sa.Float()),
    sa.column("p_positive", sa.Float()),
    *[sa.column(f"p_{tag.value}", sa.Float()) for tag in TAGS],
    sa.column("uncertainty", sa.Float()),
    sa.column("uncertainty_reason", sa.String(200)),
)


def upgrade() -> None:
    op.add_column("comments", sa.Column("uncertainty", sa.Float(), nullable=True))
    op.add_column("comments", sa.Column("uncertainty_reason", sa.String(200), nullable=True))
    op.create_index("ix_comments_review", "comments", ["channel_id", "uncertainty", "id"])
    _backfill(op.get_bind())


def _backfill(conn: sa.Connection) -> None:
    """Compute the uncertainty of every existing comment from its stored probabilities, in
    batches (keyset on id), with one executemany UPDATE per batch."""
    c = _comments.c
    probs = [c.p_negative, c.p_neutral, c.p_positive, *[c[f"p_{tag.value}"] for tag in TAGS]]
    update = (
        sa.update(_comments)
        .where(c.id == sa.bindparam("row_id"))
        .values(uncertainty=sa.bindparam("u"), uncertainty_reason=sa.bindparam("why"))
    )
    last = 0
    while True:
        rows = conn.execute(
            sa.select(c.id, *probs)
            .where(c.id > last, c.uncertainty.is_(None))
            .order_by(c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        params = []
        for row_id, neg, neu, pos, *tag_ps in rows:
            values = dict.fromkeys(Tag, 0.0) | dict(zip(TAGS, tag_ps, strict=True))
            u = uncertainty(
                SentimentScores(neg, neu, pos),
                TagScores(*(values[tag] for tag in Tag), tags=()),
                BACKFILL_THRESHOLDS,
            )
            params.append({"row_id": row_id, "u": round(u.score, 4), "why": u.reason[:200]})
        conn.execute(update, params)
        last = rows[-1][0]


def downgrade() -> None:
    op.drop_index("ix_comments_review", table_name="comments")
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+): a batch "move and copy" would drop and
    # recreate the comments table, which the labels' foreign keys forbid on SQLite.
    op.drop_column("comments", "uncertainty_reason")
    op.drop_column("comments", "uncertainty")
