"""Chunks: the unit of work of a worker, of a checkpoint and of a gzip segment. Splitting valid from bad rows, scoring a chunk, encoding its output."""

from __future__ import annotations

import unicodedata
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from triage import formats as tio
from triage.batch.options import CHUNK_BYTES
from triage.errors import InputFormatError
from triage.types import OUTPUT_FIELDS, Comment

#: The fields a batch output adds to each row: the pipeline's record, then what the API also
#: returns for a comment (``reasons``: why its priority and queue; ``uncertainty``: 0 sure .. 1
#: a coin toss, against the tier's thresholds, as the service stores at ingest).
BATCH_FIELDS = (*OUTPUT_FIELDS, "reasons", "uncertainty")

# --------------------------------------------------------------------------- chunks


@dataclass(frozen=True)
class EncodeSpec:
    """How a worker turns scored records into output (picklable, sent with every chunk)."""

    fmt: str  # jsonl | csv | parquet
    gzip: bool
    text_field: str
    id_field: str
    tier: str
    fieldnames: tuple[str, ...] | None = None  # CSV columns
    schema: bytes | None = None  # serialized Arrow schema (Parquet)
    escape_formulas: bool = True  # CSV: neutralise cells a spreadsheet would run as formulas


@dataclass
class ChunkOut:
    """A scored chunk: output bytes (deflated for ``.gz``) or an Arrow table, and bad rows."""

    data: bytes = b""
    table: Any = None
    crc: int = 0  # CRC-32 and length of the uncompressed bytes
    size: int = 0
    rows: int = 0
    bad: list[dict[str, Any]] = field(default_factory=list)


def what_is_wrong(bad: Mapping[str, Any]) -> str:
    """A bad row's ``field 'x': reason`` (or just the reason)."""
    return f"field {bad['field']!r}: {bad['reason']}" if bad.get("field") else str(bad["reason"])


def describe(bad: Mapping[str, Any]) -> str:
    """A bad row as ``file:line: field 'x': reason``."""
    return f"{bad['file']}:{bad['line']}: {what_is_wrong(bad)}"


def bad_record(path: str, exc: InputFormatError) -> dict[str, Any]:
    """One line of the errors file."""
    return {
        "file": path,
        "line": exc.line,
        "kind": exc.kind or "invalid",
        "field": exc.field,
        "reason": exc.reason,
    }


def _text_error(path: str, line: int, record: Mapping[str, Any], spec: EncodeSpec) -> InputFormatError | None:
    try:
        text = tio.get_field(record, spec.text_field)
    except KeyError:
        return InputFormatError(
            "missing", path=path, line=line, field=spec.text_field,
            hint="choose the text column with --text-field", kind="missing_text",
        )
    if text is None:
        return InputFormatError("no text (null)", path=path, line=line, field=spec.text_field,
                                kind="missing_text")
    if not isinstance(text, str):
        return InputFormatError(f"expected a string, got {type(text).__name__}", path=path,
                                line=line, field=spec.text_field, kind="wrong_type")
    if is_blank(text):
        why = ("empty text" if not text.strip()
               else "no text: only NUL, control or format characters")
        return InputFormatError(why, path=path, line=line, field=spec.text_field,
                                kind="missing_text")
    return None


def is_blank(text: str) -> bool:
    """True for a text with nothing to score: only whitespace, NUL and other control or
    format characters (``"\\x00\\x00"``, ``"\\u200b "``).

    >>> is_blank(" \\x00\\t"), is_blank("\\u200f\\u202b"), is_blank("ok\\x00"), is_blank("👍")
    (True, True, False, False)
    """
    if not text.strip():
        return True
    return all(c.isspace() or unicodedata.category(c) in ("Cc", "Cf") for c in text)


def split_valid(
    path: str, rows: Iterable[tio.Row], spec: EncodeSpec
) -> tuple[list[tuple[int, dict[str, Any]]], list[InputFormatError]]:
    """The rows that can be scored, and the errors of those that cannot (in input order)."""
    good: list[tuple[int, dict[str, Any]]] = []
    bad: list[InputFormatError] = []
    for row in rows:
        if row.error is not None:
            bad.append(row.error)
            continue
        assert row.record is not None
        error = _text_error(path, row.line, row.record, spec)
        if error is None:
            good.append((row.line, row.record))
        else:
            bad.append(error)
    return good, bad


