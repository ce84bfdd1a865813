"""Apply the packaged Alembic migrations (``triage db upgrade``; also run by ``triage serve``).

No ``alembic.ini`` is needed: the configuration is built here. To write a new migration, run
``python -m triage.service.store.migrate revision "what changed"``, which autogenerates it from
:mod:`triage.service.store.models` against a scratch SQLite database; then review it by hand.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from triage.errors import ConfigError
from triage.service.store.db import make_engine

__all__ = ["current_revision", "downgrade", "head_revision", "upgrade"]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest migration shipped with this version of triage."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None  # the package always ships at least one migration
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (``None`` for an empty database)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(url: str, revision: str = "head") -> str:
    """Bring the database at ``url`` up to ``revision``; returns the revision it is then at."""
    return _migrate(url, command.upgrade, revision)


def downgrade(url: str, revision: str) -> str:
    """Take the database at ``url`` back to ``revision`` (``base``: empty); returns where it is."""
    return _migrate(url, command.downgrade, revision)


def _migrate(url: str, step: Callable[[Config, str], None], revision: str) -> str:
    engine = make_engine(url)
    config = _config()
    try:
        with engine.connect() as conn:
            config.attributes["connection"] = conn
            step(config, revision)
            conn.commit()
        return current_revision(engine) or "base"
    except SQLAlchemyError as exc:
        raise ConfigError(
            f"cannot migrate the database at {engine.url.render_as_string(hide_password=True)}: "
            f"{str(exc.orig if hasattr(exc, 'orig') else exc).strip()}",
            hint="check TRIAGE_DATABASE_URL / --db, and that the directory or server exists",
        ) from exc
    finally:
        engine.dispose()


def _revision(message: str) -> None:  # pragma: no cover - a developer tool
    """Autogenerate a new migration from the models against a scratch SQLite database."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/scratch.db"
        upgrade(url)
        engine = make_engine(url)
        config = _config()
        with engine.connect() as conn:
            config.attributes["connection"] = conn
            command.revision(config, message=message, autogenerate=True)
        engine.dispose()


if __name__ == "__main__":  # pragma: no cover
    if len(sys.argv) == 3 and sys.argv[1] == "revision":
        _revision(sys.argv[2])
    else:
        sys.exit("usage: python -m triage.service.store.migrate revision MESSAGE")
