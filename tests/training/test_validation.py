"""Bad training files: every problem is reported with file:line before any training."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.training.helpers import rows, write_csv, write_jsonl
from triage.cli import app
from triage.training.labelled import Columns, read_labelled, split


def _kinds(report):  # noqa: ANN001, ANN202
    return {(i.level, i.kind) for i in report.issues}


def _good(n: int = 4) -> list[dict]:
    return rows(n)


@pytest.mark.parametrize(
    ("edit", "kind", "needle", "line"),
    [
        (lambda d: d[2].update(sentiment="angry"), "unknown_label", "unknown sentiment 'angry'", 4),
        (lambda d: d[5].update(tags="question|rant"), "unknown_label", "unknown tag(s) 'rant'", 7),
        (lambda d: d.insert(3, dict(d[0], sentiment="positive")), "conflict", "with different labels", 5),
    ],
    ids=["sentiment", "tag", "conflicting-duplicate"],
)
def test_label_errors_name_file_and_line(tmp_path: Path, edit, kind: str, needle: str, line: int) -> None:  # noqa: ANN001
    data = _good()
    edit(data)
    path = write_csv(tmp_path / "bad.csv", data)
    report = read_labelled([path])
    [err] = report.errors
    assert err.kind == kind and needle in err.message
    assert str(err).startswith(f"error: {path}:{line}: ")


def test_missing_text_field_in_jsonl_row(tmp_path: Path) -> None:
    data = _good()
    data[1] = {"body": "hello", "sentiment": "neutral"}
    path = write_jsonl(tmp_path / "bad.jsonl", data)
    [err] = read_labelled([path]).errors
    assert err.kind == "missing_column" and f"{path}:2:" in str(err)


def test_missing_label_columns_and_mapped_columns(tmp_path: Path) -> None:
    data = [{"message": r["text"], "mood": r["sentiment"]} for r in _good()]
    path = write_csv(tmp_path / "other.csv", data)
    kinds = {i.kind for i in read_labelled([path]).errors}
    assert kinds == {"missing_column"}
    ok = read_labelled([path], Columns(text="message", sentiment="mood"))
    assert not ok.errors and len(ok.examples) == len(data)


def test_empty_text_and_exact_duplicate_are_warnings(tmp_path: Path) -> None:
    data = _good()
    data.insert(2, dict(data[0], text="   "))
    data.insert(4, dict(data[0]))
    path = write_csv(tmp_path / "warn.csv", data)
    report = read_labelled([path])
    assert not report.errors
    assert {("warning", "empty_text"), ("warning", "duplicate")} <= _kinds(report)
    assert any(f"{path}:4:" in str(i) for i in report.warnings if i.kind == "empty_text")
    assert len(report.examples) == len(data) - 2


def test_too_few_rows_is_refused_and_few_per_class_warned(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "tiny.csv", _good(1)[:5])
    report = read_labelled([path])
    assert ("error", "too_few") in _kinds(report)
    assert ("warning", "few_examples") in _kinds(report)


def test_cli_refuses_before_training(tmp_path: Path) -> None:
    data = _good()
    data[2]["sentiment"] = "meh"
    path = write_csv(tmp_path / "bad.csv", data)
    out = tmp_path / "never"
    result = CliRunner().invoke(app, ["train", "--data", str(path), "--out", str(out), "--base", "none"])
    assert result.exit_code == 1
    assert f"{path}:4: unknown sentiment 'meh'" in result.output
    assert not (out / "heads.npz").exists()


def test_split_is_reproducible_and_stratified() -> None:
    from triage.training.labelled import LabelledExample

    ex = [LabelledExample(f"text {i}", "en" if i % 2 else "es", ("negative", "positive")[i % 3 == 0], None, "f", i)
          for i in range(100)]
    a = split(ex, 0.2, seed=1)
    assert a == split(ex, 0.2, seed=1)
    assert a != split(ex, 0.2, seed=2)
    assert 15 <= len(a[1]) <= 25
    assert {(e.lang, e.sentiment) for e in a[1]} == {(e.lang, e.sentiment) for e in ex}
