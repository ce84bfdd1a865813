"""Parquet reading (record-batch streaming) and the Arrow schema of scored output."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from triage.errors import InputFormatError
from triage.formats.common import (
    Row,
    _dumps,
    is_url,
)
from triage.types import OUTPUT_FIELDS

if TYPE_CHECKING:
    import pyarrow as pa


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
                if index + batch.num_rows <= start:  # rows before the range: not decoded
                    index += batch.num_rows
                    continue
                if index < start:
                    batch = batch.slice(start - index)
                    index = start
                if end is not None:
                    batch = batch.slice(0, max(0, end - index))
                for record in batch.to_pylist():
                    if end is not None and index >= end:
                        return
                    yield Row(index + 1, record, None, index + 1, index + 2)
                    index += 1
        except (pa.ArrowException, OSError) as exc:
            raise _parquet_error(path, exc) from None



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
    # Written by the batch engines after the record's own fields (triage.batch.chunks).
    types.update(reasons=pa.list_(text), uncertainty=f64)
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

    triage's own fields have fixed types (probabilities and ``uncertainty`` ``double``,
    ``priority`` ``int64``, ``tags`` and ``reasons`` ``list<string>``); other columns take
    their type from ``base`` (the input's Parquet schema) when it has them, else from
    ``records`` as pyarrow infers it. A column of nulls, or of values Parquet cannot store, is
    ``string`` (non-strings stored as JSON text).
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
