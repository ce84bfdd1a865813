"""The figure of a public sentiment dev set for the label users see, as every benchmark reports it:
accuracy on two-class sets (a ``neutral`` answer counts as wrong), macro-F1 on the others, and on
UMSAB the mean of its languages' macro-F1 (``bench_judgement.py``, ``bench_neighbours.py``,
``bench_complaint_negative.py``)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from triage.training.evaluate import classification_metrics

LABELS = ("negative", "neutral", "positive")
#: the set whose figure is the mean over its languages
PER_LANGUAGE = "umsab_xlm-t"


def lang_mean_macro_f1(y: Sequence[str], shown: Sequence[str], langs: Sequence[str]) -> float:
    """Mean over the languages of ``langs`` of the shown label's macro-F1."""
    return float(np.mean([
        classification_metrics([t for t, g in zip(y, langs, strict=True) if g == lang],
                               [s for s, g in zip(shown, langs, strict=True) if g == lang], list(LABELS))["macro_f1"]
        for lang in sorted(set(langs))]))


def shown_label_score(name: str, classes: int, y: Sequence[str], shown: Sequence[str], langs: Sequence[str]) -> float:
    """The set's figure (module docstring); ``classes``: how many labels the whole set has."""
    if classes == 2:
        return classification_metrics(y, shown, list(LABELS))["accuracy"]
    if name == PER_LANGUAGE:
        return lang_mean_macro_f1(y, shown, langs)
    return classification_metrics(y, shown, list(LABELS))["macro_f1"]
