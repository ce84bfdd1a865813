"""Streaming readers and writers for comment exports: JSON Lines and CSV, optionally gzipped.

Nothing here holds a whole file in memory: records are read one line (JSONL) or one CSV row at a
time and written one at a time to ``<path>.part``, which becomes ``<path>`` only when the writer
closes without error. Malformed input raises :class:`~triage.errors.InputFormatError` naming the
file and the 1-based line on which the bad record starts.

>>> detect_format("exports/comments.csv.gz")
'csv'
>>> get_field({"snippet": {"textDisplay": "¡Hola! 👋"}}, "snippet.textDisplay")
'¡Hola! 👋'
>>> csv_cell(["question", "complaint"])
'question|complaint'
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import gzip
import io
import json
import os
import re
import sys
import zlib
from collections.abc import Iterator, Mapping, Sequence
from types import TracebackType
from typing import IO, Any, Literal, Protocol, Self

from triage.errors import InputFormatError

__all__ = [
    "FIELD_SIZE_LIMIT",
    "FORMATS",
    "MAX_LINE_BYTES",
    "STDIO",
    "Format",
    "RecordWriter",
    "csv_cell",
    "detect_format",
    "get_field",
    "open_writer",
    "read_records",
]

Format = Literal["jsonl", "csv"]

#: The formats this module reads and writes (each optionally gzip-compressed, by a ``.gz`` name).
FORMATS: tuple[Format, ...] = ("jsonl", "csv")
#: The path that means standard input / standard output (JSONL unless a format is given).
STDIO = "-"
#: Longest CSV field accepted, in characters (the stdlib default of 128 KiB is too small).
FIELD_SIZE_LIMIT = 10 * 1024 * 1024
#: Longest physical line accepted, in bytes: a file without newlines must not fill the memory.
MAX_LINE_BYTES = 64 * 1024 * 1024

_EXTENSIONS: dict[str, Format] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
}
_FORMAT_HINT = (
    "pass --format jsonl or --format csv (allowed values: jsonl, csv); "
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
    is CSV, each optionally followed by ``.gz``; ``"-"`` (stdin/stdout) is JSONL.

    >>> detect_format("a.NDJSON.gz"), detect_format("-"), detect_format("a.txt", "CSV")
    ('jsonl', 'jsonl', 'csv')

    Raises:
        InputFormatError: unknown ``fmt`` or extension; the hint names ``--format`` and its values.
    """
    if fmt is not None:
        name = fmt.strip().lower()
        if name in ("jsonl", "ndjson"):
            return "jsonl"
        if name == "csv":
            return "csv"
        raise InputFormatError(
            f"unknown format {fmt!r}",
            path=None if path == STDIO else path,
            hint=f"--format must be one of: {', '.join(FORMATS)}",
        )
    if path == STDIO:
        return "jsonl"
    base = path.lower()
    if base.endswith(".gz"):
        base = base[:-3]
    ext = os.path.splitext(os.path.basename(base))[1]
    if ext in _EXTENSIONS:
        return _EXTENSIONS[ext]
    raise InputFormatError(
        f"cannot tell the format from the file name (extension {ext or 'none'!r})",
        path=path,
        hint=_FORMAT_HINT,
    )


def _is_gzip(path: str) -> bool:
    return path != STDIO and path.lower().endswith(".gz")


# --------------------------------------------------------------------------- reading


