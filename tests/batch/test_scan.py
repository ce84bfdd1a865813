"""scan_records: offsets to continue from, byte ranges, bad rows as rows (no model needed)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from tests.batch.helpers import records, write
from triage.formats import Row, scan_records


@pytest.mark.parametrize("ext", ["jsonl", "csv", "jsonl.gz", "csv.gz", "parquet"])
def test_continuing_from_any_row_gives_the_rest(tmp_path: Path, ext: str) -> None:
    path = str(write(tmp_path / f"in.{ext}", records(40)))
    rows = list(scan_records(path))
    assert len(rows) == 40 and all(r.error is None for r in rows)
    for i in (0, 1, 17, 39):
        rest = list(scan_records(path, start=rows[i].end, start_line=rows[i].next_line))
        assert [(r.line, r.record) for r in rest] == [(r.line, r.record) for r in rows[i + 1 :]]


def test_byte_ranges_split_a_file_exactly(tmp_path: Path) -> None:
    path = str(write(tmp_path / "in.csv", records(60)))
    rows = list(scan_records(path))
    cut = rows[25]
    head = list(scan_records(path, end=cut.end))
    tail = list(scan_records(path, start=cut.end, start_line=cut.next_line))
    assert [r.record for r in head + tail] == [r.record for r in rows]


def test_bad_rows_come_as_rows_and_the_scan_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"text":"a"}\n{bad\n"str"\n{"text":"\xff"}\n{"text":"b"}\n'))
    rows: list[Row] = list(scan_records(str(path)))
    assert [(r.line, r.error.kind if r.error else None) for r in rows] == [
        (1, None),
        (2, "invalid_json"),
        (3, "not_an_object"),
        (4, "bad_encoding"),
        (5, None),
    ]
    assert rows[-1].record == {"text": "b"}
