"""Classification heads stored as plain arrays (no pickles: loading runs no code).

Training fits scikit-learn ``LogisticRegression`` models (:class:`LinearHead`) and, for some of the
accurate tier's heads, one-hidden-layer ``MLPClassifier`` models (:class:`MLPHead`: a ReLU layer
under the same logistic output); ``from_estimator`` / ``from_mlp`` keep only what prediction
needs. All heads of a model live in one ``heads.npz`` plus ``heads.json``.

Weights are stored small: float16, and the fast tier's wide heads (one weight per n-gram bucket,
over 65,536 columns) as int8 with one float32 scale per class row, which took 0.13.0's
``heads.npz`` from 9.7 MB to 4.0 MB with no dev figure moving beyond the resampling noise
(docs/model.md). :meth:`LinearHead.as_stored` gives the weights a model will read back, so that a
build tunes its thresholds on exactly those.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import scipy.sparse as sp

__all__ = ["LinearHead", "MLPHead", "heads_from_arrays", "load_heads", "read_head_arrays", "save_heads", "stored_weights"]

#: Weight matrices at least this wide are stored as int8 rows with a float32 scale each.
INT8_MIN_COLUMNS = 65_536


def _int8_rows(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``w`` (k, d) as int8 rows and each row's scale (max |weight| / 127; 1 for a zero row)."""
    w = np.asarray(w, dtype=np.float32)
    scale = np.abs(w).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    return np.round(w / scale[:, None]).astype(np.int8), scale.astype(np.float32)


def stored_weights(w: np.ndarray) -> np.ndarray:
    """The float32 weights a model reads back after :func:`save_heads` stored ``w``.

    >>> w = np.array([[0.5, -1.27, 0.0001]], dtype=np.float32)
    >>> stored_weights(w).tolist() == w.astype(np.float16).astype(np.float32).tolist()  # narrow: float16
    True
    """
    w = np.asarray(w, dtype=np.float32)
    if w.ndim == 2 and w.shape[1] >= INT8_MIN_COLUMNS:
        q, scale = _int8_rows(w)
        return q.astype(np.float32) * scale[:, None]
    return w.astype(np.float16).astype(np.float32)


@dataclass(frozen=True)
class LinearHead:
    """Multinomial (k >= 3 classes) or binary logistic regression weights."""

    classes: tuple[str, ...]
    coef: np.ndarray  # (k, d), or (1, d) for two classes
    intercept: np.ndarray  # (k,) or (1,)

    @classmethod
    def from_estimator(cls, est: Any) -> LinearHead:
        """Copy the weights of a fitted scikit-learn linear classifier."""
        return cls(
            tuple(str(c) for c in est.classes_),
            np.asarray(est.coef_, dtype=np.float32),
            np.asarray(est.intercept_, dtype=np.float32),
        )

    def as_stored(self) -> LinearHead:
        """This head with the weights a model reads back after :func:`save_heads`."""
        return type(self)(self.classes, stored_weights(self.coef), np.asarray(self.intercept, dtype=np.float32))

    def decision(self, X: sp.csr_matrix | np.ndarray) -> np.ndarray:
        """Raw scores (n, k); ``coef`` is float32 already, so nothing is copied per call."""
        z = X @ self.coef.T
        return np.asarray(z, dtype=np.float64) + self.intercept

    def predict_proba(self, X: sp.csr_matrix | np.ndarray) -> np.ndarray:
        """Class probabilities (n, len(classes)), columns in ``classes`` order."""
        return self.proba_from_decision(self.decision(X))

    def proba_from_decision(self, z: np.ndarray) -> np.ndarray:
        """Class probabilities from raw scores ``z`` (n, k) of :meth:`decision` (changed in place)."""
        if len(self.classes) == 2:
            p1 = 1.0 / (1.0 + np.exp(-z[:, 0]))
            return np.column_stack([1.0 - p1, p1])
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def proba_of(self, X: sp.csr_matrix | np.ndarray, label: str) -> np.ndarray:
        """Probability of one class, shape (n,)."""
        return self.predict_proba(X)[:, self.classes.index(label)]


