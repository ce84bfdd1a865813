"""Unit tests for triage.formats: round trips, exact error locations, formats and the .part rename."""

from __future__ import annotations

import codecs
import gzip
import io
import json
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from triage.errors import InputFormatError
from triage.formats import (
    FIELD_SIZE_LIMIT,
    csv_cell,
    detect_format,
    get_field,
    open_writer,
    read_records,
)

AWKWARD = [
    'He said "hi", then "bye"',
    "a,b,,c;d\tе",
    "line one\nline two\r\nline three\rline four\n",
    '"',
    '""',
    "هل يمكنني الحصول على استرداد؟ شكراً",  # Arabic, RTL, Arabic question mark
    "می‌خواهم این را برگردانم",  # Persian with ZWNJ (U+200C)
    "👩‍👩‍👧‍👦 🏳️‍🌈 👍🏽 ❤️",  # ZWJ sequences, skin tone, variation selector
    "\u200f\u202bmixed RTL\u202c with bidi controls\u2028and a line separator\x85",
    "\ufeffstarts with a BOM",
    "  leading and trailing spaces  ",
    "x" * (1 << 20),  # 1 MB
    "",
]

EXTENSIONS = ["jsonl", "csv", "jsonl.gz", "csv.gz"]


def _write_bytes(path: Path, data: bytes) -> str:
    if path.name.endswith(".gz"):
        data = gzip.compress(data)
    path.write_bytes(data)
    return str(path)


def _error(path: str, **kwargs: Any) -> InputFormatError:
    with pytest.raises(InputFormatError) as info:
        list(read_records(path, **kwargs))
    return info.value


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("ext", EXTENSIONS)
def test_round_trip_awkward_text(tmp_path: Path, ext: str) -> None:
    path = str(tmp_path / f"out.{ext}")
    records = [{"id": str(i), "text": text} for i, text in enumerate(AWKWARD)]
    with open_writer(path) as writer:
        for record in records:
            writer.write(record)
    got = list(read_records(path))
    assert [record for _, record in got] == records
    # line numbers are the physical lines where each record starts
    header = 1 if ext.startswith("csv") else 0
    expected, line = [], 1 + header
    for record in records:
        expected.append(line)
        line += record["text"].count("\n") if ext.startswith("csv") else 0
        line += 1
    assert [n for n, _ in got] == expected


@pytest.mark.parametrize("ext", ["jsonl", "jsonl.gz"])
def test_jsonl_keeps_types_and_nesting(tmp_path: Path, ext: str) -> None:
    path = str(tmp_path / f"out.{ext}")
    record = {
        "snippet": {"textDisplay": "¿Qué?", "likes": 3},
        "tags": ["question", "complaint"],
        "p_spam": 0.0125,
        "flag": True,
        "none": None,
    }
    with open_writer(path) as writer:
        writer.write(record)
    assert list(read_records(path)) == [(1, record)]


