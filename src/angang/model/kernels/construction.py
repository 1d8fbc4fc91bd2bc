"""Compiled :func:`angang.mechanisms.construction.build_all`: a year's building orders."""

from __future__ import annotations

import numpy as np

from angang.engine.compiled import kernel
from angang.engine.world import OWNER, Layout
from angang.mechanisms.construction import FIRST_PLANT_TECH, Orders
from angang.model.kernels.slots import bounded, piece
from angang.model.kernels.sums import pairwise_gap

PRIVATE = OWNER["private"]


@kernel
def _build_cell(  # pragma: no cover - compiled
    b: int,
    lo: int,
    size: int,
    reserved: np.ndarray,
    campaign: np.ndarray,
    capacity: np.ndarray,
    active: np.ndarray,
    owner: np.ndarray,
    tech: np.ndarray,
    provenance: np.ndarray,
    small: np.ndarray,
    added: float,
    count: int,
    builder: int,
    entry_share: float,
    quality: float,
    level: float,
    strength: float,
    sources: np.ndarray,
    scratch: np.ndarray,
    free: np.ndarray,
    vectors: np.ndarray,
    mid: int,
    tail: int,
) -> tuple[float, int]:
    """:func:`angang.mechanisms.construction.build` (with its ``place`` of modern plant) for
    run ``b`` in the cell of slots ``lo:lo+size``; returns the capacity built with imported
    equipment, weighted as the reference weights it (strength x imported level x quality x
    capacity built), and the cell's new reach. ``scratch``, ``free`` and ``vectors`` are
    scratch space (no allocation per call).

    One pass over the cell gathers all that the reference reads from it before it changes
    anything — the capacity-weighted technology and provenance, the plants of the builder's
    kind, the free slots — with each value formed by the reference's own expression; new
    plants then go into the free slots found, and a second pass extends the plants of the
    kind. The sums add the same values in the same order, so the numbers are the same.

    Of the cell's slots only ``:mid`` (its reach) and ``tail:`` (its campaign slot) are read:
    the others have never held a plant, add zeros to the sums and are not extended; they are
    the free slots after any found below ``mid``, and the reach grows over the new plants
    put there (a second build in the cell this year must see them)."""
    # the cell's slots of run b as views, indexed from 0 (Numba then knows an index is not
    # negative and drops its per-access check for one)
    stop = lo + size
    capacity, active, owner = capacity[b, lo:stop], active[b, lo:stop], owner[b, lo:stop]
    tech, provenance, small = tech[b, lo:stop], provenance[b, lo:stop], small[b, lo:stop]
    reserved, campaign = reserved[lo:stop], campaign[lo:stop]
    n_prov = provenance.shape[1]
    live, weighted_tech, kin = scratch[0], scratch[1], scratch[2]
    mass, mean_prov, blend, new_prov = vectors[0], vectors[1], vectors[2], vectors[3]
    for p in range(n_prov):
        mass[p] = 0.0
    private_builder = builder == PRIVATE
    has_kin = False
    wanted_free = max(count, 1)  # the most new plants this build can open
    n_free = 0
    for part in range(2):  # the slots that have held a plant, then the campaign slot
        start, stop = piece(0, mid, tail, size, part)
        for i in range(start, stop):
            # construction._mean: capacity of live plant, weighting technology and provenance
            live[i] = capacity[i] * active[i]
            weighted_tech[i] = live[i] * tech[i]
            if active[i]:  # an inactive slot adds +0.0 to the running sums
                for p in range(n_prov):
                    mass[p] += weighted_tech[i] * provenance[i, p]
            # construction.place: plants of the builder's kind (owner type, modern) ...
            same_kind = active[i] and ((owner[i] == PRIVATE) == private_builder) and not small[i]
            has_kin = has_kin or same_kind
            kin[i] = capacity[i] * same_kind
            # ... and the first free slots, where new plants open
            if n_free < wanted_free and not active[i] and not reserved[i] and not campaign[i]:
                free[n_free] = i
                n_free += 1
    # the slots never used, free in order (none is the campaign slot; named works' are kept)
    i = mid
    while n_free < wanted_free and i < tail:
        if not reserved[i]:
            free[n_free] = i
            n_free += 1
        i += 1
    total = pairwise_gap(live, 0, size, mid, tail)
    mean_tech = FIRST_PLANT_TECH
    if total > 0:
        mean_tech = pairwise_gap(weighted_tech, 0, size, mid, tail) / total
    norm = 0.0
    for p in range(n_prov):
        norm += mass[p]
    for p in range(n_prov):
        mean_prov[p] = 0.0
    if norm > 0:
        for p in range(n_prov):
            mean_prov[p] = mass[p] / norm
    else:
        mean_prov[0] = 1.0
    # what is built: a share (the alliance's strength) imported at the allies' level
    imported = max(level, mean_tech)
    new_tech = min(max(((1.0 - strength) * mean_tech + strength * imported) * quality, 0.0), 1.0)
    home = (1.0 - strength) * mean_tech
    for p in range(n_prov):
        blend[p] = home * mean_prov[p]
    abroad = strength * imported
    for p in range(1, n_prov):
        blend[p] += abroad * sources[p - 1]
    blend_total = 0.0
    for p in range(n_prov):
        blend_total += blend[p]
    for p in range(n_prov):
        new_prov[p] = mean_prov[p]
    if blend_total > 0:
        for p in range(n_prov):
            new_prov[p] = blend[p] / blend_total
    # place: new plants in the first free slots take the entrants' share
    if not has_kin and added > 0:
        count = max(count, 1)
    opened = min(count, n_free)
    entry = 0.0
    if opened > 0:
        entry = entry_share * added if has_kin else added
    each = entry / opened if opened > 0 else 0.0
    reach = mid
    for f in range(opened):
        i = free[f]
        reach = max(reach, i + 1)
        capacity[i] += each
        active[i] = True
        small[i] = False
        owner[i] = builder
        tech[i] = new_tech
        for p in range(n_prov):
            provenance[i, p] = new_prov[p]
    # the rest extends the plants of the kind in proportion to their capacity (all live
    # plant where there is none of the kind and no entrant: then nothing changed above)
    rest = added - entry
    weights = kin if has_kin or opened > 0 else live
    kin_total = pairwise_gap(weights, 0, size, mid, tail)
    built = entry
    if kin_total > 0:
        # a slot whose weight is zero (all those never used, the new plants among them)
        # keeps its values: (1 - 0) x value + 0 x new, capacity + 0
        for part in range(2):  # the slots that have held a plant, then the campaign slot
            start, stop = piece(0, mid, tail, size, part)
            for i in range(start, stop):
                extra = weights[i] * rest / kin_total
                grown = capacity[i] + extra
                w_new = extra / grown if grown > 0 else 0.0
                tech[i] = (1.0 - w_new) * tech[i] + w_new * new_tech
                for p in range(n_prov):
                    provenance[i, p] = (1.0 - w_new) * provenance[i, p] + w_new * new_prov[p]
                capacity[i] += extra
        built = entry + rest
    return strength * imported * quality * built, reach


