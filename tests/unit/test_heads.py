"""Linear heads reproduce scikit-learn's probabilities after a save/load round trip."""

from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from triage.pipeline.heads import LinearHead, load_heads, save_heads


def test_heads_match_sklearn_after_round_trip(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 20)).astype(np.float32)
    y3 = np.array(["negative", "neutral", "positive"])[rng.integers(0, 3, 200)]
    y2 = np.where(X[:, 0] > 0, "1", "0")
    multi = LogisticRegression(max_iter=500).fit(X, y3)
    binary = LogisticRegression(max_iter=500).fit(X, y2)
    save_heads({"m": LinearHead.from_estimator(multi), "b": LinearHead.from_estimator(binary)}, tmp_path)
    heads = load_heads(tmp_path)
    np.testing.assert_allclose(heads["m"].predict_proba(X), multi.predict_proba(X), atol=2e-3)
    np.testing.assert_allclose(heads["b"].proba_of(X, "1"), binary.predict_proba(X)[:, 1], atol=2e-3)
    assert heads["m"].classes == ("negative", "neutral", "positive")
