"""Persistence: tables, engines, migrations, queries (SQLite by default, or PostgreSQL)."""

from triage.service.store.db import Database, make_engine, utcnow
from triage.service.store.migrate import upgrade

__all__ = ["Database", "make_engine", "upgrade", "utcnow"]
