"""Combining the 3-class and polarity heads."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from triage.pipeline.sentiment import combine_sentiment

probs = arrays(np.float64, (5, 3), elements=st.floats(0.001, 1.0)).map(lambda a: a / a.sum(axis=1, keepdims=True))


@given(probs, arrays(np.float64, 5, elements=st.floats(0.0, 1.0)))
def test_combined_probabilities_are_a_distribution_and_keep_neutral(p3: np.ndarray, q: np.ndarray) -> None:
    out = combine_sentiment(p3, q)
    np.testing.assert_allclose(out.sum(axis=1), 1.0, atol=1e-9)
    np.testing.assert_allclose(out[:, 1], p3[:, 1])
    assert (out >= 0).all()


def test_polarity_head_moves_mass_between_negative_and_positive() -> None:
    p3 = np.array([[0.3, 0.4, 0.3]])
    assert combine_sentiment(p3, np.array([0.9]))[0, 2] > combine_sentiment(p3, np.array([0.1]))[0, 2]


def _positive_head(bias: float) -> "LinearHead":
    from triage.pipeline.heads import LinearHead

    return LinearHead(("negative", "positive"), np.zeros((1, 2), dtype=np.float32), np.array([bias], dtype=np.float32))


def test_specialist_resplits_only_its_language_and_never_neutral() -> None:
    from triage.pipeline.sentiment import specialize

    pooled = np.array([[0.6, 0.2, 0.2], [0.6, 0.2, 0.2], [0.1, 0.8, 0.1]])
    heads = {"fast.polarity@ro": _positive_head(4.0)}  # the specialist: clearly positive
    X = np.zeros((3, 2))
    out = specialize(pooled, heads, X, ["ro", "vi", "ro"], {"ro": 1.0})
    np.testing.assert_allclose(out[1], pooled[1])  # another language: untouched
    np.testing.assert_allclose(out[:, 1], pooled[:, 1])  # neutral: untouched
    np.testing.assert_allclose(out.sum(axis=1), 1.0)
    p = 1 / (1 + np.exp(-4.0))
    np.testing.assert_allclose(out[0], [0.8 * (1 - p), 0.2, 0.8 * p], rtol=1e-6)  # weight 1: its split
    half = specialize(pooled, heads, X, ["ro", "vi", "ro"], {"ro": 0.5})
    assert pooled[0, 2] < half[0, 2] < out[0, 2]
    assert specialize(pooled, heads, X, ["ro", "vi", "ro"], {}) is pooled  # no specialists: no copy
