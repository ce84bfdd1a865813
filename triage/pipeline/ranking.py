"""Priority and queue: who needs a human first, and where each comment goes.

**Priority** (0-100) is built on the urgency head (``P(high)``, ``P(normal)``, ``P(low)``, learned
from the team's labelled brand-page comments, docs/labelling.md), damped by spam::

    priority = round(100 * (1 - P(spam)) * (P(high) + normal_weight * P(normal)))

so comments are ranked by how likely they are to need a human now. In the spam queue the
priority is at most ``spam_cap``.

**Queue** is the choice with the lowest expected cost. The probability that each queue is the
right one follows the labelling rules (a comment's right queue is spam if it is spam, else urgent
if it is high priority or a complaint, else abuse if abusive, else questions, praise, other)::

    P(spam)      = P_spam
    P(urgent)    = (1 - P_spam) * (1 - (1 - P(high)) * (1 - C))
    P(abuse)     = (1 - P_spam - P(urgent)) * P_abuse
    P(questions) = (rest) * P_question,  P(praise) = (rest) * P_praise,  P(other) = what is left

where ``C = P_complaint * min(1, P(negative) / complaint_needs_negative)``: by the labelling rules
every complaint is negative, so the complaint head's evidence counts fully only once the sentiment
head agrees (``complaint_needs_negative = 0`` turns this off). It keeps praise that mentions a
refund, an hour or a problem ("refunded me the same day") out of ``urgent`` (docs/model.md).
``expected_cost(q) = sum over the right queue t of costs[q][t] * P(t)``. With
``queues_follow_tags`` (the default of every model trained since 0.10.1) a comment goes to
``questions``, ``praise``, ``abuse`` or ``spam`` only when that tag is shown (its probability over the
tier's threshold): the cheapest of the queues it may enter wins, so the questions queue holds
questions rather than every comment the model is unsure about (docs/model.md). The written cost
matrix (``[routing.costs]`` in the model's ``pipeline.toml``; defaults in :data:`DEFAULT_COSTS`)
says what each mistake costs a moderator: a real customer in bulk-delete spam costs most, a fair
complaint hidden as abuse next, spam left in ``other`` is cheap. Spam therefore needs strong
evidence and no sign of a real customer.

The reasons list the probabilities that decided (urgency, tags, sentiment) and, for comments
that may need a human, the words that pushed the urgency head towards ``high``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from triage.errors import ConfigError
from triage.types import Priority, Queue, SentimentScores, TagScores, Urgency

__all__ = ["DEFAULT_COSTS", "GATED", "QUEUES", "RoutingPolicy", "expected_costs", "prioritize", "prioritize_arrays",
           "queue_probabilities", "reasons_of"]

_Q = Queue
#: costs[chosen queue][right queue]: what a mistake costs a moderator (0 = right).
DEFAULT_COSTS: dict[Queue, dict[Queue, float]] = {
    _Q.URGENT: {_Q.URGENT: 0, _Q.ABUSE: 8, _Q.QUESTIONS: 6, _Q.SPAM: 8, _Q.PRAISE: 14, _Q.OTHER: 10},
    _Q.ABUSE: {_Q.URGENT: 12, _Q.ABUSE: 0, _Q.QUESTIONS: 10, _Q.SPAM: 2, _Q.PRAISE: 10, _Q.OTHER: 5},
    _Q.QUESTIONS: {_Q.URGENT: 6, _Q.ABUSE: 4, _Q.QUESTIONS: 0, _Q.SPAM: 3, _Q.PRAISE: 2, _Q.OTHER: 1},
    _Q.SPAM: {_Q.URGENT: 100, _Q.ABUSE: 8, _Q.QUESTIONS: 40, _Q.SPAM: 0, _Q.PRAISE: 30, _Q.OTHER: 15},
    _Q.PRAISE: {_Q.URGENT: 6, _Q.ABUSE: 5, _Q.QUESTIONS: 3, _Q.SPAM: 3, _Q.PRAISE: 0, _Q.OTHER: 1},
    _Q.OTHER: {_Q.URGENT: 10, _Q.ABUSE: 4, _Q.QUESTIONS: 3, _Q.SPAM: 1, _Q.PRAISE: 1, _Q.OTHER: 0},
}
#: the queues a comment enters only with its tag shown (``RoutingPolicy.queues_follow_tags``)
GATED: dict[Queue, str] = {_Q.ABUSE: "abuse", _Q.QUESTIONS: "question", _Q.SPAM: "spam", _Q.PRAISE: "praise"}


@dataclass(frozen=True)
class RoutingPolicy:
    """The ``[routing]`` table of a model: priority formula and cost matrix (module docstring)."""

    normal_weight: float = 0.35
    spam_cap: int = 5
    #: P(negative) from which the complaint head counts fully for ``urgent`` (0: always)
    complaint_needs_negative: float = 0.5
    #: a probability is named in the reasons from this value on
    reason_min: float = 0.5
    #: questions / praise / abuse / spam only for comments with that tag shown (module docstring);
    #: a ``[routing]`` table without the key (models before 0.10.1) reads as false
    queues_follow_tags: bool = True
    costs: Mapping[Queue, Mapping[Queue, float]] = field(default_factory=lambda: DEFAULT_COSTS)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> RoutingPolicy:
        """Build from a ``[routing]`` table; unknown keys, queues and non-numbers are errors."""
        values = dict(values)
        table = values.pop("costs", {})
        known = {"normal_weight", "spam_cap", "reason_min", "complaint_needs_negative", "queues_follow_tags"}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ConfigError(f"unknown [routing] setting(s) {unknown}; known: {sorted(known)} and [routing.costs]")
        follow = values.pop("queues_follow_tags", False)
        if not isinstance(follow, bool):
            raise ConfigError(f"[routing] queues_follow_tags must be true or false, got {follow!r}")
        for key, value in values.items():
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise ConfigError(f"[routing] {key} must be a number, got {value!r}")
        if not 0 <= values.get("complaint_needs_negative", 0) <= 1:
            raise ConfigError("[routing] complaint_needs_negative must be between 0 and 1, "
                              f"got {values['complaint_needs_negative']!r}")
        costs = {q: dict(row) for q, row in DEFAULT_COSTS.items()}
        for chosen, row in table.items():
            if chosen not in Queue.__members__.values() or not isinstance(row, Mapping):
                raise ConfigError(f"[routing.costs] has no queue {chosen!r}; queues: {[q.value for q in Queue]}")
            for right, cost in row.items():
                if right not in Queue.__members__.values():
                    raise ConfigError(f"[routing.costs.{chosen}] has no queue {right!r}")
                if not isinstance(cost, int | float) or isinstance(cost, bool) or cost < 0:
                    raise ConfigError(f"[routing.costs.{chosen}] {right} must be a number >= 0, got {cost!r}")
                costs[Queue(chosen)][Queue(right)] = float(cost)
        return cls(**values, queues_follow_tags=follow, costs=costs)  # type: ignore[arg-type]

    def to_toml(self) -> list[str]:
        lines = ["[routing]", f"normal_weight = {self.normal_weight}", f"spam_cap = {self.spam_cap}",
                 f"reason_min = {self.reason_min}",
                 f"complaint_needs_negative = {self.complaint_needs_negative}",
                 f"queues_follow_tags = {str(self.queues_follow_tags).lower()}",
                 "# costs[chosen queue][right queue]: what each mistake costs a moderator (0 = right)"]
        for chosen, row in self.costs.items():
            lines += [f"[routing.costs.{chosen.value}]"] + [f"{right.value} = {cost:g}" for right, cost in row.items()]
        return lines


def queue_probabilities(
    tags: TagScores, urgency: Urgency, p_negative: float = 1.0, complaint_needs_negative: float = 0.0,
) -> dict[Queue, float]:
    """Probability that each queue is the right one (module docstring)."""
    spam = tags.spam
    complaint = tags.complaint
    if complaint_needs_negative > 0:
        complaint *= min(1.0, p_negative / complaint_needs_negative)
    urgent = (1.0 - spam) * (1.0 - (1.0 - urgency.p_high) * (1.0 - complaint))
    rest = max(0.0, 1.0 - spam - urgent)
    abuse = rest * tags.abuse
    rest -= abuse
    questions = rest * tags.question
    rest -= questions
    praise = rest * tags.praise
    other = rest - praise
    return {Queue.URGENT: urgent, Queue.ABUSE: abuse, Queue.QUESTIONS: questions, Queue.SPAM: spam,
            Queue.PRAISE: praise, Queue.OTHER: other}


def expected_costs(probs: Mapping[Queue, float], costs: Mapping[Queue, Mapping[Queue, float]]) -> dict[Queue, float]:
    """Expected cost of sending the comment to each queue."""
    return {chosen: sum(row.get(right, 0.0) * p for right, p in probs.items()) for chosen, row in costs.items()}


def prioritize(
    sentiment: SentimentScores,
    tags: TagScores,
    urgency: Urgency,
    policy: RoutingPolicy,
    drivers: Sequence[str] = (),
) -> Priority:
    """Priority, queue and reasons of one scored comment.

    ``drivers``: the words that pushed the urgency head towards ``high`` (most first). With
    ``policy.queues_follow_tags`` the gated queues (:data:`GATED`) need their tag in ``tags.tags``.
    """
    probs = queue_probabilities(tags, urgency, sentiment.p_negative, policy.complaint_needs_negative)
    costs = expected_costs(probs, policy.costs)
    if policy.queues_follow_tags:
        shown = {t.value for t in tags.tags}
        costs = {q: c for q, c in costs.items() if q not in GATED or GATED[q] in shown}
    queue = min(costs, key=lambda q: (costs[q], list(Queue).index(q)))
    value = round(100.0 * (1.0 - tags.spam) * (urgency.p_high + policy.normal_weight * urgency.p_normal))
    if queue is Queue.SPAM:
        value = min(value, policy.spam_cap)
    named = [("urgent", urgency.p_high), ("spam", tags.spam), ("complaint", tags.complaint),
             ("abuse", tags.abuse), ("question", tags.question), ("praise", tags.praise),
             ("negative", sentiment.p_negative)]
    reasons = [f"{name} {p:.2f}" for name, p in sorted(named, key=lambda t: -t[1]) if p >= policy.reason_min]
    if drivers and queue is Queue.URGENT:
        reasons.append("words: " + ", ".join(f'"{w}"' for w in drivers))
    return Priority(max(0, min(100, value)), queue, tuple(reasons))


#: queues in :class:`Queue` order: the column order of :func:`prioritize_arrays`'s queue index
QUEUES: tuple[Queue, ...] = tuple(Queue)
#: the probabilities the reasons may name, in :func:`prioritize`'s order
_NAMED = ("urgent", "spam", "complaint", "abuse", "question", "praise", "negative")


def prioritize_arrays(
    p_negative: np.ndarray,
    tags: Mapping[str, np.ndarray],
    urgency: np.ndarray,
    policy: RoutingPolicy,
    thresholds: Mapping[str, float] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`prioritize`'s priority and queue for a whole batch: (priority (n,) int, queue (n,)
    index into :data:`QUEUES`), the very numbers of :func:`prioritize` row by row (the same
    float operations in the same order; ``tests/unit/test_ranking.py`` compares the two).

    ``tags``: tag name -> (n,) probabilities; ``urgency``: (n, 3) P(high), P(normal), P(low);
    ``thresholds``: tag name -> the tier's threshold (a tag is shown from it on), which
    ``policy.queues_follow_tags`` needs (a :class:`ValueError` without them).
    """
    spam, complaint = tags["spam"], tags["complaint"]
    if policy.queues_follow_tags and thresholds is None:
        raise ValueError("queues_follow_tags needs the tags' thresholds")
    if len(spam) == 1:  # one comment (an API request): the same operations on Python floats
        value, queue = _prioritize_row(
            float(p_negative[0]), float(spam[0]), float(complaint[0]), float(tags["abuse"][0]),
            float(tags["question"][0]), float(tags["praise"][0]), float(urgency[0, 0]), float(urgency[0, 1]), policy,
            thresholds)
        return np.array([value], dtype=np.int64), np.array([queue], dtype=np.intp)
    p_high, p_normal = urgency[:, 0], urgency[:, 1]
    if policy.complaint_needs_negative > 0:
        complaint = complaint * np.minimum(1.0, p_negative / policy.complaint_needs_negative)
    urgent = (1.0 - spam) * (1.0 - (1.0 - p_high) * (1.0 - complaint))
    rest = np.maximum(0.0, 1.0 - spam - urgent)
    abuse = rest * tags["abuse"]
    rest = rest - abuse
    questions = rest * tags["question"]
    rest = rest - questions
    praise = rest * tags["praise"]
    other = rest - praise
    probs = {Queue.URGENT: urgent, Queue.ABUSE: abuse, Queue.QUESTIONS: questions, Queue.SPAM: spam,
             Queue.PRAISE: praise, Queue.OTHER: other}
    costs = np.full((len(spam), len(QUEUES)), np.inf)
    for chosen, row in policy.costs.items():
        total: Any = 0
        for right, p in probs.items():  # sum() in prioritize: left to right from 0
            total = total + row.get(right, 0.0) * p
        costs[:, QUEUES.index(chosen)] = total
    if policy.queues_follow_tags and thresholds is not None:
        for gated, tag in GATED.items():  # a queue whose tag is not shown is no choice
            costs[tags[tag] < thresholds[tag], QUEUES.index(gated)] = np.inf
    queue = costs.argmin(axis=1)  # the first of equal costs: the lowest Queue index, as prioritize
    value = np.rint(100.0 * (1.0 - spam) * (p_high + policy.normal_weight * p_normal))
    value = np.where(queue == QUEUES.index(Queue.SPAM), np.minimum(value, policy.spam_cap), value)
    return np.clip(value, 0, 100).astype(np.int64), queue


