"""Progress display for long runs: a bar on a terminal, periodic log lines otherwise."""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from triage import formats as tio
from triage.batch.options import Echo

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
