"""Priority (built on the urgency head) and the queue with the lowest expected cost."""

import pytest

from triage.errors import ConfigError
from triage.pipeline.ranking import DEFAULT_COSTS, RoutingPolicy, expected_costs, prioritize, queue_probabilities
from triage.types import Queue, SentimentScores, Tag, TagScores, Urgency

P = RoutingPolicy()


def tags(q: float = 0.0, c: float = 0.0, s: float = 0.0, p: float = 0.0, a: float = 0.0, thr: float = 0.5) -> TagScores:
    values = {Tag.QUESTION: q, Tag.COMPLAINT: c, Tag.SPAM: s, Tag.PRAISE: p, Tag.ABUSE: a}
    return TagScores(q, c, s, p, a, tuple(t for t, v in values.items() if v >= thr))


NEG = SentimentScores(0.9, 0.05, 0.05)
NEU = SentimentScores(0.1, 0.8, 0.1)
POS = SentimentScores(0.02, 0.08, 0.9)
HIGH = Urgency(0.9, 0.08, 0.02)
NORMAL = Urgency(0.1, 0.8, 0.1)
LOW = Urgency(0.02, 0.08, 0.9)


def test_urgent_outranks_normal_outranks_low() -> None:
    urgent = prioritize(NEG, tags(q=0.8, c=0.9), HIGH, P)
    question = prioritize(NEU, tags(q=0.9), NORMAL, P)
    praise = prioritize(POS, tags(p=0.9), LOW, P)
    assert urgent.value > question.value > praise.value
    assert (urgent.queue, question.queue, praise.queue) == (Queue.URGENT, Queue.QUESTIONS, Queue.PRAISE)
    assert prioritize(NEU, tags(), LOW, P).queue is Queue.OTHER


def test_spam_needs_strong_evidence_and_no_sign_of_a_customer() -> None:
    assert prioritize(NEU, tags(s=0.995), LOW, P).queue is Queue.SPAM
    assert prioritize(NEU, tags(s=0.995), LOW, P).value <= P.spam_cap
    # likely spam, but a fair chance it is a real question: not to bulk delete
    assert prioritize(NEU, tags(s=0.85, q=0.6), NORMAL, P).queue is not Queue.SPAM
    # a complaint that looks a bit like an ad stays with the customers
    looks_spammy = prioritize(NEG, tags(c=0.9, s=0.6), HIGH, P)
    assert looks_spammy.queue is not Queue.SPAM and looks_spammy.value > 25


def test_abusive_comment_goes_to_abuse_but_an_abusive_complaint_stays_urgent() -> None:
    assert prioritize(NEG, tags(a=0.95), NORMAL, P).queue is Queue.ABUSE
    assert prioritize(NEG, tags(a=0.95, c=0.9), HIGH, P).queue is Queue.URGENT


def test_happy_customer_is_not_urgent_even_with_some_negative_words() -> None:
    p = prioritize(SentimentScores(0.3, 0.1, 0.6), tags(p=0.9, c=0.1), Urgency(0.05, 0.15, 0.8), P)
    assert p.queue is Queue.PRAISE


def test_queue_probabilities_sum_to_one_and_follow_the_labelling_order() -> None:
    probs = queue_probabilities(tags(q=0.7, c=0.2, s=0.1, p=0.4, a=0.3), Urgency(0.3, 0.5, 0.2))
    assert sum(probs.values()) == pytest.approx(1.0)
    assert probs[Queue.SPAM] == pytest.approx(0.1)
    assert probs[Queue.URGENT] == pytest.approx(0.9 * (1 - 0.7 * 0.8))


def test_the_chosen_queue_has_the_lowest_expected_cost() -> None:
    t, u = tags(q=0.5, c=0.3, s=0.2), Urgency(0.2, 0.6, 0.2)
    costs = expected_costs(queue_probabilities(t, u), DEFAULT_COSTS)
    assert prioritize(NEU, t, u, P).queue is min(costs, key=costs.__getitem__)


def test_reasons_name_probabilities_and_the_words_behind_an_urgent_comment() -> None:
    p = prioritize(NEG, tags(c=0.9), HIGH, P, drivers=("refund", "3 weeks"))
    assert p.reasons[0] == "urgent 0.90"
    assert "complaint 0.90" in p.reasons and "negative 0.90" in p.reasons
    assert p.reasons[-1] == 'words: "refund", "3 weeks"'


