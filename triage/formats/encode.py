"""Chunk encoders for the batch engines and the gzip segment writer: each chunk is compressed into an independent deflate segment so that a run can resume after the last complete one."""

from __future__ import annotations

import csv
import io
import os
import struct
import zlib
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from triage.formats.common import csv_cell, jsonl_line_fast
from triage.formats.writers import _jsonl_line

if TYPE_CHECKING:
    pass


# --------------------------------------------------------------------------- chunk encoders
# Used by triage.batch.engine: a chunk of output records becomes bytes (or an Arrow table) in a worker
# process; the parent only appends them, so the bytes never depend on how a file was chunked.


def encode_jsonl(records: Iterable[Mapping[str, Any]], plain: Sequence[bool] | None = None) -> bytes:
    """Records as JSON Lines bytes, exactly as :func:`open_writer` writes them.

    ``plain``: per record, whether it holds only values :func:`~triage.formats.common.plain_json`
    accepts (the caller knows: its own fields are plain); those are written by orjson.
    """
    if plain is None:
        return b"".join(_jsonl_line(r) for r in records)
    return b"".join((ok and jsonl_line_fast(r)) or _jsonl_line(r) for r, ok in zip(records, plain, strict=True))


def encode_csv(
    records: Iterable[Mapping[str, Any]],
    fieldnames: Sequence[str],
    *,
    escape_formulas: bool = False,
) -> bytes:
    """CSV rows (no header) as :func:`open_writer` writes them; missing fields are empty.

    ``escape_formulas``: neutralise text cells that a spreadsheet would run as formulas
    (:func:`~triage.formats.common.neutralise_formula`), as ``triage score`` does by default.

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
        writer.writerow([csv_cell(record.get(name), escape_formulas=escape_formulas)
                         for name in fieldnames])
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
