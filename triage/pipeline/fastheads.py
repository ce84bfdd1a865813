"""Every fast head of a model as one sparse-matrix product per batch.

The fast tier has about a dozen linear heads over the same TF-IDF features (sentiment, polarity,
the tags, the urgency head, the per-language polarity specialists). Scoring them one by one walks
the batch's sparse matrix once per head; :class:`FastHeads` stacks their weights into one
``(n_features, n_outputs)`` matrix, made once when the model loads, so that a batch costs one
``X @ W`` and each head then applies its own link function to its columns.

The answers are the very numbers of the head-by-head path (``tests/unit/test_fastheads.py``
compares them bit for bit): scipy sums each output column over a row's non-zeros in the same
order whether the weights have one column or many, and the heads whose input has extra dense
cue columns (urgency, abuse) add them exactly as their own code does — the urgency head's cue
terms in float32 after the row's n-gram terms, as the stacked matrix ``[X | cues]`` would, and
the abuse head's in float64 after the fact (:func:`triage.pipeline.core.fast_tag_probs`).

The heads whose weights are exactly as wide as ``X`` are rebuilt as views into the stacked
matrix, so the stack costs no memory beyond the cue-reading heads' columns.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from triage.pipeline.features import SparseRows
from triage.pipeline.heads import LinearHead
from triage.pipeline.sentiment import combine_sentiment
from triage.types import Tag

__all__ = ["FastHeads"]



def _read_class(name: str) -> str:
    """The class whose probability the pipeline reads of a two-class fast head."""
    return "positive" if name.startswith("fast.polarity") else "1"


class FastHeads:
    """The fast heads of a model stacked for one product per batch (module docstring).

    Args:
        heads: the model's heads (``fast.sentiment3``, ``fast.polarity``, ``fast.<tag>``,
            ``fast.urgency``, optional ``fast.polarity@<lang>``).
        width: the number of shared features (``X.shape[1]``).
        specialists: language -> weight of its polarity specialist (``[sentiment.specialists]``).
    """

    def __init__(self, heads: Mapping[str, LinearHead], width: int, specialists: Mapping[str, float],
                 weights: np.ndarray | None = None) -> None:
        """``weights``: the stacked matrix as this made it before (the load cache's copy); used
        when its shape is the one these heads make, else made again."""
        self.width = width
        #: (width, specialists) it was made for
        self.made_for = (width, tuple(specialists.items()))
        self.specialists = {lang: w for lang, w in specialists.items()
                            if w > 0 and f"fast.polarity@{lang}" in heads}
        names = ["fast.sentiment3", "fast.polarity", *(f"fast.{t.value}" for t in Tag), "fast.urgency",
                 *(f"fast.polarity@{lang}" for lang in self.specialists)]
        for name in names:
            head = heads[name]
            if head.coef.shape[1] < width:
                raise ValueError(f"head {name} reads {head.coef.shape[1]} features, the featurizer makes {width}")
        abuse = heads["fast.abuse"]
        #: the abuse head reads the abuse cues after the shared features (models from 0.3.0)
        self.abuse_cues = abuse.coef.shape[1] > width
        if self.abuse_cues and len(abuse.classes) != 2:
            raise ValueError("a multi-class abuse head with cue columns is not supported")
        #: the urgency head reads the urgency cues after the shared features
        self.urgency_cues = heads["fast.urgency"].coef.shape[1] > width
        self.heads: dict[str, LinearHead] = {}
        self.columns: dict[str, slice] = {}
        start = 0
        for name in names:
            k = heads[name].coef.shape[0]
            self.columns[name] = slice(start, start + k)
            start += k
        # C order (width, outputs): what the product reads without a copy; one transposing copy of
        # the heads' rows stacked (half the time of filling each head's columns in turn)
        if weights is None or weights.shape != (width, start) or weights.dtype != np.float32:
            weights = np.ascontiguousarray(
                np.concatenate([np.asarray(heads[name].coef[:, :width], dtype=np.float32) for name in names]).T
            )
        self.weights = weights
        for name in names:
            head = heads[name]
            if head.coef.shape[1] == width:  # share the stacked memory (a (k, width) view)
                head = dataclasses.replace(head, coef=weights[:, self.columns[name]].T)
            self.heads[name] = head
        # the two-class heads, read together (probabilities): their output column, intercept and
        # which class P(column) is (True: classes[1], the head's "1" / "positive")
        binary = [name for name in names if name != "fast.sentiment3" and len(self.heads[name].classes) == 2
                  and _read_class(name) in self.heads[name].classes]
        self._binary_at = {name: i for i, name in enumerate(binary)}
        self._binary_columns = np.array([self.columns[name].start for name in binary], dtype=np.intp)
        self._binary_intercepts = np.array([self.heads[name].intercept[0] for name in binary], dtype=np.float64)
        self._binary_second = {name: self.heads[name].classes.index(_read_class(name)) == 1 for name in binary}
        #: the abuse head's cue weights in float64 (as fast_tag_probs converts them per call)
        self._abuse_extra = heads["fast.abuse"].coef[0, width:].astype(np.float64)
        three, urgency = self.heads["fast.sentiment3"], self.heads["fast.urgency"]
        self._sentiment_order = [three.classes.index(c) for c in ("negative", "neutral", "positive")]
        self._urgency_order = [urgency.classes.index(c) for c in ("high", "normal", "low")]

    def shared(self, heads: Mapping[str, LinearHead]) -> dict[str, LinearHead]:
        """``heads`` with the stacked ones replaced by their views into the stacked matrix."""
        return {name: self.heads.get(name, head) for name, head in heads.items()}

    def probabilities(
        self,
        X: Any,
        langs: Sequence[str],
        urgency_cues: Callable[[], np.ndarray],
        abuse_cues: Callable[[], np.ndarray],
    ) -> tuple[np.ndarray, dict[Tag, np.ndarray], np.ndarray]:
        """Sentiment (n, 3: negative, neutral, positive), tag columns (n,) and urgency (n, 3:
        high, normal, low) of the fast tier before any calibration, from one ``X @ W``.

        ``urgency_cues`` and ``abuse_cues`` make the dense cue columns of the heads that read
        them (called only when a head does).
        """
        # (n, outputs) float32, each column summed as the head alone would
        z32 = X.dot(self.weights) if isinstance(X, SparseRows) else X @ self.weights
        z = np.asarray(z32, dtype=np.float64)
        # Every two-class head's P(class 1) from one exp over their columns (the same float
        # operations, element by element, as proba_from_decision head by head).
        d = z[:, self._binary_columns] + self._binary_intercepts
        if self.abuse_cues:  # as fast_tag_probs: the cue terms and intercept added in float64 after the fact
            abuse = self.heads["fast.abuse"]
            zc = np.array(z[:, self.columns["fast.abuse"].start])
            zc += abuse_cues() @ self._abuse_extra + float(abuse.intercept[0])
            d[:, self._binary_at["fast.abuse"]] = zc
        p1 = 1.0 / (1.0 + np.exp(-d))

        def positive(name: str) -> np.ndarray:  # P(the class _read_class(name)) of a two-class head
            at = self._binary_at.get(name)
            if at is None:  # a head of other classes: as proba_from_decision alone (its error, if any)
                head = self.heads[name]
                proba = head.proba_from_decision(z[:, self.columns[name]] + head.intercept)
                return proba[:, head.classes.index(_read_class(name))]
            return p1[:, at] if self._binary_second[name] else 1.0 - p1[:, at]

        three = self.heads["fast.sentiment3"]
        p3 = three.proba_from_decision(z[:, self.columns["fast.sentiment3"]] + three.intercept)
        p3 = p3[:, self._sentiment_order]
        sent = combine_sentiment(p3, positive("fast.polarity"))
        sent = self._specialize(sent, langs, positive)
        tags: dict[Tag, np.ndarray] = {}
        for tag in Tag:
            tags[tag] = positive(f"fast.{tag.value}")
        head = self.heads["fast.urgency"]
        if self.urgency_cues:
            zu = np.array(z32[:, self.columns["fast.urgency"]])
            cues = np.asarray(urgency_cues(), dtype=np.float32)
            extra = head.coef[:, self.width:]
            if len(cues) == 1:  # one comment: only its non-zero cues (the same float32 additions, in order)
                row = cues[0]
                for j in np.flatnonzero(row).tolist():
                    zu[0] += row[j] * extra[:, j]
            else:
                for j in range(cues.shape[1]):  # float32, after the row's n-gram terms, as [X | cues] @ W
                    rows = np.flatnonzero(cues[:, j])
                    if len(rows):
                        zu[rows] += cues[rows, j][:, None] * extra[:, j][None, :]
            zd = np.asarray(zu, dtype=np.float64) + head.intercept
        else:
            zd = z[:, self.columns["fast.urgency"]] + head.intercept
        urg = head.proba_from_decision(zd)[:, self._urgency_order]
        return sent, tags, urg

    def _specialize(self, probs: np.ndarray, langs: Sequence[str], positive: Callable[[str], np.ndarray]) -> np.ndarray:
        """:func:`triage.pipeline.sentiment.specialize` on the stacked scores."""
        out = probs
        if not self.specialists or self.specialists.keys().isdisjoint(langs):
            return out
        langs_arr = np.asarray(langs)
        for lang, w in self.specialists.items():
            mask = langs_arr == lang
            if not mask.any():
                continue
            if out is probs:
                out = probs.copy()
            p = positive(f"fast.polarity@{lang}")[mask]
            polar = out[mask, 0] + out[mask, 2]
            q = out[mask, 2] / np.maximum(polar, 1e-9)
            q = (1.0 - w) * q + w * p
            out[mask, 0] = polar * (1.0 - q)
            out[mask, 2] = polar * q
        return out
