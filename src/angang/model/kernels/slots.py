"""The slots a kernel visits: in each cell, those a plant has ever stood in, and the campaign
slot at its end.

A cell's slots from its ``reach`` (:attr:`angang.engine.state.State.reach`) up to its
campaign slot have never held a plant, and every step leaves them as they are
(:func:`angang.engine.state.untouched`; tests/unit/test_state.py holds this along whole
histories): a kernel neither reads nor writes them — its outputs are the state's own arrays,
changed in place, or copies of them (:func:`angang.engine.state.writable`), which already
hold their values — and adds them into a sum as the zeros they are. At full scale that is
nine slots in ten, so the cost of a year follows the plants there are more than the slots
laid out.
"""

from __future__ import annotations

import numpy as np

from angang.engine.compiled import kernel
from angang.engine.world import Layout


@kernel(inline="always")
def span(  # pragma: no cover - compiled
    cell_start: np.ndarray,
    cell_size: np.ndarray,
    campaign_slots: np.ndarray,
    reach: np.ndarray,
    b: int,
    c: int,
) -> tuple[int, int, int, int]:
    """Cell ``c``'s slots for run ``b`` as ``(lo, mid, tail, hi)``: ``lo:mid`` have held a
    plant, ``mid:tail`` never have, ``tail:hi`` is the campaign slot (empty if none)."""
    lo = cell_start[c]
    hi = lo + cell_size[c]
    return lo, lo + reach[b, c], hi - campaign_slots[c], hi


@kernel(inline="always")
def visited(lo: int, mid: int, tail: int, hi: int) -> int:  # pragma: no cover - compiled
    """How many of a cell's slots a kernel visits: ``lo:mid`` and ``tail:hi``."""
    return (mid - lo) + (hi - tail)


@kernel(inline="always")
def piece(lo: int, mid: int, tail: int, hi: int, part: int) -> tuple[int, int]:  # pragma: no cover
    """The slots a kernel visits in a cell, as two ranges in slot order: ``part`` 0 gives
    ``lo:mid`` (those that have held a plant), 1 ``tail:hi`` (the campaign slot). Two plain
    ranges, not one index mapped across the gap, keep the inner loops simple enough for
    LLVM to do several slots at once — when a kernel loops over them unsigned
    (``range(uint64(start), uint64(stop))``): Numba otherwise checks every index it cannot
    prove positive for a negative value, on every access."""
    if mid == tail:  # no slot left out: one range (the second empty)
        return (lo, hi) if part == 0 else (hi, hi)
    return (lo, mid) if part == 0 else (tail, hi)


@kernel
def bounded(  # pragma: no cover - compiled
    reach: np.ndarray, cell_size: np.ndarray, campaign_slots: np.ndarray, n_slots: int
) -> np.ndarray:
    """How far into each cell a kernel goes for each run (B, R*S): the state's ``reach``
    where the batch leaves over a quarter of its slots unused, else every slot (as at
    default scale, where stepping over the few unused costs more than it saves). For the
    kernels whose arithmetic leaves such a slot as it is, or gives it zeros, when it visits
    it (an inactive plant learns nothing, makes and earns nothing, adds nothing): there any
    bound at or beyond the reach gives the same numbers. Not for mobilization and
    employment, whose arithmetic would move the attitudes of nobody there (the reference
    holds them still explicitly). A kernel asks this first (it costs a microsecond; NumPy's
    calls for it cost ten)."""
    n_runs, n_cells = reach.shape
    widest = np.empty((1, n_cells), dtype=np.int64)
    if not _batch_widest(reach, cell_size, campaign_slots, n_slots, widest):
        return reach
    full = np.empty_like(reach)
    for b in range(n_runs):
        for c in range(n_cells):
            full[b, c] = widest[0, c]
    return full


def batch_reach(layout: Layout, reach: np.ndarray) -> tuple[np.ndarray, bool]:
    """Each cell's reach over the batch (int64 (1, R*S), for :func:`span` with ``b = 0``), for
    the steps whose per-slot values pass through NumPy between kernels (its powers), which
    then work on the same slots in every run (a slot a run has never used gives that run
    its zeros); and whether that is most slots (over three in four, as at default scale),
    in which case the reach returned is every slot: whole arrays then cost less than the
    picking of slots, and a kernel that visits every slot needs no zeros prepared."""
    widest = np.empty((1, layout.cell_start.size), dtype=np.int64)
    dense = _batch_widest(reach, layout.cell_size, layout.campaign_slots, layout.n, widest)
    return widest, bool(dense)


@kernel
def _batch_widest(  # pragma: no cover - compiled
    reach: np.ndarray,
    cell_size: np.ndarray,
    campaign_slots: np.ndarray,
    n_slots: int,
    widest: np.ndarray,
) -> bool:
    """:func:`batch_reach`, compiled (NumPy's calls for it cost ten microseconds a step),
    and the test behind :func:`bounded`: writes ``widest`` (1, C) and returns whether it is
    every slot."""
    visited = 0
    for c in range(cell_size.size):
        top = 0
        for b in range(reach.shape[0]):
            top = max(top, reach[b, c])
        widest[0, c] = top
        visited += top + campaign_slots[c]
    if 4 * visited <= 3 * n_slots:
        return False
    for c in range(cell_size.size):
        widest[0, c] = cell_size[c] - campaign_slots[c]
    return True


def batch_slots(layout: Layout, widest: np.ndarray) -> np.ndarray:
    """The slots within ``widest`` (1, R*S) (:func:`batch_reach`) and the campaign slots, in
    order (int64 (M,)): where NumPy takes its powers when few slots are used."""
    lengths = widest[0] + layout.campaign_slots
    first = np.cumsum(lengths) - lengths
    place = np.arange(int(lengths.sum())) - np.repeat(first, lengths)
    return np.where(
        place < np.repeat(widest[0], lengths),
        np.repeat(layout.cell_start, lengths) + place,
        np.repeat(layout.cell_start + layout.cell_size - 1, lengths),
    )
