"""Combining the 3-class and polarity heads."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from triage.sentiment import combine_sentiment

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