def test_priority_is_built_on_urgency_and_damped_by_spam() -> None:
    assert prioritize(NEU, tags(), Urgency(1.0, 0.0, 0.0), P).value == 100
    assert prioritize(NEU, tags(), Urgency(0.0, 1.0, 0.0), P).value == round(100 * P.normal_weight)
    assert prioritize(NEU, tags(s=0.5), Urgency(1.0, 0.0, 0.0), P).value == 50


def test_policy_is_configurable_and_validated() -> None:
    policy = RoutingPolicy.from_mapping({"normal_weight": 0.5, "costs": {"spam": {"urgent": 1000}}})
    assert policy.normal_weight == 0.5 and policy.costs[Queue.SPAM][Queue.URGENT] == 1000
    assert policy.costs[Queue.SPAM][Queue.OTHER] == DEFAULT_COSTS[Queue.SPAM][Queue.OTHER]
    with pytest.raises(ConfigError, match="unknown"):
        RoutingPolicy.from_mapping({"normal_wieght": 0.5})
    with pytest.raises(ConfigError, match="no queue"):
        RoutingPolicy.from_mapping({"costs": {"spma": {"urgent": 1}}})
    with pytest.raises(ConfigError, match=">= 0"):
        RoutingPolicy.from_mapping({"costs": {"spam": {"urgent": -1}}})


def test_praise_the_complaint_head_misreads_stays_out_of_urgent_unless_the_comment_is_negative() -> None:
    # "they refunded me the same day, didn't even have to chase": the complaint head sees refund
    # words, the sentiment head sees a happy customer; every complaint is negative (labelling rules)
    praise_words = tags(p=0.6, c=0.75)
    assert prioritize(SentimentScores(0.15, 0.1, 0.75), praise_words, LOW, P).queue is Queue.PRAISE
    assert prioritize(SentimentScores(0.8, 0.1, 0.1), praise_words, LOW, P).queue is Queue.URGENT
    # switched off, the complaint head alone sends the happy customer to urgent (the old routing)
    old = RoutingPolicy.from_mapping({"complaint_needs_negative": 0})
    assert prioritize(SentimentScores(0.15, 0.1, 0.75), praise_words, LOW, old).queue is Queue.URGENT
    # urgency itself is not gated: a calm but urgent comment stays urgent
    assert prioritize(SentimentScores(0.2, 0.6, 0.2), tags(c=0.3), HIGH, P).queue is Queue.URGENT


def test_complaint_needs_negative_must_be_a_probability() -> None:
    with pytest.raises(ConfigError, match="complaint_needs_negative"):
        RoutingPolicy.from_mapping({"complaint_needs_negative": 1.5})
    assert "complaint_needs_negative = 0.5" in RoutingPolicy().to_toml()


def test_a_queue_for_a_tag_takes_only_comments_with_that_tag_shown() -> None:
    # "bad": some urgency, a question probability under its threshold. The questions queue is
    # cheaper than other when the comment turns out urgent, but a moderator who opens the
    # questions queue expects questions: it goes where its tags allow
    unsure = tags(q=0.45, c=0.3, p=0.3, thr=0.5)
    assert Tag.QUESTION not in unsure.tags
    assert prioritize(NEG, unsure, Urgency(0.2, 0.5, 0.3), P).queue in (Queue.URGENT, Queue.OTHER)
    old = RoutingPolicy(queues_follow_tags=False)
    assert prioritize(NEG, unsure, Urgency(0.2, 0.5, 0.3), old).queue is Queue.QUESTIONS
    # the same probabilities with the question shown (a lower threshold): the questions queue
    shown = tags(q=0.45, c=0.3, p=0.3, thr=0.4)
    assert prioritize(NEG, shown, Urgency(0.2, 0.5, 0.3), P).queue is Queue.QUESTIONS
    # bulk-delete spam only for a comment whose spam tag is shown, however likely
    assert prioritize(NEU, tags(s=0.995, thr=0.999), LOW, P).queue is not Queue.SPAM


def test_queues_follow_tags_is_written_and_old_models_keep_their_routing() -> None:
    assert "queues_follow_tags = true" in P.to_toml()
    assert RoutingPolicy.from_mapping({"queues_follow_tags": True}).queues_follow_tags
    assert not RoutingPolicy.from_mapping({}).queues_follow_tags  # a [routing] table from before 0.10.1
    with pytest.raises(ConfigError, match="true or false"):
        RoutingPolicy.from_mapping({"queues_follow_tags": 1})
