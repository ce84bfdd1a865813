"""Engines and sessions for SQLite (default) and PostgreSQL.

SQLite is set up for many threads and processes sharing one file: WAL journal (readers never
block the writer), ``busy_timeout`` (a writer waits for the lock instead of failing), foreign
keys on, and ``synchronous=FULL`` so a committed transaction survives a killed process. Write
transactions start with ``BEGIN IMMEDIATE``, taking the write lock up front: two transactions
can then never both read "unclaimed" and both claim, which is what makes claims correct on
SQLite. Read transactions start with a plain ``BEGIN`` and see one consistent snapshot.

PostgreSQL (``postgresql+psycopg://``) runs at READ COMMITTED; claims there use
``SELECT ... FOR UPDATE SKIP LOCKED`` (see :mod:`triage.service.store.repo`).

The service's :class:`Database` waits at most ``lock_timeout`` seconds for a lock (SQLite's
``busy_timeout``, PostgreSQL's ``lock_timeout``); a wait that runs out, a deadlock or an
exhausted connection pool becomes :class:`~triage.errors.UnavailableError`, which the API
answers with 503 and ``Retry-After``: the same request can simply be sent again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session

from triage.errors import ConfigError, UnavailableError

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


#: How long a connection waits for a lock unless told otherwise (migrations, the CLI).
DEFAULT_LOCK_TIMEOUT = 30.0
#: PostgreSQL states that mean "try again": lock_timeout, deadlock, statement cancelled.
_RETRY_STATES = {"55P03", "40P01", "57014"}


def _sqlite_pragmas(busy_ms: int) -> Any:
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy's "begin" event below (pysqlite's own is wrong).
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        for pragma in (
            "journal_mode=WAL",
            f"busy_timeout={busy_ms}",
            "foreign_keys=ON",
            "synchronous=FULL",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    return on_connect


def _is_busy(exc: Exception) -> bool:
    """True for a lock wait that ran out, a deadlock, or no free pooled connection."""
    if isinstance(exc, PoolTimeoutError):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    orig = exc.orig
    if getattr(orig, "sqlstate", None) in _RETRY_STATES:
        return True
    message = str(orig).lower()
    return "database is locked" in message or "database table is locked" in message


def _sqlite_on_begin(conn: Any) -> None:
    mode = "IMMEDIATE" if conn.get_execution_options().get(_WRITE) else "DEFERRED"
    conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str, lock_timeout: float | None = None) -> Engine:
    """An engine for a ``sqlite://`` or ``postgresql+psycopg://`` URL, set up as described above.

    ``lock_timeout`` (seconds) bounds every wait for a lock; ``None``: SQLite waits 30 s and
    PostgreSQL as long as it takes (what migrations want).
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"bad database URL: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        wait = DEFAULT_LOCK_TIMEOUT if lock_timeout is None else lock_timeout
        engine = create_engine(parsed, connect_args={"timeout": wait, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas(int(wait * 1000)))
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    if parsed.get_backend_name() == "postgresql":
        args = {}
        if lock_timeout is not None:
            args["options"] = f"-c lock_timeout={int(lock_timeout * 1000)}"
        return create_engine(
            parsed,
            pool_pre_ping=True,
            pool_size=10,
            max_overflow=40,
            pool_timeout=DEFAULT_LOCK_TIMEOUT if lock_timeout is None else lock_timeout,
            connect_args=args,
        )
    raise ConfigError(
        f"unsupported database {parsed.get_backend_name()!r}; use sqlite:// or postgresql+psycopg://"
    )


class Database:
    """One engine plus the two kinds of session the service uses.

    ``lock_timeout``: seconds any statement waits for a lock (see the module docstring).
    """

    def __init__(self, url: str, lock_timeout: float | None = None) -> None:
        self.url = url
        self.lock_timeout = DEFAULT_LOCK_TIMEOUT if lock_timeout is None else lock_timeout
        self.engine = make_engine(url, lock_timeout)
        self._writer = self.engine.execution_options(**{_WRITE: True})

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; rolled back at the end."""
        with self._busy_is_unavailable(), Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose transaction commits at the end (rolls back on error)."""
        with (
            self._busy_is_unavailable(),
            Session(self._writer, expire_on_commit=False) as session,
            session.begin(),
        ):
            yield session

    @contextmanager
    def _busy_is_unavailable(self) -> Iterator[None]:
        try:
            yield
        except (DBAPIError, PoolTimeoutError) as exc:
            if not _is_busy(exc):
                raise
            raise UnavailableError(
                f"the database is busy (waited {self.lock_timeout:g} s for a lock); "
                "send the request again",
                retry_after=max(1, round(self.lock_timeout / 5)),
            ) from exc

    def ping(self) -> None:
        """Raise if the database cannot be reached."""
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
