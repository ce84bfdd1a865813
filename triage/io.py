"""Streaming readers and writers for comment exports: JSON Lines, CSV and Parquet.

JSONL and CSV may be gzip-compressed (a ``.gz`` name); Parquet is compressed inside the file.
Nothing here holds a whole file in memory: records are read one line (JSONL), one CSV row or one
Parquet record batch at a time, and written one at a time (Parquet: one row group at a time) to
``<path>.part``, which becomes ``<path>`` only when the writer closes without error.

Two ways to read:

* :func:`read_records` yields ``(line, record)`` and raises
  :class:`~triage.errors.InputFormatError` (file and 1-based line) at the first bad record;
* :func:`scan_records` yields a :class:`Row` per record *or per bad record*, with the byte offset
  where the next record starts, so a batch job can report bad rows and go on, and resume later
  from an offset (see :mod:`triage.batch`). Only problems with the whole file (not found, not
  UTF-8 from the first byte, corrupt gzip, a CSV without header, not Parquet) still raise.

Paths with a scheme (``s3://...``, ``memory://...``) are opened with fsspec.

>>> detect_format("exports/comments.csv.gz"), detect_format("part-0001.parquet")
('csv', 'parquet')
>>> get_field({"snippet": {"textDisplay": "¡Hola! 👋"}}, "snippet.textDisplay")
'¡Hola! 👋'
>>> csv_cell(["question", "complaint"])
'question|complaint'
"""

from __future__ import annotations

import base64
import codecs
import contextlib
import csv
import datetime as _dt
import decimal
import gzip
import io
import json
import os
import re
import struct
import sys
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, Literal, Protocol, Self

from triage.errors import InputFormatError
from triage.types import OUTPUT_FIELDS

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "FIELD_SIZE_LIMIT",
    "FORMATS",
    "MAX_LINE_BYTES",
    "STDIO",
    "Format",
    "RecordWriter",
    "Row",
    "csv_cell",
    "csv_header",
    "detect_format",
    "encode_csv",
    "encode_jsonl",
    "get_field",
    "is_url",
    "open_writer",
    "output_schema",
    "read_records",
    "records_to_table",
    "scan_records",
]

Format = Literal["jsonl", "csv", "parquet"]

#: The formats this module reads and writes (JSONL and CSV optionally gzip-compressed).
FORMATS: tuple[Format, ...] = ("jsonl", "csv", "parquet")
#: The path that means standard input / standard output (JSONL unless a format is given).
STDIO = "-"
#: Longest CSV field accepted, in characters (the stdlib default of 128 KiB is too small).
FIELD_SIZE_LIMIT = 10 * 1024 * 1024
#: Longest physical line accepted, in bytes: a file without newlines must not fill the memory.
MAX_LINE_BYTES = 64 * 1024 * 1024
#: Rows per Parquet row group written by :func:`open_writer`.
PARQUET_ROW_GROUP = 8192

_EXTENSIONS: dict[str, Format] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
}
_FORMAT_HINT = (
    "pass --format jsonl, --format csv or --format parquet; "
    "name a gzip-compressed file *.gz"
)
_READ_BUFFER = 1 << 20
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "UTF-32", "a UTF-32LE byte-order mark"),
    (codecs.BOM_UTF32_BE, "UTF-32", "a UTF-32BE byte-order mark"),
    (codecs.BOM_UTF16_LE, "UTF-16", "a UTF-16LE byte-order mark"),
    (codecs.BOM_UTF16_BE, "UTF-16", "a UTF-16BE byte-order mark"),
)
_GZIP_MAGIC = b"\x1f\x8b"
# Split a CSV line after a bare carriage return (old Mac line ends, or a "\r" inside a quoted
# field): the csv module rejects text after an unquoted "\r" within one input string.
_AFTER_LONE_CR = re.compile(r"(?<=\r)(?!\n)")
_JSON_SPACE = " \t\r\n"


# --------------------------------------------------------------------------- formats


