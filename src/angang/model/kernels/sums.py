"""NumPy's summation order, for kernels that must add exactly as NumPy does."""

from __future__ import annotations

import numpy as np
from numba import uint64

from angang.engine.compiled import kernel

BLOCK = 128  #: NumPy's pairwise-summation block (PW_BLOCKSIZE)


@kernel(signature="float64(float64[::1], int64, int64)")
def pairwise_sum(a: np.ndarray, lo: int, n: int) -> float:  # pragma: no cover - compiled
    """``a[lo:lo+n].sum()`` exactly as NumPy computes it: eight running sums over blocks of
    up to 128, combined as a tree, larger runs split in halves (a multiple of 8)."""
    # the run as a view indexed by unsigned integers: Numba then drops its check for a
    # negative index, which otherwise costs as much as the additions (the same, in order)
    block = a[lo : lo + n]
    if n < 8:
        res = 0.0
        for i in range(n):
            res += block[i]
        return res
    if n <= BLOCK:
        r0, r1, r2, r3 = block[0], block[1], block[2], block[3]
        r4, r5, r6, r7 = block[4], block[5], block[6], block[7]
        u = uint64(8)
        stop = uint64(n - n % 8)
        while u < stop:
            r0 += block[u]
            r1 += block[u + uint64(1)]
            r2 += block[u + uint64(2)]
            r3 += block[u + uint64(3)]
            r4 += block[u + uint64(4)]
            r5 += block[u + uint64(5)]
            r6 += block[u + uint64(6)]
            r7 += block[u + uint64(7)]
            u += uint64(8)
        res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
        while u < uint64(n):
            res += block[u]
            u += uint64(1)
        return res
    half = n // 2
    half -= half % 8
    return pairwise_sum(a, lo, half) + pairwise_sum(a, lo + half, n - half)


@kernel
def cell_end(cell_start: np.ndarray, c: int, n_slots: int) -> int:  # pragma: no cover - compiled
    """Where cell ``c`` of a layout ends: the next cell's start (``np.add.reduceat``'s reading
    of its boundaries), or the last slot for the last cell."""
    return cell_start[c + 1] if c + 1 < cell_start.size else n_slots


@kernel
def reduceat_sum(row: np.ndarray, lo: int, hi: int) -> float:  # pragma: no cover - compiled
    """``np.add.reduceat``'s sum of ``row[lo:hi]`` (a cell of slots): the first value plus
    the pairwise sum of the rest; an empty cell gives ``row[lo]``, as reduceat does."""
    if hi <= lo:
        return row[lo]
    return row[lo] + pairwise_sum(row, lo + 1, hi - lo - 1)
