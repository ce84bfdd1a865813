"""The output file of a run: ``<path>.part`` written chunk by chunk with a fsynced checkpoint, renamed when complete; resume after a kill."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from triage import formats as tio
from triage.batch.chunks import (
    BATCH_FIELDS,
    ChunkOut,
    describe,
)
from triage.batch.options import (
    CHECKPOINT_VERSION,
    PARQUET_GROUP_ROWS,
    _stderr,
    checkpoint_path,
)
from triage.errors import TriageError

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
    errors_created: bool = False  # this run created the errors file (at its first bad row)
    first_bad: dict[str, Any] | None = None  # the first bad row, for the message of a failed run


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
        # The errors file is created at the first bad row: a run without bad rows leaves an
        # existing file of that name alone (it may not be ours).
        if self.durable:
            self._checkpoint()

    def open_resumed(self, saved: dict[str, Any]) -> None:
        s = self.state
        for key in ("chunks", "in_offset", "in_line", "rows", "scored", "bad", "out_bytes", "crc",
                    "size", "errors_bytes", "started", "header_done", "errors_created",
                    "first_bad"):
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
        if self.errors_path and s.errors_created:
            if not os.path.exists(self.errors_path) or (
                    os.path.getsize(self.errors_path) < s.errors_bytes):
                raise TriageError(f"cannot resume: {self.errors_path} is missing or shorter than "
                                  "the checkpoint says", hint="start over with --overwrite")
            self.errors_fh = open(self.errors_path, "r+b")  # noqa: SIM115
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
            if s.first_bad is None:
                s.first_bad = bad[0]
            if self.errors_path and self.errors_fh is None:
                self.errors_fh = open(self.errors_path, "wb")  # noqa: SIM115 - closed in finish
                s.errors_created = True
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
            "header_done": s.header_done, "errors_created": s.errors_created,
            "first_bad": s.first_bad,
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
            schema = tio.output_schema(list(BATCH_FIELDS))
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
        """After a fatal error: remove ``.part`` and the checkpoint (resuming would only meet
        the error again); the errors file stays when it holds bad rows (it says why)."""
        self.close_files()
        if not self.stdout:
            for path in (self.ckpt, self.part):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(path)
            shutil.rmtree(self.chunk_dir, ignore_errors=True)
        if self.errors_path and self.state.errors_created and self.state.bad == 0:
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