def detect_format(path: str, fmt: str | None = None) -> Format:
    """The format of ``path``: ``fmt`` (the ``--format`` option) if given, else its extension.

    ``.jsonl``, ``.ndjson`` and ``.json`` (read as one JSON object per line) are JSONL, ``.csv``
    is CSV, each optionally followed by ``.gz``; ``.parquet`` (or ``.pq``) is Parquet; ``"-"``
    (stdin/stdout) is JSONL.

    >>> detect_format("a.NDJSON.gz"), detect_format("-"), detect_format("a.txt", "CSV")
    ('jsonl', 'jsonl', 'csv')

    Raises:
        InputFormatError: unknown ``fmt`` or extension; the hint names ``--format`` and its values.
    """
    if fmt is not None:
        name = fmt.strip().lower()
        if name in ("jsonl", "ndjson", "json"):
            return "jsonl"
        if name in ("csv", "parquet"):
            return name  # type: ignore[return-value]
        raise InputFormatError(
            f"unknown format {fmt!r}",
            path=None if path == STDIO else path,
            hint=f"--format must be one of: {', '.join(FORMATS)}",
        )
    if path == STDIO:
        return "jsonl"
    base = path.lower().rstrip("/")
    gz = base.endswith(".gz")
    if gz:
        base = base[:-3]
    ext = os.path.splitext(os.path.basename(base))[1]
    if ext in _EXTENSIONS:
        if gz and _EXTENSIONS[ext] == "parquet":
            raise InputFormatError(
                "Parquet is compressed inside the file; a .parquet.gz is not supported",
                path=path,
                hint="name it *.parquet",
            )
        return _EXTENSIONS[ext]
    raise InputFormatError(
        f"cannot tell the format from the file name (extension {ext or 'none'!r})",
        path=path,
        hint=_FORMAT_HINT,
    )


def is_gzip(path: str) -> bool:
    """True if ``path`` names a gzip-compressed file (``*.gz``)."""
    return path != STDIO and path.lower().endswith(".gz")


_is_gzip = is_gzip


def is_url(path: str) -> bool:
    """True for ``scheme://...`` paths (opened with fsspec); ``file://`` counts too.

    >>> is_url("s3://bucket/x.csv"), is_url("/tmp/x.csv")
    (True, False)
    """
    return "://" in path


# --------------------------------------------------------------------------- reading


@dataclass(slots=True)
class Row:
    """One input record, or the reason it could not be read.

    ``line`` is the 1-based physical line where the record starts (the 1-based row number for
    Parquet); exactly one of ``record`` and ``error`` is set. ``end`` is where reading resumes
    after this record: the byte offset in the (decompressed) stream, or the row index for
    Parquet; ``next_line`` is the line number there. Pass both to :func:`scan_records`
    (``start=``, ``start_line=``) to continue after this record.
    """

    line: int
    record: dict[str, Any] | None
    error: InputFormatError | None
    end: int
    next_line: int


def _check_path(path: str, kind: Format) -> None:
    if path == STDIO:
        if kind == "parquet":
            raise InputFormatError("Parquet cannot be read from standard input", hint="pass a file")
        return
    if is_url(path):
        return
    if os.path.isdir(path):
        raise InputFormatError("is a directory, not a file", path=path)
    if not os.path.exists(path):
        raise InputFormatError("file not found", path=path)


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


@contextlib.contextmanager
def _open_binary(path: str) -> Iterator[IO[bytes]]:
    if path == STDIO:
        yield sys.stdin.buffer
        return
    try:
        if is_url(path):
            import fsspec

            fh: IO[bytes] = fsspec.open(
                path, "rb", compression="gzip" if is_gzip(path) else None
            ).open()
        else:
            fh = (
                gzip.open(path, "rb") if is_gzip(path) else open(path, "rb", buffering=_READ_BUFFER)
            )
    except FileNotFoundError:
        raise InputFormatError("file not found", path=path) from None
    except OSError as exc:
        raise InputFormatError(f"cannot open: {exc.strerror or exc}", path=path) from None
    with fh:
        yield fh


