"""The Alembic migrations build exactly the tables the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from triage.store import Database, upgrade
from triage.store.migrate import current_revision, head_revision
from triage.store.models import Base


def test_migrated_schema_matches_the_models_and_upgrade_is_idempotent(db_url: str) -> None:
    assert upgrade(db_url) == head_revision()
    db = Database(db_url)
    try:
        assert current_revision(db.engine) == head_revision()
        with db.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    finally:
        db.dispose()
