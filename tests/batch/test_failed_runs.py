"""Runs that must fail, and the files a run may touch (issue #12, items 9, 14 and 15).

A file in which no row could be read fails with ``Error: <file>: <why>`` and leaves nothing under
the output's name; ``--max-bad-rows`` bounds partial failures; a fatal error leaves no
``OUTPUT.part``; ``--errors`` never names the input or output and never deletes a file the run
did not create.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.batch.helpers import errors, read, records, write
from triage.batch import output as batch_output
from triage.batch.engine import score_file
from triage.batch.options import BatchOptions, checkpoint_path
from triage.cli import app
from triage.errors import InputFormatError
from triage.pipeline.core import Pipeline

pytestmark = pytest.mark.slow
runner = CliRunner()


def _score(*args: str, model_dir: Path) -> object:
    return runner.invoke(app, ["score", *args, "--workers", "1", "--progress", "off",
                               "--model", str(model_dir)])


def _nothing_published(out: Path) -> bool:
    return not any(Path(str(out) + suffix).exists() for suffix in ("", ".part", ".part.d"))


@pytest.mark.parametrize(
    ("name", "data", "reason", "hint"),
    [
        # --text-field forgotten: the comments are in "message"
        ("forgot.csv", b"id,message\n1,Where is my order?\n2,Thanks a lot\n",
         "(missing_text: 2); the first, line 2: field 'text': missing",
         "choose the text column with --text-field (the columns are: id, message)"),
        # a Latin-1 export
        ("latin1.csv", "id,text\n1,café au lait\n2,crème brûlée\n".encode("latin-1"),
         "(bad_encoding: 2)", "iconv"),
        # a quote never closed: one bad row that swallows the rest of the file
        ("quote.csv", b'id,text\n1,"never closed\n2,more text\n', "(bad_quoting: 1)", None),
    ],
)
def test_a_file_where_no_row_could_be_read_fails_with_no_output(
    tmp_path: Path, model_dir: Path, name: str, data: bytes, reason: str, hint: str | None
) -> None:
    src = tmp_path / name
    src.write_bytes(data)
    out = tmp_path / "scored.csv"
    result = _score(str(src), "-o", str(out), model_dir=model_dir)
    assert result.exit_code == 1, result.output
    assert result.output.startswith(f"Error: {src}: no row could be read: all ")
    assert reason in result.output
    if hint:
        assert hint in result.output
    assert "Traceback" not in result.output
    assert _nothing_published(out)
    assert not Path(checkpoint_path(str(out))).exists()
    assert errors(tmp_path / "scored.csv.errors.jsonl")  # the why, row by row, stays


def test_every_row_bad_fails_even_with_no_limit(tmp_path: Path, pipeline: Pipeline) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"body": "a"}\n{"body": "b"}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    with pytest.raises(InputFormatError, match="no row could be read") as info:
        score_file(str(src), str(out), pipeline=pipeline, model=pipeline.directory,
                   options=BatchOptions(workers=1, progress="off", max_bad_rows=None))
    assert str(info.value).startswith(f"{src}: no row could be read")
    assert _nothing_published(out)


def _mixed(tmp_path: Path, good: int, bad: int) -> Path:
    lines = [json.dumps({"id": i, "text": f"Where is my order number {i}?"}) for i in range(good)]
    lines += [json.dumps({"id": 100 + i, "text": ""}) for i in range(bad)]
    src = tmp_path / f"mixed-{good}-{bad}.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return src


@pytest.mark.parametrize(
    ("good", "bad", "limit", "ok"),
    [
        (7, 3, None, True),  # the default, 50%: 30% bad passes
        (4, 6, None, False),  # ... and a mostly bad file fails
        (7, 3, "20%", False),
        (7, 3, "30%", True),
        (7, 3, "2", False),
        (7, 3, "3", True),
        (7, 3, "0", False),
    ],
)
def test_max_bad_rows(tmp_path: Path, model_dir: Path, good: int, bad: int, limit: str | None,
                      ok: bool) -> None:
    src = _mixed(tmp_path, good, bad)
    out = tmp_path / "out.jsonl"
    extra = ["--max-bad-rows", limit] if limit is not None else []
    result = _score(str(src), "-o", str(out), *extra, model_dir=model_dir)
    if ok:
        assert result.exit_code == 0, result.output
        assert len(read(out)) == good
        return
    assert result.exit_code == 1, result.output
    assert result.output.startswith(f"Error: {src}: ")
    assert "more than --max-bad-rows " + (limit or "50%") in result.output
    assert _nothing_published(out)
    assert errors(tmp_path / "out.jsonl.errors.jsonl")


def test_max_bad_rows_must_be_a_count_or_a_percentage(tmp_path: Path, model_dir: Path) -> None:
    src = _mixed(tmp_path, 3, 0)
    result = _score(str(src), "-o", str(tmp_path / "o.jsonl"), "--max-bad-rows", "lots",
                    model_dir=model_dir)
    assert result.exit_code == 1 and result.output.startswith("Error: --max-bad-rows")


@pytest.mark.parametrize("case", ["empty_csv", "truncated_gzip"])
def test_a_fatal_error_leaves_no_part_file(tmp_path: Path, model_dir: Path, case: str) -> None:
    if case == "empty_csv":
        src = tmp_path / "in.csv"
        src.write_bytes(b"")
        out = tmp_path / "out.csv"
        message = "empty CSV file"
    else:
        src = tmp_path / "in.jsonl.gz"
        data = gzip.compress("".join(json.dumps(r) + "\n" for r in records(3000)).encode())
        src.write_bytes(data[: len(data) // 2])
        out = tmp_path / "out.jsonl"
        message = "corrupt or truncated gzip"
    result = _score(str(src), "-o", str(out), "--batch-size", "100", model_dir=model_dir)
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: ") and message in result.output
    assert _nothing_published(out)
    assert not Path(checkpoint_path(str(out))).exists()


def test_an_unknown_id_field_warns(tmp_path: Path, model_dir: Path) -> None:
    src = write(tmp_path / "in.jsonl", records(5))  # ids are in "id"
    out = tmp_path / "out.jsonl"
    result = _score(str(src), "-o", str(out), "--id-field", "comment_id", model_dir=model_dir)
    assert result.exit_code == 0, result.output
    assert "warning:" in result.output and "'comment_id'" in result.output
    assert len(read(out)) == 5
    for args in (["--id-field", "id"], []):  # a field that is there, or none named: no warning
        result = _score(str(src), "-o", str(out), *args, model_dir=model_dir)
        assert result.exit_code == 0 and "warning" not in result.output, result.output


def test_errors_path_may_not_be_the_input_or_the_output(tmp_path: Path, model_dir: Path) -> None:
    src = write(tmp_path / "in.csv", records(5))
    before = src.read_bytes()
    out = tmp_path / "out.csv"
    (tmp_path / "sub").mkdir()
    os.link(src, tmp_path / "hardlink.csv")
    for errors_path in (src, tmp_path / "sub" / ".." / "in.csv", tmp_path / "hardlink.csv", out):
        result = _score(str(src), "-o", str(out), "--errors", str(errors_path), model_dir=model_dir)
        assert result.exit_code == 1, result.output
        assert result.output.startswith(f"Error: --errors {errors_path} is the ")
        assert src.read_bytes() == before
        assert not out.exists()
    imported = runner.invoke(app, ["import", str(src), "--channel", "c", "--errors", str(src),
                                   "--db", f"sqlite:///{tmp_path / 't.db'}"])
    assert imported.exit_code == 1 and "is the input" in imported.output
    assert src.read_bytes() == before


def test_a_file_the_run_did_not_create_is_never_deleted(tmp_path: Path, model_dir: Path) -> None:
    src = write(tmp_path / "in.jsonl", records(5))
    mine = tmp_path / "existing.txt"
    mine.write_text("my notes\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = _score(str(src), "-o", str(out), "--errors", str(mine), model_dir=model_dir)
    assert result.exit_code == 0, result.output
    assert mine.read_text(encoding="utf-8") == "my notes\n"  # no bad rows: not touched
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = _score(str(empty), "-o", str(tmp_path / "o.csv"), "--errors", str(mine),
                    model_dir=model_dir)
    assert result.exit_code == 1
    assert mine.read_text(encoding="utf-8") == "my notes\n"  # a fatal error: not touched


def test_nul_only_text_is_missing_text(tmp_path: Path, pipeline: Pipeline) -> None:
    rows = [{"id": 1, "text": "\x00"}, {"id": 2, "text": "\x00\x00 \u200b"},
            {"id": 3, "text": "thanks\x00"}, {"id": 4, "text": "Where is my refund?"},
            {"id": 5, "text": "Great service"}]
    src = write(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.jsonl"
    summary = score_file(str(src), str(out), pipeline=pipeline, model=pipeline.directory,
                         options=BatchOptions(workers=1, progress="off"))
    assert [r["id"] for r in read(out)] == [3, 4, 5]
    bad = errors(tmp_path / "out.jsonl.errors.jsonl")
    assert [(e["line"], e["kind"]) for e in bad] == [(1, "missing_text"), (2, "missing_text")]
    assert bad[0]["reason"] == "no text: only NUL, control or format characters"
    assert summary.kinds == {"missing_text": 2}


def test_resume_after_bad_rows_keeps_the_errors_file(tmp_path: Path, pipeline: Pipeline,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    rows = records(40)
    rows[1]["text"] = ""  # a bad row in the first chunk: the errors file exists before the kill
    src = write(tmp_path / "in.jsonl", rows)
    opts = BatchOptions(workers=1, progress="off", chunk_rows=10)
    ref, out = tmp_path / "ref.jsonl", tmp_path / "out.jsonl"
    score_file(str(src), str(ref), options=opts, pipeline=pipeline, model=pipeline.directory)
    real = batch_output._Output.write_chunk

    def dying(self: batch_output._Output, *args: object, **kw: object) -> None:
        if self.state.chunks == 2:
            raise KeyboardInterrupt
        real(self, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(batch_output._Output, "write_chunk", dying)
    with pytest.raises(KeyboardInterrupt):
        score_file(str(src), str(out), options=opts, pipeline=pipeline, model=pipeline.directory)
    monkeypatch.setattr(batch_output._Output, "write_chunk", real)
    score_file(str(src), str(out), pipeline=pipeline, model=pipeline.directory,
               options=BatchOptions(workers=1, progress="off", resume=True))
    assert out.read_bytes() == ref.read_bytes()
    ref_errors = errors(tmp_path / "ref.jsonl.errors.jsonl")
    assert len(ref_errors) == 1 and errors(tmp_path / "out.jsonl.errors.jsonl") == ref_errors
