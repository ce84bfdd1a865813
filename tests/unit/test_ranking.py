"""Priority and queue rules."""

import pytest

from triage.errors import ConfigError
from triage.pipeline.ranking import RankingWeights, prioritize
from triage.types import Queue, SentimentScores, Tag, TagScores

W = RankingWeights()


def tags(q: float = 0.0, c: float = 0.0, s: float = 0.0, p: float = 0.0, thr: float = 0.5) -> TagScores:
    values = {Tag.QUESTION: q, Tag.COMPLAINT: c, Tag.SPAM: s, Tag.PRAISE: p}
    return TagScores(q, c, s, p, tuple(t for t, v in values.items() if v >= thr))


NEG = SentimentScores(0.9, 0.05, 0.05)
MILD = SentimentScores(0.5, 0.3, 0.2)
NEU = SentimentScores(0.1, 0.8, 0.1)
POS = SentimentScores(0.02, 0.08, 0.9)


def test_unhappy_customer_waiting_for_help_outranks_mild_remark_outranks_praise_and_chitchat() -> None:
    unhappy = prioritize(NEG, tags(q=0.8, c=0.9), W)
    complaint = prioritize(NEG, tags(c=0.9), W)
    mild = prioritize(MILD, tags(), W)
    praise = prioritize(POS, tags(p=0.9), W)
    chit = prioritize(NEU, tags(), W)
    assert unhappy.value > complaint.value > mild.value > praise.value >= chit.value
    assert unhappy.queue is Queue.URGENT and praise.queue is Queue.PRAISE and chit.queue is Queue.OTHER


def test_spam_goes_to_spam_queue_and_never_to_the_top() -> None:
    angry_spam = prioritize(NEG, tags(c=0.9, q=0.9, s=0.95), W)
    assert angry_spam.queue is Queue.SPAM
    assert angry_spam.value <= W.spam_cap
    assert angry_spam.reasons[0].startswith("spam")


def test_question_queue_and_reasons() -> None:
    p = prioritize(NEU, tags(q=0.9), W)
    assert p.queue is Queue.QUESTIONS
    assert p.reasons == ("question 0.90",)


def test_very_negative_without_complaint_tag_is_urgent() -> None:
    assert prioritize(SentimentScores(0.9, 0.05, 0.05), tags(), W).queue is Queue.URGENT


def test_priority_is_clamped_to_0_100() -> None:
    heavy = RankingWeights(base=90, negative=100, complaint=100)
    assert prioritize(NEG, tags(c=1.0), heavy).value == 100


def test_weights_are_configurable_and_validated() -> None:
    assert RankingWeights.from_mapping({"question": 50}).question == 50
    with pytest.raises(ConfigError, match="unknown ranking weight"):
        RankingWeights.from_mapping({"qestion": 50})
    with pytest.raises(ConfigError, match="must be a number"):
        RankingWeights.from_mapping({"question": "high"})


def test_complaint_that_looks_spammy_stays_urgent() -> None:
    p = prioritize(NEG, tags(c=0.9, s=0.6), W)
    assert p.queue is Queue.URGENT
    assert p.value > 50
