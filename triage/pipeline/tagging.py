"""Tag stage: independent probabilities for question, complaint, spam, praise and abuse.

Each tag is its own binary head (a comment can be a complaint and a question at once). Its
probability is calibrated to brand-page comments (Platt scaling, ``p' = sigmoid(a * logit(p) +
b)``, fitted on the in-domain dev part and saved with the model), because the queues weigh these
probabilities against each other; a tag is set when the calibrated probability reaches its
threshold, tuned per tag on the same data.

>>> calibrate(np.array([0.5, 0.9]), 1.0, 0.0).round(3).tolist()
[0.5, 0.9]
>>> calibrate(np.array([0.5]), 2.0, -1.0).round(3).tolist()
[0.269]
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from triage.types import Tag, TagScores

__all__ = ["calibrate", "to_tag_scores"]


def calibrate(p: np.ndarray, a: float | np.ndarray, b: float | np.ndarray) -> np.ndarray:
    """Platt scaling of probabilities: ``sigmoid(a * logit(p) + b)`` (element-wise; ``a`` and ``b``
    may be one value per column of a 2-D ``p``)."""
    q = np.clip(p, 1e-6, 1 - 1e-6)
    return 1.0 / (1.0 + np.exp(-(a * np.log(q / (1 - q)) + b)))


def to_tag_scores(probs: Mapping[Tag, np.ndarray], thresholds: Mapping[Tag, float]) -> list[TagScores]:
    """Per-tag probability columns (each (n,)) and thresholds as records."""
    n = len(next(iter(probs.values())))
    out = []
    for i in range(n):
        values = {tag: float(probs[tag][i]) for tag in Tag}
        tags = tuple(tag for tag in Tag if values[tag] >= thresholds[tag])
        out.append(TagScores(*(values[tag] for tag in Tag), tags=tags))
    return out