_GZIP_ERRORS = (gzip.BadGzipFile, EOFError, zlib.error)


def _lines(
    path: str, start: int, start_line: int, end: int | None, *, lenient: bool
) -> Iterator[tuple[int, str | None, int, InputFormatError | None]]:
    """``(line_number, text, offset_after, error)`` per physical line (split on ``\\n``).

    A line that is not UTF-8 comes with an error, and (``lenient``) its text decoded with
    ``surrogateescape``, else ``None``; an over-long line comes with an error and no text (the
    rest of it is skipped).
    """
    offset = start  # byte offset of the next line in the (decompressed) stream
    number = start_line - 1
    with _open_binary(path) as fh:
        try:
            if start:
                fh.seek(start)
            while end is None or offset < end:
                raw = fh.readline(MAX_LINE_BYTES + 1)
                if not raw:
                    return
                number += 1
                line_start = offset
                if len(raw) > MAX_LINE_BYTES:
                    size = len(raw)
                    while not raw.endswith(b"\n"):
                        raw = fh.readline(_READ_BUFFER)
                        if not raw:
                            break
                        size += len(raw)
                    offset += size
                    yield number, None, offset, InputFormatError(
                        f"line is longer than {MAX_LINE_BYTES // (1 << 20)} MiB",
                        path=path,
                        line=number,
                        hint="is this really a JSONL or CSV file?",
                        kind="oversized",
                    )
                    continue
                skip = _check_file_start(raw, path) if number == 1 and start == 0 else 0
                error = None
                try:
                    text: str | None = raw[skip:].decode("utf-8") if skip else raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    error = _not_utf8(raw, exc, path, number, line_start + skip)
                    text = raw[skip:].decode("utf-8", "surrogateescape") if lenient else None
                offset += len(raw)
                yield number, text, offset, error
        except _GZIP_ERRORS as exc:
            raise InputFormatError(
                f"corrupt or truncated gzip data ({exc})", path=path, line=number + 1
            ) from None


def _decoded_lines(path: str) -> Iterator[tuple[int, str]]:
    """Yield ``(line_number, text)`` per physical line; raises at the first bad one."""
    for number, text, _, error in _lines(path, 0, 1, None, lenient=False):
        if error is not None:
            raise error
        yield number, text  # type: ignore[misc]
def _check_file_start(first: bytes, path: str) -> int:
    """How many bytes of BOM to skip; raises for anything that is clearly not UTF-8."""
    if first.startswith(codecs.BOM_UTF8):
        return len(codecs.BOM_UTF8)
    for bom, encoding, what in _BOMS:
        if first.startswith(bom):
            raise _recode_error(path, 1, encoding, f"the file starts with {what}")
    if first.startswith(_GZIP_MAGIC) and path != STDIO:
        raise InputFormatError(
            "the file is gzip-compressed but its name does not end in .gz",
            path=path,
            line=1,
            hint="rename it to end in .gz",
        )
    sample = first[:256]
    if len(sample) >= 4 and b"\x00" in sample:
        even = sample[0::2].count(0)
        odd = sample[1::2].count(0)
        if odd >= len(sample) // 4 and even == 0:
            raise _recode_error(path, 1, "UTF-16LE", "NUL bytes in every other position")
        if even >= len(sample) // 4 and odd == 0:
            raise _recode_error(path, 1, "UTF-16BE", "NUL bytes in every other position")
    return 0


def _recode_error(path: str, line: int, encoding: str, why: str) -> InputFormatError:
    return InputFormatError(
        f"not UTF-8; re-encode with: iconv -f {encoding} -t utf-8 ({why})",
        path=path,
        line=line,
        hint=f"iconv -f {encoding} -t utf-8 < INPUT > INPUT.utf8",
        kind="bad_encoding",
    )


