"""Sentiment stage: P(negative), P(neutral), P(positive) from two heads.

Half of the public sentiment data is two-class (positive/negative reviews). Training one 3-class
model on it would teach that neutral does not exist in those languages. So two heads are trained:

* a 3-class head on the datasets that do label neutral, which says how likely "neutral" is;
* a polarity head (positive vs negative) on every non-neutral example of every dataset.

The probability mass that is not neutral is split by the polarity (the average of the polarity
head and the 3-class head's own positive/negative ratio).

A language with plenty of its own polar training rows (Vietnamese, Romanian, Persian, ...) also
gets a *specialist* polarity head, ``fast.polarity@<lang>``, trained on that language alone. For
comments detected in that language the positive/negative split becomes a blend of the pooled
split and the specialist's, with a per-language weight tuned on the dev sets (``[sentiment.
specialists]`` in ``pipeline.toml``; languages where it did not help have no specialist). One
pooled model for 14 languages otherwise loses several points on single-language review sets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from triage.pipeline.heads import LinearHead
from triage.types import SentimentScores

__all__ = ["calibrate_neutral", "combine_sentiment", "head_sentiment", "specialize", "to_scores"]


def combine_sentiment(p3: np.ndarray, p_positive_if_polar: np.ndarray) -> np.ndarray:
    """Combine a 3-class head (n, 3: neg, neu, pos) and a polarity head (n,) into (n, 3)."""
    neutral = p3[:, 1]
    ratio = p3[:, 2] / np.maximum(p3[:, 0] + p3[:, 2], 1e-9)
    q = (p_positive_if_polar + ratio) / 2
    polar = 1.0 - neutral
    return np.column_stack([polar * (1.0 - q), neutral, polar * q])


def calibrate_neutral(probs: np.ndarray, scale: float) -> np.ndarray:
    """Scale P(neutral) and renormalise, so that the label users see (the likeliest class) is
    right on brand pages *and* on clearly polar reviews.

    The 3-class head learns "neutral" from tweets and brand comments; on long, clearly polar
    reviews its neutral mass is too high. ``scale`` (``[sentiment] neutral_scale``) is tuned on the
    dev sets against the shown label, neutral answers counting as wrong on two-class review sets.
    """
    if scale == 1.0:
        return probs
    out = probs.copy()
    out[:, 1] *= scale
    return out / out.sum(axis=1, keepdims=True)


def to_scores(probs: np.ndarray) -> list[SentimentScores]:
    """Rows of (neg, neu, pos) probabilities as records."""
    return [SentimentScores(float(a), float(b), float(c)) for a, b, c in probs]


def head_sentiment(heads: Mapping[str, LinearHead], space: str, X: Any) -> np.ndarray:
    """(n, 3) sentiment probabilities of one feature space (``fast`` or ``emb``)."""
    three = heads[f"{space}.sentiment3"]
    p3 = three.predict_proba(X)[:, [three.classes.index(c) for c in ("negative", "neutral", "positive")]]
    return combine_sentiment(p3, heads[f"{space}.polarity"].proba_of(X, "positive"))


def specialize(
    probs: np.ndarray,
    heads: Mapping[str, LinearHead],
    X: Any,
    langs: Sequence[str],
    weights: Mapping[str, float],
) -> np.ndarray:
    """Re-split the polar mass of rows in a language with a specialist head (see module doc).

    ``probs`` is the pooled (n, 3) output of :func:`head_sentiment` on features ``X``; rows whose
    language has no specialist are returned unchanged. Neutral is never changed.
    """
    out = probs
    langs_arr = np.asarray(langs)
    for lang, w in weights.items():
        head = heads.get(f"fast.polarity@{lang}")
        mask = langs_arr == lang
        if head is None or w <= 0 or not mask.any():
            continue
        if out is probs:
            out = probs.copy()
        polar = out[mask, 0] + out[mask, 2]
        q = out[mask, 2] / np.maximum(polar, 1e-9)
        q = (1.0 - w) * q + w * head.proba_of(X[mask], "positive")
        out[mask, 0] = polar * (1.0 - q)
        out[mask, 2] = polar * q
    return out
