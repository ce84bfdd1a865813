"""The team's brand-page corpus (datasets/domain) follows docs/labelling.md, row by row."""

from __future__ import annotations

from collections import Counter

import pytest

from triage.training.domain import LANGS, check_row, domain_examples, read_rows, split_of, true_queue

ROWS = read_rows()
CORE = ("en", "vi", "ro", "ar", "fa")


def test_every_row_follows_the_rules() -> None:
    problems = [f"{path.name}:{line}: {p}" for path, line, row in ROWS for p in check_row(row)]
    assert problems == []


def test_ids_and_texts_are_unique_and_each_file_holds_its_language() -> None:
    ids = Counter(row["id"] for _, _, row in ROWS)
    assert [i for i, n in ids.items() if n > 1] == []
    texts = Counter(" ".join(row["text"].casefold().split()) for _, _, row in ROWS)
    assert [t for t, n in texts.items() if n > 1] == []
    assert all(row["lang"] == path.stem for path, _, row in ROWS)


@pytest.mark.parametrize("lang", LANGS)
def test_every_language_has_enough_rows_of_every_kind(lang: str) -> None:
    rows = [row for path, _, row in ROWS if path.stem == lang]
    core = lang in CORE
    assert len(rows) >= (600 if core else 250)
    tags = Counter(t for row in rows for t in row["tags"])
    assert tags["abuse"] >= (60 if core else 25)
    for tag in ("question", "complaint", "spam", "praise"):
        assert tags[tag] >= (60 if core else 25), tag
    prio = Counter(row["priority"] for row in rows)
    assert min(prio.values()) >= (60 if core else 25) and len(prio) == 3


def test_the_split_is_a_fixed_hash_of_the_text_and_the_test_part_stays_out_of_training() -> None:
    parts = Counter(split_of(row["text"]) for _, _, row in ROWS)
    n = sum(parts.values())
    assert 0.6 < parts["train"] / n < 0.8 and 0.1 < parts["dev"] / n < 0.2 and 0.1 < parts["test"] / n < 0.2
    assert split_of("Where is my order??") == split_of("  where is MY order?? ")
    trainable = domain_examples()
    assert {e.part for e in trainable} == {"train", "dev"}
    assert len(trainable) + parts["test"] == n


def test_the_right_queue_follows_the_labelling_order() -> None:
    assert true_queue(frozenset({"spam"}), "low") == "spam"
    assert true_queue(frozenset({"complaint", "abuse"}), "high") == "urgent"
    assert true_queue(frozenset({"abuse"}), "normal") == "abuse"
    assert true_queue(frozenset({"question", "praise"}), "normal") == "questions"
    assert true_queue(frozenset(), "low") == "other"
