"""The e5 embeddings of comments that the complaint themes have embedded: ``comment_embeddings``.

``GET /v1/stats/themes`` embeds the complaint comments of a window with the multilingual e5
model (about 20 texts a second on one core); each vector is stored here (float32 bytes, with
the model that computed it) so that the next call reads it instead of embedding it again.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "comment_embeddings",
        sa.Column("comment_id", Id, sa.ForeignKey("comments.id"), primary_key=True),
        sa.Column("model", sa.String(100), nullable=False),
        sa.Column("embedding", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("comment_embeddings")