def test_jsonl_output_is_compact_utf8(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    with open_writer(str(path)) as writer:
        writer.write({"text": "café 👍", "tags": ["praise"], "n": 1})
    assert path.read_bytes() == '{"text":"café 👍","tags":["praise"],"n":1}\n'.encode()


def test_jsonl_lone_surrogate_survives(tmp_path: Path) -> None:
    path = str(tmp_path / "out.jsonl")
    with open_writer(path) as writer:
        writer.write({"text": "broken \ud83d pair"})
    assert list(read_records(path)) == [(1, {"text": "broken \ud83d pair"})]


def test_csv_cells(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    fields = ["text", "tags", "meta", "scores", "missing", "flag", "p"]
    with open_writer(str(path), fieldnames=fields) as writer:
        writer.write(
            {
                "text": "hi",
                "tags": ["question", "spam"],
                "meta": {"a": "ü"},
                "scores": [1, 2],
                "flag": False,
                "p": 0.5,
            }
        )
    assert path.read_bytes().decode() == (
        'text,tags,meta,scores,missing,flag,p\r\nhi,question|spam,"{""a"":""ü""}",'
        '"[1,2]",,false,0.5\r\n'
    )
    assert csv_cell(None) == "" and csv_cell([]) == "" and csv_cell(("a", "b")) == "a|b"


def test_csv_header_from_first_record_and_extra_key(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    with pytest.raises(ValueError, match="not CSV columns"), open_writer(str(path)) as writer:
        writer.write({"a": "1", "b": "2"})
        writer.write({"b": "3"})  # missing is fine
        writer.write({"a": "4", "c": "5"})
    assert not path.exists()
    with open_writer(str(path)) as writer:
        writer.write({"a": "1", "b": "2"})
        writer.write({"b": "3"})
    assert list(read_records(str(path))) == [(2, {"a": "1", "b": "2"}), (3, {"a": "", "b": "3"})]


def test_csv_header_only_when_no_records(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    with open_writer(str(path), fieldnames=["text", "lang"]):
        pass
    assert path.read_bytes() == b"text,lang\r\n"
    assert list(read_records(str(path))) == []


def test_gzip_output_is_reproducible(tmp_path: Path) -> None:
    outputs = []
    for sub in ("one", "two"):
        (tmp_path / sub).mkdir()
        path = tmp_path / sub / "out.csv.gz"
        with open_writer(str(path), fieldnames=["text"]) as writer:
            writer.write({"text": "same"})
        outputs.append(path.read_bytes())
    assert outputs[0] == outputs[1]
    assert gzip.decompress(outputs[0]) == b"text\r\nsame\r\n"


# --------------------------------------------------------------------------- .part behaviour


def test_part_file_renamed_only_on_success(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    part = tmp_path / "out.jsonl.part"
    writer = open_writer(str(path))
    writer.write({"text": "a"})
    assert part.exists() and not path.exists()
    writer.close()
    assert path.exists() and not part.exists()
    writer.close()  # idempotent
    with pytest.raises(ValueError, match="closed"):
        writer.write({"text": "b"})


@pytest.mark.parametrize("ext", EXTENSIONS)
def test_exception_keeps_part_and_no_final_file(tmp_path: Path, ext: str) -> None:
    path = tmp_path / f"out.{ext}"
    with pytest.raises(RuntimeError, match="boom"), open_writer(str(path)) as writer:
        writer.write({"text": "a"})
        raise RuntimeError("boom")
    assert not path.exists()
    assert (tmp_path / f"out.{ext}.part").exists()


def test_exception_leaves_previous_output_alone(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_text('{"old":1}\n', encoding="utf-8")
    with pytest.raises(KeyboardInterrupt), open_writer(str(path)) as writer:
        writer.write({"new": 1})
        raise KeyboardInterrupt
    assert path.read_text(encoding="utf-8") == '{"old":1}\n'


# --------------------------------------------------------------------------- stdio


def test_read_stdin_as_jsonl(monkeypatch: pytest.MonkeyPatch) -> None:
    data = '\ufeff{"text":"مرحبا"}\n\n{"text":"b"}\n'.encode()
    monkeypatch.setattr(sys, "stdin", SimpleNamespace(buffer=io.BytesIO(data)))
    assert list(read_records("-")) == [(1, {"text": "مرحبا"}), (3, {"text": "b"})]


def test_write_stdout_as_jsonl(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    out = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", SimpleNamespace(buffer=out, flush=lambda: None))
    monkeypatch.chdir(tmp_path)
    with open_writer("-") as writer:
        writer.write({"text": "é"})
    assert out.getvalue() == '{"text":"é"}\n'.encode()
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- reading details


@pytest.mark.parametrize("ext", ["jsonl", "csv"])
def test_utf8_bom_is_stripped(tmp_path: Path, ext: str) -> None:
    body = '{"id":"1"}\n' if ext == "jsonl" else "id\r\n1\r\n"
    path = _write_bytes(tmp_path / f"in.{ext}", codecs.BOM_UTF8 + body.encode())
    assert list(read_records(path)) == [(1 if ext == "jsonl" else 2, {"id": "1"})]


def test_jsonl_blank_lines_skipped_and_counted(tmp_path: Path) -> None:
    path = _write_bytes(tmp_path / "in.jsonl", b'\n{"a":1}\r\n  \t\r\n\n{"a":2}')
    assert list(read_records(path)) == [(2, {"a": 1}), (5, {"a": 2})]


def test_csv_start_lines_with_multiline_fields_and_blank_lines(tmp_path: Path) -> None:
    data = b'id,text\r\n1,"two\r\nlines"\r\n\r\n2,"bare\rcr"\n3,"x\ny\nz"\n4,plain\n'
    path = _write_bytes(tmp_path / "in.csv", data)
    assert list(read_records(path)) == [
        (2, {"id": "1", "text": "two\r\nlines"}),
        (5, {"id": "2", "text": "bare\rcr"}),
        (6, {"id": "3", "text": "x\ny\nz"}),
        (9, {"id": "4", "text": "plain"}),
    ]


def test_csv_old_mac_line_ends(tmp_path: Path) -> None:
    path = _write_bytes(tmp_path / "in.csv", b"id,text\r1,a\r2,b\r")
    assert [r for _, r in read_records(path)] == [
        {"id": "1", "text": "a"},
        {"id": "2", "text": "b"},
    ]


def test_csv_short_row_is_padded(tmp_path: Path) -> None:
    path = _write_bytes(tmp_path / "in.csv", b"id,text,lang\n1,hi\n")
    assert list(read_records(path)) == [(2, {"id": "1", "text": "hi", "lang": ""})]


def test_csv_long_field_under_limit(tmp_path: Path) -> None:
    text = "ب" * (2 << 20)  # 2 M characters, 4 MB: well past the stdlib's 128 KiB limit
    path = _write_bytes(tmp_path / "in.csv", f'text\n"{text}"\n'.encode())
    assert list(read_records(path)) == [(2, {"text": text})]


def test_format_option_overrides_extension(tmp_path: Path) -> None:
    path = _write_bytes(tmp_path / "export.txt", b"id\n7\n")
    assert list(read_records(path, fmt="csv")) == [(2, {"id": "7"})]


def test_format_and_existence_checked_at_call_time(tmp_path: Path) -> None:
    with pytest.raises(InputFormatError):
        read_records(str(tmp_path / "nope.jsonl"))  # no iteration needed
    with pytest.raises(InputFormatError):
        read_records(str(tmp_path / "x.parquet"))


# --------------------------------------------------------------------------- errors


def test_missing_file(tmp_path: Path) -> None:
    path = str(tmp_path / "missing.jsonl")
    err = _error(path)
    assert str(err) == f"{path}: file not found"
    assert err.path == path and err.line is None


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    path = str(tmp_path / "dir.csv")
    (tmp_path / "dir.csv").mkdir()
    assert str(_error(path)) == f"{path}: is a directory, not a file"


@pytest.mark.parametrize("ext", ["jsonl", "jsonl.gz"])
def test_invalid_json(tmp_path: Path, ext: str) -> None:
    path = _write_bytes(tmp_path / f"in.{ext}", b'{"text":"ok"}\n\n{"text": }\n{"x":1}\n')
    err = _error(path)
    assert str(err) == f"{path}:3: invalid JSON: Expecting value (column 10)"
    assert err.line == 3


def test_json_not_an_object(tmp_path: Path) -> None:
    path = _write_bytes(tmp_path / "in.jsonl", b'{"text":"ok"}\n"just a string"\n')
    assert str(_error(path)) == f"{path}:2: expected a JSON object, got a string"


def test_json_array_file_gets_a_hint(tmp_path: Path) -> None:
    path = _write_bytes(tmp_path / "in.json", b'[{"text": "a"}, {"text": "b"}]\n')
    err = _error(path)
    assert str(err) == f"{path}:1: expected a JSON object, got an array"
    assert err.hint is not None and "jq -c" in err.hint
    pretty = _write_bytes(tmp_path / "pretty.json", b'[\n  {"text": "a"}\n]\n')
    err = _error(pretty)
    assert str(err).startswith(f"{pretty}:1: invalid JSON")
    assert err.hint is not None and "jq -c" in err.hint


@pytest.mark.parametrize("ext", ["jsonl", "csv"])
def test_latin1_file(tmp_path: Path, ext: str) -> None:
    head = b'{"text":"ok"}\n' if ext == "jsonl" else b"text\n"
    bad = b'{"text":"caf\xe9"}\n' if ext == "jsonl" else b"caf\xe9\n"
    data = head + bad
    path = _write_bytes(tmp_path / f"in.{ext}", data)
    assert str(_error(path)) == (
        f"{path}:2: not UTF-8; re-encode with: iconv -f latin1 -t utf-8 "
        f"(invalid byte 0xe9 at byte offset {data.index(0xE9)}; looks like Latin-1)"
    )


def test_windows_1252_file(tmp_path: Path) -> None:
    data = "text\n“smart quotes”\n".encode("cp1252")
    path = _write_bytes(tmp_path / "in.csv", data)
    assert str(_error(path)).startswith(
        f"{path}:2: not UTF-8; re-encode with: iconv -f windows-1252 -t utf-8 "
        "(invalid byte 0x93 at byte offset 5"
    )


def test_invalid_utf8_after_bom_reports_file_offset(tmp_path: Path) -> None:
    data = codecs.BOM_UTF8 + b'{"a":"\xff"}\n'
    path = _write_bytes(tmp_path / "in.jsonl", data)
    assert "byte offset 9;" in str(_error(path))
    assert str(_error(path)).startswith(f"{path}:1: not UTF-8")


@pytest.mark.parametrize(
    ("encoding", "iconv"),
    [
        ("utf-16", "UTF-16"),
        ("utf-32", "UTF-32"),
        ("utf-16-le", "UTF-16LE"),
        ("utf-16-be", "UTF-16BE"),
    ],
)
@pytest.mark.parametrize("ext", ["jsonl", "csv", "csv.gz"])
def test_utf16_and_utf32(tmp_path: Path, encoding: str, iconv: str, ext: str) -> None:
    body = '{"text":"hello"}\n' if ext == "jsonl" else "text\nhello\n"
    path = _write_bytes(tmp_path / f"in.{ext}", body.encode(encoding))
    assert str(_error(path)).startswith(
        f"{path}:1: not UTF-8; re-encode with: iconv -f {iconv} -t utf-8 ("
    )


def test_csv_row_with_too_many_fields(tmp_path: Path) -> None:
    path = _write_bytes(tmp_path / "in.csv", b'id,text\n1,"a\nb"\n2,hello, world\n')
    err = _error(path)
    assert str(err) == f"{path}:4: row has 3 fields but the header (line 1) has 2"
    assert err.hint is not None


@pytest.mark.parametrize("ext", ["csv", "csv.gz"])
def test_empty_csv(tmp_path: Path, ext: str) -> None:
    path = _write_bytes(tmp_path / f"in.{ext}", b"")
    assert str(_error(path)) == f"{path}:1: empty CSV file: no header row"
    blank = _write_bytes(tmp_path / f"blank.{ext}", b"\r\n\n")
    assert str(_error(blank)) == f"{blank}:1: empty CSV file: no header row"


def test_empty_jsonl_is_fine(tmp_path: Path) -> None:
    assert list(read_records(_write_bytes(tmp_path / "in.jsonl", b""))) == []


def test_csv_field_over_limit(tmp_path: Path) -> None:
    big = b"x" * (FIELD_SIZE_LIMIT + 1)
    path = _write_bytes(tmp_path / "in.csv", b'id,text\n1,ok\n\n2,"' + big + b'"\n3,ok\n')
    assert str(_error(path)) == (
        f"{path}:4: a field is longer than the limit of {FIELD_SIZE_LIMIT:,} characters"
    )


def test_csv_unterminated_quote(tmp_path: Path) -> None:
    path = _write_bytes(tmp_path / "in.csv", b'id,text\n1,ok\n2,"never closed\n3,x\n')
    assert str(_error(path)) == (
        f"{path}:3: unterminated quoted field: the file ends inside a quote opened in this row"
    )


def test_csv_garbage_after_quote(tmp_path: Path) -> None:
    path = _write_bytes(tmp_path / "in.csv", b'id,text\n1,"quoted"tail\n')
    assert str(_error(path)) == f"{path}:2: malformed CSV: ',' expected after '\"'"


def test_csv_duplicate_header(tmp_path: Path) -> None:
    path = _write_bytes(tmp_path / "in.csv", b"\nid,text,id\n1,a,2\n")
    assert str(_error(path)) == f"{path}:2: duplicate column name 'id' in the header"


def test_truncated_gzip(tmp_path: Path) -> None:
    data = gzip.compress(b"".join(b'{"n":%d}\n' % i for i in range(1000)))
    path = tmp_path / "in.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    err = _error(str(path))
    assert str(err).startswith(f"{path}:") and "corrupt or truncated gzip" in str(err)
    assert err.line is not None and err.line > 1


def test_gz_name_but_not_gzip(tmp_path: Path) -> None:
    path = tmp_path / "in.csv.gz"
    path.write_bytes(b"id\n1\n")
    assert str(_error(str(path))).startswith(f"{path}:1: corrupt or truncated gzip data")


def test_gzip_without_gz_name(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(gzip.compress(b'{"a":1}\n'))
    err = _error(str(path))
    assert str(err) == f"{path}:1: the file is gzip-compressed but its name does not end in .gz"


# --------------------------------------------------------------------------- detect_format


@pytest.mark.parametrize(
    ("path", "fmt", "expected"),
    [
        ("a.jsonl", None, "jsonl"),
        ("a.ndjson", None, "jsonl"),
        ("a.json", None, "jsonl"),
        ("A.JSONL.GZ", None, "jsonl"),
        ("a.ndjson.gz", None, "jsonl"),
        ("a.csv", None, "csv"),
        ("dir.jsonl/a.csv.gz", None, "csv"),
        ("-", None, "jsonl"),
        ("-", "csv", "csv"),
        ("a.csv", "jsonl", "jsonl"),
        ("a.txt", " CSV ", "csv"),
        ("a.dat.gz", "ndjson", "jsonl"),
    ],
)
def test_detect_format(path: str, fmt: str | None, expected: str) -> None:
    assert detect_format(path, fmt) == expected


@pytest.mark.parametrize("path", ["a.txt", "a.xlsx", "a.gz", "noext", "a.csv.bz2", "csv"])
def test_detect_format_unknown_extension(path: str) -> None:
    with pytest.raises(InputFormatError) as info:
        detect_format(path)
    assert str(info.value).startswith(f"{path}: cannot tell the format from the file name")
    hint = info.value.hint or ""
    assert "--format" in hint and "jsonl" in hint and "csv" in hint


def test_detect_format_unknown_option() -> None:
    with pytest.raises(InputFormatError) as info:
        detect_format("a.csv", "xlsx")
    assert str(info.value) == "a.csv: unknown format 'xlsx'"
    assert info.value.hint == "--format must be one of: jsonl, csv, parquet"


# --------------------------------------------------------------------------- get_field


def test_get_field() -> None:
    record = {
        "text": "top",
        "snippet": {"textDisplay": "nested", "a.b": "dotted inside"},
        "x.y": "literal",
        "x": {"y": "nested x.y"},
        "items": [{"text": "first"}],
        "none": None,
    }
    assert get_field(record, "text") == "top"
    assert get_field(record, "snippet.textDisplay") == "nested"
    assert get_field(record, "x.y") == "literal"
    assert get_field(record, "snippet.a.b") == "dotted inside"
    assert get_field(record, "items.0.text") == "first"
    assert get_field(record, "none") is None
    for missing in ("nope", "snippet.nope", "text.x", "items.1.text", "items.x", "snippet."):
        with pytest.raises(KeyError):
            get_field(record, missing)


def test_read_then_write_keeps_order_for_csv_output(tmp_path: Path) -> None:
    src = _write_bytes(tmp_path / "in.jsonl", json.dumps({"b": 1, "a": [1]}).encode() + b"\n")
    out = tmp_path / "out.csv"
    with open_writer(str(out)) as writer:
        for _, record in read_records(src):
            writer.write(record)
    assert out.read_bytes().decode() == 'b,a\r\n1,[1]\r\n'
