"""Alembic environment: runs the migrations on the connection :func:`triage.service.store.migrate.upgrade`
passes in ``config.attributes["connection"]`` (there is no alembic.ini)."""

from __future__ import annotations

from alembic import context
from alembic.config import Config
from sqlalchemy import text

from triage.service.store.models import Base


def run_migrations() -> None:
    """Apply the migrations inside one transaction, serialised on PostgreSQL by an advisory lock."""
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Two processes upgrading at once (several workers starting) wait for each other.
            connection.execute(text("SELECT pg_advisory_xact_lock(7261003)"))
        context.run_migrations()


_config: Config | None
try:
    _config = context.config
except NameError:  # imported outside Alembic, e.g. by a doctest collector
    _config = None
if _config is not None:
    run_migrations()
