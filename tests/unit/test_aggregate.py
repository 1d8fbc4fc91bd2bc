"""The engine's sums give NumPy's numbers exactly, whatever shortcut they take."""

from __future__ import annotations

import numpy as np
import pytest

from angang.engine.aggregate import sum_short


@pytest.mark.parametrize("n", range(1, 8))
def test_sum_short_is_numpys_sum(n: int) -> None:
    rng = np.random.default_rng(n)
    x = rng.random((6, 50, 9)) * 10.0 ** rng.uniform(-8, 8, (6, 50, 9))
    assert np.array_equal(sum_short(x[..., :n]), x[..., :n].sum(axis=-1))
    assert np.array_equal(sum_short(x[..., 9 - n :]), x[..., 9 - n :].sum(axis=2))
    # (B, N, k) floats take the compiled loop; other shapes and types NumPy's own adds
    assert np.array_equal(sum_short(x[0, :, :n]), x[0, :, :n].sum(axis=-1))
    counts = (x[..., :n] * 1000).astype(np.int64)
    assert np.array_equal(sum_short(counts), counts.sum(axis=-1))


def test_sum_short_returns_a_new_array() -> None:
    x = np.ones((2, 3, 1))
    total = sum_short(x)
    total += 1.0
    assert x.sum() == 6.0


@pytest.mark.parametrize("n", [0, 8, 12])
def test_sum_short_refuses_an_axis_numpy_sums_pairwise(n: int) -> None:
    with pytest.raises(ValueError, match="1 to 7 values"):
        sum_short(np.ones((2, n)))
