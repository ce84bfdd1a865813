"""Labelled data: the shared public datasets and the project's own seed sets.

The public datasets live outside the repository (``$TRIAGE_DATA``, default ``../shared/datasets``
next to the checkout); they are read, never copied. Each line is
``{"id", "text", "lang", "label", "source", ...}`` and the task is the folder name.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from triage.errors import ConfigError, InputFormatError
from triage.paths import DEFAULT_MODEL_DIR, REPO_ROOT  # noqa: F401  (re-exported)
from triage.training.domain import DomainExample, domain_examples

__all__ = [
    "DEFAULT_MODEL_DIR",
    "TASKS",
    "Example",
    "data_root",
    "dataset_names",
    "read_examples",
    "sample",
    "seed_examples",
]

TASKS = ("sentiment", "spam", "complaint", "question", "abuse")


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled text. ``label`` uses the shared datasets' vocabulary for its task; ``fine``
    holds the upstream dataset's own finer labels where the row has them (``meta.orig``, and
    OLID-style ``subtask_b`` / ``level_b``: ``("OFF", "UNT")`` is untargeted profanity)."""

    id: str
    text: str
    lang: str
    label: str
    source: str
    task: str
    fine: tuple[str, ...] = ()


def data_root(path: str | Path | None = None) -> Path:
    """The shared datasets folder: ``path``, else ``$TRIAGE_DATA``, else ``../shared/datasets``."""
    root = Path(path or os.environ.get("TRIAGE_DATA") or REPO_ROOT.parent / "shared" / "datasets")
    if not (root / "sentiment").is_dir():
        raise ConfigError(
            f"no labelled datasets at {root}",
            hint="set TRIAGE_DATA to the folder that holds sentiment/, spam/, complaint/, question/",
        )
    return root


def dataset_names(root: Path, task: str, split: str) -> list[str]:
    """Names of the datasets of a task that have the given split."""
    return sorted(p.name.removesuffix(f".{split}.jsonl") for p in (root / task).glob(f"*.{split}.jsonl"))


#: ``meta`` fields that carry an upstream dataset's finer labels (see ``Example.fine``).
_FINE_KEYS = ("orig", "subtask_b", "level_b")


def read_examples(root: Path, task: str, name: str, split: str) -> Iterator[Example]:
    """Examples of one dataset split."""
    path = root / task / f"{name}.{split}.jsonl"
    with path.open(encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, 1):
            try:
                row = json.loads(line)
                meta = row.get("meta") or {}
                fine = tuple(str(meta[k]) for k in _FINE_KEYS if meta.get(k) is not None)
                yield Example(row["id"], row["text"], row["lang"], row["label"], row["source"], task, fine)
            except (json.JSONDecodeError, KeyError) as exc:
                raise InputFormatError(f"bad dataset row: {exc}", path=str(path), line=line_no) from exc


def _rank(key: str) -> str:
    return hashlib.sha1(key.encode("utf-8")).hexdigest()


def sample(examples: list[Example], limit: int | None) -> list[Example]:
    """A deterministic subset of at most ``limit`` examples (by hash of id), in input order."""
    if limit is None or len(examples) <= limit:
        return examples
    keep = set(sorted((_rank(e.id) for e in examples))[:limit])
    return [e for e in examples if _rank(e.id) in keep]


#: Multi-label rows (every task annotated): the team's brand-page corpus and a user's own rows.
SeedExample = DomainExample


def seed_examples(directory: Path | None = None) -> list[DomainExample]:
    """The train and dev parts of the project's labelled brand-page corpus (``datasets/domain``);
    its test part is read only by ``benchmarks/bench_judgement.py --split test``."""
    return domain_examples(directory)