def _prioritize_row(
    p_negative: float, spam: float, complaint: float, abuse: float, question: float, praise: float,
    p_high: float, p_normal: float, policy: RoutingPolicy, thresholds: Mapping[str, float] | None = None,
) -> tuple[int, int]:
    """:func:`prioritize_arrays` of one row: the same IEEE double operations in the same order on
    Python floats (numpy's per-call cost is most of the work for one row), no object per queue."""
    if policy.complaint_needs_negative > 0:
        complaint = complaint * min(1.0, p_negative / policy.complaint_needs_negative)
    urgent = (1.0 - spam) * (1.0 - (1.0 - p_high) * (1.0 - complaint))
    rest = max(0.0, 1.0 - spam - urgent)
    abuse_p = rest * abuse
    rest = rest - abuse_p
    questions = rest * question
    rest = rest - questions
    praise_p = rest * praise
    other = rest - praise_p
    probs = (urgent, abuse_p, questions, spam, praise_p, other)  # in _PROB_ORDER
    costs = [math.inf] * len(QUEUES)
    shut: tuple[int, ...] = ()
    if policy.queues_follow_tags and thresholds is not None:
        given = {"abuse": abuse, "question": question, "spam": spam, "praise": praise}
        shut = tuple(_QUEUE_INDEX[q] for q, tag in GATED.items() if given[tag] < thresholds[tag])
    for chosen, row in _cost_rows(policy):
        if chosen in shut:
            continue
        total: float = 0
        for cost, p in zip(row, probs, strict=True):
            total = total + cost * p
        costs[chosen] = total
    queue = min(range(len(costs)), key=costs.__getitem__)  # the first of equal costs, as argmin
    value: float = round(100.0 * (1.0 - spam) * (p_high + policy.normal_weight * p_normal))
    if queue == _SPAM_INDEX:
        value = min(value, policy.spam_cap)
    return int(max(0, min(100, value))), queue


