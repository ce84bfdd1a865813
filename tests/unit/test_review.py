"""How unsure the model is about a comment (triage.pipeline.uncertainty), which orders the review list."""

from __future__ import annotations

import numpy as np
import pytest

from triage.pipeline.uncertainty import tag_uncertainty, uncertainties, uncertainty, uncertainty_arrays
from triage.types import SentimentScores, Tag, TagScores

THRESHOLDS = {Tag.QUESTION: 0.225, Tag.COMPLAINT: 0.3, Tag.SPAM: 0.375, Tag.PRAISE: 0.3, Tag.ABUSE: 0.4}
NO_TAGS = TagScores(0.01, 0.02, 0.01, 0.0, 0.0, ())


def test_a_coin_toss_ranks_above_a_confident_comment() -> None:
    coin = uncertainty(SentimentScores(0.34, 0.33, 0.33), NO_TAGS, THRESHOLDS)
    leaning = uncertainty(SentimentScores(0.6, 0.3, 0.1), NO_TAGS, THRESHOLDS)
    sure = uncertainty(SentimentScores(0.96, 0.03, 0.01), NO_TAGS, THRESHOLDS)
    assert coin.score > leaning.score > sure.score
    assert coin.score == pytest.approx(0.99)
    assert sure.score == pytest.approx(0.07)


def test_the_reason_names_the_head_the_model_is_least_sure_about() -> None:
    sentiment = uncertainty(SentimentScores(0.41, 0.38, 0.21), NO_TAGS, THRESHOLDS)
    assert sentiment.reason == "sentiment: negative 0.41 vs neutral 0.38"
    # Sure of the sentiment, but the complaint probability sits on its threshold.
    complaint = uncertainty(
        SentimentScores(0.95, 0.04, 0.01), TagScores(0.01, 0.3, 0.02, 0.0, 0.0, ()), THRESHOLDS
    )
    assert complaint.reason == "complaint: 0.30 at threshold 0.30"
    assert complaint.score == pytest.approx(1.0)
    # The same probability is a sure "no" for a tag whose threshold is far above it.
    spam = uncertainty(
        SentimentScores(0.95, 0.04, 0.01),
        TagScores(0.01, 0.01, 0.3, 0.0, 0.0, ()),
        {**THRESHOLDS, Tag.SPAM: 0.9},
    )
    assert spam.reason == "spam: 0.30 at threshold 0.90"
    assert spam.score == pytest.approx(0.3 / 0.9)


@pytest.mark.parametrize("threshold", [0.1, 0.3, 0.5, 0.8])
def test_tag_uncertainty_is_one_at_the_threshold_and_zero_at_the_ends(threshold: float) -> None:
    p = np.array([0.0, threshold / 2, threshold, (1 + threshold) / 2, 1.0])
    assert tag_uncertainty(p, threshold).tolist() == pytest.approx([0.0, 0.5, 1.0, 0.5, 0.0])


def test_the_vectorised_form_agrees_with_one_comment_at_a_time() -> None:
    rng = np.random.default_rng(0)
    sent = rng.dirichlet([1.0, 1.0, 1.0], size=50)
    tags = {tag: rng.random(50) for tag in Tag}
    scores, heads = uncertainty_arrays(sent, tags, THRESHOLDS)
    for i in range(50):
        one = uncertainty(
            SentimentScores(*sent[i]), TagScores(*(tags[t][i] for t in Tag), ()), THRESHOLDS
        )
        assert scores[i] == pytest.approx(one.score)
        assert one.reason.startswith("sentiment" if heads[i] == 0 else list(Tag)[heads[i] - 1])


def test_a_batch_gets_exactly_what_each_comment_gets_alone() -> None:
    """What ingest stores: the batch form gives each comment the very score and reason it gets
    on its own, ties between sentiment classes and tags at their thresholds included."""
    rng = np.random.default_rng(1)
    sent = [SentimentScores(*p) for p in rng.dirichlet([1.0, 1.0, 1.0], size=200).tolist()]
    sent += [SentimentScores(0.4, 0.4, 0.2), SentimentScores(1 / 3, 1 / 3, 1 / 3)]
    tags = [TagScores(*rng.random(5).tolist(), ()) for _ in range(200)]
    tags += [TagScores(*(THRESHOLDS[t] for t in Tag), ()), NO_TAGS]
    batch = uncertainties(sent, tags, THRESHOLDS)
    alone = [uncertainties([s], [t], THRESHOLDS)[0] for s, t in zip(sent, tags, strict=True)]
    assert batch == alone
    assert {u.reason.split(":")[0] for u in batch} > {"sentiment", "complaint"}
    assert uncertainties([], [], THRESHOLDS) == []
