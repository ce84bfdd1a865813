"""Batch scoring of exported comment files: what ``triage score`` runs.

:func:`score_file` streams a JSONL, CSV (optionally gzipped) or Parquet file in chunks of
``chunk_rows`` records, scores them on ``workers`` processes (each loads the model once, in its
initializer), and appends the scored chunks to ``<output>.part`` **in input order**. At most
``2 x workers`` chunks are in flight, so memory stays flat whatever the size of the file.

Resumable: after every chunk the output and the errors file are fsynced and a small sidecar
checkpoint, ``<output>.checkpoint.json``, records where the input stands (byte offset and line,
or row for Parquet) and how long the output and errors files are. A run killed at any moment
(even SIGKILL) is continued by ``--resume``: the files are cut back to the checkpoint and the
input is read from there. The final output is byte-identical to an uninterrupted run's
(row-identical for Parquet), because every chunk is encoded on its own: JSONL and CSV rows do
not depend on their neighbours, a ``.gz`` output is one gzip member made of independently
compressed deflate segments (:func:`triage.io.deflate_segment`), and Parquet chunks are kept as
files in ``<output>.part.d/`` until the end, when they become the row groups of one file.
``<output>`` appears only when everything is written (``.part`` then rename), so partial output
is never mistaken for a complete one.

Bad rows (no text, invalid JSON, broken CSV quoting, invalid UTF-8, an oversized field or line,
a value that does not fit the output columns) are written to ``<output>.errors.jsonl`` (file,
line, kind, reason), counted, summed up at the end, and the job goes on; with ``strict`` the
first one raises :class:`~triage.errors.InputFormatError` instead.

The chunk functions here (:func:`split_valid`, :func:`score_chunk`) are also what the Dask
engine (:mod:`triage.dask_engine`) runs on its workers, so both engines write the same rows.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import shutil
import signal
import sys
import threading
import time
import zlib
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from triage import io as tio
from triage.errors import InputFormatError, TriageError
from triage.types import OUTPUT_FIELDS, Comment, Tier

__all__ = [
    "DEFAULT_CHUNK_ROWS",
    "BatchOptions",
    "ChunkOut",
    "EncodeSpec",
    "Summary",
    "checkpoint_path",
    "default_workers",
    "describe",
    "errors_path_for",
    "score_chunk",
    "score_file",
    "split_valid",
]

#: Records per chunk: the unit of work of a worker, of a checkpoint and of a gzip segment.
DEFAULT_CHUNK_ROWS = 2000
#: A chunk also ends once its input passes this many bytes (very long texts).
CHUNK_BYTES = 16 << 20
#: Rows per row group of a Parquet output.
PARQUET_GROUP_ROWS = 65_536
CHECKPOINT_VERSION = 1

Echo = Callable[[str], None]


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)  # noqa: T201 - the log of a batch job


def default_workers() -> int:
    """All the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def checkpoint_path(output: str) -> str:
    """The sidecar checkpoint of a run writing ``output``."""
    return output + ".checkpoint.json"


def errors_path_for(output: str) -> str:
    """The default errors file of a run writing ``output``."""
    return output + ".errors.jsonl"


@dataclass(frozen=True)
class BatchOptions:
    """How :func:`score_file` reads, scores and writes (the options of ``triage score``)."""

    fmt: str | None = None
    out_fmt: str | None = None
    text_field: str = "text"
    id_field: str = "id"
    tier: Tier = Tier.FAST
    chunk_rows: int = DEFAULT_CHUNK_ROWS
    workers: int | None = None
    strict: bool = False
    resume: bool = False
    overwrite: bool = False
    errors_path: str | None = None
    progress: str = "auto"  # auto | bar | log | off
    log_every: float = 10.0


@dataclass
class Summary:
    """What a run did: rows read, scored and bad (by kind), where things went."""

    output: str
    rows: int = 0
    scored: int = 0
    bad: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    errors_path: str | None = None
    resumed_at: int = 0

    def lines(self) -> list[str]:
        """The end-of-run summary, for the terminal."""
        rate = (self.rows - self.resumed_at) / self.seconds if self.seconds > 0 else 0.0
        out = [
            (
                f"scored {self.scored:,} of {self.rows:,} rows in {self.seconds:,.1f}s "
                f"({rate:,.0f} rows/s) -> {self.output}"
            )
        ]
        if self.resumed_at:
            out.append(f"resumed after row {self.resumed_at:,}")
        if self.bad:
            kinds = ", ".join(f"{k}: {n:,}" for k, n in sorted(self.kinds.items()))
            where = f"; details in {self.errors_path}" if self.errors_path else ""
            out.append(f"{self.bad:,} bad rows skipped ({kinds}){where}")
        return out


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