def _not_utf8(
    raw: bytes, exc: UnicodeDecodeError, path: str, line: int, base: int
) -> InputFormatError:
    bad = exc.object[exc.start]
    why = f"invalid byte 0x{bad:02x} at byte offset {base + exc.start}"
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        return _recode_error(path, line, "ENCODING", why + "; the encoding could not be guessed")
    if any(0x80 <= b <= 0x9F for b in raw):
        return _recode_error(path, line, "windows-1252", why + "; looks like Windows-1252")
    return _recode_error(path, line, "latin1", why + "; looks like Latin-1")


def _json_type(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    return "a number"




def _bad(path: str, line: int, reason: str, kind: str, hint: str | None = None) -> InputFormatError:
    return InputFormatError(reason, path=path, line=line, hint=hint, kind=kind)


def _scan_jsonl(path: str, start: int, start_line: int, end: int | None) -> Iterator[Row]:
    first = start == 0
    for number, text, after, error in _lines(path, start, start_line, end, lenient=False):
        if error is not None:
            yield Row(number, None, error, after, number + 1)
            continue
        assert text is not None
        if not text.strip(_JSON_SPACE):
            continue
        array_hint = (
            "this looks like one JSON array, not JSON Lines; "
            "convert with: jq -c '.[]' IN > OUT.jsonl"
            if first and text.lstrip(_JSON_SPACE).startswith("[")
            else None
        )
        first = False
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            bad = _bad(path, number, f"invalid JSON: {exc.msg} (column {exc.colno})",
                       "invalid_json", array_hint)
            yield Row(number, None, bad, after, number + 1)
            continue
        except RecursionError:
            bad = _bad(path, number, "invalid JSON: nested too deeply", "invalid_json")
            yield Row(number, None, bad, after, number + 1)
            continue
        if not isinstance(value, dict):
            bad = _bad(path, number, f"expected a JSON object, got {_json_type(value)}",
                       "not_an_object", array_hint)
            yield Row(number, None, bad, after, number + 1)
            continue
        yield Row(number, value, None, after, number + 1)


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
        return _bad(path, line, f"a field is longer than the limit of {FIELD_SIZE_LIMIT:,} characters",
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
    csv.field_size_limit(FIELD_SIZE_LIMIT)
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


# --------------------------------------------------------------------------- Parquet


def _parquet_error(path: str, exc: Exception) -> InputFormatError:
    return InputFormatError(f"not a readable Parquet file ({exc})", path=path)


@contextlib.contextmanager
def _open_parquet(path: str) -> Iterator[Any]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    with contextlib.ExitStack() as stack:
        source: Any = path
        if is_url(path):
            import fsspec

            source = stack.enter_context(fsspec.open(path, "rb"))
        try:
            pf = pq.ParquetFile(source)
        except FileNotFoundError:
            raise InputFormatError("file not found", path=path) from None
        except (pa.ArrowException, OSError) as exc:
            raise _parquet_error(path, exc) from None
        stack.callback(pf.close)
        yield pf


def parquet_rows(path: str) -> int:
    """The number of rows of a Parquet file (from its footer)."""
    with _open_parquet(path) as pf:
        return int(pf.metadata.num_rows)


def parquet_input_schema(path: str) -> pa.Schema:
    """The Arrow schema of a Parquet file (from its footer)."""
    with _open_parquet(path) as pf:
        return pf.schema_arrow


def _scan_parquet(path: str, start: int, end: int | None) -> Iterator[Row]:
    import pyarrow as pa

    with _open_parquet(path) as pf:
        meta = pf.metadata
        groups: list[int] = []
        first_row = None
        offset = 0
        for i in range(meta.num_row_groups):
            n = meta.row_group(i).num_rows
            if offset + n > start and (end is None or offset < end):
                groups.append(i)
                if first_row is None:
                    first_row = offset
            offset += n
        if not groups:
            return
        index = first_row or 0
        try:
            for batch in pf.iter_batches(batch_size=4096, row_groups=groups):
                for record in batch.to_pylist():
                    if end is not None and index >= end:
                        return
                    if index >= start:
                        yield Row(index + 1, record, None, index + 1, index + 2)
                    index += 1
        except (pa.ArrowException, OSError) as exc:
            raise _parquet_error(path, exc) from None


# --------------------------------------------------------------------------- fields

_MISSING = object()


def _lookup(obj: Any, name: str) -> Any:
    if isinstance(obj, Mapping):
        if name in obj:
            return obj[name]
    elif isinstance(obj, Sequence) and not isinstance(obj, str | bytes):
        index, dot, rest = name.partition(".")
        if not (index.isdecimal() and int(index) < len(obj)):
            return _MISSING
        return _lookup(obj[int(index)], rest) if dot else obj[int(index)]
    else:
        return _MISSING
    dot = name.find(".")
    while dot != -1:
        head = name[:dot]
        if head in obj:
            found = _lookup(obj[head], name[dot + 1 :])
            if found is not _MISSING:
                return found
        dot = name.find(".", dot + 1)
    return _MISSING


def get_field(record: Mapping[str, Any], name: str) -> Any:
    """The value of field ``name``: a plain key, or a dotted path into nested objects.

    A key that literally contains the dots wins over nesting; a path step may index a list.

    >>> get_field({"a.b": 1, "a": {"b": 2}}, "a.b"), get_field({"c": [{"d": 3}]}, "c.0.d")
    (1, 3)

    Raises:
        KeyError: no such field.
    """
    found = _lookup(record, name)
    if found is _MISSING:
        raise KeyError(name)
    return found


# --------------------------------------------------------------------------- writing


class RecordWriter(Protocol):
    """Writes records one at a time; :meth:`close` (or a clean ``with`` exit) publishes the file."""

    def write(self, record: Mapping[str, Any]) -> None:
        """Append one record."""
        ...

    def close(self) -> None:
        """Flush, close and rename ``<path>.part`` to ``<path>``."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


def _json_default(value: Any) -> Any:
    tolist = getattr(value, "tolist", None)  # numpy scalars and arrays
    if callable(tolist):
        return tolist()
    if isinstance(value, set | frozenset):
        return sorted(value)
    if isinstance(value, _dt.datetime | _dt.date | _dt.time):  # Parquet timestamps and dates
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, _dt.timedelta):
        return value.total_seconds()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _dumps(value: Any, *, ascii_only: bool = False) -> str:
    return json.dumps(
        value, ensure_ascii=ascii_only, separators=(",", ":"), default=_json_default
    )


def csv_cell(value: Any) -> str:
    """One CSV cell: ``None`` is empty, a list of strings is ``|``-joined, dicts and other lists
    are JSON, booleans are ``true``/``false``, anything else is ``str(value)``.

    >>> [csv_cell(v) for v in (None, ["spam"], [], {"k": [1]}, True, 0.25)]
    ['', 'spam', '', '{"k":[1]}', 'true', '0.25']
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value if type(value) is str else str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return "|".join(str(v) for v in value)
    return _dumps(value)


class _Sink:
    """The byte stream behind a writer: ``<path>.part`` (gzipped by a ``.gz`` name) or stdout."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._closers: list[IO[bytes]] = []
        if path == STDIO:
            sys.stdout.flush()
            self.part: str | None = None
            self.stream: IO[bytes] = sys.stdout.buffer
            return
        self.part = path + ".part"
        raw = open(self.part, "wb", buffering=_READ_BUFFER)  # noqa: SIM115 - closed in finish()
        self._closers.append(raw)
        self.stream = raw
        if _is_gzip(path):
            # The header names the final file (minus .gz) and carries no timestamp: the same
            # records always give the same bytes.
            gz = gzip.GzipFile(
                filename=os.path.basename(path), mode="wb", fileobj=raw, compresslevel=6, mtime=0
            )
            self._closers.insert(0, gz)
            self.stream = gz

    def finish(self, *, commit: bool) -> None:
        try:
            for fh in self._closers:
                fh.close()
            if self.part is None:
                self.stream.flush()
        except Exception:
            if commit:
                raise
        if commit and self.part is not None:
            os.replace(self.part, self.path)


class _Writer:
    def __init__(self, sink: _Sink) -> None:
        self._sink = sink
        self._closed = False

    def write(self, record: Mapping[str, Any]) -> None:
        if self._closed:
            raise ValueError(f"write to a closed writer ({self._sink.path})")
        self._write(record)

    def _write(self, record: Mapping[str, Any]) -> None:
        raise NotImplementedError

    def _flush(self) -> None:
        """Push buffered text down to the byte stream."""

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self._flush()
        except BaseException:
            self._sink.finish(commit=False)
            raise
        self._sink.finish(commit=True)

    def _abort(self) -> None:
        if self._closed:
            return
        self._closed = True
        with contextlib.suppress(Exception):
            self._flush()
        self._sink.finish(commit=False)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self._abort()


def _jsonl_line(record: Mapping[str, Any]) -> bytes:
    try:
        return (_dumps(record) + "\n").encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: \u-escapes keep them exactly
        return (_dumps(record, ascii_only=True) + "\n").encode("ascii")


class _JsonlWriter(_Writer):
    def _write(self, record: Mapping[str, Any]) -> None:
        self._sink.stream.write(_jsonl_line(record))


class _CsvWriter(_Writer):
    def __init__(self, sink: _Sink, fieldnames: Sequence[str] | None) -> None:
        super().__init__(sink)
        # UTF-8 cannot encode a lone surrogate; it is written as "?" rather than failing a run.
        self._text: io.TextIOWrapper | None = io.TextIOWrapper(
            sink.stream, encoding="utf-8", errors="replace", newline=""  # type: ignore[arg-type]
        )
        self._csv = csv.writer(self._text)
        self._fields: list[str] | None = None
        self._field_set: frozenset[str] = frozenset()
        if fieldnames is not None:
            self._set_fields(list(fieldnames))

    def _set_fields(self, fields: list[str]) -> None:
        self._fields = fields
        self._field_set = frozenset(fields)
        self._csv.writerow(fields)

    def _write(self, record: Mapping[str, Any]) -> None:
        if self._fields is None:
            self._set_fields(list(record))
        fields = self._fields
        assert fields is not None
        if not self._field_set.issuperset(record.keys()):
            extra = [k for k in record if k not in self._field_set]
            raise ValueError(
                f"record has fields that are not CSV columns: {extra!r} "
                f"(columns: {fields!r}); pass fieldnames= or write JSONL"
            )
        self._csv.writerow([csv_cell(record.get(name)) for name in fields])

    def _flush(self) -> None:
        if self._text is not None:
            self._text.flush()
            self._text.detach()  # leave the byte stream (maybe stdout) to the sink
            self._text = None


def open_writer(
    path: str, *, fmt: str | None = None, fieldnames: Sequence[str] | None = None
) -> RecordWriter:
    """Open a streaming writer for JSONL, CSV (gzipped by a ``.gz`` name) or Parquet; ``"-"`` is
    stdout (JSONL or CSV).

    Records go to ``<path>.part``, renamed to ``<path>`` only by a successful :meth:`close`
    (or a ``with`` block that ends without an exception); after an exception the ``.part`` file
    stays for inspection and ``<path>`` is not touched. JSONL is one compact UTF-8 JSON object
    per line. CSV columns are ``fieldnames`` if given, else the keys of the first record; cells
    are rendered by :func:`csv_cell`; a record with a key outside the columns raises ValueError.
    Parquet is written one row group of :data:`PARQUET_ROW_GROUP` records at a time, with the
    schema of :func:`output_schema` (``tags`` is ``list<string>``) taken from the first group.

    Raises:
        InputFormatError: unknown ``fmt`` or extension.
        OSError: the ``.part`` file cannot be created.
    """
    kind = detect_format(path, fmt)
    if kind == "parquet" and path == STDIO:
        raise InputFormatError("Parquet cannot be written to standard output", hint="pass -o FILE")
    sink = _Sink(path)
    try:
        if kind == "jsonl":
            return _JsonlWriter(sink)
        if kind == "parquet":
            return _ParquetWriter(sink, fieldnames)
        return _CsvWriter(sink, fieldnames)
    except BaseException:
        sink.finish(commit=False)
        raise


class _ParquetWriter(_Writer):
    def __init__(self, sink: _Sink, fieldnames: Sequence[str] | None) -> None:
        super().__init__(sink)
        self._names = list(fieldnames) if fieldnames is not None else None
        self._rows: list[Mapping[str, Any]] = []
        self._writer: Any = None
        self._schema: Any = None

    def _write(self, record: Mapping[str, Any]) -> None:
        self._rows.append(record)
        if len(self._rows) >= PARQUET_ROW_GROUP:
            self._write_group()

    def _write_group(self) -> None:
        import pyarrow.parquet as pq

        rows, self._rows = self._rows, []
        if self._schema is None:
            names = self._names if self._names is not None else _union_keys(rows)
            self._schema = output_schema(names, rows)
            self._writer = pq.ParquetWriter(self._sink.stream, self._schema)
        extra = [k for r in rows for k in r if k not in self._schema.names]
        if extra:
            raise ValueError(
                f"record has fields that are not Parquet columns: {sorted(set(extra))!r} "
                f"(columns: {self._schema.names!r})"
            )
        table, bad = records_to_table(rows, self._schema)
        if bad:
            raise ValueError(f"record {bad[0][0]} does not fit the Parquet schema: {bad[0][1]}")
        if table.num_rows:
            self._writer.write_table(table)

    def _flush(self) -> None:
        if self._rows or self._schema is None:
            self._write_group()
        if self._writer is not None:
            self._writer.close()
            self._writer = None


# --------------------------------------------------------------------------- chunk encoders
# Used by triage.batch: a chunk of output records becomes bytes (or an Arrow table) in a worker
# process; the parent only appends them, so the bytes never depend on how a file was chunked.


def encode_jsonl(records: Iterable[Mapping[str, Any]]) -> bytes:
    """Records as JSON Lines bytes, exactly as :func:`open_writer` writes them."""
    return b"".join(_jsonl_line(r) for r in records)


def encode_csv(records: Iterable[Mapping[str, Any]], fieldnames: Sequence[str]) -> bytes:
    """CSV rows (no header) as :func:`open_writer` writes them; missing fields are empty.

    Raises:
        ValueError: a record with a field outside ``fieldnames``.
    """
    buf = io.StringIO(newline="")
    writer = csv.writer(buf)
    names = frozenset(fieldnames)
    for record in records:
        if not names.issuperset(record.keys()):
            extra = [k for k in record if k not in names]
            raise ValueError(f"record has fields that are not CSV columns: {extra!r}")
        writer.writerow([csv_cell(record.get(name)) for name in fieldnames])
    return buf.getvalue().encode("utf-8", "replace")


def encode_csv_header(fieldnames: Sequence[str]) -> bytes:
    """The header line of a CSV with these columns."""
    buf = io.StringIO(newline="")
    csv.writer(buf).writerow(list(fieldnames))
    return buf.getvalue().encode("utf-8", "replace")


#: Ends a gzip member's deflate stream after sync-flushed segments: an empty final block.
GZIP_LAST_BLOCK = b"\x03\x00"


def gzip_header(name: str) -> bytes:
    """A gzip member header naming ``name``, with no timestamp (reproducible bytes)."""
    fname = os.path.basename(name).encode("latin-1", "replace")
    return b"\x1f\x8b\x08\x08" + struct.pack("<I", 0) + b"\x00\xff" + fname + b"\x00"


def deflate_segment(data: bytes, level: int = 6) -> bytes:
    """``data`` as a self-contained, byte-aligned run of non-final deflate blocks.

    Segments compressed independently can be concatenated into one deflate stream (end it with
    :data:`GZIP_LAST_BLOCK`): a chunk compresses the same wherever it lands in the file, which
    is what makes a resumed ``.gz`` output byte-identical to an uninterrupted one.
    """
    comp = zlib.compressobj(level, zlib.DEFLATED, -15)
    return comp.compress(data) + comp.flush(zlib.Z_SYNC_FLUSH)


def gzip_trailer(crc: int, size: int) -> bytes:
    """The end of a gzip member whose uncompressed data has this CRC-32 and length."""
    return GZIP_LAST_BLOCK + struct.pack("<II", crc & 0xFFFFFFFF, size & 0xFFFFFFFF)


# --------------------------------------------------------------------------- Arrow schemas


def _union_keys(records: Iterable[Mapping[str, Any]]) -> list[str]:
    names: dict[str, None] = {}
    for record in records:
        for key in record:
            names.setdefault(key, None)
    return list(names)


def _output_types() -> dict[str, Any]:
    import pyarrow as pa

    f64, text = pa.float64(), pa.string()
    types: dict[str, Any] = dict.fromkeys(OUTPUT_FIELDS, f64)
    types.update(lang=text, sentiment=text, queue=text, model=text, priority=pa.int64())
    types["tags"] = pa.list_(text)
    return types


def _writable(t: Any) -> bool:
    """False for Arrow types Parquet cannot store (null, empty structs, anywhere inside)."""
    import pyarrow as pa

    if pa.types.is_null(t):
        return False
    if pa.types.is_struct(t):
        return t.num_fields > 0 and all(_writable(t.field(i).type) for i in range(t.num_fields))
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return _writable(t.value_type)
    return True


def _infer_type(values: list[Any]) -> Any:
    import pyarrow as pa

    try:
        t = pa.array(values).type
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        first = next((v for v in values if v is not None), None)
        try:
            t = pa.array([first]).type
        except (pa.ArrowException, TypeError, ValueError, OverflowError):
            t = pa.null()
    return t if _writable(t) else pa.string()


def output_schema(
    names: Sequence[str], records: Sequence[Mapping[str, Any]] = (), base: pa.Schema | None = None
) -> pa.Schema:
    """The Arrow schema of output records with columns ``names``, in that order.

    triage's own fields have fixed types (probabilities ``double``, ``priority`` ``int64``,
    ``tags`` ``list<string>``); other columns take their type from ``base`` (the input's
    Parquet schema) when it has them, else from ``records`` as pyarrow infers it. A column of
    nulls, or of values Parquet cannot store, is ``string`` (non-strings stored as JSON text).
    """
    import pyarrow as pa

    fixed = _output_types()
    fields = []
    for name in names:
        if name in fixed:
            fields.append(pa.field(name, fixed[name]))
        elif base is not None and name in base.names:
            fields.append(base.field(name))
        else:
            fields.append(pa.field(name, _infer_type([r.get(name) for r in records])))
    return pa.schema(fields)


def _as_text_columns(records: Sequence[Mapping[str, Any]], schema: pa.Schema) -> list[dict[str, Any]]:
    import pyarrow as pa

    text = [f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)]
    out = []
    for record in records:
        row = dict(record)
        for name in text:
            value = row.get(name)
            if value is not None and not isinstance(value, str):
                row[name] = _dumps(value)
        out.append(row)
    return out


def records_to_table(
    records: Sequence[Mapping[str, Any]], schema: pa.Schema
) -> tuple[pa.Table, list[tuple[int, str]]]:
    """An Arrow table of ``records`` with ``schema``, and the records that do not fit it.

    A non-string value in a ``string`` column is stored as its JSON text. Returns the table of
    the records that fit and ``(index, reason)`` for each one that does not.
    """
    import pyarrow as pa

    errors = (pa.ArrowException, TypeError, ValueError, OverflowError)
    try:
        return pa.Table.from_pylist(list(records), schema=schema), []
    except errors:
        pass
    rows = _as_text_columns(records, schema)
    try:
        return pa.Table.from_pylist(rows, schema=schema), []
    except errors:
        pass
    good, bad = [], []
    for i, row in enumerate(rows):
        try:
            pa.Table.from_pylist([row], schema=schema)
        except errors as exc:
            bad.append((i, f"a value does not fit the Parquet column types ({exc})"))
        else:
            good.append(row)
    return pa.Table.from_pylist(good, schema=schema), bad
