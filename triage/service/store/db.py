"""Engines and sessions for SQLite (default) and PostgreSQL.

SQLite is set up for many threads and processes sharing one file: WAL journal (readers never
block the writer), ``busy_timeout`` (a writer waits for the lock instead of failing), foreign
keys on, and ``synchronous=FULL`` so a committed transaction survives a killed process. Write
transactions start with ``BEGIN IMMEDIATE``, taking the write lock up front: two transactions
can then never both read "unclaimed" and both claim, which is what makes claims correct on
SQLite. Read transactions start with a plain ``BEGIN`` and see one consistent snapshot.

PostgreSQL (``postgresql+psycopg://``) runs at READ COMMITTED; claims there use
``SELECT ... FOR UPDATE SKIP LOCKED`` (see :mod:`triage.service.store.repo`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session

from triage.errors import ConfigError

__all__ = ["Database", "make_engine", "naive_utc", "utcnow"]

_WRITE = "triage_write"


def utcnow() -> datetime:
    """Now, as the naive UTC datetime the tables store."""
    return datetime.now(UTC).replace(tzinfo=None)


def naive_utc(value: datetime) -> datetime:
    """An aware time converted to UTC, or a naive one taken as UTC; returned naive, as stored.

    Raises ``OverflowError`` when the conversion leaves the datetime range (year 1 at +14:00).
    """
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo is not None else value


def _sqlite_on_connect(dbapi_conn: Any, _record: Any) -> None:
    # Hand transaction control to SQLAlchemy's "begin" event below (pysqlite's own is wrong).
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    for pragma in ("journal_mode=WAL", "busy_timeout=30000", "foreign_keys=ON", "synchronous=FULL"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _sqlite_on_begin(conn: Any) -> None:
    mode = "IMMEDIATE" if conn.get_execution_options().get(_WRITE) else "DEFERRED"
    conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str) -> Engine:
    """An engine for a ``sqlite://`` or ``postgresql+psycopg://`` URL, set up as described above."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"bad database URL: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(parsed, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    if parsed.get_backend_name() == "postgresql":
        return create_engine(parsed, pool_pre_ping=True, pool_size=10, max_overflow=40)
    raise ConfigError(
        f"unsupported database {parsed.get_backend_name()!r}; use sqlite:// or postgresql+psycopg://"
    )


class Database:
    """One engine plus the two kinds of session the service uses."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._writer = self.engine.execution_options(**{_WRITE: True})

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; rolled back at the end."""
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose transaction commits at the end (rolls back on error)."""
        with Session(self._writer, expire_on_commit=False) as session, session.begin():
            yield session

    def ping(self) -> None:
        """Raise if the database cannot be reached."""
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
