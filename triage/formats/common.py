"""Formats, paths, byte-level reading, field look-up and cell encoding shared by every reader and writer."""

from __future__ import annotations

import base64
import codecs
import contextlib
import datetime as _dt
import decimal
import gzip
import json
import math
import os
import re
import sys
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, Literal

from triage.errors import InputFormatError

try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - a dependency; the json module writes the same bytes
    _orjson = None

if TYPE_CHECKING:
    pass


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


def plain_json(value: Any) -> bool:
    """True when ``value`` holds only values that orjson writes exactly as :func:`_dumps` does:
    str, bool, None, ints within 64 bits, finite floats that are 0 or at least 1e-4 in size
    (below that Python writes ``1e-05``, orjson ``1e-5``), and lists and str-keyed dicts of them
    (exact types: a subclass or anything else goes the ``json`` way)."""
    t = type(value)
    if t is str or t is bool or value is None:
        return True
    if t is int:
        return -(1 << 63) <= value < (1 << 64)
    if t is float:
        return value == 0.0 or 1e-4 <= abs(value) < math.inf  # NaN fails both
    if t is list:
        return all(map(plain_json, value))
    if t is dict:
        return all(type(k) is str for k in value) and all(map(plain_json, value.values()))
    return False


def jsonl_line_fast(record: Mapping[str, Any]) -> bytes | None:
    """A JSON line of a record that :func:`plain_json` accepts, by orjson (a few times faster
    than ``json``; the same bytes); None when orjson is not installed or cannot write it (a lone
    surrogate): the caller writes it the ``json`` way."""
    if _orjson is None:  # pragma: no cover
        return None
    try:
        return _orjson.dumps(record, option=_orjson.OPT_APPEND_NEWLINE)
    except TypeError:  # orjson.JSONEncodeError: a lone surrogate
        return None


def _dumps(value: Any, *, ascii_only: bool = False) -> str:
    return json.dumps(
        value, ensure_ascii=ascii_only, separators=(",", ":"), default=_json_default
    )


#: First characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_OR_QUOTE = frozenset((*FORMULA_START, "'"))  # a cell starting otherwise is never changed
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def _formula_like(cell: str) -> bool:
    bare = cell.lstrip("'")
    return bare[:1] in FORMULA_START and _PLAIN_NUMBER.fullmatch(bare) is None


def neutralise_formula(cell: str) -> str:
    """``cell`` with a ``'`` in front when a spreadsheet would run it as a formula.

    OWASP's rule: a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
    gets a leading apostrophe, so that Excel, LibreOffice and Google Sheets show it as text. A
    plain number (``-0.25``, ``+3``) is left alone; so that :func:`restore_formula` can undo
    the rule exactly, a cell that already starts with apostrophes before such a character gets
    one more.

    >>> [neutralise_formula(c) for c in ("=1+1", "@SUM(A1)", "-0.25", "'=x", "hi -1")]
    ["'=1+1", "'@SUM(A1)", '-0.25', "''=x", 'hi -1']
    """
    return "'" + cell if _formula_like(cell) else cell


def restore_formula(cell: str) -> str:
    """The text :func:`neutralise_formula` was given (reading back a CSV that triage wrote).

    >>> [restore_formula(neutralise_formula(c)) for c in ("=1+1", "'=x", "'hello", "-2")]
    ['=1+1', "'=x", "'hello", '-2']
    """
    return cell[1:] if cell.startswith("'") and _formula_like(cell[1:]) else cell


def csv_cell(value: Any, *, escape_formulas: bool = False) -> str:
    """One CSV cell: ``None`` is empty, a list of strings is ``|``-joined, dicts and other lists
    are JSON, booleans are ``true``/``false``, anything else is ``str(value)``. With
    ``escape_formulas`` a text cell that a spreadsheet would run as a formula is neutralised
    (:func:`neutralise_formula`); numbers are never changed.

    >>> [csv_cell(v) for v in (None, ["spam"], [], {"k": [1]}, True, 0.25)]
    ['', 'spam', '', '{"k":[1]}', 'true', '0.25']
    >>> csv_cell("=1+1", escape_formulas=True), csv_cell(-1, escape_formulas=True)
    ("'=1+1", '-1')
    """
    t = type(value)  # the common cells first, by exact type (the same answers, sooner)
    if t is float or t is int:
        return str(value)
    if t is str and (not value or value[0] not in _FORMULA_OR_QUOTE or not escape_formulas):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        cell = value if type(value) is str else str(value)
    elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        cell = "|".join(str(v) for v in value)
    else:
        cell = _dumps(value)
    return neutralise_formula(cell) if escape_formulas else cell
