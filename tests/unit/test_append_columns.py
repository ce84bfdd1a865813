"""``core.append_columns``: the urgency head's input, built without scipy's generic hstack,
must be exactly the matrix ``sp.hstack`` builds (same rows, columns, values, no stored zeros)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from triage.pipeline.core import append_columns


@pytest.mark.parametrize("n", [1, 2, 7, 60])
@pytest.mark.parametrize("zeros", [0.0, 0.6, 1.0])
def test_append_columns_is_scipys_hstack(n: int, zeros: float) -> None:
    rng = np.random.default_rng(n)
    X = sp.random(n, 500, density=0.03, format="lil", dtype=np.float32, random_state=n)
    X[0] = 0  # an empty row
    X = X.tocsr()
    dense = rng.random((n, 9)).astype(np.float32)
    dense[dense < zeros] = 0.0
    ours = append_columns(X, dense)
    theirs = sp.hstack([X, sp.csr_matrix(dense, dtype=np.float32)], format="csr", dtype=np.float32)
    assert ours.shape == theirs.shape
    assert ours.indices.dtype == theirs.indices.dtype and ours.data.dtype == np.float32
    assert np.array_equal(ours.indptr, theirs.indptr)
    assert np.array_equal(ours.indices, theirs.indices)
    assert np.array_equal(ours.data, theirs.data)
