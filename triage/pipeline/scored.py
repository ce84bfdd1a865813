"""A scored batch as columns: what :meth:`Pipeline.score_batch` returns, before any per-comment object.

:meth:`triage.pipeline.core.Pipeline.score_arrays` fills a :class:`ScoredBatch` with numpy
columns (probabilities, priority, queue) and the few per-comment strings (language, reasons);
:meth:`ScoredBatch.results` turns it into :class:`~triage.types.TriageResult` records (the API
and the library), and :meth:`ScoredBatch.records` straight into the output rows of
``triage score`` (:data:`triage.types.OUTPUT_FIELDS` plus ``reasons`` and ``uncertainty``)
without building those records first. Both give exactly what the record path gives
(``tests/unit/test_scored.py``): the same Python floats, rounded by Python's ``round``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from triage.pipeline.ranking import QUEUES
from triage.pipeline.uncertainty import uncertainty_arrays
from triage.types import (
    Comment,
    LanguageGuess,
    Priority,
    SentimentLabel,
    SentimentScores,
    Tag,
    TagScores,
    TriageResult,
    Urgency,
)

__all__ = ["ScoredBatch"]

_TAGS = tuple(Tag)
_LABELS = tuple(label.value for label in SentimentLabel)
_SENTIMENT_LABELS = tuple(SentimentLabel)
#: bit set of the tags over their thresholds (bit i: ``_TAGS[i]``) -> the tags, in Tag order
_BITS = 1 << np.arange(len(_TAGS))
_TAG_SETS = tuple(tuple(t for i, t in enumerate(_TAGS) if m >> i & 1) for m in range(1 << len(_TAGS)))


@dataclass
class ScoredBatch:
    """Scores of ``n`` comments, column by column (module docstring)."""

    comments: Sequence[Comment]
    languages: list[LanguageGuess]
    sentiment: np.ndarray  # (n, 3) negative, neutral, positive
    tags: np.ndarray  # (n, len(Tag)) in Tag order, calibrated
    thresholds: Mapping[Tag, float]
    urgency: np.ndarray  # (n, 3) high, normal, low
    priority: np.ndarray  # (n,) int 0-100
    queue: np.ndarray  # (n,) index into ranking.QUEUES
    reasons: list[tuple[str, ...]]
    model: str

    def __len__(self) -> int:
        return len(self.comments)

    def _tag_sets(self) -> list[tuple[Tag, ...]]:
        thresholds = [self.thresholds[t] for t in _TAGS]
        if len(self.tags) == 1:  # one comment: the same comparisons on Python floats
            row = self.tags[0].tolist()
            return [_TAG_SETS[sum(1 << i for i, (p, t) in enumerate(zip(row, thresholds, strict=True)) if p >= t)]]
        over = self.tags >= np.array(thresholds)
        bits = (over * _BITS).sum(axis=1)
        return [_TAG_SETS[b] for b in bits.tolist()]

    def results(self) -> list[TriageResult]:
        """One :class:`~triage.types.TriageResult` per comment, in order."""
        sent = self.sentiment.tolist()
        tags = self.tags.tolist()
        urg = self.urgency.tolist()
        out = []
        for c, lang, s, t, u, on, value, q, why in zip(
                self.comments, self.languages, sent, tags, urg, self._tag_sets(), self.priority.tolist(),
                self.queue.tolist(), self.reasons, strict=True):
            out.append(TriageResult(c, lang, SentimentScores(*s), TagScores(*t, tags=on), Urgency(*u),
                                    Priority(value, QUEUES[q], why), self.model))
        return out

    def records(self, *, ndigits: int = 4, extra: bool = True) -> list[dict[str, Any]]:
        """The output rows: :meth:`TriageResult.to_record` of each comment and, with ``extra``,
        ``reasons`` (list) and ``uncertainty`` (0 sure .. 1 a coin toss, rounded to 4 digits)."""
        if not len(self):
            return []
        sent = self.sentiment.tolist()
        tags = self.tags.tolist()
        p_high = self.urgency[:, 0].tolist()
        label = self.sentiment.argmax(axis=1).tolist()  # the first of equal maxima, as SentimentScores.label
        score = (self.sentiment[:, 2] - self.sentiment[:, 0]).tolist()
        if extra:
            unsure, _ = uncertainty_arrays(self.sentiment, {t: self.tags[:, j] for j, t in enumerate(_TAGS)},
                                           self.thresholds)
            unsure_list = unsure.tolist()
        model = self.model
        priority, queue = self.priority.tolist(), self.queue.tolist()
        out = []
        for i, (lang, (neg, neu, pos), (q, c, sp, pr, ab), on) in enumerate(
                zip(self.languages, sent, tags, self._tag_sets(), strict=True)):
            rec = {
                "lang": lang.lang,
                "lang_score": round(lang.score, ndigits),
                "sentiment": _LABELS[label[i]],
                "sentiment_score": round(score[i], ndigits),
                "p_negative": round(neg, ndigits),
                "p_neutral": round(neu, ndigits),
                "p_positive": round(pos, ndigits),
                "p_question": round(q, ndigits),
                "p_complaint": round(c, ndigits),
                "p_spam": round(sp, ndigits),
                "p_praise": round(pr, ndigits),
                "p_abuse": round(ab, ndigits),
                "tags": [t.value for t in on],
                "p_urgent": round(p_high[i], ndigits),
                "priority": priority[i],
                "queue": QUEUES[queue[i]].value,
                "model": model,
            }
            if extra:
                rec["reasons"] = list(self.reasons[i])
                rec["uncertainty"] = round(unsure_list[i], 4)
            out.append(rec)
        return out
