"""Metrics: precision, recall and F1 per label, macro averages, per language.

Pure functions over label sequences; used by model training, ``benchmarks/`` and tests.

>>> m = classification_metrics(["a", "b", "b"], ["a", "b", "a"], labels=["a", "b"])
>>> round(m["macro_f1"], 3), m["per_label"]["b"]["recall"]
(0.667, 0.5)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["best_threshold", "binary_metrics", "by_language", "classification_metrics"]


def classification_metrics(y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str]) -> dict[str, Any]:
    """Accuracy, macro-F1 and per-label precision/recall/F1/support."""
    yt, yp = np.asarray(y_true), np.asarray(y_pred)
    per_label: dict[str, dict[str, float]] = {}
    for label in labels:
        tp = int(np.sum((yp == label) & (yt == label)))
        fp = int(np.sum((yp == label) & (yt != label)))
        fn = int(np.sum((yp != label) & (yt == label)))
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        per_label[label] = {"precision": p, "recall": r, "f1": f, "support": int(np.sum(yt == label))}
    present = [lab for lab in labels if per_label[lab]["support"] > 0]
    return {
        "n": len(yt),
        "accuracy": float(np.mean(yt == yp)) if len(yt) else 0.0,
        "macro_f1": float(np.mean([per_label[lab]["f1"] for lab in present])) if present else 0.0,
        "per_label": per_label,
    }


def binary_metrics(y_true: Sequence[bool], scores: Sequence[float], threshold: float) -> dict[str, Any]:
    """Precision, recall and F1 of the positive class at a threshold."""
    yt = np.asarray(y_true, dtype=bool)
    yp = np.asarray(scores) >= threshold
    tp = int(np.sum(yp & yt))
    fp = int(np.sum(yp & ~yt))
    fn = int(np.sum(~yp & yt))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {
        "n": int(len(yt)),
        "positives": int(yt.sum()),
        "precision": p,
        "recall": r,
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "accuracy": float(np.mean(yp == yt)) if len(yt) else 0.0,
    }


def best_threshold(
    groups: Sequence[tuple[Sequence[bool], Sequence[float]]],
    avoid: tuple[Sequence[float], float] | Sequence[tuple[Sequence[float], float]] | None = None,
    min_gain: float = 0.0,
    public: Sequence[tuple[Sequence[bool], Sequence[float]]] | None = None,
    prefer: float | None = None,
) -> float:
    """The threshold that maximises the mean F1 over several dev sets (each counts equally).

    ``avoid = (scores, max_share)``, or a list of them: only thresholds that tag at most
    ``max_share`` of each group of scores (rows that must not carry the tag, e.g. fair complaints
    and praise near-misses for ``abuse``) are candidates; when none is, the highest threshold of
    the grid.

    ``min_gain`` and ``public``: thresholds whose mean F1 is within ``min_gain`` of the best are a
    tie (an F1 curve flat over a wide range says nothing about where to cut), broken by the mean
    F1 over the ``public`` groups at the same threshold, then by nearness to the best.

    ``prefer`` (an earlier model's threshold): kept whenever it is among the tied thresholds
    (and allowed by ``avoid``), so that a build moves a cut only where its dev scores clearly
    gain; the public tie-break applies only when it is not.

    >>> y = [True, True, False, False]
    >>> best_threshold([(y, [0.9, 0.3, 0.2, 0.1])])
    0.225
    >>> best_threshold([(y, [0.9, 0.3, 0.2, 0.1])], min_gain=0.01, public=[(y, [0.9, 0.28, 0.26, 0.1])])
    0.275
    >>> best_threshold([(y, [0.9, 0.3, 0.2, 0.1])], min_gain=0.01, prefer=0.25)
    0.25
    """
    grid = np.round(np.arange(0.1, 0.91, 0.025), 3)
    single = isinstance(avoid, tuple) and len(avoid) == 2 and isinstance(avoid[1], float | int)
    limits = [] if avoid is None else [avoid] if single else list(avoid)
    if limits:
        checks = [(np.asarray(scores, dtype=float), max_share) for scores, max_share in limits]
        allowed = [t for t in grid
                   if all(not len(sc) or float(np.mean(sc >= t)) <= share for sc, share in checks)]
        grid = np.array(allowed or [grid[-1]])
    means = np.array([np.mean([binary_metrics(yt, s, float(t))["f1"] for yt, s in groups]) for t in grid])
    best = int(np.argmax(means))
    tied = [i for i in range(len(grid)) if means[i] >= means[best] - min_gain]
    kept = [i for i in tied if prefer is not None and abs(float(grid[i]) - prefer) < 1e-9]
    if kept:
        return float(grid[kept[0]])
    if public and min_gain > 0:
        outside = {i: float(np.mean([binary_metrics(yt, s, float(grid[i]))["f1"] for yt, s in public])) for i in tied}
        best = max(tied, key=lambda i: (round(outside[i], 9), -abs(i - best)))
    return float(grid[best])


def by_language(langs: Sequence[str], fn: Any, *columns: Sequence[Any]) -> dict[str, Any]:
    """Apply a metric function to the rows of each language separately."""
    la = np.asarray(langs)
    cols = [np.asarray(c) for c in columns]
    return {lang: fn(*[c[la == lang] for c in cols]) for lang in sorted(set(la.tolist()))}
