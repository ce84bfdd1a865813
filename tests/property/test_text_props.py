"""Normalization invariants."""

from hypothesis import example, given

from tests.property.strategies import comment_text
from triage.pipeline.text import embedding_text, fold, normalize


@given(comment_text)
def test_normalize_is_idempotent(text: str) -> None:
    assert normalize(normalize(text)) == normalize(text)


@given(comment_text)
@example("@0@0")  # chained mentions: once "@user @0", so a second fold changed it
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@given(comment_text)
def test_fold_of_normalized_equals_fold(text: str) -> None:
    assert fold(normalize(text)) == fold(text)


@given(comment_text)
def test_embedding_text_is_bounded_and_stripped(text: str) -> None:
    out = embedding_text(text)
    assert len(out) <= 512
    assert out == out.strip()
