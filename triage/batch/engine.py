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
compressed deflate segments (:func:`triage.formats.deflate_segment`), and Parquet chunks are kept as
files in ``<output>.part.d/`` until the end, when they become the row groups of one file.
``<output>`` appears only when everything is written (``.part`` then rename), so partial output
is never mistaken for a complete one.

Bad rows (no text, invalid JSON, broken CSV quoting, invalid UTF-8, an oversized field or line,
a value that does not fit the output columns) are written to ``<output>.errors.jsonl`` (file,
line, kind, reason), counted, summed up at the end, and the job goes on; with ``strict`` the
first one raises :class:`~triage.errors.InputFormatError` instead. A run in which no row could
be scored, or with more bad rows than ``max_bad_rows`` (default: half of them), fails: it raises
:class:`~triage.errors.InputFormatError` naming the file, and publishes nothing (``.part``
and the checkpoint are removed; the errors file stays, it says why).

The chunk functions here (:func:`split_valid`, :func:`score_chunk`) are also what the Dask
engine (:mod:`triage.batch.dask_engine`) runs on its workers, so both engines write the same rows.

The pieces: :mod:`triage.batch.options` (what to do, what was done), :mod:`triage.batch.chunks`,
:mod:`triage.batch.workers`, :mod:`triage.batch.progress`, :mod:`triage.batch.output` (the
checkpointed ``.part`` file and resume) and :mod:`triage.formats` (readers and writers).
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import deque
from concurrent.futures import BrokenExecutor, Future
from dataclasses import replace
from pathlib import Path
from typing import Any

from triage import formats as tio
from triage.batch.chunks import (
    ChunkOut,
    EncodeSpec,
    bad_record,
    chunked,
    decide_columns,
    split_valid,
    what_is_wrong,
)
from triage.batch.options import (
    CHECKPOINT_VERSION,
    BadRowLimit,
    BatchOptions,
    Echo,
    Summary,
    _stderr,
    check_errors_path,
    checkpoint_path,
    default_workers,
    errors_path_for,
)
from triage.batch.output import _Output
from triage.batch.progress import (
    Progress,
    _input_total,
)
from triage.batch.workers import (
    _Inline,
    _pool,
    _score_in_worker,
)
from triage.errors import InputFormatError, TriageError
from triage.types import Tier

# --------------------------------------------------------------------------- the run


def check_model(directory: Path, tier: Tier) -> str:
    """The model's name, after checking its files and that it has ``tier``, without loading it
    (the parent of the workers need not hold a copy of the model in memory).

    Raises:
        ModelNotFoundError, ConfigError: as :func:`triage.pipeline.core.load_pipeline` would.
    """
    from triage.errors import ConfigError
    from triage.pipeline.core import _tier_configs, read_model_config

    name, config = read_model_config(directory)
    if tier not in _tier_configs(config):
        raise ConfigError(f"model {name} has no {tier.value} tier", hint="use --tier fast")
    return name


def warn_missing_id(records: list[dict[str, Any]], id_field: str, input: str, echo: Echo) -> None:
    """Warn when none of ``records`` (the first chunk's good rows) has ``id_field``."""
    for record in records:
        try:
            tio.get_field(record, id_field)
        except KeyError:
            continue
        return
    if records:
        echo(f"warning: {input}: no row of the first chunk has the id field {id_field!r} "
             "(--id-field); the output rows carry no id from it")


_KIND_HINTS = {
    "missing_text": "choose the text column with --text-field",
    "invalid_json": "is this really a JSON Lines file? (--format)",
    "bad_quoting": "is this really a CSV file, with \" quoting and a comma delimiter?",
    "bad_encoding": "convert the file to UTF-8 (the reason names the iconv command)",
}


def _columns_hint(input: str, in_fmt: str) -> str:
    try:
        if in_fmt == "csv":
            names = tio.csv_header(input)[0]
        elif in_fmt == "parquet":
            names = list(tio.parquet_input_schema(input).names)
        else:
            return ""
    except TriageError:
        return ""
    shown = ", ".join(names[:20]) + (", ..." if len(names) > 20 else "")
    return f" (the columns are: {shown})"