def read_records(path: str, *, fmt: str | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
    """Stream ``(line_number, record)`` pairs from a JSONL or CSV file, one record at a time.

    ``line_number`` is the 1-based physical line on which the record starts (in CSV the header is
    line 1, and a quoted field may span lines). ``"-"`` reads standard input as UTF-8 bytes; a
    ``.gz`` name is decompressed on the fly. A UTF-8 byte-order mark is dropped and blank lines
    are skipped. CSV values are strings; a row shorter than the header is padded with ``""``.

    The format and the file's existence are checked at call time; everything else as records are
    read.

    Raises:
        InputFormatError: with the path and, when there is one, the line: a missing file, invalid
            JSON, a JSON line that is not an object, bytes that are not UTF-8 (with an ``iconv``
            command to fix them), a CSV row with more fields than the header, a CSV field over
            :data:`FIELD_SIZE_LIMIT`, malformed CSV quoting, an empty CSV, corrupt gzip data.
    """
    kind = detect_format(path, fmt)
    if path != STDIO:
        if os.path.isdir(path):
            raise InputFormatError("is a directory, not a file", path=path)
        if not os.path.exists(path):
            raise InputFormatError("file not found", path=path)
    return _read_jsonl(path) if kind == "jsonl" else _read_csv(path)


@contextlib.contextmanager
def _open_binary(path: str) -> Iterator[IO[bytes]]:
    if path == STDIO:
        yield sys.stdin.buffer
        return
    try:
        fh: IO[bytes] = (
            gzip.open(path, "rb") if _is_gzip(path) else open(path, "rb", buffering=_READ_BUFFER)
        )
    except FileNotFoundError:
        raise InputFormatError("file not found", path=path) from None
    except OSError as exc:
        raise InputFormatError(f"cannot open: {exc.strerror or exc}", path=path) from None
    with fh:
        yield fh


def _decoded_lines(path: str) -> Iterator[tuple[int, str]]:
    """Yield ``(line_number, text)`` per physical line (split on ``\\n``, line end kept)."""
    offset = 0  # byte offset of the current line in the (decompressed) stream
    number = 0
    with _open_binary(path) as fh:
        while True:
            try:
                raw = fh.readline(MAX_LINE_BYTES + 1)
            except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
                raise InputFormatError(
                    f"corrupt or truncated gzip data ({exc})", path=path, line=number + 1
                ) from None
            if not raw:
                return
            number += 1
            if len(raw) > MAX_LINE_BYTES:
                raise InputFormatError(
                    f"line is longer than {MAX_LINE_BYTES // (1 << 20)} MiB",
                    path=path,
                    line=number,
                    hint="is this really a JSONL or CSV file?",
                )
            start = 0
            if number == 1:
                start = _check_file_start(raw, path)
            try:
                text = raw[start:].decode("utf-8") if start else raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise _not_utf8(raw, exc, path, number, offset + start) from None
            offset += len(raw)
            yield number, text


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


def _read_jsonl(path: str) -> Iterator[tuple[int, dict[str, Any]]]:
    first = True
    for number, text in _decoded_lines(path):
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
            raise InputFormatError(
                f"invalid JSON: {exc.msg} (column {exc.colno})",
                path=path,
                line=number,
                hint=array_hint,
            ) from None
        except RecursionError:
            raise InputFormatError(
                "invalid JSON: nested too deeply", path=path, line=number
            ) from None
        if not isinstance(value, dict):
            raise InputFormatError(
                f"expected a JSON object, got {_json_type(value)}",
                path=path,
                line=number,
                hint=array_hint,
            )
        yield number, value


class _Cursor:
    """Where the next piece handed to the csv reader comes from (1-based physical line)."""

    __slots__ = ("next_line",)

    def __init__(self) -> None:
        self.next_line = 1


def _csv_pieces(path: str, cursor: _Cursor) -> Iterator[str]:
    for number, text in _decoded_lines(path):
        if "\r" in text and _AFTER_LONE_CR.search(text):
            parts = [p for p in _AFTER_LONE_CR.split(text) if p]
        else:
            parts = [text]
        for i, part in enumerate(parts):
            cursor.next_line = number + 1 if i == len(parts) - 1 else number
            yield part


def _csv_error(exc: csv.Error, path: str, line: int) -> InputFormatError:
    message = str(exc)
    if message.startswith("field larger than field limit"):
        return InputFormatError(
            f"a field is longer than the limit of {FIELD_SIZE_LIMIT:,} characters",
            path=path,
            line=line,
        )
    if message == "unexpected end of data":
        return InputFormatError(
            "unterminated quoted field: the file ends inside a quote opened in this row",
            path=path,
            line=line,
        )
    return InputFormatError(
        f"malformed CSV: {message}",
        path=path,
        line=line,
        hint='inside a quoted field, write a quote character as two ("")',
    )


def _read_csv(path: str) -> Iterator[tuple[int, dict[str, Any]]]:
    csv.field_size_limit(FIELD_SIZE_LIMIT)
    cursor = _Cursor()
    reader = csv.reader(_csv_pieces(path, cursor), strict=True)
    header: list[str] | None = None
    header_line = 1
    while True:
        start = cursor.next_line
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise _csv_error(exc, path, start) from None
        if not row:
            continue
        if header is None:
            seen: set[str] = set()
            for name in row:
                if name in seen:
                    raise InputFormatError(
                        f"duplicate column name {name!r} in the header", path=path, line=start
                    )
                seen.add(name)
            header, header_line = row, start
            continue
        if len(row) > len(header):
            raise InputFormatError(
                f"row has {len(row)} fields but the header (line {header_line}) "
                f"has {len(header)}",
                path=path,
                line=start,
                hint="quote fields that contain a comma",
            )
        if len(row) < len(header):
            row.extend([""] * (len(header) - len(row)))
        yield start, dict(zip(header, row, strict=True))
    if header is None:
        raise InputFormatError("empty CSV file: no header row", path=path, line=1)


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


class _JsonlWriter(_Writer):
    def _write(self, record: Mapping[str, Any]) -> None:
        line = _dumps(record)
        try:
            data = (line + "\n").encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: \u-escapes keep them exactly
            data = (_dumps(record, ascii_only=True) + "\n").encode("ascii")
        self._sink.stream.write(data)


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
    """Open a streaming writer for JSONL or CSV (gzipped by a ``.gz`` name); ``"-"`` is stdout.

    Records go to ``<path>.part``, renamed to ``<path>`` only by a successful :meth:`close`
    (or a ``with`` block that ends without an exception); after an exception the ``.part`` file
    stays for inspection and ``<path>`` is not touched. JSONL is one compact UTF-8 JSON object
    per line. CSV columns are ``fieldnames`` if given, else the keys of the first record; cells
    are rendered by :func:`csv_cell`; a record with a key outside the columns raises ValueError.

    Raises:
        InputFormatError: unknown ``fmt`` or extension.
        OSError: the ``.part`` file cannot be created.
    """
    kind = detect_format(path, fmt)
    sink = _Sink(path)
    try:
        if kind == "jsonl":
            return _JsonlWriter(sink)
        return _CsvWriter(sink, fieldnames)
    except BaseException:
        sink.finish(commit=False)
        raise
