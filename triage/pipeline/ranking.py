"""Priority and queue: who needs a human first.

Priority (0-100) is a weighted sum of the model's probabilities, damped by spam::

    raw      = base
             + negative  * P(negative)
             + complaint * P(complaint)
             + question  * P(question)
             + praise    * P(praise)
    priority = round(min(100, raw) * (1 - P(spam) * (1 - P(complaint))))
               and at most ``spam_cap`` in the spam queue

With the default weights an unhappy customer asking for help (negative, complaint, question)
scores 80-100, a complaint 60-80, a mild negative remark 25-40, a question 25-35, praise and
chit-chat 5-20, spam 0-5. The queue is the first rule that matches:

1. ``spam``      the spam tag is set, and spam is likelier than a complaint (a real customer
                 whose complaint looks a bit like an ad must not vanish into bulk removal);
2. ``urgent``    the complaint tag is set, or P(negative) >= ``urgent_negative``;
3. ``questions`` the question tag is set;
4. ``praise``    the praise tag is set;
5. ``other``     everything else.

The reasons list every term that added at least ``reason_min_points`` points, biggest first.
All weights live in the model's ``pipeline.toml`` under ``[ranking]`` and can be changed there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

from triage.errors import ConfigError
from triage.types import Priority, Queue, SentimentScores, Tag, TagScores

__all__ = ["RankingWeights", "prioritize"]


@dataclass(frozen=True, slots=True)
class RankingWeights:
    """Weights of the priority formula (see the module docstring)."""

    base: float = 5.0
    negative: float = 35.0
    complaint: float = 35.0
    question: float = 25.0
    praise: float = 8.0
    spam_cap: int = 5
    urgent_negative: float = 0.75
    reason_min_points: float = 5.0

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> RankingWeights:
        """Build from a ``[ranking]`` table; unknown keys and non-numbers are errors."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ConfigError(f"unknown ranking weight(s) {unknown}; known: {sorted(known)}")
        kwargs: dict[str, float] = {}
        for key, value in values.items():
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise ConfigError(f"ranking weight {key!r} must be a number, got {value!r}")
            kwargs[key] = value
        return cls(**kwargs)  # type: ignore[arg-type]


def prioritize(sentiment: SentimentScores, tags: TagScores, weights: RankingWeights) -> Priority:
    """Priority, queue and reasons of one scored comment."""
    terms = [
        ("negative", weights.negative * sentiment.p_negative, sentiment.p_negative),
        ("complaint", weights.complaint * tags.complaint, tags.complaint),
        ("question", weights.question * tags.question, tags.question),
        ("praise", weights.praise * tags.praise, tags.praise),
    ]
    raw = min(100.0, weights.base + sum(points for _, points, _ in terms))
    value = round(raw * (1.0 - tags.spam * (1.0 - tags.complaint)))
    reasons = [
        f"{name} {p:.2f}"
        for name, points, p in sorted(terms, key=lambda t: -t[1])
        if points >= weights.reason_min_points
    ]
    if Tag.SPAM in tags.tags and tags.spam >= tags.complaint:
        value = min(value, weights.spam_cap)
        reasons.insert(0, f"spam {tags.spam:.2f}")
        queue = Queue.SPAM
    elif Tag.COMPLAINT in tags.tags or sentiment.p_negative >= weights.urgent_negative:
        queue = Queue.URGENT
    elif Tag.QUESTION in tags.tags:
        queue = Queue.QUESTIONS
    elif Tag.PRAISE in tags.tags:
        queue = Queue.PRAISE
    else:
        queue = Queue.OTHER
    return Priority(max(0, min(100, value)), queue, tuple(reasons))
