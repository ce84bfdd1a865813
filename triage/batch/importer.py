"""``triage import``: load an export (scored or not) into a channel's moderation queues.

Records are read with :func:`triage.formats.scan_records` and ingested in batches through
:func:`triage.service.moderation.ingest`, the function behind ``POST /v1/channels/{c}/comments``: the
same scoring, campaign grouping and idempotency on ``(channel, external id)``. Importing the
same file twice (or a file that overlaps an earlier one, or after an interrupted import) stores
each comment once. The triage columns of a scored export are not trusted: the comments are
scored again with the service's model, so that every queue ranks with one model and carries its
reasons. Bad rows (no text, no id, a text over the service's length limit, unreadable records)
are reported and skipped, or stop the import with ``strict``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from triage import formats as tio
from triage.batch.chunks import EncodeSpec, bad_record, chunked, split_valid
from triage.errors import InputFormatError

__all__ = ["ImportSummary", "import_file"]


@dataclass
class ImportSummary:
    """What an import did."""

    rows: int = 0
    created: int = 0
    existing: int = 0
    bad: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def lines(self, channel: str) -> list[str]:
        """The end-of-import summary."""
        out = [
            (
                f"imported {self.created:,} new comments into {channel!r} "
                f"({self.existing:,} already there) from {self.rows:,} rows"
            )
        ]
        if self.bad:
            kinds = ", ".join(f"{k}: {n:,}" for k, n in sorted(self.kinds.items()))
            out.append(f"{self.bad:,} bad rows skipped ({kinds})")
        return out


def _created_at(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return value.replace(tzinfo=None) if isinstance(value, datetime) else None
    try:
        t = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t.astimezone(UTC).replace(tzinfo=None) if t.tzinfo else t


def import_file(
    path: str,
    channel: str,
    *,
    database_url: str | None = None,
    model: str | Path | None = None,
    fmt: str | None = None,
    text_field: str = "text",
    id_field: str = "id",
    author_field: str = "author",
    created_field: str = "created_at",
    batch_size: int = 500,
    strict: bool = False,
    on_batch: Callable[[ImportSummary], None] | None = None,
) -> ImportSummary:
    """Import ``path`` into ``channel`` (see the module docstring).

    Raises:
        InputFormatError: the file cannot be read, or (``strict``) its first bad row.
        TriageError: settings, model or database problems.
    """
    from triage.pipeline.core import load_pipeline
    from triage.service.auth import Principal, Role
    from triage.service.moderation import NewComment, ingest
    from triage.service.settings import Settings
    from triage.service.store import Database, upgrade
    from triage.training.registry import resolve_model_dir

    overrides: dict[str, Any] = {}
    if database_url is not None:
        overrides["database_url"] = database_url
    settings = Settings(**overrides)
    batch_size = max(1, min(batch_size, settings.max_batch))
    rows = tio.scan_records(path, fmt=fmt)
    pipeline = load_pipeline(resolve_model_dir(model))
    upgrade(settings.database_url)
    db = Database(settings.database_url)
    principal = Principal(key_id=0, name="triage-import", role=Role.ADMIN, channels=frozenset())
    spec = EncodeSpec("jsonl", False, text_field, id_field, "fast")
    summary = ImportSummary()
    try:
        for chunk in chunked(rows, batch_size):
            good, errors = split_valid(path, chunk, spec)
            comments: list[NewComment] = []
            for line, record in good:
                text = tio.get_field(record, text_field)
                try:
                    eid = tio.get_field(record, id_field)
                except KeyError:
                    eid = None
                if eid is None or eid == "":
                    errors.append(InputFormatError("missing", path=path, line=line, field=id_field,
                                                   hint="choose the id column with --id-field",
                                                   kind="missing_id"))
                    continue
                if len(text) > settings.max_text_chars:
                    errors.append(InputFormatError(
                        f"text longer than {settings.max_text_chars:,} characters",
                        path=path, line=line, field=text_field, kind="oversized"))
                    continue
                author = record.get(author_field)
                created = record.get(created_field)
                comments.append(NewComment(str(eid), text, None if author is None else str(author),
                                           _created_at(created)))
            errors.sort(key=lambda e: e.line or 0)
            if strict and errors:
                raise errors[0]
            if comments:
                result = ingest(db, pipeline, settings, principal, channel, comments)
                summary.created += result.created
                summary.existing += len({c.external_id for c in comments}) - result.created
            summary.rows += len(chunk)
            summary.bad += len(errors)
            for e in errors:
                summary.kinds[e.kind or "invalid"] += 1
                summary.errors.append(bad_record(path, e))
            if on_batch is not None:
                on_batch(summary)
    finally:
        db.dispose()
    return summary
