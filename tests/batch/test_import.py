"""`triage import`: an export into a channel's queues, in batches, idempotently."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from tests.batch.helpers import records, write
from triage.batch.engine import score_file
from triage.batch.importer import import_file
from triage.batch.options import BatchOptions
from triage.cli import app
from triage.pipeline.core import Pipeline
from triage.service.store import Database
from triage.service.store.models import Channel, StoredComment

pytestmark = pytest.mark.slow


def _count(url: str, channel: str) -> int:
    db = Database(url)
    try:
        with db.read() as s:
            return s.scalar(
                select(func.count()).select_from(StoredComment).join(Channel)
                .where(Channel.name == channel)
            ) or 0
    finally:
        db.dispose()


def test_import_twice_stores_each_comment_once(tmp_path: Path, model_dir: Path) -> None:
    url = f"sqlite:///{tmp_path / 'triage.db'}"
    rows = [r for r in records(47) if len(r["text"]) < 10_000]  # the service's length limit
    assert len(rows) == 45
    rows.append({"text": "a row without an id"})
    src = write(tmp_path / "export.jsonl", rows)
    runner = CliRunner()
    args = ["import", str(src), "--channel", "shop-a", "--db", url, "--model", str(model_dir),
            "--batch-size", "10"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "imported 45 new comments into 'shop-a' (0 already there) from 46 rows" in first.output
    assert "export.jsonl:46: field 'id': missing" in first.output
    assert "1 bad rows skipped (missing_id: 1)" in first.output
    again = runner.invoke(app, args)
    assert again.exit_code == 0, again.output
    assert "imported 0 new comments into 'shop-a' (45 already there)" in again.output
    assert _count(url, "shop-a") == 45
    strict = runner.invoke(app, [*args, "--strict"])
    assert strict.exit_code == 1 and strict.output.startswith("Error: ")
    assert "export.jsonl:46" in strict.output


def test_import_a_scored_csv_export(tmp_path: Path, pipeline: Pipeline) -> None:
    url = f"sqlite:///{tmp_path / 'triage.db'}"
    rows = records(30)
    rows[14]["text"] = "a text instead of the one over the service's length limit"
    src = write(tmp_path / "export.csv", rows)
    scored = tmp_path / "scored.csv"
    score_file(str(src), str(scored), options=BatchOptions(workers=1, progress="off"),
               pipeline=pipeline, model=pipeline.directory)
    summary = import_file(str(scored), "shop-b", database_url=url, model=pipeline.directory,
                          batch_size=7)
    assert summary.created == 30 and summary.bad == 0
    summary = import_file(str(scored), "shop-b", database_url=url, model=pipeline.directory)
    assert summary.created == 0 and summary.existing == 30
    assert _count(url, "shop-b") == 30
    db = Database(url)
    try:
        with db.read() as s:
            queues = set(s.scalars(select(StoredComment.queue)))
    finally:
        db.dispose()
    assert queues <= {"urgent", "questions", "spam", "praise", "other"} and len(queues) > 1
