"""CSV reader: a header row, RFC 4180 quoting, lone carriage returns, oversized fields."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import TYPE_CHECKING

from triage.errors import InputFormatError
from triage.formats import common
from triage.formats.common import (
    _AFTER_LONE_CR,
    Row,
    _bad,
    _lines,
)

if TYPE_CHECKING:
    pass


class _Cursor:
    """Where the csv reader is: the next piece's 1-based line, and the byte offset after the
    last piece handed over; lines with an encoding (or size) error wait in ``bad``."""

    __slots__ = ("bad", "end", "next_line")

    def __init__(self, line: int, offset: int) -> None:
        self.next_line = line
        self.end = offset
        self.bad: dict[int, InputFormatError] = {}


def _csv_pieces(
    path: str, cursor: _Cursor, start: int, start_line: int, end: int | None
) -> Iterator[str]:
    for number, text, after, error in _lines(path, start, start_line, end, lenient=True):
        if error is not None:
            cursor.bad[number] = error
        if text is None:  # an over-long line: a blank line stands in for it
            text = "\n"
        if "\r" in text and _AFTER_LONE_CR.search(text):
            parts = [p for p in _AFTER_LONE_CR.split(text) if p]
        else:
            parts = [text]
        tail = after
        ends = []
        for part in reversed(parts):
            ends.append(tail)
            tail -= len(part.encode("utf-8", "surrogateescape"))
        ends.reverse()
        for i, part in enumerate(parts):
            cursor.next_line = number + 1 if i == len(parts) - 1 else number
            cursor.end = ends[i]
            yield part


def _csv_error(exc: csv.Error, path: str, line: int) -> InputFormatError:
    message = str(exc)
    if message.startswith("field larger than field limit"):
        return _bad(path, line, f"a field is longer than the limit of {common.FIELD_SIZE_LIMIT:,} characters",
                    "oversized")
    if message == "unexpected end of data":
        return _bad(path, line,
                    "unterminated quoted field: the file ends inside a quote opened in this row",
                    "bad_quoting")
    return _bad(path, line, f"malformed CSV: {message}", "bad_quoting",
                'inside a quoted field, write a quote character as two ("")')


def csv_header(path: str) -> tuple[list[str], int]:
    """The header row of a CSV file and the line it is on.

    Raises:
        InputFormatError: as :func:`scan_records` does for the top of the file.
    """
    found: list[tuple[list[str], int]] = []
    for _ in _scan_csv(path, 0, 1, None, header_out=found):
        break
    if not found:
        raise InputFormatError("empty CSV file: no header row", path=path, line=1)
    return found[0]


def _scan_csv(
    path: str,
    start: int,
    start_line: int,
    end: int | None,
    header_out: list[tuple[list[str], int]] | None = None,
) -> Iterator[Row]:
    csv.field_size_limit(common.FIELD_SIZE_LIMIT)
    header: list[str] | None = None
    header_line = 1
    if start > 0:
        header, header_line = csv_header(path)
    cursor = _Cursor(start_line, start)
    reader = csv.reader(_csv_pieces(path, cursor, start, start_line, end), strict=True)
    while True:
        first = cursor.next_line
        try:
            row = next(reader)
            error = None
        except StopIteration:
            break
        except csv.Error as exc:
            row, error = None, _csv_error(exc, path, first)
        if cursor.bad:  # an encoding or size error on a line of this row wins
            lines = [n for n in cursor.bad if n < cursor.next_line]
            if lines:
                error = cursor.bad[min(lines)]
                for n in lines:
                    del cursor.bad[n]
        if header is None:
            if error is not None:
                raise error
            if not row:
                continue
            seen: set[str] = set()
            for name in row:
                if name in seen:
                    raise InputFormatError(
                        f"duplicate column name {name!r} in the header", path=path, line=first
                    )
                seen.add(name)
            header, header_line = row, first
            if header_out is not None:
                header_out.append((header, header_line))
                yield Row(first, None, None, cursor.end, cursor.next_line)  # stop signal
                return
            continue
        if error is not None:
            yield Row(error.line or first, None, error, cursor.end, cursor.next_line)
            continue
        if not row:
            continue
        if len(row) > len(header):
            bad = _bad(
                path,
                first,
                f"row has {len(row)} fields but the header (line {header_line}) "
                f"has {len(header)}",
                "too_many_fields",
                "quote fields that contain a comma",
            )
            yield Row(first, None, bad, cursor.end, cursor.next_line)
            continue
        if len(row) < len(header):
            row.extend([""] * (len(header) - len(row)))
        yield Row(first, dict(zip(header, row, strict=True)), None, cursor.end, cursor.next_line)
    if header is None:
        raise InputFormatError("empty CSV file: no header row", path=path, line=1)