def _comment(record: Mapping[str, Any], spec: EncodeSpec) -> Comment:
    try:
        cid = tio.get_field(record, spec.id_field)
    except KeyError:
        cid = None
    return Comment(text=tio.get_field(record, spec.text_field), id=None if cid is None else str(cid))


def score_chunk(
    pipeline: Any, path: str, good: Sequence[tuple[int, dict[str, Any]]], spec: EncodeSpec
) -> ChunkOut:
    """Score a chunk of valid records and encode the output as ``spec`` says."""
    records = [rec for _, rec in good]
    # columns, then the output rows straight from them (no result object per comment)
    scored = pipeline.score_arrays([_comment(r, spec) for r in records], spec.tier).records() if records else []
    merged = [{**rec, **out} for rec, out in zip(records, scored, strict=True)]
    out = ChunkOut()
    names = spec.fieldnames
    if spec.schema is not None:
        import pyarrow as pa

        names = tuple(pa.ipc.read_schema(pa.py_buffer(spec.schema)).names)
    if names is not None:  # CSV and Parquet: a field outside the columns is a bad row
        allowed = frozenset(names)
        keep = []
        for (line, _), rec in zip(good, merged, strict=True):
            extra = [k for k in rec if k not in allowed]
            if extra:
                out.bad.append(bad_record(path, InputFormatError(
                    f"field {extra[0]!r} is not a column of the output (the columns come from "
                    "the first chunk of the input)", path=path, line=line, kind="not_a_column")))
            else:
                keep.append((line, rec))
        lines, merged = [ln for ln, _ in keep], [r for _, r in keep]
    else:
        lines = [ln for ln, _ in good]
    if spec.fmt == "parquet":
        import pyarrow as pa

        schema = pa.ipc.read_schema(pa.py_buffer(spec.schema))
        table, bad = tio.records_to_table(merged, schema)
        for i, reason in bad:
            out.bad.append(bad_record(path, InputFormatError(
                reason, path=path, line=lines[i], kind="wrong_type")))
        out.table, out.rows = table, table.num_rows
        out.bad.sort(key=lambda b: b["line"])
        return out
    if spec.fmt == "jsonl":  # triage's own fields are plain JSON values: check only the input's
        raw = tio.encode_jsonl(merged, [tio.plain_json(rec) for rec in records])  # (no row dropped)
    else:
        raw = tio.encode_csv(merged, names or (), escape_formulas=spec.escape_formulas)
    out.rows = len(merged)
    out.crc, out.size = zlib.crc32(raw), len(raw)
    out.data = tio.deflate_segment(raw) if spec.gzip else raw
    out.bad.sort(key=lambda b: b["line"])
    return out


def chunked(rows: Iterator[tio.Row], size: int, budget: int = CHUNK_BYTES) -> Iterator[list[tio.Row]]:
    """Consecutive chunks of at most ``size`` rows (fewer when their input passes ``budget``
    bytes). Chunks depend only on where the scan starts, so a resumed run cuts the same ones."""
    chunk: list[tio.Row] = []
    start = None
    for row in rows:
        if start is None:
            start = row.end
        chunk.append(row)
        if len(chunk) >= size or row.end - start >= budget:
            yield chunk
            chunk, start = [], None
    if chunk:
        yield chunk


def _union_names(records: Iterable[Mapping[str, Any]]) -> list[str]:
    names: dict[str, None] = {}
    for record in records:
        for key in record:
            names.setdefault(key, None)
    for key in BATCH_FIELDS:
        names.setdefault(key, None)
    return list(names)


def decide_columns(
    out_fmt: str,
    records: Sequence[Mapping[str, Any]],
    *,
    input_path: str,
    in_fmt: str,
) -> tuple[tuple[str, ...] | None, bytes | None]:
    """CSV columns or the Parquet schema of the output, from the first chunk with good rows.

    Columns are the input's fields (in the order first seen in that chunk; a CSV input's
    header; a Parquet input's schema) followed by triage's fields. ``records`` may be empty
    (no good rows at all).
    """
    base = None
    if in_fmt == "csv" and not records:
        header, _ = tio.csv_header(input_path)
        records = [dict.fromkeys(header, "")]
    if in_fmt == "parquet":
        base = tio.parquet_input_schema(input_path)
        if not records:
            records = [dict.fromkeys(base.names)]
    names = _union_names(records)
    if out_fmt == "csv":
        return tuple(names), None
    if out_fmt == "parquet":
        schema = tio.output_schema(names, records, base)
        return None, schema.serialize().to_pybytes()
    return None, None
