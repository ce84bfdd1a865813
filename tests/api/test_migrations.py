"""The Alembic migrations build exactly the tables the models describe, on both databases, and
0002 (uncertainty) backfills older rows and downgrades."""

from __future__ import annotations

from datetime import datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect, select, text

from triage.service.store import Database, upgrade
from triage.service.store.migrate import current_revision, downgrade, head_revision
from triage.service.store.models import Base, StoredComment


def test_migrated_schema_matches_the_models_and_upgrade_is_idempotent(db_url: str) -> None:
    assert upgrade(db_url) == head_revision()
    db = Database(db_url)
    try:
        assert current_revision(db.engine) == head_revision()
        with db.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    finally:
        db.dispose()


def _old_comment(conn: Connection, external_id: str, probs: dict[str, float]) -> None:
    """A comment as triage stored it before migration 0002 (no uncertainty columns)."""
    conn.execute(
        text(
            "INSERT INTO comments (channel_id, external_id, text, created_at, ingested_at, lang,"
            " lang_score, sentiment, sentiment_score, p_negative, p_neutral, p_positive,"
            " p_question, p_complaint, p_spam, p_praise, tag_question, tag_complaint, tag_spam,"
            " tag_praise, priority, queue, model, reasons, status) VALUES ((SELECT id FROM"
            " channels), :eid, 'an old comment', :t, :t, 'en', 0.99, 'neutral', 0.0, :neg, :neu,"
            " :pos, :question, :complaint, :spam, :praise, false, false, false, false, 10,"
            " 'other', 'old-model/fast', '[]', 'open')"
        ),
        {"eid": external_id, "t": datetime(2026, 1, 1), **probs},
    )


def test_0002_backfills_the_uncertainty_of_older_comments_and_downgrades(db_url: str) -> None:
    coin_toss = {"neg": 0.41, "neu": 0.38, "pos": 0.21}
    no_tags = {"question": 0.02, "complaint": 0.1, "spam": 0.01, "praise": 0.05}
    db = Database(db_url)
    try:
        downgrade(db_url, "base")
        assert upgrade(db_url, "0001") == "0001"
        with db.engine.begin() as conn:
            conn.execute(
                text("INSERT INTO channels (name, created_at) VALUES ('old', :t)"),
                {"t": datetime(2026, 1, 1)},
            )
            _old_comment(conn, "coin-toss", {**coin_toss, **no_tags})
            _old_comment(conn, "sure", {"neg": 0.02, "neu": 0.03, "pos": 0.95, **no_tags})
            neutral = {"neg": 0.02, "neu": 0.96, "pos": 0.02}
            _old_comment(conn, "question?", {**neutral, **no_tags, "question": 0.48})
        assert upgrade(db_url) == head_revision()
        with db.read() as s:
            rows = {
                c.external_id: (c.uncertainty, c.uncertainty_reason)
                for c in s.scalars(select(StoredComment))
            }
        # Old rows kept no tag thresholds: tags are measured against 0.5.
        assert rows == {
            "coin-toss": (pytest.approx(0.97), "sentiment: negative 0.41 vs neutral 0.38"),
            "sure": (pytest.approx(0.2), "complaint: 0.10 at threshold 0.50"),
            "question?": (pytest.approx(0.96), "question: 0.48 at threshold 0.50"),
        }
        assert downgrade(db_url, "0001") == "0001"
        with db.engine.connect() as conn:
            columns = {c["name"] for c in inspect(conn).get_columns("comments")}
            indexes = {i["name"] for i in inspect(conn).get_indexes("comments")}
            count = conn.execute(text("SELECT count(*) FROM comments")).scalar()
        assert "uncertainty" not in columns
        assert "uncertainty_reason" not in columns
        assert "ix_comments_review" not in indexes
        assert count == 3  # the comments survive the downgrade
    finally:
        db.dispose()
        upgrade(db_url)  # other tests of the session share a PostgreSQL database at head
