"""Progress display for long runs: a bar on a terminal, periodic log lines otherwise."""

from __future__ import annotations

import functools
import os
import sys
from typing import Any

from triage import formats as tio
from triage.batch.options import Echo

# --------------------------------------------------------------------------- progress


class _Lines:
    """A file for tqdm that turns each of its status refreshes into one log line."""

    def __init__(self, echo: Echo) -> None:
        self.echo = echo

    def write(self, text: str) -> None:
        line = text.strip("\r\n")
        if line.strip():
            self.echo(line)

    def flush(self) -> None:
        pass


@functools.cache
def _tqdm() -> tuple[type, type]:
    """tqdm and its log-line subclass, imported when a run shows progress (``--progress off``
    does not pay tqdm's import)."""
    from tqdm import tqdm  # noqa: PLC0415

    class _LogBar(tqdm):  # type: ignore[misc]
        monitor_interval = 0  # refreshes come from update(); no monitor thread

    return tqdm, _LogBar


class Progress:
    """A tqdm bar on a terminal; otherwise (``log``) tqdm's status as a log line every
    ``every`` seconds: ``scoring: 120,000 rows, 3,050 rows/s, 45.2%, ETA 01:10``.

    ``total`` and ``done`` are in ``unit`` (input bytes, Parquet rows, Dask partitions) and give
    the percentage and the ETA; ``rows`` are the rows read, shown with their rate.
    """

    def __init__(self, total: int | None, unit: str, mode: str, every: float, echo: Echo,
                 done: int = 0, rows: int = 0) -> None:
        if mode == "auto":
            mode = "bar" if sys.stderr.isatty() else "log"
        self.mode = mode
        self.first_rows = self.rows = rows
        self.done = done
        self.bar: Any = None
        scale = unit == "B"
        common: dict[str, Any] = {"total": total, "initial": done, "unit": unit,
                                  "unit_scale": scale, "unit_divisor": 1024 if scale else 1000}
        if mode == "bar":
            tqdm, _ = _tqdm()
            self.bar = tqdm(desc="scoring", file=sys.stderr, dynamic_ncols=True, smoothing=0.1,
                            **common)
        elif mode == "log":
            shape = "{desc}, {percentage:.1f}%, ETA {remaining}" if total else "{desc}"
            _, log_bar = _tqdm()
            self.bar = log_bar(file=_Lines(echo), bar_format=shape, mininterval=every,
                               miniters=1, delay=max(every, 1e-9), smoothing=0, leave=False,
                               ascii=True, ncols=1000, **common)
            self.bar.set_description_str(self._status(), refresh=False)

    def rate(self) -> float:
        """Rows per second since this run (or its resumption) started."""
        elapsed = self.bar.format_dict["elapsed"] if self.bar is not None else 0.0
        return (self.rows - self.first_rows) / elapsed if elapsed > 0 else 0.0

    def _status(self) -> str:
        return f"scoring: {self.rows:,} rows, {self.rate():,.0f} rows/s"

    def update(self, rows: int, done: int) -> None:
        self.rows = rows
        if self.bar is not None:
            if self.mode == "bar":
                self.bar.set_postfix_str(f"{rows:,} rows, {self.rate():,.0f} rows/s", refresh=False)
            else:
                self.bar.set_description_str(self._status(), refresh=False)
            self.bar.update(done - self.done)
        self.done = done

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
