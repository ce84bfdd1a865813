"""What ``triage serve`` does: migrate, load the model, optionally load the demo comments and
print an admin key, then run uvicorn.

``--demo`` rotates its admin key: each start creates a new one (named ``demo-admin-...``) and
revokes the ones earlier starts created, so there is only ever one demo key that works.

With one worker the app gets the already-loaded model; with several, each uvicorn worker
process builds its own app from the ``TRIAGE_*`` environment (``create_app_from_env``).
"""

from __future__ import annotations

import os
import secrets
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from triage.errors import ConfigError, InputFormatError
from triage.formats import read_records
from triage.paths import REPO_ROOT
from triage.pipeline.core import Pipeline, load_pipeline
from triage.service import moderation
from triage.service.auth import Principal, Role
from triage.service.settings import Settings
from triage.service.store import Database, repo, upgrade
from triage.service.store.db import naive_utc, utcnow
from triage.service.store.models import ApiKey
from triage.training.registry import resolve_model_dir

__all__ = ["DEMO_COMMENTS", "DEMO_KEY_PREFIX", "demo_admin_key", "load_demo", "serve"]

#: The sample multilingual comments ``--demo`` loads.
DEMO_COMMENTS = REPO_ROOT / "datasets" / "samples" / "comments.jsonl"

_LOADER = Principal(key_id=0, name="demo-loader", role=Role.ADMIN, channels=frozenset())
#: Names of the admin keys ``--demo`` creates (and revokes at its next start).
DEMO_KEY_PREFIX = "demo-admin-"


def demo_admin_key(db: Database) -> tuple[ApiKey, str, list[str]]:
    """A fresh demo admin key; the demo keys of earlier starts are revoked.

    Returns the new key, the key itself (shown once) and the names of the keys revoked. Keys
    not named ``demo-admin-...`` (``triage keys create``) are never touched.
    """
    key, token = moderation.create_key(
        db, Role.ADMIN, [], f"{DEMO_KEY_PREFIX}{secrets.token_hex(4)}"
    )
    revoked = []
    with db.write() as s:  # after the new key exists: never zero admin keys
        now = utcnow()
        for old in repo.keys(s):
            if (
                old.id != key.id
                and old.revoked_at is None
                and old.role == Role.ADMIN.value
                and old.name.startswith(DEMO_KEY_PREFIX)
            ):
                repo.revoke_key(s, old.id, now)
                repo.revoke_key_sessions(s, old.id, now)
                revoked.append(old.name)
    return key, token, revoked


def load_demo(
    db: Database, pipeline: Pipeline, settings: Settings, path: Path = DEMO_COMMENTS
) -> dict[str, int]:
    """Ingest a JSONL of ``{id, channel, author, created_at, text}`` into its channels.

    Returns how many comments each channel gained (0 when they were already there).
    """
    if not path.is_file():
        raise ConfigError(
            f"sample comments not found at {path}", hint="--demo needs a source checkout of triage"
        )
    by_channel: dict[str, list[moderation.NewComment]] = defaultdict(list)
    for line, rec in read_records(str(path)):
        if not isinstance(rec.get("channel"), str) or not isinstance(rec.get("text"), str):
            raise InputFormatError(
                "needs string fields 'channel' and 'text'", path=str(path), line=line
            )
        try:
            when = (
                naive_utc(datetime.fromisoformat(rec["created_at"]))
                if rec.get("created_at")
                else None
            )
        except (TypeError, ValueError, OverflowError) as exc:
            raise InputFormatError(
                str(exc), path=str(path), line=line, field="created_at"
            ) from None
        by_channel[rec["channel"]].append(
            moderation.NewComment(str(rec.get("id", line)), rec["text"], rec.get("author"), when)
        )
    return {
        channel: moderation.ingest(db, pipeline, settings, _LOADER, channel, comments).created
        for channel, comments in by_channel.items()
    }


def serve(
    settings: Settings,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    demo: bool = False,
    echo: Callable[[str], None] = print,
) -> None:
    """Migrate the database, load the model, and serve the API until interrupted."""
    import uvicorn

    from triage.service.api.app import create_app

    revision = upgrade(settings.database_url)
    pipeline = load_pipeline(resolve_model_dir(settings.model_dir))
    echo(
        f"triage: model {pipeline.name}, database {_safe_url(settings.database_url)} "
        f"at revision {revision}"
    )
    url = f"http://{host}:{port}"
    if demo:
        db = Database(settings.database_url)
        try:
            added = load_demo(db, pipeline, settings)
            key, token, revoked = demo_admin_key(db)
        finally:
            db.dispose()
        echo(f"Demo comments: {sum(added.values())} new in channels {', '.join(sorted(added))}.")
        echo(f"Admin key '{key.name}' (shown once): {token}")
        if revoked:
            echo(f"Revoked the demo key(s) of earlier starts: {', '.join(revoked)}.")
        echo(f"Try: curl -s -H 'Authorization: Bearer {token}' {url}/v1/queues/urgent")
    echo(f"API docs: {url}/docs")
    if workers == 1:
        uvicorn.run(
            create_app(settings, pipeline=pipeline, sender=True),
            host=host,
            port=port,
            log_level="info",
            access_log=settings.access_log,
        )
        return
    # Worker processes read their settings from the environment.
    os.environ["TRIAGE_DATABASE_URL"] = settings.database_url
    if settings.model_dir is not None:
        os.environ["TRIAGE_MODEL_DIR"] = str(settings.model_dir)
    uvicorn.run(
        "triage.service.api.app:create_app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        access_log=settings.access_log,
    )


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
