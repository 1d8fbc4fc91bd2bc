"""Sums over the enterprise axis by cell, region and sector, identical in any batch.

Cells are contiguous slot ranges (see :mod:`angang.engine.world`), so a per-cell sum is
``np.add.reduceat`` along the enterprise axis: each run's row is summed on its own, in a
fixed order, so the result never depends on which other runs share the batch.
"""

from __future__ import annotations

import numpy as np

from angang.engine.compiled import kernel
from angang.engine.world import Layout


def cell_sum(x: np.ndarray, layout: Layout) -> np.ndarray:
    """(B, N) -> (B, R*S): the sum over each region×sector cell."""
    return np.add.reduceat(x, layout.cell_start, axis=1)


def region_cells(cells: np.ndarray, regions: int) -> np.ndarray:
    """(B, R*S) -> (B, R, S)."""
    return cells.reshape(cells.shape[0], regions, -1)


def by_region_sector(x: np.ndarray, layout: Layout) -> np.ndarray:
    """(B, N) -> (B, R, S)."""
    return region_cells(cell_sum(x, layout), layout.cell_start.size // layout.price.size)


def sum_short(x: np.ndarray) -> np.ndarray:
    """``x.sum(axis=-1)`` for a short last axis (cohorts, powers: fewer than 8), added
    element by element in order. The numbers are NumPy's own (it too sums fewer than 8
    values in order), but NumPy reduces over so short an axis on a slow path that takes
    about ten times as long; a (B, N, k) array of floats — the usual case, staff by cohort —
    is added by a compiled loop in the same order (a strided slice is read where it lies)."""
    n = x.shape[-1]
    if not 0 < n < 8:
        raise ValueError(f"sum_short: expected a last axis of 1 to 7 values, got {n}")
    if x.ndim == 3 and x.dtype == np.float64:
        out = np.empty(x.shape[:2])
        _sum_last(x, out)
        return out
    total = x[..., 0].copy()
    for k in range(1, n):
        total += x[..., k]
    return total


@kernel
def _sum_last(x: np.ndarray, out: np.ndarray) -> None:  # pragma: no cover - compiled
    """out[b, n] = x[b, n, 0] + x[b, n, 1] + ..., in that order."""
    for b in range(x.shape[0]):
        for n in range(x.shape[1]):
            total = x[b, n, 0]
            for k in range(1, x.shape[2]):
                total += x[b, n, k]
            out[b, n] = total