@dataclass
class ChunkOut:
    """A scored chunk: output bytes (deflated for ``.gz``) or an Arrow table, and bad rows."""

    data: bytes = b""
    table: Any = None
    crc: int = 0  # CRC-32 and length of the uncompressed bytes
    size: int = 0
    rows: int = 0
    bad: list[dict[str, Any]] = field(default_factory=list)


def describe(bad: Mapping[str, Any]) -> str:
    """A bad row as ``file:line: field 'x': reason``."""
    what = f"field {bad['field']!r}: {bad['reason']}" if bad.get("field") else bad["reason"]
    return f"{bad['file']}:{bad['line']}: {what}"


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
    if not text.strip():
        return InputFormatError("empty text", path=path, line=line, field=spec.text_field,
                                kind="missing_text")
    return None


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
    results = pipeline.score_batch([_comment(r, spec) for r in records], spec.tier) if records else []
    merged = [{**rec, **res.to_record()} for rec, res in zip(records, results, strict=True)]
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
    raw = tio.encode_jsonl(merged) if spec.fmt == "jsonl" else tio.encode_csv(merged, names or ())
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
    for key in OUTPUT_FIELDS:
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


# --------------------------------------------------------------------------- workers

_PIPELINE: Any = None


def _watch_parent(pid: int) -> None:
    while True:
        time.sleep(1.0)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:  # pragma: no cover - someone else's process now has the pid
            os._exit(1)


def _init_worker(model_dir: str, parent_pid: int) -> None:
    """Process-pool initializer: one BLAS thread, the model loaded once, exit with the parent.

    Ctrl-C is the parent's to handle (it keeps the checkpoint); workers ignore it.
    """
    global _PIPELINE
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(Exception):
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    from triage.pipeline import load_pipeline

    _PIPELINE = load_pipeline(model_dir)
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()


def _score_in_worker(path: str, good: list[tuple[int, dict[str, Any]]], spec: EncodeSpec) -> ChunkOut:
    return score_chunk(_PIPELINE, path, good, spec)


class _Inline:
    """A stand-in for the process pool when ``workers == 1``: score in this process."""

    def __init__(self, pipeline: Any) -> None:
        self.pipeline = pipeline

    def submit(self, fn: Any, path: str, good: Any, spec: EncodeSpec) -> Future[ChunkOut]:
        fut: Future[ChunkOut] = Future()
        try:
            fut.set_result(score_chunk(self.pipeline, path, good, spec))
        except BaseException as exc:  # noqa: BLE001 - delivered through the future
            fut.set_exception(exc)
        return fut

    def shutdown(self, **_: Any) -> None:
        pass


def _pool(workers: int, model_dir: str) -> ProcessPoolExecutor:
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    ctx = multiprocessing.get_context(method)
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=_init_worker,
        initargs=(model_dir, os.getpid()),
    )


# --------------------------------------------------------------------------- progress


def _clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


