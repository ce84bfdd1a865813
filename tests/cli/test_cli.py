"""`triage score` and `triage demo` as a user runs them: files in, files out, clear errors."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from triage.batch.chunks import BATCH_FIELDS
from triage.cli import app
from triage.types import OUTPUT_FIELDS

pytestmark = pytest.mark.slow
runner = CliRunner()


@pytest.fixture
def model_args(model_dir: Path) -> list[str]:
    return ["--model", str(model_dir)]


def test_score_jsonl_keeps_input_fields_and_adds_output_fields(tmp_path: Path, model_args: list[str]) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(
        '{"id": 1, "text": "Where is my refund?", "page": "shop-a"}\n'
        '{"id": 2, "text": "سلام، خیلی ممنون", "page": "shop-b", "meta": {"likes": 3}}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["score", str(src), "-o", str(out), *model_args])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == [1, 2]
    assert rows[1]["meta"] == {"likes": 3} and rows[1]["text"] == "سلام، خیلی ممنون"
    for row in rows:
        assert set(OUTPUT_FIELDS) <= set(row)
    assert rows[1]["lang"] == "fa"


def test_score_csv_with_custom_fields_joins_tags(tmp_path: Path, model_args: list[str]) -> None:
    src = tmp_path / "in.csv"
    src.write_text('cid,message\nA,"Do you ship to Cluj?\nThanks"\nB,"spam spam http://x.co/win FREE money"\n', encoding="utf-8")
    out = tmp_path / "out.csv"
    result = runner.invoke(
        app, ["score", str(src), "-o", str(out), "--text-field", "message", "--id-field", "cid", *model_args]
    )
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["cid"] for r in rows] == ["A", "B"]
    assert rows[0]["message"] == "Do you ship to Cluj?\nThanks"
    assert list(rows[0])[:2] == ["cid", "message"] and list(rows[0])[2:] == list(BATCH_FIELDS)
    assert all("[" not in r["tags"] for r in rows)  # CSV tags are |-joined, not JSON


def test_score_stdin_to_stdout(model_dir: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "triage.cli", "score", "-", "--model", str(model_dir)],
        input='{"text": "Mulțumesc, totul a fost perfect!"}\n'.encode(),
        capture_output=True, timeout=120, check=False, env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert proc.returncode == 0, proc.stderr.decode()
    row = json.loads(proc.stdout)
    assert row["lang"] == "ro" and row["sentiment"] == "positive"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        ('{"text": "ok"}\n{"text": "broken\n', "bad.jsonl", "bad.jsonl:2:"),
        ('{"text": "ok"}\n{"body": "no text here"}\n', "missing.jsonl", "missing.jsonl:2: field 'text': missing"),
        ('{"text": 42}\n', "type.jsonl", "type.jsonl:1: field 'text': expected a string, got int"),
        ("text\nfine\n", "comments.xlsx", "--format"),
    ],
)
def test_malformed_input_gives_file_and_line_not_a_traceback(
    tmp_path: Path, model_args: list[str], content: str, name: str, message: str
) -> None:
    src = tmp_path / name
    src.write_text(content, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["score", str(src), "-o", str(out), "--strict", *model_args])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert message in result.output
    assert "Traceback" not in result.output
    assert not out.exists()  # no partial output that looks complete
    assert not (tmp_path / "out.jsonl.checkpoint.json").exists()


@pytest.mark.parametrize(
    ("content", "name", "reason"),
    [
        ('{"text": "ok"}\n{"text": "broken\n', "bad.jsonl", "invalid JSON"),
        ('{"text": "ok"}\n{"body": "no text here"}\n', "missing.jsonl", "missing"),
    ],
)
def test_bad_rows_are_reported_and_the_job_goes_on(
    tmp_path: Path, model_args: list[str], content: str, name: str, reason: str
) -> None:
    src = tmp_path / name
    src.write_text(content, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["score", str(src), "-o", str(out), *model_args])
    assert result.exit_code == 0, result.output
    assert [json.loads(x)["text"] for x in out.read_text(encoding="utf-8").splitlines()] == ["ok"]
    errors = [json.loads(x) for x in (tmp_path / "out.jsonl.errors.jsonl").read_text().splitlines()]
    assert [(e["line"], reason in e["reason"]) for e in errors] == [(2, True)]
    assert "1 bad rows skipped" in result.output


def test_missing_input_file(tmp_path: Path, model_args: list[str]) -> None:
    result = runner.invoke(app, ["score", str(tmp_path / "nope.jsonl"), *model_args])
    assert result.exit_code == 1 and "Error:" in result.output and "nope.jsonl" in result.output


def test_missing_model_dir_is_a_clear_error(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "hi"}\n', encoding="utf-8")
    result = runner.invoke(app, ["score", str(src), "--model", str(tmp_path)])
    assert result.exit_code == 1
    assert "is not a triage model directory" in result.output and "Hint:" in result.output


def test_demo_prints_ranked_queues(model_args: list[str]) -> None:
    result = runner.invoke(app, ["demo", *model_args])
    assert result.exit_code == 0, result.output
    assert "urgent" in result.output and "spam" in result.output
    assert result.output.index("urgent") < result.output.index("spam")


@pytest.mark.parametrize("command", [[], ["score"], ["demo"], ["import"]])
def test_every_command_has_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0 and "Usage" in result.output
