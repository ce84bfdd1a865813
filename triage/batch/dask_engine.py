"""``triage score --engine dask``: the same chunk scoring as :mod:`triage.batch.engine`, on a Dask cluster.

The input is one file, a directory, a glob or an fsspec URL of JSONL / CSV (gzip ok) / Parquet
files. It is cut into partitions: Parquet files into row ranges of a whole number of chunks (so
that the chunks, and a Parquet output's bytes, are the local engine's), plain JSONL and CSV files
into byte ranges of about ``blocksize`` that start on record boundaries (found by one pass that
counts newlines and, for CSV, quote parity, so a quoted field with newlines is never split and every
bad row keeps its true line number), a gzip file is one partition. Each partition is a task that
opens its file on the worker (fsspec), scores it chunk by chunk with
:func:`triage.batch.engine.score_chunk`, and either

* writes ``OUTPUT/part-00000.<ext>`` itself, when ``OUTPUT`` is a directory (ends with ``/`` or
  has no extension), or
* returns the encoded chunks to the client, which appends them to one file in partition order
  (the same bytes the local engine writes: identical JSONL/CSV, identical Parquet rows).

The model is shipped once per worker: a worker plugin carries the model directory's files
(about 11 MB), writes them to a temporary directory on each worker and loads the pipeline there
once; tasks look it up by the model's content hash. Nothing is loaded per partition or per row.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

from triage import formats as tio
from triage.batch.chunks import (
    ChunkOut,
    EncodeSpec,
    bad_record,
    chunked,
    decide_columns,
    score_chunk,
    split_valid,
)
from triage.batch.engine import check_bad_rows, check_model, warn_missing_id
from triage.batch.options import (
    DEFAULT_CHUNK_ROWS,
    BadRowLimit,
    BatchOptions,
    Echo,
    Summary,
    _stderr,
    check_errors_path,
    errors_path_for,
)
from triage.batch.output import _Output
from triage.batch.progress import Progress
from triage.errors import ConfigError, InputFormatError
from triage.types import Tier

__all__ = ["ModelPlugin", "Partition", "plan_partitions", "score_with_dask"]

#: Parquet partitions: about this many rows, a whole number of chunks. A task keeps its
#: partition's scored tables until the client takes them (a few in flight), so smaller
#: partitions lower the peak memory.
PARQUET_PARTITION_ROWS = 10_000
_SCAN_BLOCK = 8 << 20

# --------------------------------------------------------------------------- model on workers

_PIPELINES: dict[str, Any] = {}
_LOCKS: dict[str, threading.Lock] = {}
_GUARD = threading.Lock()


def _model_files(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


class ModelPlugin(WorkerPlugin):
    """A Dask worker plugin that carries a model directory and loads it once per worker."""

    name = "triage-model"

    def __init__(self, directory: Path) -> None:
        self.files = _model_files(directory)
        digest = hashlib.sha256()
        for name, data in self.files.items():
            digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
        self.key = digest.hexdigest()[:16]
        self.tmp: str | None = None

    def setup(self, worker: Any = None) -> None:  # noqa: ARG002 - the WorkerPlugin signature
        with _GUARD:
            if self.key in _PIPELINES:  # several threaded workers in one process share it
                return
            from triage.pipeline.core import load_pipeline

            self.tmp = tempfile.mkdtemp(prefix=f"triage-model-{self.key}-")
            for name, data in self.files.items():
                path = Path(self.tmp, name)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
            _PIPELINES[self.key] = load_pipeline(self.tmp, cache_identity=self.key)
            _LOCKS[self.key] = threading.Lock()
            self.files = {}  # on disk and loaded: no second copy in the worker's memory

    def teardown(self, worker: Any = None) -> None:  # noqa: ARG002
        if self.tmp:
            import shutil

            shutil.rmtree(self.tmp, ignore_errors=True)


def _pipeline(key: str) -> tuple[Any, threading.Lock]:
    try:
        return _PIPELINES[key], _LOCKS[key]
    except KeyError:
        raise RuntimeError("the triage model plugin is not set up on this worker") from None


# --------------------------------------------------------------------------- partitions


@dataclass(frozen=True)
class Partition:
    """A slice of one input file: bytes ``[start, end)`` from line ``line`` (rows for Parquet)."""

    path: str
    fmt: str
    start: int = 0
    end: int | None = None
    line: int = 1


def _fs(path: str) -> tuple[Any, str]:
    import fsspec.core

    return fsspec.core.url_to_fs(path)


def _join(fs: Any, path: str) -> str:
    protocol = fs.protocol[0] if isinstance(fs.protocol, tuple | list) else fs.protocol
    return path if protocol in ("file", "local") else f"{protocol}://{path}"


def list_inputs(source: str, fmt: str | None) -> list[str]:
    """The input files of ``source``: itself, the matching files of a directory, or a glob."""
    if source == tio.STDIO:
        raise ConfigError("the Dask engine reads files, not standard input")
    fs, path = _fs(source)
    if any(c in path for c in "*?["):
        found = sorted(fs.glob(path))
    elif fs.isdir(path):
        found = []
        for p in sorted(fs.find(path)):
            name = os.path.basename(p)
            if name.startswith(("_", ".")):
                continue
            try:
                tio.detect_format(p, fmt if fmt and not p.lower().endswith(".gz") else None)
            except InputFormatError:
                if fmt is None:
                    continue
            found.append(p)
    elif fs.exists(path):
        return [source]  # as given: bad rows name the file the way the user did
    else:
        raise InputFormatError("file not found", path=source)
    if not found:
        raise InputFormatError("no input files found", path=source)
    return [_join(fs, p) for p in found]


def _split_points(path: str, fmt: str, blocksize: int) -> list[tuple[int, int]]:
    """``(byte offset, line)`` where each partition of a plain text file starts."""
    starts = [(0, 1)]
    target = blocksize
    quotes = 0  # quote characters before the current block (CSV)
    lines = 0  # newlines before the current block
    offset = 0
    with tio._open_binary(path) as fh:
        while block := fh.read(_SCAN_BLOCK):
            pos = max(0, target - offset)
            while pos < len(block):
                nl = block.find(b"\n", pos)
                if nl < 0:
                    break
                if fmt == "csv" and (quotes + block.count(b'"', 0, nl)) % 2:
                    pos = nl + 1  # inside a quoted field: try the next newline
                    continue
                starts.append((offset + nl + 1, lines + block.count(b"\n", 0, nl) + 2))
                target = offset + nl + 1 + blocksize
                pos = max(nl + 1, target - offset)
            quotes += block.count(b'"') if fmt == "csv" else 0
            lines += block.count(b"\n")
            offset += len(block)
    return [s for s in starts if s[0] < offset] or [(0, 1)]


def plan_partitions(files: list[str], fmt: str | None, blocksize: int,
                    chunk_rows: int = DEFAULT_CHUNK_ROWS) -> list[Partition]:
    """Cut the input files into partitions (see the module docstring).

    A Parquet file is cut every whole number of chunks (``chunk_rows``) near
    :data:`PARQUET_PARTITION_ROWS` rows, whatever its row groups: the chunks are then the local
    engine's, and so are the bytes of a Parquet output.
    """
    parts: list[Partition] = []
    step = max(1, round(PARQUET_PARTITION_ROWS / chunk_rows)) * chunk_rows
    for path in files:
        kind = tio.detect_format(path, fmt)
        if kind == "parquet":
            rows = tio.parquet_rows(path)
            for begin in range(0, max(rows, 1), step):
                parts.append(Partition(path, kind, begin, min(begin + step, rows), begin + 1))
        elif tio.is_gzip(path):
            parts.append(Partition(path, kind))
        else:
            points = _split_points(path, kind, blocksize)
            for i, (start, line) in enumerate(points):
                end = points[i + 1][0] if i + 1 < len(points) else None
                parts.append(Partition(path, kind, start, end, line))
    return parts


# --------------------------------------------------------------------------- tasks


@dataclass
class PartResult:
    """What a partition task returns: encoded chunks (none if it wrote a file), bad rows."""

    chunks: list[ChunkOut] = field(default_factory=list)
    rows: int = 0
    scored: int = 0
    bad: list[dict[str, Any]] = field(default_factory=list)
    written: str | None = None


def _score_partition(part: Partition, spec: EncodeSpec, chunk_rows: int, key: str,
                     target: str | None) -> PartResult:
    pipeline, lock = _pipeline(key)
    result = PartResult()
    rows = tio.scan_records(part.path, fmt=part.fmt, start=part.start, start_line=part.line,
                            end=part.end)
    for chunk in chunked(rows, chunk_rows):
        good, errors = split_valid(part.path, chunk, spec)
        if good:
            with lock:
                out = score_chunk(pipeline, part.path, good, spec)
        else:
            out = ChunkOut()
        bad = [bad_record(part.path, e) for e in errors] + out.bad
        result.bad.extend(sorted(bad, key=lambda b: b["line"]))
        out.bad = []
        result.rows += len(chunk)
        result.scored += out.rows
        result.chunks.append(out)
    if target is not None:
        _write_partition(target, spec, result.chunks)
        result.chunks, result.written = [], target
    return result


def _write_partition(target: str, spec: EncodeSpec, chunks: list[ChunkOut]) -> None:
    """One output partition file, written under a temporary name and then moved into place."""
    import fsspec

    fs, path = _fs(target)
    tmp = path + ".tmp"
    with fsspec.open(_join(fs, tmp), "wb") as fh:
        if spec.fmt == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            schema = pa.ipc.read_schema(pa.py_buffer(spec.schema))
            with pq.ParquetWriter(fh, schema) as writer:
                for c in chunks:
                    if c.table is not None and c.table.num_rows:
                        writer.write_table(c.table)
        else:
            if spec.fmt == "csv" and spec.fieldnames is not None:
                fh.write(tio.encode_csv_header(spec.fieldnames))
            for c in chunks:
                fh.write(c.data)
    fs.mv(tmp, path)


# --------------------------------------------------------------------------- the run


def _is_directory_target(output: str) -> bool:
    if output.endswith("/"):
        return True
    fs, path = _fs(output)
    if fs.isdir(path):
        return True
    base = os.path.basename(path.rstrip("/"))
    return "." not in base


@contextlib.contextmanager
def _client(scheduler: str | None, workers: int, processes: bool | None = None) -> Iterator[Any]:
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout="30s")
        except (OSError, TimeoutError) as exc:
            raise ConfigError(f"cannot reach the Dask scheduler at {scheduler} ({exc})",
                              hint="check the address, the port (8786) and the firewall") from None
        with client:
            yield client
        return
    with LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True if processes is None else processes,
        dashboard_address=":0",  # any free port: never "8787 is already in use"
        silence_logs=logging.ERROR,
    ) as cluster, Client(cluster) as client:
        yield client


def score_with_dask(
    input: str,
    output: str,
    *,
    model: str | Path | None = None,
    options: BatchOptions = BatchOptions(),  # noqa: B008 - frozen
    scheduler: str | None = None,
    blocksize: int = 8 << 20,
    processes: bool | None = None,
    client: Any = None,
    echo: Echo = _stderr,
) -> Summary:
    """Score ``input`` on a Dask cluster into ``output`` (one file, or a directory of parts).

    ``client``: an existing ``distributed.Client`` (tests); else one to ``scheduler``, or to a
    LocalCluster of ``options.workers`` workers (default 2) when no address is given.
    """
    from triage.training.registry import resolve_model_dir

    if options.resume:
        raise ConfigError("--resume is for the local engine")
    if output == tio.STDIO:
        raise ConfigError("the Dask engine writes files", hint="pass -o FILE or -o DIRECTORY/")
    check_errors_path(options.errors_path, input, output)
    limit = BadRowLimit.parse(options.max_bad_rows)
    files = list_inputs(input, options.fmt)
    in_fmt = tio.detect_format(files[0], options.fmt)
    model_dir = resolve_model_dir(model)
    tier = Tier(options.tier)
    check_model(model_dir, tier)  # before any cluster starts
    partitioned = _is_directory_target(output)
    if partitioned:
        out_fmt = tio.detect_format("x", options.out_fmt) if options.out_fmt else in_fmt
        errors_path = options.errors_path or errors_path_for(output.rstrip("/"))
    else:
        out_fmt = tio.detect_format(output, options.out_fmt)
        errors_path = options.errors_path or errors_path_for(output)
        if tio.is_url(output):
            raise ConfigError("a single output file must be local; give a directory URL for "
                              "partitioned output", hint="-o s3://bucket/scored/")
    spec = EncodeSpec(out_fmt, tio.is_gzip(output) and not partitioned, options.text_field,
                      options.id_field, tier.value, escape_formulas=options.escape_formulas)
    # The output columns: the same rule as the local engine (the first chunk with good rows).
    for chunk in chunked(tio.scan_records(files[0], fmt=in_fmt), options.chunk_rows):
        good, _ = split_valid(files[0], chunk, spec)
        if good:
            break
    else:
        good = []
    if options.check_id_field:
        warn_missing_id([r for _, r in good], options.id_field, files[0], echo)
    fieldnames, schema = decide_columns(out_fmt, [r for _, r in good], input_path=files[0],
                                        in_fmt=in_fmt)
    spec = replace(spec, fieldnames=fieldnames, schema=schema)
    check = _BadRowCheck(input, in_fmt, limit, errors_path)
    parts = plan_partitions(files, options.fmt, blocksize, options.chunk_rows)
    echo(f"dask: {len(files)} input file(s), {len(parts)} partition(s)")
    started = time.monotonic()
    summary = Summary(output, errors_path=None)
    out: _Output | None = None
    try:
        with contextlib.ExitStack() as stack:
            if client is None:
                client = stack.enter_context(_client(scheduler, options.workers or 2, processes))
            plugin = ModelPlugin(model_dir)
            _register(client, plugin)
            plugin.files = {}  # the scheduler holds it for the workers now
            if partitioned:
                _run_partitioned(client, parts, spec, options, plugin.key, output, errors_path,
                                 summary, echo, check)
            else:
                out = _run_single(client, parts, spec, options, plugin.key, output, out_fmt,
                                  errors_path, echo, check)
        # The single output file is published after the cluster has closed: assembling a
        # Parquet file takes memory, and the workers (each with the model) are gone by then.
        if out is not None:
            out.finish()
    except BaseException:
        if out is not None:
            out.discard()
        raise
    if out is not None:
        _fill(summary, out.state.rows, out.state.scored, out.state.bad, out.state.kinds,
              errors_path)
    summary.seconds = time.monotonic() - started
    return summary


@dataclass
class _BadRowCheck:
    """:func:`triage.batch.engine.check_bad_rows` for a Dask run."""

    input: str
    in_fmt: str
    limit: BadRowLimit | None
    errors_path: str

    def __call__(self, rows: int, scored: int, bad: list[dict[str, Any]] | int, kinds: Any,
                 first: dict[str, Any] | None, *, final: bool) -> None:
        check_bad_rows(self.input, self.in_fmt, rows=rows, scored=scored,
                       bad=bad if isinstance(bad, int) else len(bad), kinds=kinds, first=first,
                       limit=self.limit, errors_path=self.errors_path, final=final)


def _register(client: Any, plugin: ModelPlugin) -> None:
    client.register_plugin(plugin, name=f"triage-model-{plugin.key}")


def _in_order(parts: list[Partition], submit: Any, inflight: int) -> Iterator[Any]:
    """Submit tasks with at most ``inflight`` outstanding; yield results in partition order."""
    pending: deque[Any] = deque()
    for i, part in enumerate(parts):
        pending.append(submit(i, part))
        if len(pending) >= inflight:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _workers(client: Any) -> int:
    try:
        return max(1, len(client.scheduler_info().get("workers", {})))
    except Exception:  # noqa: BLE001 - a guess is fine for the in-flight bound
        return 2


def _run_single(client: Any, parts: list[Partition], spec: EncodeSpec, options: BatchOptions,
                key: str, output: str, out_fmt: str, errors_path: str,
                echo: Echo, check: _BadRowCheck) -> _Output:
    """Score the partitions into ``OUTPUT.part``; the caller publishes it (``finish``)."""
    out = _Output(output, out_fmt, errors_path, {}, durable=False)
    out.open_fresh()
    out.set_columns(spec.fieldnames, spec.schema)
    progress = Progress(len(parts), "parts", options.progress, options.log_every, echo)

    def submit(i: int, part: Partition) -> Any:
        return client.submit(_score_partition, part, spec, options.chunk_rows, key, None,
                             key=f"triage-score-{key}-{i}-{time.time_ns()}", pure=False)

    try:
        done = 0
        for result in _in_order(parts, submit, _workers(client) + 1):
            if options.strict and result.bad:
                first = result.bad[0]
                raise InputFormatError(first["reason"], path=first["file"], line=first["line"],
                                       field=first["field"], kind=first["kind"])
            chunks = result.chunks or [ChunkOut()]
            for j, chunk in enumerate(chunks):
                last = j == len(chunks) - 1
                out.write_chunk(chunk, result.bad if last else [], result.rows if last else 0, 0, 1)
            done += 1
            progress.update(out.state.rows, done)
            st = out.state
            check(st.rows, st.scored, st.bad, st.kinds, st.first_bad, final=False)
        st = out.state
        check(st.rows, st.scored, st.bad, st.kinds, st.first_bad, final=True)
    except BaseException:
        out.discard()
        raise
    finally:
        progress.close()
    return out


def _run_partitioned(client: Any, parts: list[Partition], spec: EncodeSpec, options: BatchOptions,
                     key: str, output: str, errors_path: str, summary: Summary,
                     echo: Echo, check: _BadRowCheck) -> None:
    import fsspec

    fs, root = _fs(output)
    fs.makedirs(root, exist_ok=True)
    ext = {"jsonl": "jsonl", "csv": "csv", "parquet": "parquet"}[spec.fmt]
    progress = Progress(len(parts), "parts", options.progress, options.log_every, echo)

    submitted: list[tuple[str, Any]] = []

    def submit(i: int, part: Partition) -> Any:
        target = _join(fs, f"{root.rstrip('/')}/part-{i:05d}.{ext}")
        fut = client.submit(_score_partition, part, spec, options.chunk_rows, key, target,
                            key=f"triage-score-{key}-{i}-{time.time_ns()}", pure=False)
        submitted.append((target, fut))
        return fut

    from collections import Counter

    kinds: Counter[str] = Counter()
    rows = scored = bad = 0
    first_bad: dict[str, Any] | None = None
    buf = io.BytesIO()

    def save_errors() -> None:
        if bad:
            with fsspec.open(errors_path, "wb") as fh:
                fh.write(buf.getvalue())

    try:
        for done, result in enumerate(_in_order(parts, submit, _workers(client) + 1), 1):
            if options.strict and result.bad:
                first = result.bad[0]
                raise InputFormatError(first["reason"], path=first["file"], line=first["line"],
                                       field=first["field"], kind=first["kind"])
            rows, scored, bad = rows + result.rows, scored + result.scored, bad + len(result.bad)
            kinds.update(b["kind"] for b in result.bad)
            if first_bad is None and result.bad:
                first_bad = result.bad[0]
            buf.write(tio.encode_jsonl(result.bad))
            progress.update(rows, done)
            check(rows, scored, bad, kinds, first_bad, final=False)
        check(rows, scored, bad, kinds, first_bad, final=True)
    except InputFormatError:
        # A failed run publishes nothing: remove the part files it wrote (after the tasks still
        # in flight end), keep the bad rows.
        from distributed import wait

        with contextlib.suppress(Exception):
            wait([fut for _, fut in submitted], timeout=600)
        for target, _ in submitted:
            with contextlib.suppress(OSError):
                fs.rm(_fs(target)[1])
        save_errors()
        raise
    finally:
        progress.close()
    save_errors()
    _fill(summary, rows, scored, bad, kinds, errors_path)
    with fsspec.open(_join(fs, f"{root.rstrip('/')}/_SUCCESS"), "wb") as fh:
        fh.write(json.dumps({"rows": rows, "scored": scored, "bad": bad,
                             "parts": len(parts)}).encode())


def _fill(summary: Summary, rows: int, scored: int, bad: int, kinds: Any, errors_path: str) -> None:
    summary.rows, summary.scored, summary.bad = rows, scored, bad
    summary.kinds.update(kinds)
    summary.errors_path = errors_path if bad else None
