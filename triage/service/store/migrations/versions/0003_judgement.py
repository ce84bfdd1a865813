"""Judgement v2: the abuse tag, the urgency head, and priority in moderators' labels.

Adds ``comments.p_abuse``, ``comments.tag_abuse`` and ``comments.p_urgent`` (rows stored before
this revision were scored without those heads: they read 0.0 / false), and ``labels.priority``
(``high`` / ``normal`` / ``low``, docs/labelling.md) so moderators' priority corrections reach
retraining.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("comments", sa.Column("p_abuse", sa.Float(), nullable=False, server_default="0"))
    op.add_column("comments", sa.Column("p_urgent", sa.Float(), nullable=False, server_default="0"))
    op.add_column("comments", sa.Column("tag_abuse", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("labels", sa.Column("priority", sa.String(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("labels") as batch:
        batch.drop_column("priority")
    with op.batch_alter_table("comments") as batch:
        batch.drop_column("tag_abuse")
        batch.drop_column("p_urgent")
        batch.drop_column("p_abuse")