@dataclass(frozen=True)
class MLPHead(LinearHead):
    """A hidden ReLU layer (``hidden_w`` (d, h), ``hidden_b`` (h,)) under a :class:`LinearHead`
    output whose ``coef`` is (k, h): scikit-learn's ``MLPClassifier`` with one hidden layer."""

    hidden_w: np.ndarray
    hidden_b: np.ndarray

    @classmethod
    def from_mlp(cls, est: Any) -> MLPHead:
        """Copy the weights of a fitted one-hidden-layer ``MLPClassifier`` (ReLU)."""
        if len(est.coefs_) != 2 or est.activation != "relu":
            raise ValueError("MLPHead holds one hidden ReLU layer")
        return cls(
            tuple(str(c) for c in est.classes_),
            np.ascontiguousarray(est.coefs_[1].T, dtype=np.float32),
            np.asarray(est.intercepts_[1], dtype=np.float32),
            np.asarray(est.coefs_[0], dtype=np.float32),
            np.asarray(est.intercepts_[0], dtype=np.float32),
        )

    def as_stored(self) -> MLPHead:
        return MLPHead(self.classes, stored_weights(self.coef), np.asarray(self.intercept, dtype=np.float32),
                       stored_weights(self.hidden_w), np.asarray(self.hidden_b, dtype=np.float32))

    def decision(self, X: sp.csr_matrix | np.ndarray) -> np.ndarray:
        hidden = np.asarray(X @ self.hidden_w, dtype=np.float32) + self.hidden_b
        np.maximum(hidden, 0.0, out=hidden)
        return super().decision(hidden)


def save_heads(heads: Mapping[str, LinearHead], directory: Path) -> None:
    """Write ``heads.npz`` (float16 weights; int8 rows and ``.coef_scale`` for the wide ones)
    and ``heads.json`` (class names)."""
    arrays: dict[str, np.ndarray] = {}
    for name, head in heads.items():
        if head.coef.shape[1] >= INT8_MIN_COLUMNS:
            arrays[f"{name}.coef"], arrays[f"{name}.coef_scale"] = _int8_rows(head.coef)
        else:
            arrays[f"{name}.coef"] = head.coef.astype(np.float16)
        arrays[f"{name}.intercept"] = head.intercept.astype(np.float32)
        if isinstance(head, MLPHead):
            arrays[f"{name}.hidden_w"] = head.hidden_w.astype(np.float16)
            arrays[f"{name}.hidden_b"] = head.hidden_b.astype(np.float32)
    np.savez_compressed(directory / "heads.npz", **arrays)  # type: ignore[arg-type]
    meta = {name: list(head.classes) for name, head in heads.items()}
    (directory / "heads.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")


def load_heads(directory: Path) -> dict[str, LinearHead]:
    """Read the heads written by :func:`save_heads`."""
    return heads_from_arrays(*read_head_arrays(directory))


def read_head_arrays(directory: Path) -> tuple[dict[str, np.ndarray], dict[str, list[str]]]:
    """``heads.npz``'s arrays as the heads hold them (weights widened to float32) and
    ``heads.json``'s class names: what :func:`heads_from_arrays` builds the heads of (and what
    the load cache stores)."""
    meta = json.loads((directory / "heads.json").read_text(encoding="utf-8"))
    with np.load(directory / "heads.npz") as data:
        arrays = {}
        for key in data.files:
            if key.endswith(".coef_scale"):
                continue
            a = data[key]
            if key.endswith((".coef", ".hidden_w")):
                scale = data[f"{key}_scale"] if f"{key}_scale" in data.files else None
                a = a.astype(np.float32) if scale is None else a.astype(np.float32) * scale[:, None]
            arrays[key] = a
    return arrays, meta


def heads_from_arrays(arrays: Mapping[str, np.ndarray], meta: Mapping[str, list[str]]) -> dict[str, LinearHead]:
    """The heads named in ``meta`` (name -> class names) from :func:`read_head_arrays`'s arrays."""
    heads: dict[str, LinearHead] = {}
    for name, classes in meta.items():
        coef, intercept = arrays[f"{name}.coef"], arrays[f"{name}.intercept"]
        if f"{name}.hidden_w" in arrays:
            heads[name] = MLPHead(tuple(classes), coef, intercept, arrays[f"{name}.hidden_w"], arrays[f"{name}.hidden_b"])
        else:
            heads[name] = LinearHead(tuple(classes), coef, intercept)
    return heads