@kernel
def _build_all(  # pragma: no cover - compiled
    cell_start: np.ndarray,
    cell_size: np.ndarray,
    reserved: np.ndarray,
    campaign: np.ndarray,
    price: np.ndarray,
    capacity: np.ndarray,
    active: np.ndarray,
    owner: np.ndarray,
    tech: np.ndarray,
    provenance: np.ndarray,
    small: np.ndarray,
    transfer: np.ndarray,
    added: np.ndarray,
    count: np.ndarray,
    builder: np.ndarray,
    entry_share: np.ndarray,
    quality: np.ndarray,
    level: np.ndarray,
    strength: np.ndarray,
    sources: np.ndarray,
    campaign_slots: np.ndarray,
    reach: np.ndarray,
) -> None:
    n_runs, _, n_cells = added.shape
    reach = bounded(reach, cell_size, campaign_slots, capacity.shape[1])
    n_sectors = price.size
    n_powers = sources.shape[2]
    widest = cell_size.max()
    scratch = np.empty((3, widest))
    free = np.empty(widest, dtype=np.int64)
    vectors = np.zeros((4, provenance.shape[2]))
    # the reference skips a cell and builder only when no run builds there
    anyone = np.zeros((2, n_cells), dtype=np.bool_)
    for b in range(n_runs):
        for k in range(2):
            for c in range(n_cells):
                if added[b, k, c] > 0:
                    anyone[k, c] = True
    for b in range(n_runs):
        for c in range(n_cells):
            r = c // n_sectors
            s = c % n_sectors
            for k in range(2):
                # with nothing added and no entrant the reference's arithmetic is the identity
                if not anyone[k, c] or (added[b, k, c] == 0 and count[b, k, c] == 0):
                    continue
                weight, reach[b, c] = _build_cell(
                    b,
                    cell_start[c],
                    cell_size[c],
                    reserved,
                    campaign,
                    capacity,
                    active,
                    owner,
                    tech,
                    provenance,
                    small,
                    added[b, k, c],
                    count[b, k, c],
                    builder[b, k, c],
                    entry_share[b, s],
                    quality[b, r],
                    level[b, r],
                    strength[b, r],
                    sources[b, r],
                    scratch,
                    free,
                    vectors,
                    reach[b, c],
                    cell_size[c] - campaign_slots[c],
                )
                for p in range(n_powers):
                    transfer[b, p] += weight * sources[b, r, p] * price[s]


def build_all(
    layout: Layout,
    capacity: np.ndarray,
    active: np.ndarray,
    owner: np.ndarray,
    tech: np.ndarray,
    provenance: np.ndarray,
    small: np.ndarray,
    transfer: np.ndarray,
    orders: Orders,
    reach: np.ndarray,
) -> None:
    """The compiled :func:`angang.mechanisms.construction.build_all` (same arguments, same
    results, in place), which reads only the slots within each cell's ``reach`` (the
    state's, (B, R*S)) and its campaign slot."""
    _build_all(
        layout.cell_start,
        layout.cell_size,
        layout.is_work,
        layout.campaign,
        layout.price,
        capacity,
        active,
        owner,
        tech,
        provenance,
        small,
        transfer,
        orders.added,
        orders.count,
        orders.builder,
        orders.entry_share,
        orders.quality,
        orders.level,
        orders.strength,
        orders.sources,
        layout.campaign_slots,
        reach.copy(),  # grows over the plants opened, cell by cell
    )
