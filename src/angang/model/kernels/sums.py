"""NumPy's summation order, for kernels that must add exactly as NumPy does."""

from __future__ import annotations

import numpy as np
from numba import uint64

from angang.engine.compiled import kernel

BLOCK = 128  #: NumPy's pairwise-summation block (PW_BLOCKSIZE)


@kernel(inline="always")
def _block_sum(a: np.ndarray, lo: int, n: int) -> float:  # pragma: no cover - compiled
    """NumPy's sum of ``a[lo:lo+n]`` for a run of at most :data:`BLOCK`: in order below 8
    values, else eight running sums combined as a tree, then the rest in order. Copied into
    each caller (a call between compiled functions costs about 20 ns, four times the sum of
    a cell of 40 slots); slots are numbered without sign, so Numba checks no negative index."""
    base = uint64(lo)
    end = base + uint64(n)
    if n < 8:
        res = 0.0
        u = base
        while u < end:
            res += a[u]
            u += uint64(1)
        return res
    r0, r1, r2, r3 = a[base], a[base + uint64(1)], a[base + uint64(2)], a[base + uint64(3)]
    r4, r5 = a[base + uint64(4)], a[base + uint64(5)]
    r6, r7 = a[base + uint64(6)], a[base + uint64(7)]
    u = base + uint64(8)
    stop = base + uint64(n - n % 8)
    while u < stop:
        r0 += a[u]
        r1 += a[u + uint64(1)]
        r2 += a[u + uint64(2)]
        r3 += a[u + uint64(3)]
        r4 += a[u + uint64(4)]
        r5 += a[u + uint64(5)]
        r6 += a[u + uint64(6)]
        r7 += a[u + uint64(7)]
        u += uint64(8)
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while u < end:
        res += a[u]
        u += uint64(1)
    return res


@kernel(signature="float64(float64[::1], int64, int64)")
def pairwise_sum(a: np.ndarray, lo: int, n: int) -> float:  # pragma: no cover - compiled
    """``a[lo:lo+n].sum()`` exactly as NumPy computes it: blocks of up to 128 values
    (:func:`_block_sum`), larger runs split in halves (a multiple of 8) and added as a tree."""
    if n <= BLOCK:
        return _block_sum(a, lo, n)
    half = n // 2
    half -= half % 8
    return pairwise_sum(a, lo, half) + pairwise_sum(a, lo + half, n - half)


@kernel(inline="always")
def pairwise(a: np.ndarray, lo: int, n: int) -> float:  # pragma: no cover - compiled
    """:func:`pairwise_sum`, with its one-block case copied into the caller (most cells
    and runs of slots are one block; the recursion for longer ones is called)."""
    if n <= BLOCK:
        return _block_sum(a, lo, n)
    return pairwise_sum(a, lo, n)


@kernel(inline="always")
def cell_end(cell_start: np.ndarray, c: int, n_slots: int) -> int:  # pragma: no cover - compiled
    """Where cell ``c`` of a layout ends: the next cell's start (``np.add.reduceat``'s reading
    of its boundaries), or the last slot for the last cell."""
    return cell_start[c + 1] if c + 1 < cell_start.size else n_slots


@kernel(inline="always")
def reduceat_sum(row: np.ndarray, lo: int, hi: int) -> float:  # pragma: no cover - compiled
    """``np.add.reduceat``'s sum of ``row[lo:hi]`` (a cell of slots): the first value plus
    the pairwise sum of the rest; an empty cell gives ``row[lo]``, as reduceat does."""
    if hi <= lo:
        return row[lo]
    return row[lo] + pairwise(row, lo + 1, hi - lo - 1)


# --- sums over a cell whose never-used slots (model.kernels.slots) were not written -------
# NumPy adds those slots' +0.0 like any other value: a subtree of its pairwise tree that
# holds only them adds up to +0.0, and in a block of 128 values that holds some of them
# they are added in their places. So a kernel's scratch row, written only on the slots it
# visits, is summed with +0.0 written into the unvisited slots of the blocks that mix both
# (at most two blocks per gap, or a whole cell of up to 128 slots), and whole subtrees of
# unvisited slots skipped: the same number, at a cost that follows the visited slots.


@kernel(inline="always")
def _zero_block(a: np.ndarray, lo: int, n: int, g0: int, g1: int) -> float:  # pragma: no cover
    """:func:`_block_sum` of ``a[lo:lo+n]`` after writing +0.0 into its part of ``a[g0:g1]``."""
    for i in range(uint64(max(g0, lo)), uint64(min(g1, lo + n))):  # unsigned: a plain fill
        a[i] = 0.0
    return _block_sum(a, lo, n)


@kernel(signature="float64(float64[::1], int64, int64, int64, int64)")
def pairwise_sum_gap(  # pragma: no cover - compiled
    a: np.ndarray, lo: int, n: int, g0: int, g1: int
) -> float:
    """:func:`pairwise_sum` of ``a[lo:lo+n]`` whose slots ``g0:g1`` were never written (a
    kernel's scratch): those count as +0.0 (written where a block mixes them with others)."""
    if g0 >= g1 or g1 <= lo or g0 >= lo + n:
        return pairwise_sum(a, lo, n)
    if g0 <= lo and lo + n <= g1:
        return 0.0
    if n <= BLOCK:
        return _zero_block(a, lo, n, g0, g1)
    half = n // 2
    half -= half % 8
    return pairwise_sum_gap(a, lo, half, g0, g1) + pairwise_sum_gap(a, lo + half, n - half, g0, g1)


@kernel(inline="always")
def pairwise_gap(  # pragma: no cover - compiled
    a: np.ndarray, lo: int, n: int, g0: int, g1: int
) -> float:
    """:func:`pairwise_sum_gap`, with its cases of one block or no gap copied into the
    caller (a cell of a default-scale layout is one block)."""
    if g0 >= g1 or g1 <= lo or g0 >= lo + n:
        return pairwise(a, lo, n)
    if n <= BLOCK:
        return _zero_block(a, lo, n, g0, g1)
    return pairwise_sum_gap(a, lo, n, g0, g1)


@kernel(inline="always")
def reduceat_gap(  # pragma: no cover - compiled
    row: np.ndarray, lo: int, hi: int, g0: int, g1: int
) -> float:
    """:func:`reduceat_sum` of ``row[lo:hi]`` (a kernel's scratch) whose slots ``g0:g1`` were
    never written: they count as +0.0 (see :func:`pairwise_sum_gap`)."""
    first = 0.0 if g0 <= lo < g1 else row[lo]
    if hi <= lo:
        return first
    return first + pairwise_gap(row, lo + 1, hi - lo - 1, g0, g1)
