"""``triage import``: load an export (scored or not) into a channel's moderation queues.

Records are read with :func:`triage.formats.scan_records` and ingested in batches through
:func:`triage.service.moderation.ingest`, the function behind ``POST /v1/channels/{c}/comments``: the
same scoring, campaign grouping and idempotency on ``(channel, external id)``. Importing the
same file twice (or a file that overlaps an earlier one, or after an interrupted import) stores
each comment once. The triage columns of a scored export are not trusted: the comments are
scored again with the service's model, so that every queue ranks with one model and carries its
reasons. Every row goes through the API's own validation
(:class:`~triage.service.api.schemas.CommentIn`: no NUL characters or unpaired surrogates, an
id and author of at most 200 characters, a ``created_at`` that is a valid time in range) and
the service's text-length limit. Bad rows
(no text, no id, a value the API would refuse, unreadable records) are reported with file and
line and skipped, or stop the import with ``strict``; a file in which no row is good fails.
A CSV cell that ``triage score`` neutralised against formula injection (a leading ``'``) is
read back as the original text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from triage import formats as tio
from triage.batch.chunks import EncodeSpec, bad_record, chunked, split_valid, what_is_wrong
from triage.batch.options import Echo, _stderr
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

    def failure(self, path: str) -> InputFormatError | None:
        """The error of an import in which no row was good (every row read was bad), else None."""
        if not self.bad or self.bad < self.rows:
            return None
        first = self.errors[0]
        kinds = ", ".join(f"{k}: {n:,}" for k, n in sorted(self.kinds.items()))
        return InputFormatError(
            f"no row could be imported: all {self.rows:,} rows are bad ({kinds}); "
            f"the first, line {first['line']}: {what_is_wrong(first)}", path=path,
            hint="check --text-field, --id-field and the file's encoding",
            kind="too_many_bad_rows")


def _created_at(value: Any) -> datetime | None:
    """An ISO 8601 string, a datetime (Parquet) or nothing; raises ValueError otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO 8601 time, got {type(value).__name__}")
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"not an ISO 8601 time: {value[:40]!r}") from None


def _text_value(value: Any, csv_input: bool) -> Any:
    return tio.restore_formula(value) if csv_input and isinstance(value, str) else value


def _comment(path: str, line: int, record: dict[str, Any], fields: dict[str, str],
             csv_input: bool) -> Any:
    """The row as the API's :class:`CommentIn` would accept it, or the error it would give."""
    from pydantic import ValidationError

    from triage.service.api.schemas import CommentIn

    values: dict[str, Any] = {}
    for key, name in fields.items():
        try:
            value = tio.get_field(record, name)
        except KeyError:
            continue
        values[key] = _text_value(value, csv_input)
    eid = values.get("external_id")
    if eid is None or eid == "":
        return InputFormatError("missing", path=path, line=line, field=fields["external_id"],
                                hint="choose the id column with --id-field", kind="missing_id")
    if isinstance(eid, int) and not isinstance(eid, bool):
        values["external_id"] = str(eid)
    author = values.get("author")
    if author is None or author == "":
        values.pop("author", None)
    elif isinstance(author, int | float) and not isinstance(author, bool):
        values["author"] = str(author)
    try:
        created = _created_at(values.pop("created_at", None))
    except ValueError as exc:
        return InputFormatError(str(exc), path=path, line=line, field=fields["created_at"],
                                kind="invalid_value")
    if created is not None:
        values["created_at"] = created
    try:
        return CommentIn.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = str(first["loc"][0]) if first["loc"] else "external_id"
        reason = str(first["msg"]).removeprefix("Value error, ")
        if first["type"] == "string_unicode":  # pydantic's words for a lone surrogate
            reason = "must be valid Unicode (found an unpaired surrogate)"
        return InputFormatError(reason, path=path, line=line, field=fields.get(key, key),
                                kind="invalid_value")


def _warn_channel(path: str, line: int, record: dict[str, Any], channel: str, echo: Echo) -> bool:
    """Warn (once) that a per-row ``channel`` field is not used; True once warned."""
    value = record.get("channel")
    if value is None or value == "" or str(value) == channel:
        return False
    echo(f"warning: {path}:{line}: the rows have a 'channel' field ({str(value)[:40]!r}); it is "
         f"ignored: every row goes to --channel {channel!r} (split the file per channel)")
    return True


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
    echo: Echo = _stderr,
) -> ImportSummary:
    """Import ``path`` into ``channel`` (see the module docstring).

    ``echo`` gets warnings (a per-row ``channel`` field that differs from ``channel``).

    A file in which every row is bad imports nothing; :meth:`ImportSummary.failure` says so.

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
    fields = {"external_id": id_field, "text": text_field, "author": author_field,
              "created_at": created_field}
    csv_input = tio.detect_format(path, fmt) == "csv"
    summary = ImportSummary()
    warned_channel = False
    try:
        for chunk in chunked(rows, batch_size):
            good, errors = split_valid(path, chunk, spec)
            comments: list[NewComment] = []
            for line, record in good:
                if not warned_channel:
                    warned_channel = _warn_channel(path, line, record, channel, echo)
                checked = _comment(path, line, record, fields, csv_input)
                if isinstance(checked, InputFormatError):
                    errors.append(checked)
                    continue
                if len(checked.text) > settings.max_text_chars:
                    errors.append(InputFormatError(
                        f"text longer than {settings.max_text_chars:,} characters",
                        path=path, line=line, field=text_field, kind="oversized"))
                    continue
                comments.append(NewComment(checked.external_id, checked.text, checked.author,
                                           checked.created_at))
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
