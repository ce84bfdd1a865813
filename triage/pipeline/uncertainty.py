"""Active learning: how unsure the model is about a comment, and why.

Labelling effort helps most where the model hesitates. Each head gives a certainty-free score
in [0, 1] (1 = a coin toss, 0 = sure), and a comment's uncertainty is the largest of them:

* sentiment: ``1 - (p1 - p2)``, one minus the margin between the two likeliest classes
  (margin sampling; Scheffer et al. 2001);
* each tag: one at the tag's decision threshold ``t`` (a tag is decided there, not at 0.5),
  falling linearly to zero at probability 0 (``p / t`` below ``t``) and 1 (``(1 - p) / (1 - t)``
  above it).

The reason names the head that is most unsure, e.g. ``"sentiment: negative 0.41 vs neutral
0.38"`` or ``"complaint: 0.47 at threshold 0.45"``, so a moderator sees what to decide.

>>> from triage.types import SentimentScores, TagScores
>>> u = uncertainty(SentimentScores(0.41, 0.38, 0.21), TagScores(0.02, 0.10, 0.01, 0.05, 0.0, ()),
...                 {Tag.QUESTION: 0.5, Tag.COMPLAINT: 0.45, Tag.SPAM: 0.5, Tag.PRAISE: 0.5, Tag.ABUSE: 0.5})
>>> round(u.score, 2), u.reason
(0.97, 'sentiment: negative 0.41 vs neutral 0.38')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from triage.types import SentimentLabel, SentimentScores, Tag, TagScores

__all__ = ["Uncertainty", "tag_uncertainty", "uncertainties", "uncertainty", "uncertainty_arrays"]

_LABELS = tuple(label.value for label in SentimentLabel)
_TAG_LIST = tuple(Tag)


@dataclass(frozen=True, slots=True)
class Uncertainty:
    """How unsure the model is (0 sure .. 1 coin toss) and which head is most unsure."""

    score: float
    reason: str


def tag_uncertainty(p: np.ndarray | float, threshold: float) -> np.ndarray:
    """One at the threshold, zero at probability 0 or 1 (linear on each side).

    >>> tag_uncertainty(np.array([0.0, 0.15, 0.3, 0.65, 1.0]), 0.3).round(2).tolist()
    [0.0, 0.5, 1.0, 0.5, 0.0]
    """
    p = np.asarray(p, dtype=float)
    t = min(max(threshold, 1e-6), 1 - 1e-6)
    return np.clip(np.where(p <= t, p / t, (1.0 - p) / (1.0 - t)), 0.0, 1.0)


def uncertainty_arrays(
    sentiment: np.ndarray, tags: Mapping[Tag, np.ndarray], thresholds: Mapping[Tag, float]
) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised: (scores, head) for ``n`` comments; head 0 is sentiment, 1+i is ``list(Tag)[i]``.

    ``sentiment`` is an ``(n, 3)`` array of negative/neutral/positive probabilities.
    """
    top2 = np.sort(np.asarray(sentiment, dtype=float), axis=1)[:, -2:]
    columns = [1.0 - (top2[:, 1] - top2[:, 0])]
    columns += [tag_uncertainty(tags[tag], thresholds[tag]) for tag in Tag]
    table = np.column_stack(columns)
    head = table.argmax(axis=1)
    return table[np.arange(len(table)), head], head


def uncertainty(sentiment: SentimentScores, tags: TagScores, thresholds: Mapping[Tag, float]) -> Uncertainty:
    """The uncertainty of one scored comment (see the module docstring)."""
    return uncertainties([sentiment], [tags], thresholds)[0]


def uncertainties(
    sentiments: Sequence[SentimentScores],
    tags: Sequence[TagScores],
    thresholds: Mapping[Tag, float],
) -> list[Uncertainty]:
    """:func:`uncertainty` of each of ``n`` scored comments, with one :func:`uncertainty_arrays`
    for the batch (the same element-wise operations, so the same floats and reasons)."""
    if not sentiments:
        return []
    probs = np.array([[s.p_negative, s.p_neutral, s.p_positive] for s in sentiments])
    columns = {tag: np.array([t[tag] for t in tags]) for tag in Tag}
    scores, heads = uncertainty_arrays(probs, columns, thresholds)
    out = []
    for i, (score, head) in enumerate(zip(scores.tolist(), heads.tolist(), strict=True)):
        if head == 0:
            first, second = np.argsort(probs[i])[::-1][:2]
            reason = (
                f"sentiment: {_LABELS[first]} {probs[i, first]:.2f} "
                f"vs {_LABELS[second]} {probs[i, second]:.2f}"
            )
        else:
            tag = _TAG_LIST[head - 1]
            reason = f"{tag.value}: {tags[i][tag]:.2f} at threshold {thresholds[tag]:.2f}"
        out.append(Uncertainty(score, reason))
    return out
