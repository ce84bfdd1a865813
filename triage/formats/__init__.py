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
  from an offset (see :mod:`triage.batch.engine`). Only problems with the whole file (not found, not
  UTF-8 from the first byte, corrupt gzip, a CSV without header, not Parquet) still raise.

Paths with a scheme (``s3://...``, ``memory://...``) are opened with fsspec.

>>> detect_format("exports/comments.csv.gz"), detect_format("part-0001.parquet")
('csv', 'parquet')
>>> get_field({"snippet": {"textDisplay": "¡Hola! 👋"}}, "snippet.textDisplay")
'¡Hola! 👋'
>>> csv_cell(["question", "complaint"])
'question|complaint'

One module per responsibility: :mod:`.common` (formats, byte-level reading, fields, cells),
:mod:`.readers`, :mod:`.jsonl`, :mod:`.csv_format`, :mod:`.parquet`, :mod:`.writers`, :mod:`.encode`.
"""

from __future__ import annotations

from triage.formats.common import (
    FIELD_SIZE_LIMIT,
    FORMATS,
    MAX_LINE_BYTES,
    STDIO,
    Format,
    Row,
    _open_binary,
    csv_cell,
    detect_format,
    get_field,
    is_gzip,
    is_url,
    neutralise_formula,
    plain_json,
    restore_formula,
)
from triage.formats.csv_format import csv_header
from triage.formats.encode import (
    GZIP_LAST_BLOCK,
    deflate_segment,
    encode_csv,
    encode_csv_header,
    encode_jsonl,
    gzip_header,
    gzip_trailer,
)
from triage.formats.parquet import (
    _open_parquet,
    output_schema,
    parquet_input_schema,
    parquet_rows,
    records_to_table,
)
from triage.formats.readers import read_records, scan_records
from triage.formats.writers import RecordWriter, open_writer

__all__ = ['FIELD_SIZE_LIMIT', 'FORMATS', 'MAX_LINE_BYTES', 'STDIO', 'Format', 'RecordWriter', 'Row', 'csv_cell', 'csv_header', 'neutralise_formula', 'plain_json', 'restore_formula', 'detect_format', 'encode_csv', 'encode_csv_header', 'encode_jsonl', 'get_field', 'is_gzip', 'is_url', 'open_writer', 'output_schema', 'read_records', 'records_to_table', 'scan_records', 'parquet_rows', 'parquet_input_schema', 'gzip_header', 'gzip_trailer', 'deflate_segment', 'GZIP_LAST_BLOCK', '_open_parquet', '_open_binary']
