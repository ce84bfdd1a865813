"""Tag stage: independent probabilities for question, complaint, spam and praise.

Each tag is its own binary head (a comment can be a complaint and a question at once); a tag is
set when its probability reaches its threshold, tuned per tag on the dev data and saved with the
model.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from triage.types import Tag, TagScores

__all__ = ["to_tag_scores"]


def to_tag_scores(probs: Mapping[Tag, np.ndarray], thresholds: Mapping[Tag, float]) -> list[TagScores]:
    """Per-tag probability columns (each (n,)) and thresholds as records."""
    n = len(next(iter(probs.values())))
    out = []
    for i in range(n):
        values = {tag: float(probs[tag][i]) for tag in Tag}
        tags = tuple(tag for tag in Tag if values[tag] >= thresholds[tag])
        out.append(TagScores(values[Tag.QUESTION], values[Tag.COMPLAINT], values[Tag.SPAM], values[Tag.PRAISE], tags))
    return out