class Progress:
    """A tqdm bar on a terminal, else a log line every ``every`` seconds (rows, rows/s, ETA)."""

    def __init__(self, total: int | None, unit: str, mode: str, every: float, echo: Echo,
                 done: int = 0, rows: int = 0) -> None:
        if mode == "auto":
            mode = "bar" if sys.stderr.isatty() else "log"
        self.mode, self.total, self.every, self.echo = mode, total, every, echo
        self.start = time.monotonic()
        self.last_log = self.start
        self.first_rows = rows
        self.rows = rows
        self.done = done
        self.first_done = done
        self.bar: Any = None
        if mode == "bar":
            from tqdm import tqdm

            scale = unit == "B"
            self.bar = tqdm(total=total, initial=done, unit=unit, unit_scale=scale,
                            unit_divisor=1024 if scale else 1000, desc="scoring", file=sys.stderr,
                            dynamic_ncols=True, smoothing=0.1)

    def rate(self) -> float:
        elapsed = time.monotonic() - self.start
        return (self.rows - self.first_rows) / elapsed if elapsed > 0 else 0.0

    def eta(self) -> float | None:
        elapsed = time.monotonic() - self.start
        if not self.total or self.done <= self.first_done or elapsed <= 0:
            return None
        speed = (self.done - self.first_done) / elapsed
        return max(0.0, (self.total - self.done) / speed)

    def update(self, rows: int, done: int) -> None:
        self.rows = rows
        if self.bar is not None:
            self.bar.set_postfix_str(f"{rows:,} rows, {self.rate():,.0f} rows/s", refresh=False)
            self.bar.update(done - self.done)
        self.done = done
        now = time.monotonic()
        if self.mode == "log" and now - self.last_log >= self.every:
            self.last_log = now
            self.echo(self.line())

    def line(self) -> str:
        text = f"scoring: {self.rows:,} rows, {self.rate():,.0f} rows/s"
        if self.total:
            text += f", {100 * self.done / self.total:.1f}%"
        eta = self.eta()
        if eta is not None:
            text += f", ETA {_clock(eta)}"
        return text

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _input_total(path: str, fmt: str) -> tuple[int | None, str]:
    """How much input there is, for the ETA: rows of a Parquet file, else (uncompressed) bytes."""
    if fmt == "parquet":
        return tio.parquet_rows(path), "rows"
    if path == tio.STDIO or tio.is_url(path):
        return None, "B"
    size = os.path.getsize(path)
    if tio.is_gzip(path):
        if size < 18:
            return None, "B"
        with open(path, "rb") as fh:  # the gzip trailer holds the length mod 2**32
            fh.seek(-4, os.SEEK_END)
            isize = int.from_bytes(fh.read(4), "little")
        return (isize if isize >= size else None), "B"
    return size, "B"


# --------------------------------------------------------------------------- output files


def _fsync_dir(path: str) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(os.path.dirname(os.path.abspath(path)) or ".", os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_atomic(path: str, data: bytes) -> None:
    tmp = path + ".tmp"
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path)


@dataclass
class _State:
    """Everything the checkpoint holds."""

    chunks: int = 0
    in_offset: int = 0
    in_line: int = 1
    rows: int = 0
    scored: int = 0
    bad: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    out_bytes: int = 0
    crc: int = 0
    size: int = 0
    errors_bytes: int = 0
    fieldnames: tuple[str, ...] | None = None
    schema: bytes | None = None
    started: bool = False  # the gzip header has been written
    header_done: bool = False  # the CSV header has been written


