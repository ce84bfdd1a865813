"""What a batch run is asked to do (:class:`BatchOptions`) and what it did (:class:`Summary`), with the paths of its side files."""

from __future__ import annotations

import os
import re
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from triage.errors import ConfigError
from triage.types import Tier

#: Records per chunk: the unit of work of a worker, of a checkpoint and of a gzip segment.
DEFAULT_CHUNK_ROWS = 2000
#: A chunk also ends once its input passes this many bytes (very long texts).
CHUNK_BYTES = 16 << 20
#: Rows per row group of a Parquet output.
PARQUET_GROUP_ROWS = 65_536
#: 2: outputs gained ``reasons`` and ``uncertainty``; the errors file is created lazily.
CHECKPOINT_VERSION = 2
#: ``--max-bad-rows`` by default: a run fails when more than half of its rows are bad.
DEFAULT_MAX_BAD_ROWS = "50%"

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
class BadRowLimit:
    """How many bad rows a run may have and still succeed: a count, or a fraction of its rows.

    >>> BadRowLimit.parse("5%"), BadRowLimit.parse("100")
    (BadRowLimit(count=None, fraction=0.05), BadRowLimit(count=100, fraction=None))
    >>> BadRowLimit.parse("5%").exceeded(bad=6, rows=100), BadRowLimit.parse("5%").exceeded(5, 100)
    (True, False)
    """

    count: int | None = None
    fraction: float | None = None

    @classmethod
    def parse(cls, text: str | None) -> BadRowLimit | None:
        """``N`` (a number of rows) or ``P%`` (a percentage of the rows read); ``None``: no limit.

        Raises:
            ConfigError: anything else.
        """
        if text is None:
            return None
        m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(%?)\s*", text)
        if m is None or (not m.group(2) and "." in m.group(1)):
            raise ConfigError(
                f"--max-bad-rows must be a number of rows or a percentage, got {text!r}",
                hint="e.g. --max-bad-rows 100 or --max-bad-rows 5%")
        if m.group(2):
            pct = float(m.group(1))
            if pct > 100:
                raise ConfigError(f"--max-bad-rows {text}: a percentage is at most 100%")
            return cls(fraction=pct / 100)
        return cls(count=int(m.group(1)))

    def exceeded(self, bad: int, rows: int) -> bool:
        """True when ``bad`` of ``rows`` is over the limit."""
        if self.count is not None:
            return bad > self.count
        assert self.fraction is not None
        return rows > 0 and bad > self.fraction * rows

    def describe(self) -> str:
        if self.count is not None:
            return f"{self.count:,}"
        assert self.fraction is not None
        return f"{self.fraction * 100:g}%"


def _same_file(a: str, b: str) -> bool:
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def check_errors_path(errors: str | None, input: str, output: str) -> None:
    """Refuse an errors file that is the input, the output or one of the output's side files
    (``--errors in.csv`` would truncate the input).

    Raises:
        ConfigError: naming the clash.
    """
    if errors is None:
        return
    if errors == "-" or "://" in errors:
        raise ConfigError(f"--errors must be a local file, got {errors!r}")
    others = []
    if input != "-" and "://" not in input:
        others.append(("the input", input))
    if output != "-" and "://" not in output:
        others += [("the output", output), ("the output's partial file", output + ".part"),
                   ("the output's checkpoint", checkpoint_path(output))]
    for what, path in others:
        if _same_file(errors, path):
            raise ConfigError(
                f"--errors {errors} is {what}",
                hint="choose another file for the bad rows (default: OUTPUT.errors.jsonl)")


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
    #: A run fails (no output) when more bad rows than this; ``None``: any number (but a run
    #: whose every row is bad always fails).
    max_bad_rows: str | None = DEFAULT_MAX_BAD_ROWS
    #: CSV output: a leading ' on text cells a spreadsheet would run as a formula (OWASP).
    escape_formulas: bool = True
    #: Warn when no row has ``id_field`` (set when the user named the field).
    check_id_field: bool = False


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
