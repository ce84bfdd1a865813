"""The two ways to read a file: :func:`read_records` (raise at the first bad record) and :func:`scan_records` (a :class:`Row` per record or bad record, with resumable offsets)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from triage.formats.common import (
    Row,
    _check_path,
    detect_format,
)
from triage.formats.csv_format import _scan_csv
from triage.formats.jsonl import _scan_jsonl
from triage.formats.parquet import _scan_parquet

if TYPE_CHECKING:
    pass


def read_records(path: str, *, fmt: str | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
    """Stream ``(line_number, record)`` pairs from a JSONL, CSV or Parquet file, one at a time.

    ``line_number`` is the 1-based physical line on which the record starts (in CSV the header is
    line 1, and a quoted field may span lines; in Parquet it is the row number). ``"-"`` reads
    standard input as UTF-8 bytes; a ``.gz`` name is decompressed on the fly. A UTF-8 byte-order
    mark is dropped and blank lines are skipped. CSV values are strings; a row shorter than the
    header is padded with ``""``.

    The format and the file's existence are checked at call time; everything else as records are
    read.

    Raises:
        InputFormatError: with the path and, when there is one, the line: a missing file, invalid
            JSON, a JSON line that is not an object, bytes that are not UTF-8 (with an ``iconv``
            command to fix them), a CSV row with more fields than the header, a CSV field over
            :data:`FIELD_SIZE_LIMIT`, malformed CSV quoting, an empty CSV, corrupt gzip data.
    """
    rows = scan_records(path, fmt=fmt)
    return _raise_first_error(rows)


def _raise_first_error(rows: Iterator[Row]) -> Iterator[tuple[int, dict[str, Any]]]:
    for row in rows:
        if row.error is not None:
            raise row.error
        yield row.line, row.record  # type: ignore[misc]


def scan_records(
    path: str,
    *,
    fmt: str | None = None,
    start: int = 0,
    start_line: int = 1,
    end: int | None = None,
) -> Iterator[Row]:
    """Stream a :class:`Row` per record or bad record, from ``start`` up to ``end``.

    ``start``/``start_line`` continue a scan after a :class:`Row` (its ``end``/``next_line``);
    a CSV header is re-read from the top of the file. ``end`` stops before the first record that
    starts at or after that offset (byte ranges of JSONL/CSV files must begin and end on record
    boundaries; Parquet ranges are row indices).

    Bad records (invalid JSON, not an object, bytes that are not UTF-8, broken CSV quoting, too
    many CSV fields, a field or line over the size limits) come as rows with ``error`` set, and
    the scan goes on with the next line. Problems of the whole file raise
    :class:`~triage.errors.InputFormatError` (at call time when it can tell).
    """
    kind = detect_format(path, fmt)
    _check_path(path, kind)
    if kind == "parquet":
        return _scan_parquet(path, start, end)
    if kind == "jsonl":
        return _scan_jsonl(path, start, start_line, end)
    return _scan_csv(path, start, start_line, end)