class _Output:
    """The output being written: ``.part`` (or stdout), Parquet chunk files, errors, checkpoint."""

    def __init__(self, output: str, out_fmt: str, errors_path: str | None, settings: dict[str, Any],
                 durable: bool = True) -> None:
        self.output = output
        self.fmt = out_fmt
        self.gzip = tio.is_gzip(output)
        self.stdout = output == tio.STDIO
        self.errors_path = errors_path
        self.settings = settings
        self.durable = durable and not self.stdout
        self.part = output + ".part"
        self.chunk_dir = output + ".part.d"
        self.ckpt = checkpoint_path(output)
        self.state = _State()
        self.fh: Any = None
        self.errors_fh: Any = None

    # -- opening
    def open_fresh(self) -> None:
        if self.stdout:
            sys.stdout.flush()
            self.fh = sys.stdout.buffer
        else:
            for stale in (self.part, self.ckpt):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(stale)
            shutil.rmtree(self.chunk_dir, ignore_errors=True)
            if self.fmt == "parquet":
                os.makedirs(self.chunk_dir)
            else:
                self.fh = open(self.part, "wb")  # noqa: SIM115 - closed in finish/abort
        if self.errors_path:
            self.errors_fh = open(self.errors_path, "wb")  # noqa: SIM115
        if self.durable:
            self._checkpoint()

    def open_resumed(self, saved: dict[str, Any]) -> None:
        s = self.state
        for key in ("chunks", "in_offset", "in_line", "rows", "scored", "bad", "out_bytes", "crc",
                    "size", "errors_bytes", "started", "header_done"):
            setattr(s, key, saved[key])
        s.kinds = Counter(saved["kinds"])
        s.fieldnames = tuple(saved["fieldnames"]) if saved["fieldnames"] is not None else None
        s.schema = bytes.fromhex(saved["schema"]) if saved["schema"] is not None else None
        if self.fmt == "parquet":
            if not os.path.isdir(self.chunk_dir):
                raise TriageError(f"cannot resume: {self.chunk_dir} is missing",
                                  hint="start over with --overwrite")
            for name in os.listdir(self.chunk_dir):
                if name.endswith(".parquet") and int(name.split("-")[1].split(".")[0]) >= s.chunks:
                    os.remove(os.path.join(self.chunk_dir, name))
        else:
            if not os.path.exists(self.part) or os.path.getsize(self.part) < s.out_bytes:
                raise TriageError(f"cannot resume: {self.part} is missing or shorter than the "
                                  "checkpoint says", hint="start over with --overwrite")
            self.fh = open(self.part, "r+b")  # noqa: SIM115
            self.fh.truncate(s.out_bytes)
            self.fh.seek(s.out_bytes)
        if self.errors_path:
            mode = "r+b" if os.path.exists(self.errors_path) else "wb"
            self.errors_fh = open(self.errors_path, mode)  # noqa: SIM115
            if os.path.getsize(self.errors_path) < s.errors_bytes:
                raise TriageError(f"cannot resume: {self.errors_path} is shorter than the "
                                  "checkpoint says", hint="start over with --overwrite")
            self.errors_fh.truncate(s.errors_bytes)
            self.errors_fh.seek(s.errors_bytes)

    # -- writing
    def _raw(self, data: bytes) -> None:
        self.fh.write(data)
        self.state.out_bytes += len(data)

    def _text(self, raw: bytes) -> None:
        """Uncompressed output bytes that the parent makes itself (headers)."""
        s = self.state
        s.crc, s.size = zlib.crc32(raw, s.crc), s.size + len(raw)
        self._raw(tio.deflate_segment(raw) if self.gzip else raw)

    def set_columns(self, fieldnames: tuple[str, ...] | None, schema: bytes | None) -> None:
        self.state.fieldnames, self.state.schema = fieldnames, schema

    def _start(self) -> None:
        s = self.state
        if not s.started:
            s.started = True
            if self.gzip:
                base = self.output[:-3] if self.output.lower().endswith(".gz") else self.output
                self._raw(tio.gzip_header(base))
        if self.fmt == "csv" and s.fieldnames is not None and not s.header_done:
            s.header_done = True
            self._text(tio.encode_csv_header(s.fieldnames))

    def write_chunk(self, out: ChunkOut, bad: list[dict[str, Any]], rows: int, end: int,
                    next_line: int) -> None:
        s = self.state
        self._start()
        if self.fmt == "parquet":
            if out.table is not None and out.table.num_rows:
                import pyarrow.parquet as pq

                name = os.path.join(self.chunk_dir, f"chunk-{s.chunks:09d}.parquet")
                tmp = name + ".tmp"
                pq.write_table(out.table, tmp)
                if self.durable:
                    with open(tmp, "rb") as fh:
                        os.fsync(fh.fileno())
                os.replace(tmp, name)
        elif out.data:
            self._raw(out.data)
            if self.gzip:
                s.crc = _crc_combine(s.crc, out.crc, out.size)
            s.size += out.size
        if bad:
            s.bad += len(bad)
            s.kinds.update(b["kind"] for b in bad)
            if self.errors_fh is not None:
                data = b"".join(tio.encode_jsonl([b]) for b in bad)
                self.errors_fh.write(data)
                s.errors_bytes += len(data)
            else:
                for b in bad:
                    _stderr(f"warning: {describe(b)}")
        s.chunks += 1
        s.rows += rows
        s.scored += out.rows
        s.in_offset, s.in_line = end, next_line
        if self.durable:
            self.fh and self._sync(self.fh)
            self.errors_fh and self._sync(self.errors_fh)
            self._checkpoint()
        elif self.stdout:
            self.fh.flush()

    @staticmethod
    def _sync(fh: Any) -> None:
        fh.flush()
        os.fsync(fh.fileno())

    def _checkpoint(self) -> None:
        s = self.state
        data = {
            "version": CHECKPOINT_VERSION,
            **self.settings,
            "chunks": s.chunks, "in_offset": s.in_offset, "in_line": s.in_line, "rows": s.rows,
            "scored": s.scored, "bad": s.bad, "kinds": dict(s.kinds), "out_bytes": s.out_bytes,
            "crc": s.crc, "size": s.size, "errors_bytes": s.errors_bytes, "started": s.started,
            "header_done": s.header_done,
            "fieldnames": list(s.fieldnames) if s.fieldnames is not None else None,
            "schema": s.schema.hex() if s.schema is not None else None,
        }
        _write_atomic(self.ckpt, json.dumps(data, indent=1).encode())

    # -- closing
    def finish(self) -> None:
        """Write the end of the file, publish it (rename), remove the checkpoint."""
        self._start()
        if self.fmt == "parquet":
            self._assemble_parquet()
        else:
            if self.gzip:
                self._raw(tio.gzip_trailer(self.state.crc, self.state.size))
            if self.stdout:
                self.fh.flush()
            else:
                self.fh.flush()
                if self.durable:
                    os.fsync(self.fh.fileno())
                self.fh.close()
        if self.errors_fh is not None:
            self.errors_fh.close()
            if self.state.bad == 0:
                with contextlib.suppress(FileNotFoundError):
                    os.remove(self.errors_path)  # type: ignore[arg-type]
        if not self.stdout:
            os.replace(self.part, self.output)
            _fsync_dir(self.output)
            shutil.rmtree(self.chunk_dir, ignore_errors=True)
            with contextlib.suppress(FileNotFoundError):
                os.remove(self.ckpt)

    def _assemble_parquet(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = pa.ipc.read_schema(pa.py_buffer(self.state.schema)) if self.state.schema else None
        names = sorted(n for n in os.listdir(self.chunk_dir) if n.endswith(".parquet"))
        if schema is None:
            schema = tio.output_schema(list(OUTPUT_FIELDS))
        with pq.ParquetWriter(self.part, schema) as writer:
            pending: list[Any] = []
            count = 0
            for name in names:
                table = pq.read_table(os.path.join(self.chunk_dir, name), schema=schema)
                pending.append(table)
                count += table.num_rows
                if count >= PARQUET_GROUP_ROWS:
                    writer.write_table(pa.concat_tables(pending), row_group_size=PARQUET_GROUP_ROWS)
                    pending, count = [], 0
            if pending:
                writer.write_table(pa.concat_tables(pending), row_group_size=PARQUET_GROUP_ROWS)
        if self.durable:
            with open(self.part, "rb") as fh:
                os.fsync(fh.fileno())

    def close_files(self) -> None:
        """Close without publishing (the checkpoint stays, for ``--resume``)."""
        for fh in (self.fh, self.errors_fh):
            if fh is not None and fh is not getattr(sys.stdout, "buffer", None):
                with contextlib.suppress(Exception):
                    fh.close()

    def discard(self) -> None:
        """After a fatal error: keep ``.part`` for inspection, forget the checkpoint."""
        self.close_files()
        if not self.stdout:
            with contextlib.suppress(FileNotFoundError):
                os.remove(self.ckpt)
            shutil.rmtree(self.chunk_dir, ignore_errors=True)
        if self.errors_path and self.state.bad == 0:
            with contextlib.suppress(FileNotFoundError):
                os.remove(self.errors_path)


def _crc_combine(crc1: int, crc2: int, len2: int) -> int:
    """CRC-32 of A+B from crc(A), crc(B) and len(B) (zlib's crc32_combine, in Python)."""
    # GF(2) matrix method, as in zlib's crc32.c.
    def gf2_times(mat: list[int], vec: int) -> int:
        total, i = 0, 0
        while vec:
            if vec & 1:
                total ^= mat[i]
            vec >>= 1
            i += 1
        return total

    def gf2_square(mat: list[int]) -> list[int]:
        return [gf2_times(mat, mat[n]) for n in range(32)]

    if len2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << (n - 1) for n in range(1, 32)]
    even = gf2_square(odd)
    odd = gf2_square(even)
    while True:
        even = gf2_square(odd)
        if len2 & 1:
            crc1 = gf2_times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = gf2_square(even)
        if len2 & 1:
            crc1 = gf2_times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2