_QUEUE_INDEX = {q: i for i, q in enumerate(QUEUES)}
#: the order prioritize_arrays sums each chosen queue's costs in
_PROB_ORDER = (Queue.URGENT, Queue.ABUSE, Queue.QUESTIONS, Queue.SPAM, Queue.PRAISE, Queue.OTHER)
#: id(policy) -> (policy, its cost rows): :func:`_cost_rows`
_COST_ROWS: dict[int, tuple[RoutingPolicy, tuple[tuple[int, tuple[float, ...]], ...]]] = {}


def _cost_rows(policy: RoutingPolicy) -> tuple[tuple[int, tuple[float, ...]], ...]:
    """(chosen queue's index, its costs in :data:`_PROB_ORDER`) per row of ``policy.costs``, in
    the mapping's order (made once per policy)."""
    cached = _COST_ROWS.get(id(policy))
    if cached is None or cached[0] is not policy:
        rows = tuple((_QUEUE_INDEX[chosen], tuple(row.get(right, 0.0) for right in _PROB_ORDER))
                     for chosen, row in policy.costs.items())
        if len(_COST_ROWS) >= 16:
            _COST_ROWS.clear()
        cached = _COST_ROWS[id(policy)] = (policy, rows)
    return cached[1]
_SPAM_INDEX = QUEUES.index(Queue.SPAM)


def reasons_of(named: Sequence[float], reason_min: float) -> list[str]:
    """:func:`prioritize`'s reasons before the words: the :data:`_NAMED` probabilities (in that
    order) from ``reason_min`` on, likeliest first."""
    return [f"{_NAMED[j]} {named[j]:.2f}" for j in sorted(
        (j for j in range(len(_NAMED)) if named[j] >= reason_min), key=lambda j: -named[j])]
