"""Persistence: tables, engines, migrations, queries (SQLite by default, or PostgreSQL)."""

from triage.store.db import Database, make_engine, utcnow
from triage.store.migrate import upgrade

__all__ = ["Database", "make_engine", "upgrade", "utcnow"]
