"""Bad rows: reported with file, line and reason, counted, and the job goes on (or --strict)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import triage.formats as tio
from tests.batch.helpers import errors, read
from triage.batch.engine import score_file
from triage.batch.options import BatchOptions
from triage.cli import app
from triage.errors import InputFormatError
from triage.pipeline.core import Pipeline

pytestmark = pytest.mark.slow


def _score(src: Path, out: Path, pipeline: Pipeline, **kw: object):  # noqa: ANN202
    opts = BatchOptions(workers=1, progress="off", chunk_rows=3, **kw)  # type: ignore[arg-type]
    return score_file(str(src), str(out), options=opts, pipeline=pipeline, model=pipeline.directory)


def test_jsonl_bad_rows(tmp_path: Path, pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tio.common, "MAX_LINE_BYTES", 1000)
    lines = [
        b'{"id": 1, "text": "Where is my refund?"}',  # 1 ok
        b'{"id": 2, "body": "no text field"}',  # 2 missing
        b'{"id": 3, "text": null}',  # 3 null
        b'{"id": 4, "text": "   "}',  # 4 empty
        b'{"id": 5, "text": 42}',  # 5 wrong type
        b'{"id": 6, "text": "unterminated}',  # 6 invalid JSON
        b'["not", "an", "object"]',  # 7
        b'{"id": 8, "text": "caf\xe9 latin-1"}',  # 8 bad encoding
        b'{"id": 9, "text": "' + b"x" * 2000 + b'"}',  # 9 oversized line
        b"",  # 10 blank: skipped, not an error
        b'{"id": 11, "text": "Thank you, perfect!"}',  # 11 ok
    ]
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"\n".join(lines) + b"\n")
    out = tmp_path / "out.jsonl"
    summary = _score(src, out, pipeline, max_bad_rows=None)  # 8 of 10 bad: over the default
    assert [r["id"] for r in read(out)] == [1, 11]
    got = errors(tmp_path / "out.jsonl.errors.jsonl")
    assert [(e["line"], e["kind"]) for e in got] == [
        (2, "missing_text"),
        (3, "missing_text"),
        (4, "missing_text"),
        (5, "wrong_type"),
        (6, "invalid_json"),
        (7, "not_an_object"),
        (8, "bad_encoding"),
        (9, "oversized"),
    ]
    assert all(e["file"] == str(src) for e in got)
    assert got[0]["field"] == "text" and got[0]["reason"] == "missing"
    assert "iconv -f latin1" in got[6]["reason"]
    assert summary.rows == 10 and summary.scored == 2 and summary.bad == 8
    assert summary.kinds == {"missing_text": 3, "wrong_type": 1, "invalid_json": 1,
                             "not_an_object": 1, "bad_encoding": 1, "oversized": 1}
    assert "8 bad rows skipped" in "\n".join(summary.lines())


def test_csv_bad_rows(tmp_path: Path, pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tio.common, "FIELD_SIZE_LIMIT", 500)
    data = (
        b"id,text\n"
        b'1,"Do you ship to Cluj?\nThanks"\n'  # 2-3 ok, a quoted newline
        b'2,"quoted"tail\n'  # 4 broken quoting
        b"3,too,many,fields\n"  # 5
        b"4,caf\xe9\n"  # 6 bad encoding
        b'5,"' + b"y" * 800 + b'"\n'  # 7 oversized field
        b"6,\n"  # 8 empty text
        b"7,Multumesc frumos!\n"  # 9 ok
    )
    src = tmp_path / "in.csv"
    src.write_bytes(data)
    out = tmp_path / "out.csv"
    summary = _score(src, out, pipeline, max_bad_rows="100%")  # 5 of 7 bad: over the default
    assert [r["id"] for r in read(out)] == ["1", "7"]
    assert read(out)[0]["text"] == "Do you ship to Cluj?\nThanks"
    got = errors(tmp_path / "out.csv.errors.jsonl")
    assert [(e["line"], e["kind"]) for e in got] == [
        (4, "bad_quoting"),
        (5, "too_many_fields"),
        (6, "bad_encoding"),
        (7, "oversized"),
        (8, "missing_text"),
    ]
    assert summary.bad == 5 and summary.scored == 2


def test_unterminated_quote_is_one_bad_row(tmp_path: Path, pipeline: Pipeline) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes(b'id,text\n1,ok then\n2,"never closed\n3,x\n')
    out = tmp_path / "out.csv"
    summary = _score(src, out, pipeline)
    assert [r["id"] for r in read(out)] == ["1"]
    assert [(e["line"], e["kind"]) for e in errors(tmp_path / "out.csv.errors.jsonl")] == [
        (3, "bad_quoting")
    ]
    assert summary.bad == 1


def test_field_outside_the_csv_columns(tmp_path: Path, pipeline: Pipeline) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(
        '{"id": 1, "text": "hello there"}\n'
        '{"id": 2, "text": "hi", "extra": 1}\n'  # same chunk: becomes a column
        '{"id": 3, "text": "ok"}\n'
        '{"id": 4, "text": "late", "surprise": true}\n',  # a later chunk: not a column
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    _score(src, out, pipeline)
    assert list(read(out)[0])[:3] == ["id", "text", "extra"]
    assert [r["id"] for r in read(out)] == ["1", "2", "3"]
    assert [(e["line"], e["kind"]) for e in errors(tmp_path / "out.csv.errors.jsonl")] == [
        (4, "not_a_column")
    ]


def test_strict_stops_at_the_first_bad_row(tmp_path: Path, pipeline: Pipeline) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"text": f"ok {i}"}) + "\n" for i in range(7)) + "{oops\n",
                   encoding="utf-8")
    out = tmp_path / "out.jsonl"
    with pytest.raises(InputFormatError) as info:
        _score(src, out, pipeline, strict=True)
    assert str(info.value).startswith(f"{src}:8: invalid JSON")
    assert not out.exists()
    assert not (tmp_path / "out.jsonl.checkpoint.json").exists()
    assert not (tmp_path / "out.jsonl.errors.jsonl").exists()


def test_strict_cli_message_and_exit_code(tmp_path: Path, model_dir: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes(b"id,text\n1,fine\n2,\"bad\"quote\n")
    out = tmp_path / "out.csv"
    runner = CliRunner()
    result = runner.invoke(app, ["score", str(src), "-o", str(out), "--strict", "--workers", "1",
                                 "--model", str(model_dir)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {src}:3: malformed CSV")
    assert "Traceback" not in result.output and not out.exists()
    result = runner.invoke(app, ["score", str(src), "-o", str(out), "--workers", "1",
                                 "--model", str(model_dir)])
    assert result.exit_code == 0, result.output
    assert "1 bad rows skipped (bad_quoting: 1)" in result.output
    assert out.exists()


def test_whole_file_problems_are_still_fatal(tmp_path: Path, model_dir: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes("text\nhello\n".encode("utf-16"))
    result = CliRunner().invoke(app, ["score", str(src), "-o", str(tmp_path / "o.csv"),
                                      "--workers", "1", "--model", str(model_dir)])
    assert result.exit_code == 1 and "iconv -f UTF-16" in result.output
