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


def test_mlp_heads_match_sklearn_after_round_trip(tmp_path: Path) -> None:
    """The accurate tier's hidden-layer heads give scikit-learn's probabilities (float16 weights)."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    from triage.pipeline.heads import MLPHead

    rng = np.random.default_rng(1)
    X = rng.normal(size=(300, 24)).astype(np.float32)
    y3 = np.array(["negative", "neutral", "positive"])[(X[:, 0] > 0).astype(int) + (X[:, 1] * X[:, 2] > 0)]
    y2 = np.where(X[:, 0] * X[:, 1] > 0, "1", "0")  # not linearly separable: the hidden layer matters
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        multi = MLPClassifier(hidden_layer_sizes=(16,), random_state=0, max_iter=300).fit(X, y3)
        binary = MLPClassifier(hidden_layer_sizes=(16,), random_state=0, max_iter=300).fit(X, y2)
    save_heads({"m": MLPHead.from_mlp(multi), "b": MLPHead.from_mlp(binary),
                "l": LinearHead.from_estimator(LogisticRegression(max_iter=500).fit(X, y2))}, tmp_path)
    heads = load_heads(tmp_path)
    assert isinstance(heads["m"], MLPHead) and isinstance(heads["b"], MLPHead)
    assert not isinstance(heads["l"], MLPHead)
    np.testing.assert_allclose(heads["m"].predict_proba(X), multi.predict_proba(X), atol=5e-3)
    np.testing.assert_allclose(heads["b"].proba_of(X, "1"), binary.predict_proba(X)[:, 1], atol=5e-3)
    assert (binary.predict(X) == y2).mean() >= 0.85  # learned the XOR a linear head cannot (about 0.5)


def test_wide_heads_are_stored_as_int8_and_read_back_as_the_build_tuned_them(tmp_path: Path) -> None:
    """A fast-tier-wide head (one weight per n-gram bucket) takes about a quarter of float16's
    bytes, reads back exactly as ``as_stored`` says (what a build tunes its thresholds on), and
    scores within a hair of its float weights; a model saved as float16 before still loads."""
    import scipy.sparse as sp

    from triage.pipeline.heads import INT8_MIN_COLUMNS

    rng = np.random.default_rng(2)
    d = INT8_MIN_COLUMNS * 2
    coef = (rng.laplace(scale=0.3, size=(3, d)) * (rng.random((3, d)) < 0.4)).astype(np.float32)
    head = LinearHead(("negative", "neutral", "positive"), coef, np.array([0.1, -0.2, 0.1], dtype=np.float32))
    save_heads({"fast.sentiment3": head}, tmp_path)
    with np.load(tmp_path / "heads.npz") as data:
        assert data["fast.sentiment3.coef"].dtype == np.int8
    back = load_heads(tmp_path)["fast.sentiment3"]
    np.testing.assert_array_equal(back.coef, head.as_stored().coef)
    X = sp.random(50, d, density=0.002, format="csr", random_state=3, dtype=np.float32)
    X = sp.diags(1 / np.sqrt(X.multiply(X).sum(axis=1).A1)) @ X  # rows L2-normalised, as TF-IDF's
    np.testing.assert_allclose(back.predict_proba(X), head.predict_proba(X), atol=0.005)
    # the float16 file of earlier models
    old = tmp_path / "old"
    old.mkdir()
    np.savez_compressed(old / "heads.npz", **{"fast.sentiment3.coef": coef.astype(np.float16),
                                               "fast.sentiment3.intercept": head.intercept})
    (old / "heads.json").write_text('{"fast.sentiment3": ["negative", "neutral", "positive"]}', encoding="utf-8")
    np.testing.assert_array_equal(load_heads(old)["fast.sentiment3"].coef, coef.astype(np.float16).astype(np.float32))
    int8_bytes = (tmp_path / "heads.npz").stat().st_size
    assert int8_bytes < 0.6 * (old / "heads.npz").stat().st_size
