"""Fixtures of the API tests: every database-backed test runs on SQLite and on PostgreSQL.

PostgreSQL runs when ``TRIAGE_TEST_POSTGRES_URL`` is set (``scripts/postgres start`` prints
one; ``scripts/test`` sets it) and is skipped, saying so, when it is not. Each test gets an
empty, migrated database: a copy of a migrated SQLite file, or truncated PostgreSQL tables.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from tests.api.helpers import BACKENDS, PG_ENV, fresh_url
from triage.pipeline.core import Pipeline
from triage.service.api.app import create_app
from triage.service.auth import Role
from triage.service.moderation import create_key
from triage.service.settings import Settings
from triage.service.store import Database, upgrade


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that tests copy (migrating once is faster than once per test)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The test PostgreSQL, reset to an empty schema and migrated from scratch once per session."""
    url = os.environ[PG_ENV]
    db = Database(url)
    with db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    db.dispose()
    upgrade(url)
    return url


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """``sqlite`` or ``postgres``."""
    return str(request.param)


@pytest.fixture
def db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty, migrated database for one test."""
    return fresh_url(backend, request, tmp_path)


@pytest.fixture
def settings(db_url: str, model_dir: Path) -> Settings:
    """Service settings for one test (override fields with ``settings.model_copy(update=...)``)."""
    return Settings(database_url=db_url, model_dir=model_dir)


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    """The test's database, for arranging data and checking what was stored."""
    database = Database(settings.database_url)
    yield database
    database.dispose()


@pytest.fixture
def client(settings: Settings, pipeline: Pipeline) -> Iterator[TestClient]:
    """The API in-process, with the session's model."""
    with TestClient(create_app(settings, pipeline=pipeline)) as test_client:
        yield test_client


@pytest.fixture
def key(db: Database) -> Callable[..., dict[str, str]]:
    """``key(role, *channels)`` creates an API key and returns its request headers."""

    def make(role: str, *channels: str) -> dict[str, str]:
        _, token = create_key(db, Role(role), list(channels))
        return {"Authorization": f"Bearer {token}"}

    return make
