"""`triage import`: an export into a channel's queues, in batches, idempotently."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from tests.api.helpers import BACKENDS, PG_ENV, empty_database
from tests.batch.helpers import records, registry_with, write
from triage.batch.engine import score_file
from triage.batch.importer import import_file
from triage.batch.options import BatchOptions
from triage.cli import app
from triage.pipeline.core import Pipeline
from triage.service.store import Database, upgrade
from triage.service.store.models import Channel, StoredComment
from triage.types import Queue

pytestmark = pytest.mark.slow
runner = CliRunner()


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
    assert queues <= {q.value for q in Queue} and len(queues) > 1  # abuse included (#15)


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a new SQLite file, or the test PostgreSQL emptied."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'triage.db'}"
    url = os.environ[PG_ENV]
    upgrade(url)
    empty_database(url)
    return url


def _stored(url: str, channel: str) -> dict[str, StoredComment]:
    db = Database(url)
    try:
        with db.read() as s:
            rows = s.scalars(select(StoredComment).join(Channel).where(Channel.name == channel))
            return {c.external_id: c for c in rows}
    finally:
        db.dispose()


def test_import_reports_bad_rows_and_carries_on(tmp_path: Path, model_dir: Path, db_url: str) -> None:
    """The red team's rows: each is reported with file:line and the rest is imported."""
    lines = [
        '{"id": "ok-1", "text": "Where is my order?", "author": "ana", "created_at": "2026-11-01T10:00:00Z"}',
        '{"id": "surrogate", "text": "a\\ud800b"}',  # 2: a lone surrogate
        '{"id": "nul", "text": "hello\\u0000world"}',  # 3: a NUL byte (PostgreSQL refuses it)
        json.dumps({"id": "x" * 201, "text": "an id over 200 characters"}),  # 4
        json.dumps({"id": "author", "text": "a long author", "author": "a" * 201}),  # 5
        '{"id": "year-one", "text": "too early", "created_at": "0001-01-01T00:00:00+14:00"}',  # 6
        '{"id": "big", "text": "a huge number", "n": ' + "7" * 5000 + "}",  # 7: int() refuses it
        '{"id": "when", "text": "not a time", "created_at": "yesterday"}',  # 8
        '{"id": "bad-author", "text": "fine text", "author": "\\udc00"}',  # 9
        '{"id": "ok-2", "text": "Thanks, all sorted now", "author": "bo"}',  # 10
    ]
    src = tmp_path / "export.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    errors_file = tmp_path / "bad.jsonl"
    result = runner.invoke(app, ["import", str(src), "--channel", "shop-a", "--db", db_url,
                                 "--model", str(model_dir), "--errors", str(errors_file)])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert "imported 2 new comments into 'shop-a' (0 already there) from 10 rows" in result.output
    for where in (f"{src}:2: field 'text': must be valid Unicode",
                  f"{src}:3: field 'text': must not contain NUL",
                  f"{src}:4: field 'id': String should have at most 200 characters",
                  f"{src}:5: field 'author': String should have at most 200 characters",
                  f"{src}:6: field 'created_at': is out of range",
                  f"{src}:7: invalid JSON: a number too long",
                  f"{src}:8: field 'created_at': not an ISO 8601 time",
                  f"{src}:9: field 'author': must be valid Unicode"):
        assert where in result.output, where
    bad = [json.loads(x) for x in errors_file.read_text(encoding="utf-8").splitlines()]
    assert [b["line"] for b in bad] == [2, 3, 4, 5, 6, 7, 8, 9]
    stored = _stored(db_url, "shop-a")
    assert set(stored) == {"ok-1", "ok-2"}
    assert stored["ok-1"].author == "ana" and stored["ok-1"].created_at.hour == 10


def test_a_huge_json_number_is_a_bad_row_for_score_too(tmp_path: Path, pipeline: Pipeline) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "fine"}\n{"text": "big", "n": ' + "9" * 5000 + '}\n{"text": "ok"}\n',
                   encoding="utf-8")
    out = tmp_path / "out.jsonl"
    summary = score_file(str(src), str(out), options=BatchOptions(workers=1, progress="off"),
                         pipeline=pipeline, model=pipeline.directory)
    assert summary.scored == 2 and summary.kinds == {"invalid_json": 1}
    bad = json.loads((tmp_path / "out.jsonl.errors.jsonl").read_text().splitlines()[0])
    assert bad["line"] == 2 and "number too long" in bad["reason"]


