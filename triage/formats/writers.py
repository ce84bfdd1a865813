"""Record writers for JSONL, CSV and Parquet that write ``<path>.part`` and rename it when complete."""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import os
import sys
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, Protocol, Self

from triage.errors import InputFormatError
from triage.formats.common import (
    _READ_BUFFER,
    PARQUET_ROW_GROUP,
    STDIO,
    _dumps,
    _is_gzip,
    csv_cell,
    detect_format,
)
from triage.formats.parquet import (
    _union_keys,
    output_schema,
    records_to_table,
)

if TYPE_CHECKING:
    pass


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
