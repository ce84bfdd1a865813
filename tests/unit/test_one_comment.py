"""A batch of one comment (what ``POST /v1/analyze`` scores) takes cheaper paths than a larger
batch: language ID without the batch's index arrays, the priority and queue on Python floats,
the tag sets without a bit matrix, no cue arithmetic when a text has no cue. Each must give the
very numbers of the batch path: the same floats (not only the rounded ones), labels, tags,
priority, queue and reasons, for every comment."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triage.pipeline.abuse_cues import AbuseCues
from triage.pipeline.core import MAX_TEXT_CHARS, Pipeline, _high_lean
from triage.pipeline.langid import LanguageDetector
from triage.pipeline.ranking import RoutingPolicy, prioritize_arrays
from triage.pipeline.text import normalize
from triage.pipeline.urgency_cues import UrgencyCues
from triage.types import Comment, Tier

DATA = Path(__file__).resolve().parent.parent / "data"
BENCH = Path(__file__).resolve().parent.parent.parent / "benchmarks" / "data"
GOLDEN = [json.loads(line)["text"] for line in (DATA / "golden_sample.jsonl").read_text(encoding="utf-8").splitlines()]
SHORT = [json.loads(line)["text"] for line in (BENCH / "langid_short.jsonl").read_text(encoding="utf-8").splitlines()]
AWKWARD = [
    "", "   ", "??", "🙂🙂🙂", "http://x.co/a", "@bob #promo", "RT @x: SUPER!!!", "a" * 6000, "ok", "merci",
    "They charged my card twice and nobody answers, I want my money back NOW",
    "Ur tech guy is an absolute d0nkey, f*ck this", "f.u.c.k you, refund NOW", "sh1t service, s h i t",
    "Produsul a venit stricat, vreau banii inapoi!!!", "Это ужасно, верните деньги", "خدمة سيئة جدا",
    "no internet since yesterday, outage again, call me 0722 555 012", "谢谢", "line one\nline two",
]


def _exact(result: object) -> str:
    """Every field of a result with its floats in full (repr), the comment left out."""
    r = result
    return repr((r.language, r.sentiment, r.tags, r.urgency, r.priority, r.model))  # type: ignore[attr-defined]


def _one_by_one_is_the_batch(pipe: Pipeline, texts: list[str], tier: Tier = Tier.FAST) -> None:
    comments = [Comment(t) for t in texts]
    together = pipe.score_batch(comments, tier)
    for comment, want in zip(comments, together, strict=True):
        [alone] = pipe.score_batch([comment], tier)
        assert _exact(alone) == _exact(want), comment.text[:80]
    rows = pipe.score_arrays(comments, tier).records()
    assert [pipe.score_arrays([c], tier).records()[0] for c in comments] == rows


def test_golden_and_awkward_texts_alone_score_as_in_a_batch(pipeline: Pipeline) -> None:
    _one_by_one_is_the_batch(pipeline, GOLDEN + AWKWARD)


def test_short_multilingual_comments_alone_score_as_in_a_batch(pipeline: Pipeline) -> None:
    _one_by_one_is_the_batch(pipeline, SHORT)


def test_seed_comments_alone_score_as_in_a_batch(pipeline: Pipeline) -> None:
    from triage.training.data import seed_examples

    texts = [s.text for s in seed_examples()][::10][:1500]  # every language (the file starts with 1,500 ar)
    _one_by_one_is_the_batch(pipeline, texts)
    scored = pipeline.score_batch([Comment(t) for t in texts])
    # the corpus reaches the paths that matter: several languages, urgent comments with words, cues
    assert len({r.language.lang for r in scored}) >= 5
    assert any(any(x.startswith("words: ") for x in r.priority.reasons) for r in scored)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(min_size=0, max_size=60), min_size=2, max_size=5))
def test_any_text_alone_scores_as_in_a_batch(pipeline: Pipeline, texts: list[str]) -> None:
    _one_by_one_is_the_batch(pipeline, texts)


@pytest.mark.parametrize("second_opinion", [True, False])
def test_language_of_one_text_is_its_language_in_a_batch(pipeline: Pipeline, second_opinion: bool) -> None:
    detector = pipeline.detector
    if not second_opinion:
        detector = LanguageDetector(pipeline.directory / "langid", use_second_opinion=False)
    clean = [normalize(t[:MAX_TEXT_CHARS]) for t in GOLDEN + SHORT + AWKWARD]
    together = detector.detect(clean)
    alone = [detector.detect([t])[0] for t in clean]
    assert [(g.lang, repr(g.score)) for g in alone] == [(g.lang, repr(g.score)) for g in together]
    assert [(g.lang, repr(g.score)) for g in alone] == [(g.lang, repr(g.score)) for g in detector.detect_reference(clean)]
    assert {g.lang for g in alone} >= {"en", "ro", "ru", "ar", "und"}


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(st.floats(0, 1), min_size=9, max_size=9), min_size=2, max_size=6),
    st.sampled_from([RoutingPolicy(), RoutingPolicy(complaint_needs_negative=0.0), RoutingPolicy(spam_cap=3.5),
                     RoutingPolicy(queues_follow_tags=False),
                     RoutingPolicy.from_mapping({"costs": {"spam": {"other": 0}, "other": {"spam": 0}}})]),
)
def test_priority_of_one_row_is_its_priority_in_a_batch(rows: list[list[float]], policy: RoutingPolicy) -> None:
    table = np.array(rows)
    names = ("question", "complaint", "spam", "praise", "abuse")

    def arrays(t: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray]:
        return t[:, 0], {name: t[:, 1 + j] for j, name in enumerate(names)}, t[:, 6:9]

    thresholds = dict(zip(names, (0.375, 0.4, 0.525, 0.35, 0.525), strict=True))
    value, queue = prioritize_arrays(*arrays(table), policy, thresholds)
    for i in range(len(table)):
        v, q = prioritize_arrays(*arrays(table[i:i + 1]), policy, thresholds)
        assert (v.dtype, q.dtype) == (value.dtype, queue.dtype)
        assert (int(v[0]), int(q[0])) == (int(value[i]), int(queue[i]))


def test_cue_columns_without_a_cue_are_zeros_of_the_right_shape() -> None:
    urgency, abuse = UrgencyCues(), AbuseCues()
    for cues in (urgency, abuse):
        counts = cues.counts_batch(["hello there", "nothing here"])
        assert not counts.any()
        out = cues.from_counts(counts)
        assert out.dtype == np.float32
        assert out.shape == (2, len(cues.categories) + 1)
        assert not out.any()
        assert cues.from_counts(counts[:0]).shape == (0, len(cues.categories) + 1)
    assert urgency.from_counts(urgency.counts_batch(["refund my money now, scam"])).any()
    assert abuse.from_counts(abuse.counts_batch(["you idiot"])).any()


def test_driver_weights_are_the_per_comment_formula(pipeline: Pipeline) -> None:
    """The urgency head's lean towards ``high`` per word column, made once, is the formula
    :meth:`Pipeline._drivers` computed for each comment's columns."""
    head = pipeline.heads["fast.urgency"]
    start, terms = pipeline.featurizer.word_block()
    lean = _high_lean(head, start, len(terms))
    cols = np.array([start, start + 1, start + len(terms) // 2, start + len(terms) - 1])
    k = head.classes.index("high")
    want = head.coef[k, cols] - head.coef[:, cols].mean(axis=0)
    np.testing.assert_array_equal(lean[cols - start], want)
    assert lean.dtype == want.dtype == np.float32
    assert _high_lean(head, start, len(terms)) is lean  # made once


def test_calibrating_every_tag_at_once_is_each_tag_alone() -> None:
    """The pipeline calibrates the tag columns in one call (a and b per column): the very floats
    of one call per tag."""
    from triage.pipeline.tagging import calibrate

    rng = np.random.default_rng(0)
    p = np.concatenate([rng.random((200, 5)), [[0.0, 1.0, 1e-9, 1 - 1e-9, 0.5]]])
    a, b = rng.uniform(0.5, 2.5, 5), rng.uniform(-1, 2, 5)
    together = calibrate(p, a, b)
    for j in range(5):
        np.testing.assert_array_equal(together[:, j], calibrate(p[:, j], float(a[j]), float(b[j])))
        np.testing.assert_array_equal(together[:1, j], calibrate(p[:1, j], float(a[j]), float(b[j])))


def test_sparse_rows_are_the_csr_matrix_and_multiply_as_it(pipeline: Pipeline) -> None:
    """Scoring reads the featurizer's CSR arrays without building the scipy matrix; their product
    with the stacked heads is the matrix's, float for float, for a batch and for each row."""
    from triage.pipeline.features import SparseRows

    clean = [normalize(t[:MAX_TEXT_CHARS]) for t in GOLDEN + AWKWARD]
    rows = pipeline.featurizer.transform_rows(clean)
    assert isinstance(rows, SparseRows)
    X = pipeline.featurizer.transform(clean)
    assert (X != rows.tocsr()).nnz == 0
    assert X.shape == rows.shape
    assert rows.nnz == X.nnz
    W = pipeline.fast_heads().weights
    np.testing.assert_array_equal(rows.dot(W), X @ W)
    assert rows.dot(W).dtype == np.float32
    for text in clean:
        one = pipeline.featurizer.transform_rows([text])
        np.testing.assert_array_equal(one.dot(W), pipeline.featurizer.transform([text]) @ W)
    strided = np.asfortranarray(W[:, :3])  # not what the kernel takes: the matrix product
    np.testing.assert_array_equal(rows.dot(strided), X @ strided)
    with pytest.raises(ValueError, match="do not multiply"):
        rows.dot(np.zeros((5, 2), dtype=np.float32))
