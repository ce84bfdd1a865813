"""A team's own labelled comments: reading, validation and a reproducible split.

Input: CSV, JSONL or Parquet (anything :func:`triage.formats.read_records` reads) with a text column
and any of the label columns ``sentiment`` (negative|neutral|positive) and ``tags`` (a list, or a
``|``-joined string, of question, complaint, spam, praise; an empty value means "none of them"),
plus an optional ``lang`` (detected when absent). Column names are mapped with :class:`Columns`.

Validation happens before any training and reports every problem with ``file:line``:

========================  =======  ====================================================
problem                   level    what happens
========================  =======  ====================================================
file without text column  error    refused
no label column at all    error    refused
unknown label value       error    refused (names the value and the allowed ones)
missing/non-string text   error    refused
conflicting duplicate     error    refused (same text, different labels; both lines)
empty text                warning  row skipped
exact duplicate           warning  later copy dropped
few examples of a class   warning  per language, below ``min_per_class`` (default 5)
too few rows overall      error    fewer than ``min_rows`` usable rows (default 10)
========================  =======  ====================================================
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from triage.errors import TriageError
from triage.types import Tag

__all__ = [
    "SENTIMENTS",
    "Columns",
    "Issue",
    "LabelledExample",
    "TrainingDataError",
    "ValidationReport",
    "read_labelled",
    "split",
]

SENTIMENTS = ("negative", "neutral", "positive")
TAGS = tuple(t.value for t in Tag)
PRIORITIES = ("high", "normal", "low")


class TrainingDataError(TriageError):
    """Labelled data that training refuses; the message lists every error with file:line."""

    def __init__(self, issues: Sequence[Issue]) -> None:
        self.issues = list(issues)
        errors = [i for i in issues if i.level == "error"]
        lines = "\n".join(f"  {i}" for i in errors[:50])
        more = f"\n  ... and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(
            f"{len(errors)} problem(s) in the training data:\n{lines}{more}",
            hint="fix the rows above (see docs/training.md#validation) and run again",
        )


@dataclass(frozen=True)
class Issue:
    level: str  # "error" | "warning"
    kind: str  # slug: unknown_label, missing_column, empty_text, duplicate, conflict, few_examples, too_few
    message: str
    path: str | None = None
    lines: tuple[int, ...] = ()

    def __str__(self) -> str:
        where = ""
        if self.path:
            shown = ",".join(str(n) for n in self.lines[:5]) + ("..." if len(self.lines) > 5 else "")
            where = f"{self.path}:{shown}: " if self.lines else f"{self.path}: "
        return f"{self.level}: {where}{self.message}"


@dataclass(frozen=True)
class Columns:
    """Which input field holds what (dotted names reach into nested JSON)."""

    text: str = "text"
    sentiment: str = "sentiment"
    tags: str = "tags"
    lang: str = "lang"
    priority: str = "priority"


@dataclass(frozen=True)
class LabelledExample:
    """One labelled comment; ``None`` means that task is not annotated on this row."""

    text: str
    lang: str | None
    sentiment: str | None
    tags: frozenset[str] | None
    path: str
    line: int
    #: ``high`` / ``normal`` / ``low`` (docs/labelling.md), when the file has a priority column
    priority: str | None = None

    @property
    def id(self) -> str:
        return f"user:{hashlib.sha1(self.text.encode('utf-8')).hexdigest()[:16]}"


@dataclass
class ValidationReport:
    examples: list[LabelledExample] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "warning"]

    def raise_for_errors(self) -> None:
        if self.errors:
            raise TrainingDataError(self.issues)


_MISSING = object()


def _get(record: dict[str, Any], name: str) -> Any:
    from triage.formats import get_field

    try:
        return get_field(record, name)
    except KeyError:
        return _MISSING


def _parse_tags(value: Any) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [t.strip().lower() for t in value.split("|") if t.strip()]
    if isinstance(value, list | tuple):
        return [str(t).strip().lower() for t in value]
    if hasattr(value, "tolist"):  # numpy / pyarrow arrays from Parquet
        return [str(t).strip().lower() for t in value.tolist()]
    raise TypeError(type(value).__name__)


def read_labelled(
    paths: Iterable[str | Path],
    columns: Columns = Columns(),
    *,
    min_rows: int = 10,
    min_per_class: int = 5,
    detect_missing_lang: bool = True,
) -> ValidationReport:
    """Read and validate labelled files; never raises for bad rows (see :meth:`ValidationReport.raise_for_errors`).

    Raises:
        InputFormatError: a file that cannot be read at all (not found, invalid JSON, bad CSV...).
    """
    from triage.formats import read_records

    report = ValidationReport()
    issues = report.issues
    seen: dict[str, LabelledExample] = {}
    for p in paths:
        path = str(p)
        has_text = has_sent = has_tags = False
        n = 0
        for line, record in read_records(path):
            n += 1
            text = _get(record, columns.text)
            sent = _get(record, columns.sentiment)
            tags_raw = _get(record, columns.tags)
            lang = _get(record, columns.lang)
            prio = _get(record, columns.priority)
            has_text |= text is not _MISSING
            has_sent |= sent is not _MISSING
            has_tags |= tags_raw is not _MISSING
            if text is _MISSING:
                issues.append(Issue("error", "missing_column", f"no {columns.text!r} field (choose it with --text-field)", path, (line,)))
                continue
            if not isinstance(text, str):
                issues.append(Issue("error", "bad_text", f"{columns.text!r} is {type(text).__name__}, not text", path, (line,)))
                continue
            if not text.strip():
                issues.append(Issue("warning", "empty_text", "empty text; row skipped", path, (line,)))
                continue
            sentiment: str | None = None
            if sent is not _MISSING and sent is not None and str(sent).strip() != "":
                sentiment = str(sent).strip().lower()
                if sentiment not in SENTIMENTS:
                    issues.append(Issue("error", "unknown_label", f"unknown sentiment {sent!r} (expected one of {', '.join(SENTIMENTS)})", path, (line,)))
                    continue
            tags: frozenset[str] | None = None
            if tags_raw is not _MISSING:
                try:
                    parsed = _parse_tags(tags_raw)
                except TypeError as exc:
                    issues.append(Issue("error", "unknown_label", f"tags must be a list or a |-joined string, got {exc}", path, (line,)))
                    continue
                if parsed is not None:
                    bad = [t for t in parsed if t not in TAGS]
                    if bad:
                        issues.append(Issue("error", "unknown_label", f"unknown tag(s) {', '.join(map(repr, bad))} (expected a subset of {', '.join(TAGS)})", path, (line,)))
                        continue
                    tags = frozenset(parsed)
            priority: str | None = None
            if prio is not _MISSING and prio is not None and str(prio).strip() != "":
                priority = str(prio).strip().lower()
                if priority not in PRIORITIES:
                    issues.append(Issue("error", "unknown_label", f"unknown priority {prio!r} (expected one of {', '.join(PRIORITIES)})", path, (line,)))
                    continue
            if sentiment is None and tags is None:
                if has_sent or has_tags:
                    issues.append(Issue("warning", "unlabelled", "no sentiment and no tags; row skipped", path, (line,)))
                continue
            lang_value = str(lang).strip().lower() if lang is not _MISSING and lang not in (None, "") else None
            ex = LabelledExample(text, lang_value, sentiment, tags, path, line, priority)
            key = " ".join(text.split()).lower()
            if key in seen:
                prev = seen[key]
                if (prev.sentiment, prev.tags) == (sentiment, tags):
                    issues.append(Issue("warning", "duplicate", f"duplicate of {prev.path}:{prev.line}; dropped", path, (line,)))
                else:
                    issues.append(Issue(
                        "error", "conflict",
                        f"same text as {prev.path}:{prev.line} with different labels "
                        f"({prev.sentiment}/{sorted(prev.tags or [])} vs {sentiment}/{sorted(tags or [])})",
                        path, (line,),
                    ))
                continue
            seen[key] = ex
            report.examples.append(ex)
        if n and not has_text:
            issues.append(Issue("error", "missing_column", f"no {columns.text!r} column (choose it with --text-field)", path))
        elif n and not (has_sent or has_tags):
            issues.append(Issue(
                "error", "missing_column",
                f"no label column: expected {columns.sentiment!r} and/or {columns.tags!r} "
                "(map them with --sentiment-field / --tags-field)", path,
            ))
    if detect_missing_lang and any(e.lang is None for e in report.examples):
        report.examples[:] = _detect_languages(report.examples)
    _check_counts(report, min_rows, min_per_class)
    return report


def _detect_languages(examples: list[LabelledExample]) -> list[LabelledExample]:
    from triage.paths import DEFAULT_MODEL_DIR
    from triage.pipeline.langid import LanguageDetector
    from triage.pipeline.text import normalize

    todo = [i for i, e in enumerate(examples) if e.lang is None]
    guesses = LanguageDetector(DEFAULT_MODEL_DIR / "langid").detect([normalize(examples[i].text) for i in todo])
    out = list(examples)
    for i, g in zip(todo, guesses, strict=True):
        e = out[i]
        out[i] = LabelledExample(e.text, g.lang, e.sentiment, e.tags, e.path, e.line, e.priority)
    return out


def _check_counts(report: ValidationReport, min_rows: int, min_per_class: int) -> None:
    examples = report.examples
    if len(examples) < min_rows and not report.errors:
        report.issues.append(Issue(
            "error", "too_few", f"only {len(examples)} usable labelled rows; training needs at least {min_rows}",
            examples[0].path if examples else None,
        ))
    where: dict[tuple[str, str, str], list[LabelledExample]] = defaultdict(list)
    langs_by_task: dict[str, set[str]] = defaultdict(set)
    for e in examples:
        lang = e.lang or "und"
        if e.sentiment is not None:
            where[("sentiment", lang, e.sentiment)].append(e)
            langs_by_task["sentiment"].add(lang)
        if e.tags is not None:
            langs_by_task["tags"].add(lang)
            for t in e.tags:
                where[("tags", lang, t)].append(e)
    labels = {"sentiment": SENTIMENTS, "tags": TAGS}
    for task, langs in sorted(langs_by_task.items()):
        for lang in sorted(langs):
            for label in labels[task]:
                rows = where.get((task, lang, label), [])
                if len(rows) < min_per_class:
                    first = rows[0].path if rows else next(e.path for e in examples if (e.lang or "und") == lang)
                    report.issues.append(Issue(
                        "warning", "few_examples",
                        f"{task}: only {len(rows)} {label!r} example(s) in language {lang!r} "
                        f"(fewer than {min_per_class}; its metrics will be unreliable)",
                        first, tuple(e.line for e in rows if e.path == first),
                    ))


def split(examples: Sequence[LabelledExample], fraction: float, seed: int) -> tuple[list[LabelledExample], list[LabelledExample]]:
    """A reproducible split ``(rest, held_out)``: each row is held out by a hash of (seed, text),
    stratified by language and label so that small classes appear on both sides."""
    if fraction <= 0:
        return list(examples), []
    groups: dict[tuple[Any, ...], list[LabelledExample]] = defaultdict(list)
    for e in examples:
        groups[(e.lang, e.sentiment, tuple(sorted(e.tags)) if e.tags is not None else None)].append(e)
    held: set[int] = set()
    index = {id(e): i for i, e in enumerate(examples)}
    for rows in groups.values():
        ranked = sorted(rows, key=lambda e: hashlib.sha1(f"{seed}:{e.text}".encode()).hexdigest())
        k = int(round(len(rows) * fraction))
        if len(rows) >= 2 and k == 0 and fraction >= 0.1:
            k = 1 if len(rows) >= 3 else 0
        held.update(index[id(e)] for e in ranked[:k])
    rest = [e for i, e in enumerate(examples) if i not in held]
    out = [e for i, e in enumerate(examples) if i in held]
    return rest, out


def counts(examples: Sequence[LabelledExample]) -> dict[str, Any]:
    """Label counts per language, for the model card and the CLI."""
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for e in examples:
        if e.sentiment:
            out[e.lang or "und"][e.sentiment] += 1
        for t in e.tags or ():
            out[e.lang or "und"][t] += 1
    return {k: dict(v) for k, v in sorted(out.items())}
