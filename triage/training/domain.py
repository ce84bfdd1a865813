"""The project's own labelled brand-page corpus (``datasets/domain/<lang>.jsonl``).

Written by the team following ``docs/labelling.md``: each row carries sentiment, the five tags and
a priority (``high`` / ``normal`` / ``low``). The split into train / dev / test is a fixed hash of
the normalised text, so a row never moves between runs and duplicates land together; the test part
is for the final note only (:func:`domain_examples` leaves it out unless asked).

>>> split_of("Where is my order??"), split_of("where is  my order??"), split_of("ok thanks")
('dev', 'dev', 'train')
>>> check_row({"id": "dom-en-0001", "text": "ok", "lang": "en", "sentiment": "neutral", "tags": ["spam"],
...            "priority": "low", "domain": "shop", "notes": [], "source": "triage-domain"})
[]
>>> check_row({"id": "x", "text": "bad", "lang": "en", "sentiment": "positive", "tags": ["complaint"],
...            "priority": "low", "domain": "shop", "notes": [], "source": "triage-domain"})
['a complaint is negative and never low priority']
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from triage.errors import InputFormatError
from triage.paths import REPO_ROOT

__all__ = [
    "DOMAIN_DIR",
    "LANGS",
    "PRIORITIES",
    "TAG_NAMES",
    "DomainExample",
    "check_row",
    "domain_examples",
    "split_of",
]

DOMAIN_DIR = REPO_ROOT / "datasets" / "domain"
TAG_NAMES = ("abuse", "complaint", "praise", "question", "spam")
PRIORITIES = ("high", "normal", "low")
SENTIMENTS = ("negative", "neutral", "positive")
LANGS = ("en", "vi", "ro", "ar", "fa", "es", "fr", "de", "it", "pt", "hi", "id", "ru", "tr")
DOMAINS = ("shop", "restaurant", "delivery", "telecom", "bank", "app", "travel", "course", "local", "other")
NOTES = (
    "no-diacritics", "slang", "dialect", "msa", "arabizi", "finglish", "code-mix", "emoji-only", "shouting",
    "sarcasm", "rhetorical", "no-qmark", "threat", "mixed-review", "obfuscated", "long", "short",
    "polite-thanks", "near-miss",
)
KEYS = ("id", "text", "lang", "sentiment", "tags", "priority", "domain", "notes", "source")
#: Buckets of ``sha1(normalised text) mod 100``: train 0-69, dev 70-84, test 85-99.
_DEV_FROM, _TEST_FROM = 70, 85


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def split_of(text: str) -> str:
    """``train``, ``dev`` or ``test``: a fixed hash of the normalised text."""
    bucket = int(hashlib.sha1(_norm(text).encode("utf-8")).hexdigest(), 16) % 100
    return "test" if bucket >= _TEST_FROM else "dev" if bucket >= _DEV_FROM else "train"


@dataclass(frozen=True, slots=True)
class DomainExample:
    """One labelled brand-page comment (every task annotated)."""

    id: str
    text: str
    lang: str
    tags: frozenset[str]
    sentiment: str
    priority: str | None = None
    domain: str = "other"
    notes: tuple[str, ...] = ()

    @property
    def part(self) -> str:
        return split_of(self.text)

    @property
    def is_dev(self) -> bool:
        return self.part == "dev"

    @property
    def queue(self) -> str:
        """The queue this comment belongs in (docs/labelling.md, "Queues")."""
        return true_queue(self.tags, self.priority)


def true_queue(tags: frozenset[str] | set[str], priority: str) -> str:
    """The right queue for labelled tags and priority: spam, then urgent (high or a complaint),
    abuse (abusive and not a customer's complaint), questions, praise, other."""
    if "spam" in tags:
        return "spam"
    if priority == "high" or "complaint" in tags:
        return "urgent"
    if "abuse" in tags:
        return "abuse"
    if "question" in tags:
        return "questions"
    if "praise" in tags:
        return "praise"
    return "other"


def check_row(row: Mapping[str, Any]) -> list[str]:
    """What is wrong with one corpus row under docs/labelling.md (empty when nothing)."""
    problems = []
    if tuple(row) != KEYS:
        problems.append(f"keys must be {list(KEYS)} in this order")
        if not set(KEYS) <= set(row):
            return problems
    tags = row["tags"]
    if not isinstance(row["text"], str) or not row["text"].strip():
        problems.append("empty text")
    if row["lang"] not in LANGS:
        problems.append(f"unknown lang {row['lang']!r}")
    if row["sentiment"] not in SENTIMENTS:
        problems.append(f"unknown sentiment {row['sentiment']!r}")
    if row["priority"] not in PRIORITIES:
        problems.append(f"unknown priority {row['priority']!r}")
    if row["domain"] not in DOMAINS:
        problems.append(f"unknown domain {row['domain']!r}")
    if not isinstance(tags, list) or tags != sorted(set(tags)) or not set(tags) <= set(TAG_NAMES):
        problems.append(f"tags must be a sorted list without repeats from {list(TAG_NAMES)}")
        return problems
    if not isinstance(row["notes"], list) or not set(row["notes"]) <= set(NOTES):
        problems.append(f"unknown notes {sorted(set(row['notes']) - set(NOTES))}")
    if row["source"] not in ("triage-domain", "triage-seed"):
        problems.append(f"unknown source {row['source']!r}")
    if "complaint" in tags and (row["sentiment"] != "negative" or row["priority"] == "low"):
        problems.append("a complaint is negative and never low priority")
    if "spam" in tags and (tags != ["spam"] or row["sentiment"] != "neutral" or row["priority"] != "low"):
        problems.append("spam carries no other tag, is neutral and low priority")
    if tags == ["praise"] and row["priority"] != "low":
        problems.append("praise alone is low priority")
    if not tags and row["priority"] != "low":
        problems.append("a comment without tags is low priority")
    return problems


def read_rows(directory: Path | None = None) -> list[tuple[Path, int, dict[str, Any]]]:
    """Every row of every ``<lang>.jsonl`` in the corpus folder, with file and line."""
    directory = directory or DOMAIN_DIR
    out = []
    for path in sorted(directory.glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            for line_no, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    out.append((path, line_no, json.loads(line)))
                except json.JSONDecodeError as exc:
                    raise InputFormatError(f"not JSON: {exc}", path=str(path), line=line_no) from exc
    return out


def domain_examples(directory: Path | None = None, parts: tuple[str, ...] = ("train", "dev")) -> list[DomainExample]:
    """The corpus rows in ``parts`` (default: train and dev; the test part only when asked)."""
    out = []
    for path, line_no, row in read_rows(directory):
        problems = check_row(row)
        if problems:
            raise InputFormatError("; ".join(problems), path=str(path), line=line_no)
        ex = DomainExample(row["id"], row["text"], row["lang"], frozenset(row["tags"]), row["sentiment"],
                           row["priority"], row["domain"], tuple(row["notes"]))
        if ex.part in parts:
            out.append(ex)
    return out
