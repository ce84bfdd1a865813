"""Property tests for triage.formats: any text survives a JSONL or CSV round trip exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage.formats import get_field, open_writer, read_records

# Every Unicode scalar value: all of "\r", "\n", "\r\n", NUL, quotes, commas, "\u2028", "\x85",
# BOMs, RTL text and emoji included; surrogates cannot be encoded as UTF-8.
TEXT = st.text(st.characters(exclude_categories=["Cs"]))
EXTENSIONS = ["jsonl", "csv", "jsonl.gz", "csv.gz"]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("io_roundtrip")


@pytest.mark.parametrize("ext", EXTENSIONS)
@settings(max_examples=150, deadline=None)
@given(text=TEXT, other=TEXT)
def test_text_survives_round_trip(workdir: Path, ext: str, text: str, other: str) -> None:
    path = str(workdir / f"one.{ext}")
    record = {"text": text, "author": other}
    with open_writer(path) as writer:
        writer.write(record)
    [(line, got)] = list(read_records(path))
    assert got == record
    assert line == (2 if ext.startswith("csv") else 1)


@pytest.mark.parametrize("ext", EXTENSIONS)
@settings(max_examples=75, deadline=None)
@given(texts=st.lists(TEXT, max_size=6))
def test_line_numbers_are_physical_start_lines(workdir: Path, ext: str, texts: list[str]) -> None:
    path = str(workdir / f"many.{ext}")
    with open_writer(path, fieldnames=["id", "text"]) as writer:
        for i, text in enumerate(texts):
            writer.write({"id": str(i), "text": text})
    got = list(read_records(path))
    assert [record for _, record in got] == [
        {"id": str(i), "text": text} for i, text in enumerate(texts)
    ]
    if ext.startswith("csv"):  # a quoted field's own newlines push later rows down
        expected = [2 + i + sum(t.count("\n") for t in texts[:i]) for i in range(len(texts))]
    else:  # JSON escapes newlines: one record per line
        expected = [1 + i for i in range(len(texts))]
    assert [line for line, _ in got] == expected


@settings(max_examples=100, deadline=None)
@given(
    tags=st.lists(
        st.text(st.characters(exclude_categories=["Cs"], exclude_characters="|"), min_size=1),
        min_size=1,
        max_size=4,
    )
)
def test_csv_tags_are_pipe_joined(workdir: Path, tags: list[str]) -> None:
    path = str(workdir / "tags.csv")
    with open_writer(path) as writer:
        writer.write({"tags": tags})
    [(_, got)] = list(read_records(path))
    assert got["tags"].split("|") == tags


@settings(max_examples=100, deadline=None)
@given(key=TEXT, value=TEXT)
def test_get_field_finds_every_literal_key(key: str, value: str) -> None:
    record: dict[str, object] = {"a": {"b": "nested"}}
    record[key] = value
    assert get_field(record, key) == value
