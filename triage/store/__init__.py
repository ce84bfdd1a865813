"""Persistence: tables, engines, migrations and queries (SQLite by default, PostgreSQL in production)."""

from triage.store.db import Database, make_engine, utcnow
from triage.store.migrate import upgrade

__all__ = ["Database", "make_engine", "upgrade", "utcnow"]
