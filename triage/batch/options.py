"""What a batch run is asked to do (:class:`BatchOptions`) and what it did (:class:`Summary`), with the paths of its side files."""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from triage.types import Tier

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