def test_a_per_row_channel_column_is_warned_about(tmp_path: Path, model_dir: Path) -> None:
    url = f"sqlite:///{tmp_path / 'triage.db'}"
    rows = [{"id": f"c{i}", "text": f"Where is my parcel {i}?", "channel": "shop-b"} for i in range(3)]
    src = write(tmp_path / "export.jsonl", rows)
    result = runner.invoke(app, ["import", str(src), "--channel", "shop-a", "--db", url,
                                 "--model", str(model_dir)])
    assert result.exit_code == 0, result.output
    assert "warning:" in result.output and "'channel'" in result.output
    assert "--channel 'shop-a'" in result.output and "'shop-b'" in result.output
    assert _count(url, "shop-a") == 3
    same = write(tmp_path / "same.jsonl", [{**r, "id": r["id"] + "x", "channel": "shop-a"} for r in rows])
    result = runner.invoke(app, ["import", str(same), "--channel", "shop-a", "--db", url,
                                 "--model", str(model_dir)])
    assert result.exit_code == 0 and "warning" not in result.output, result.output


def test_an_import_where_no_row_is_good_fails(tmp_path: Path, model_dir: Path) -> None:
    url = f"sqlite:///{tmp_path / 'triage.db'}"
    src = write(tmp_path / "export.csv", [{"comment_id": "1", "text": "hello"},
                                          {"comment_id": "2", "text": "bye"}])
    result = runner.invoke(app, ["import", str(src), "--channel", "shop-a", "--db", url,
                                 "--model", str(model_dir)])
    assert result.exit_code == 1, result.output
    assert f"Error: {src}: no row could be imported: all 2 rows are bad (missing_id: 2)" in result.output


def test_import_reads_back_neutralised_csv_formulas(tmp_path: Path, pipeline: Pipeline) -> None:
    url = f"sqlite:///{tmp_path / 'triage.db'}"
    texts = ["=1+1 is what I paid?", "@support where is my order", "'quoted already", "-5 stars"]
    src = write(tmp_path / "export.jsonl", [{"id": f"c{i}", "text": t, "author": "-me"}
                                            for i, t in enumerate(texts)])
    scored = tmp_path / "scored.csv"
    score_file(str(src), str(scored), options=BatchOptions(workers=1, progress="off"),
               pipeline=pipeline, model=pipeline.directory)
    assert "'=1+1" in scored.read_text(encoding="utf-8")
    import_file(str(scored), "shop-c", database_url=url, model=pipeline.directory)
    stored = _stored(url, "shop-c")
    assert [stored[f"c{i}"].text for i in range(4)] == texts
    assert {c.author for c in stored.values()} == {"-me"}


def test_score_and_import_follow_the_active_model(tmp_path: Path, model_dir: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """After `triage models activate mine`, score and import use it unless --model says otherwise."""
    from triage.pipeline.core import read_model_config

    root = tmp_path / "registry"
    mine = read_model_config(registry_with(model_dir, root, "mine"))[0]  # mine-<version>
    monkeypatch.setenv("TRIAGE_MODELS_DIR", str(root))
    monkeypatch.delenv("TRIAGE_MODEL_DIR", raising=False)
    assert runner.invoke(app, ["models", "activate", "mine"]).exit_code == 0
    src = write(tmp_path / "in.jsonl", records(3))
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["score", str(src), "-o", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert {json.loads(x)["model"].split("/")[0] for x in out.read_text().splitlines()} == {mine}
    explicit = runner.invoke(app, ["score", str(src), "-o", str(out), "--workers", "1",
                                   "--model", str(model_dir)])
    assert explicit.exit_code == 0, explicit.output
    assert {json.loads(x)["model"].split("/")[0] for x in out.read_text().splitlines()} != {mine}
    url = f"sqlite:///{tmp_path / 'triage.db'}"
    result = runner.invoke(app, ["import", str(src), "--channel", "shop-a", "--db", url])
    assert result.exit_code == 0, result.output
    assert {c.model.split("/")[0] for c in _stored(url, "shop-a").values()} == {mine}
