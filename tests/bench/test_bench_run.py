"""The benchmark's own arithmetic (its timings are measured by `make bench`, never asserted)."""

from __future__ import annotations

import pytest
from benchmarks.run import per_history_cost


def _row(batch: int, seconds_per_batch: float, config: str = "default") -> dict[str, object]:
    return {
        "config": config,
        "engine": "numba",
        "batch": batch,
        "runs": 64,
        "runs_per_s": batch / seconds_per_batch,
    }


def test_a_batch_splits_into_its_cost_per_batch_and_per_history() -> None:
    # 0.14 s a batch and 35 ms a history, as a 2-core machine measured; other configs ignored
    rows = [_row(b, 0.14 + 0.035 * b) for b in (8, 32, 64)] + [_row(1, 9.0, config="full")]
    per_batch, per_history = per_history_cost(rows)
    assert per_batch == pytest.approx(0.14)
    assert per_history == pytest.approx(0.035)


def test_one_batch_size_cannot_be_split() -> None:
    with pytest.raises(ValueError, match="two batch sizes"):
        per_history_cost([_row(32, 1.3), _row(32, 1.2)])