# --------------------------------------------------------------------------- the run


def check_model(directory: Path, tier: Tier) -> str:
    """The model's name, after checking its files and that it has ``tier``, without loading it
    (the parent of the workers need not hold a copy of the model in memory).

    Raises:
        ModelNotFoundError, ConfigError: as :func:`triage.pipeline.load_pipeline` would.
    """
    from triage.errors import ConfigError
    from triage.pipeline import _tier_configs, read_model_config

    name, config = read_model_config(directory)
    if tier not in _tier_configs(config):
        raise ConfigError(f"model {name} has no {tier.value} tier", hint="use --tier fast")
    return name


def _input_identity(path: str) -> dict[str, Any]:
    if path == tio.STDIO or tio.is_url(path):
        return {"path": path}
    st = os.stat(path)
    return {"path": os.path.abspath(path), "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _load_checkpoint(output: str) -> dict[str, Any] | None:
    try:
        data = json.loads(Path(checkpoint_path(output)).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise TriageError(f"unreadable checkpoint {checkpoint_path(output)}: {exc}",
                          hint="start over with --overwrite") from None
    if data.get("version") != CHECKPOINT_VERSION:
        raise TriageError(f"{checkpoint_path(output)} was written by another version of triage",
                          hint="start over with --overwrite")
    return data


def score_file(
    input: str,
    output: str,
    *,
    model: str | Path | None = None,
    options: BatchOptions = BatchOptions(),  # noqa: B008 - frozen
    echo: Echo = _stderr,
    pipeline: Any = None,
) -> Summary:
    """Score every comment of ``input`` into ``output`` (see the module docstring).

    ``pipeline``: an already loaded model to use in this process (``workers == 1``; tests).

    Raises:
        InputFormatError: the input cannot be read at all, or (``strict``) its first bad row.
        TriageError: bad options, a model that cannot be loaded, a checkpoint in the way.
    """
    from triage.data import DEFAULT_MODEL_DIR
    from triage.pipeline import load_pipeline

    in_fmt = tio.detect_format(input, options.fmt)
    if output == tio.STDIO:
        out_fmt = tio.detect_format("-", options.out_fmt)
        if out_fmt == "parquet":
            raise TriageError("Parquet cannot be written to standard output", hint="pass -o FILE")
        if options.resume:
            raise TriageError("--resume needs an output file", hint="pass -o FILE")
    else:
        out_fmt = tio.detect_format(output, options.out_fmt)
        if tio.is_url(output):
            raise TriageError("the local engine writes local files only",
                              hint="use --engine dask for fsspec URLs")
    if options.resume and input == tio.STDIO:
        raise TriageError("--resume cannot re-read standard input", hint="pass the input file")
    tio.scan_records(input, fmt=in_fmt)  # existence and format, before loading anything
    model_dir = Path(model) if model is not None else DEFAULT_MODEL_DIR
    tier = Tier(options.tier)
    workers = options.workers or default_workers()
    model_name = check_model(model_dir, tier)
    if pipeline is None and workers == 1:
        pipeline = load_pipeline(model_dir)

    errors_path = options.errors_path
    if errors_path is None and output != tio.STDIO:
        errors_path = errors_path_for(output)
    settings = {
        "input": _input_identity(input),
        "format": in_fmt,
        "output_format": out_fmt,
        "text_field": options.text_field,
        "id_field": options.id_field,
        "tier": tier.value,
        "model": model_name,
        "chunk_rows": options.chunk_rows,
        "errors": errors_path,
    }
    saved = _load_checkpoint(output) if output != tio.STDIO else None
    chunk_rows = options.chunk_rows
    if options.resume:
        if saved is None:
            done = " (it is complete)" if os.path.exists(output) else ""
            raise TriageError(f"nothing to resume: no checkpoint {checkpoint_path(output)}{done}",
                              hint="run without --resume to score the file")
        chunk_rows = saved["chunk_rows"]
        settings["chunk_rows"] = chunk_rows
        for key in ("input", "format", "output_format", "text_field", "id_field", "tier", "model",
                    "errors"):
            if saved.get(key) != settings[key]:
                raise TriageError(
                    f"cannot resume: {key} differs from the interrupted run "
                    f"({saved.get(key)!r} then, {settings[key]!r} now)",
                    hint="run with the same input, options and model, or start over with --overwrite")
    elif saved is not None and not options.overwrite:
        raise TriageError(
            f"an interrupted run of {output} stopped after row {saved['rows']:,} "
            f"(checkpoint {checkpoint_path(output)})",
            hint="pass --resume to continue it, or --overwrite to start over")

    spec = EncodeSpec(out_fmt, tio.is_gzip(output), options.text_field, options.id_field, tier.value)
    out = _Output(output, out_fmt, errors_path, settings)
    if options.resume:
        assert saved is not None
        out.open_resumed(saved)
    else:
        out.open_fresh()
    state = out.state
    if state.fieldnames is not None or state.schema is not None:
        spec = EncodeSpec(spec.fmt, spec.gzip, spec.text_field, spec.id_field, spec.tier,
                          state.fieldnames, state.schema)
    decided = not (out_fmt in ("csv", "parquet") and spec.fieldnames is None and spec.schema is None)

    total, unit = _input_total(input, in_fmt)
    resumed_at = state.rows
    progress = Progress(total, unit, options.progress, options.log_every, echo,
                        done=state.in_offset, rows=state.rows)
    started = time.monotonic()
    if options.resume:
        echo(f"resuming {output} after row {state.rows:,} (line {state.in_line:,})")
    if workers > 1:
        executor: Any = _pool(workers, str(model_dir))
    else:
        executor = _Inline(pipeline)
    pending: deque[tuple[Future[ChunkOut], list[dict[str, Any]], int, int, int]] = deque()

    def drain_one() -> None:
        fut, bad, rows, end, next_line = pending.popleft()
        result = fut.result()
        bad_all = sorted(bad + result.bad, key=lambda b: b["line"]) if result.bad else bad
        if options.strict and bad_all:
            first = bad_all[0]
            raise InputFormatError(first["reason"], path=first["file"], line=first["line"],
                                   field=first["field"], kind=first["kind"])
        out.write_chunk(result, bad_all, rows, end, next_line)
        progress.update(state.rows, state.in_offset)

    ok = False
    try:
        rows_iter = tio.scan_records(input, fmt=in_fmt, start=state.in_offset, start_line=state.in_line)
        for chunk in chunked(rows_iter, chunk_rows):
            good, errors = split_valid(input, chunk, spec)
            if options.strict and errors:
                while pending:
                    drain_one()
                raise errors[0]
            if not decided and good:
                fieldnames, schema = decide_columns(out_fmt, [r for _, r in good],
                                                    input_path=input, in_fmt=in_fmt)
                spec = EncodeSpec(spec.fmt, spec.gzip, spec.text_field, spec.id_field, spec.tier,
                                  fieldnames, schema)
                out.set_columns(fieldnames, schema)
                decided = True
            bad = [bad_record(input, e) for e in errors]
            last = chunk[-1]
            fut = executor.submit(_score_in_worker, input, good, spec) if good else _done(ChunkOut())
            pending.append((fut, bad, len(chunk), last.end, last.next_line))
            while len(pending) >= 2 * workers:
                drain_one()
        while pending:
            drain_one()
        if not decided:
            fieldnames, schema = decide_columns(out_fmt, [], input_path=input, in_fmt=in_fmt)
            out.set_columns(fieldnames, schema)
        out.finish()
        ok = True
    except TriageError:
        out.discard()  # a fatal input error: resuming would only meet it again
        raise
    except BrokenProcessPool:
        out.close_files()
        raise TriageError(
            "a worker process died (out of memory, or killed)",
            hint="continue with --resume; fewer --workers or a smaller --batch-size use less memory",
        ) from None
    except BaseException:
        out.close_files()  # Ctrl-C, a bug: the checkpoint stays and --resume continues from it
        raise
    finally:
        progress.close()
        executor.shutdown(wait=ok, cancel_futures=True)
    return Summary(output, state.rows, state.scored, state.bad, state.kinds,
                   time.monotonic() - started, errors_path if state.bad else None, resumed_at)


def _done(value: ChunkOut) -> Future[ChunkOut]:
    fut: Future[ChunkOut] = Future()
    fut.set_result(value)
    return fut