def check_bad_rows(input: str, in_fmt: str, *, rows: int, scored: int, bad: int,
                   kinds: Any, first: dict[str, Any] | None, limit: BadRowLimit | None,
                   errors_path: str | None, final: bool) -> None:
    """Raise when the run must fail for its bad rows: none of its rows could be scored
    (``final``), or more bad rows than ``limit`` (a count: as soon as it is passed; a
    percentage: at the end).

    Raises:
        InputFormatError: ``<input>: <why>``, with the first bad row and a hint.
    """
    if not bad:
        return
    every = final and scored == 0
    over = limit is not None and (final or limit.count is not None) and limit.exceeded(bad, rows)
    if not (every or over):
        return
    summary = ", ".join(f"{k}: {n:,}" for k, n in sorted(kinds.items()))
    if every:
        why = f"no row could be read: all {rows:,} rows are bad ({summary})"
    else:
        assert limit is not None
        why = (f"{bad:,} bad rows of {rows:,} read ({summary}), more than --max-bad-rows "
               f"{limit.describe()}")
    if first is not None:
        why += f"; the first, line {first['line']}: {what_is_wrong(first)}"
    hint = _KIND_HINTS.get(first["kind"], "") if first is not None else ""
    if first is not None and first["kind"] == "missing_text":
        hint += _columns_hint(input, in_fmt)
    if errors_path:
        hint = (hint + "; " if hint else "") + f"every bad row is in {errors_path}"
    if over and not every:
        hint += "; --max-bad-rows N or P% allows more"
    raise InputFormatError(why, path=input, hint=hint or None, kind="too_many_bad_rows")


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
    from triage.pipeline.core import load_pipeline
    from triage.training.registry import resolve_model_dir

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
    check_errors_path(options.errors_path, input, output)
    limit = BadRowLimit.parse(options.max_bad_rows)
    tio.scan_records(input, fmt=in_fmt)  # existence and format, before loading anything
    model_dir = resolve_model_dir(model)
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
        "escape_formulas": options.escape_formulas,
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
                    "errors", "escape_formulas"):
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

    spec = EncodeSpec(out_fmt, tio.is_gzip(output), options.text_field, options.id_field,
                      tier.value, escape_formulas=options.escape_formulas)
    out = _Output(output, out_fmt, errors_path, settings)
    if options.resume:
        assert saved is not None
        out.open_resumed(saved)
    else:
        out.open_fresh()
    state = out.state
    if state.fieldnames is not None or state.schema is not None:
        spec = replace(spec, fieldnames=state.fieldnames, schema=state.schema)
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
        _check(final=False)

    def _check(final: bool) -> None:
        check_bad_rows(input, in_fmt, rows=state.rows, scored=state.scored, bad=state.bad,
                       kinds=state.kinds, first=state.first_bad, limit=limit,
                       errors_path=errors_path if state.errors_created else None, final=final)

    ok = False
    id_checked = options.resume
    try:
        rows_iter = tio.scan_records(input, fmt=in_fmt, start=state.in_offset, start_line=state.in_line)
        for chunk in chunked(rows_iter, chunk_rows):
            good, errors = split_valid(input, chunk, spec)
            if options.strict and errors:
                while pending:
                    drain_one()
                raise errors[0]
            if options.check_id_field and not id_checked and good:
                warn_missing_id([r for _, r in good], options.id_field, input, echo)
                id_checked = True
            if not decided and good:
                fieldnames, schema = decide_columns(out_fmt, [r for _, r in good],
                                                    input_path=input, in_fmt=in_fmt)
                spec = replace(spec, fieldnames=fieldnames, schema=schema)
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
        _check(final=True)
        if not decided:
            fieldnames, schema = decide_columns(out_fmt, [], input_path=input, in_fmt=in_fmt)
            out.set_columns(fieldnames, schema)
        out.finish()
        ok = True
    except TriageError:
        out.discard()  # a fatal error: resuming would only meet it again
        raise
    except BrokenExecutor as exc:
        out.close_files()
        if not _broken_process_pool(exc):
            raise
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


def _broken_process_pool(exc: BaseException) -> bool:
    """Whether ``exc`` is a ``BrokenProcessPool`` (its module is imported by any process pool, so
    a run without one does not import it)."""
    process = sys.modules.get("concurrent.futures.process")
    return process is not None and isinstance(exc, process.BrokenProcessPool)


def _done(value: ChunkOut) -> Future[ChunkOut]:
    fut: Future[ChunkOut] = Future()
    fut.set_result(value)
    return fut
