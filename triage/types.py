"""Typed, frozen records passed between pipeline stages.

The shape of a record never depends on flags or on the input: a batch of one comment gives
exactly the record that comment gets inside a larger batch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = [
    "OUTPUT_FIELDS",
    "Comment",
    "PriorityLevel",
    "LanguageGuess",
    "Priority",
    "Queue",
    "SentimentLabel",
    "SentimentScores",
    "Tag",
    "TagScores",
    "Tier",
    "TriageResult",
    "Urgency",
]

#: Language code for "cannot tell" (emoji only, "??", a bare URL, words shared by many languages).
UNDETERMINED = "und"


class SentimentLabel(StrEnum):
    NEGATIVE = "negative"
    NEUTRAL = "neutral"
    POSITIVE = "positive"


class Tag(StrEnum):
    QUESTION = "question"
    COMPLAINT = "complaint"
    SPAM = "spam"
    PRAISE = "praise"
    ABUSE = "abuse"


class Queue(StrEnum):
    """Where a comment goes (docs/labelling.md, "Queues"): ``abuse`` holds abusive comments that
    are not a customer's complaint (to hide in bulk); an abusive complaint stays in ``urgent``."""

    URGENT = "urgent"
    QUESTIONS = "questions"
    SPAM = "spam"
    PRAISE = "praise"
    ABUSE = "abuse"
    OTHER = "other"


class PriorityLevel(StrEnum):
    """How soon a human must act (docs/labelling.md)."""

    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


class Tier(StrEnum):
    """Model tier: ``fast`` n-gram models, or ``accurate`` which adds multilingual embeddings."""

    FAST = "fast"
    ACCURATE = "accurate"


@dataclass(frozen=True, slots=True)
class Comment:
    """One incoming comment. Only ``text`` is required."""

    text: str
    id: str | None = None
    channel: str | None = None
    author: str | None = None
    created_at: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """ISO 639-1 code (or ``und``) and the detector's confidence in [0, 1]."""

    lang: str
    score: float


@dataclass(frozen=True, slots=True)
class SentimentScores:
    """Probabilities of the three sentiment classes (they sum to 1)."""

    p_negative: float
    p_neutral: float
    p_positive: float

    @property
    def label(self) -> SentimentLabel:
        probs = (self.p_negative, self.p_neutral, self.p_positive)
        return tuple(SentimentLabel)[max(range(3), key=probs.__getitem__)]

    @property
    def score(self) -> float:
        """Polarity in [-1, 1]: P(positive) - P(negative)."""
        return self.p_positive - self.p_negative


@dataclass(frozen=True, slots=True)
class TagScores:
    """Independent probabilities of each tag, and the tags over their thresholds."""

    question: float
    complaint: float
    spam: float
    praise: float
    abuse: float
    tags: tuple[Tag, ...]

    def __getitem__(self, tag: Tag) -> float:
        return float(getattr(self, tag.value))


@dataclass(frozen=True, slots=True)
class Urgency:
    """Probabilities of the three priority levels (they sum to 1); ``p_high`` is ``p_urgent``."""

    p_high: float
    p_normal: float
    p_low: float

    @property
    def level(self) -> PriorityLevel:
        probs = (self.p_high, self.p_normal, self.p_low)
        return tuple(PriorityLevel)[max(range(3), key=probs.__getitem__)]


@dataclass(frozen=True, slots=True)
class Priority:
    """Priority 0-100, the queue it puts the comment in, and the reasons behind both."""

    value: int
    queue: Queue
    reasons: tuple[str, ...]


#: The fields every output format adds to the input's own fields, in this order.
OUTPUT_FIELDS = (
    "lang",
    "lang_score",
    "sentiment",
    "sentiment_score",
    "p_negative",
    "p_neutral",
    "p_positive",
    "p_question",
    "p_complaint",
    "p_spam",
    "p_praise",
    "p_abuse",
    "tags",
    "p_urgent",
    "priority",
    "queue",
    "model",
)


@dataclass(frozen=True, slots=True)
class TriageResult:
    """Everything triage says about one comment."""

    comment: Comment
    language: LanguageGuess
    sentiment: SentimentScores
    tags: TagScores
    urgency: Urgency
    priority: Priority
    model: str

    def to_record(self, *, ndigits: int = 4) -> dict[str, Any]:
        """The output fields of DESIGN.md as plain JSON-able values (``tags`` is a list)."""
        s, t = self.sentiment, self.tags
        return {
            "lang": self.language.lang,
            "lang_score": round(self.language.score, ndigits),
            "sentiment": s.label.value,
            "sentiment_score": round(s.score, ndigits),
            "p_negative": round(s.p_negative, ndigits),
            "p_neutral": round(s.p_neutral, ndigits),
            "p_positive": round(s.p_positive, ndigits),
            "p_question": round(t.question, ndigits),
            "p_complaint": round(t.complaint, ndigits),
            "p_spam": round(t.spam, ndigits),
            "p_praise": round(t.praise, ndigits),
            "p_abuse": round(t.abuse, ndigits),
            "tags": [tag.value for tag in t.tags],
            "p_urgent": round(self.urgency.p_high, ndigits),
            "priority": self.priority.value,
            "queue": self.priority.queue.value,
            "model": self.model,
        }
