"""Compiled sums over plants for the year's record (:func:`angang.model.observe.totals`):
every per-slot product the record needs is formed and summed by cell in one pass over the
slots, instead of a NumPy temporary and a ``reduceat`` for each."""

from __future__ import annotations

import numpy as np
from numba import uint64

from angang.engine.compiled import kernel
from angang.engine.state import State
from angang.engine.world import FIRST_SOE, World
from angang.ids import SECTORS
from angang.model.kernels.shapes import N_COHORTS, N_DOMESTIC, N_POWERS, N_SOURCES, check_lengths
from angang.model.kernels.slots import bounded, piece, span, visited
from angang.model.kernels.sums import pairwise_sum, reduceat_gap
from angang.model.observe import CELL_FIELDS, Totals

STEEL = SECTORS.index("steel")


@kernel
def _totals(  # pragma: no cover - compiled
    output: np.ndarray,
    reported: np.ndarray,
    capacity: np.ndarray,
    active: np.ndarray,
    owner: np.ndarray,
    tech: np.ndarray,
    workforce: np.ndarray,
    laid_off: np.ndarray,
    grievance: np.ndarray,
    director_power: np.ndarray,
    ministry_control: np.ndarray,
    committee_power: np.ndarray,
    protest: np.ndarray,
    target: np.ndarray,
    on_site: np.ndarray,
    provenance: np.ndarray,
    price: np.ndarray,
    n_sectors: int,
    committee: np.ndarray,
    cell_start: np.ndarray,
    cell_size: np.ndarray,
    campaign_slots: np.ndarray,
    reach: np.ndarray,
    first_soe: int,
    steel: int,
    cells: np.ndarray,
    rows: np.ndarray,
    experts: np.ndarray,
    sources: np.ndarray,
) -> None:
    """Writes ``cells`` (F, B, C) in :data:`CELL_FIELDS` order, ``rows`` (4, B): SOE value,
    steel target and planned reported steel over all slots and the number of active plants,
    ``experts`` (B, P) and ``sources`` (B, 1+P), each with the arithmetic of
    :func:`angang.model.observe.totals`; slots no plant has stood in are not read (they add
    zeros)."""
    n_runs, n_slots = output.shape
    reach = bounded(reach, cell_size, campaign_slots, n_slots)
    n_cells = cell_start.size
    n_fields = cells.shape[0]
    widest = 1
    for c in range(n_cells):
        widest = max(widest, cell_size[c])
    # one cell's values at a time (at full scale they then stay in cache), summed as it ends
    per_slot = np.empty((n_fields, widest))
    firsts = np.empty((n_fields, n_cells))
    # the sums over all slots read every slot: those not visited hold the +0.0 they add
    whole = np.zeros((3, n_slots))
    for b in range(n_runs):
        for p in range(N_POWERS):
            experts[b, p] = 0.0
        on_site_sum = np.zeros(N_POWERS)
        live_slots = 0
        seen = 0
        for c in range(n_cells):
            lo, mid, tail, hi = span(cell_start, cell_size, campaign_slots, reach, b, c)
            seen += visited(lo, mid, tail, hi)
            for part in range(2):
                start, stop = piece(lo, mid, tail, hi, part)
                for n in range(uint64(start), uint64(stop)):
                    live_slots += active[b, n]
        sparse = 4 * live_slots < seen
        rows[3, b] = live_slots
        for k in range(N_SOURCES):
            sources[b, k] = 0.0
        for c in range(n_cells):
            lo, mid, tail, hi = span(cell_start, cell_size, campaign_slots, reach, b, c)
            # what is the same for the cell (its sector's price, whether it makes steel)
            # read once, not looked up for each slot
            price_n = price[c % n_sectors]
            steel_cell = 1.0 if c % n_sectors == steel else 0.0
            for part in range(2):  # the slots that have held a plant, then the campaign slot
                start, stop = piece(lo, mid, tail, hi, part)
                for n in range(uint64(start), uint64(stop)):
                    i = n - uint64(lo)
                    is_soe = owner[b, n] >= first_soe
                    live = 1.0 if active[b, n] else 0.0
                    soe_value = output[b, n] * price_n * (1.0 if is_soe else 0.0)
                    cap = capacity[b, n] * live
                    tech_weight = cap * price_n
                    domestic = workforce[b, n, 0]
                    for k in range(1, N_DOMESTIC):
                        domestic += workforce[b, n, k]
                    people = domestic + laid_off[b, n]
                    m = ministry_control[b, n]
                    strength = 0.5 + 0.5 * committee_power[b, committee[n]]
                    held = 1.0 if is_soe and active[b, n] else 0.0
                    contested = 4.0 * m * (1.0 - m) * strength * held
                    per_slot[0, i] = output[b, n]
                    per_slot[1, i] = reported[b, n]
                    per_slot[2, i] = cap
                    per_slot[3, i] = domestic
                    per_slot[4, i] = soe_value
                    per_slot[5, i] = tech[b, n] * tech_weight
                    per_slot[6, i] = tech_weight
                    per_slot[7, i] = director_power[b, n] * soe_value
                    per_slot[8, i] = ministry_control[b, n] * soe_value
                    per_slot[9, i] = contested * soe_value
                    per_slot[10, i] = grievance[b, n] * people
                    per_slot[11, i] = people
                    per_slot[12, i] = laid_off[b, n]
                    per_slot[13, i] = protest[b, n]
                    steel_target = target[b, n] * steel_cell
                    whole[0, n] = soe_value
                    whole[1, n] = steel_target
                    whole[2, n] = reported[b, n] * (1.0 if steel_target > 0 else 0.0)
                    # sums over the slots as NumPy adds along an outer axis: in slot order (a
                    # slot not visited adds +0.0 to a sum of values >= 0, which changes nothing)
                    for k in range(N_DOMESTIC, N_COHORTS):
                        experts[b, k - N_DOMESTIC] += workforce[b, n, k]
                    for p in range(N_POWERS):
                        on_site_sum[p] += on_site[b, n, p]
                    # an inactive plant's capacity counts as 0.0, so (its values being finite)
                    # it adds a zero, which changes no sum: where most slots are empty (full
                    # scale) they are skipped; elsewhere the branch would cost more than it saves
                    if active[b, n] or not sparse:
                        weighted = tech_weight * tech[b, n]
                        for k in range(N_SOURCES):
                            sources[b, k] += weighted * provenance[b, n, k]
            for f in range(n_fields):
                if hi > lo:
                    cells[f, b, c] = reduceat_gap(per_slot[f], 0, hi - lo, mid - lo, tail - lo)
                    firsts[f, c] = 0.0 if mid == lo < tail else per_slot[f, 0]
        # an empty cell: reduceat gives the first value of the next cell's slots
        for c in range(n_cells - 1, -1, -1):
            if cell_size[c] == 0:
                for f in range(n_fields):
                    firsts[f, c] = firsts[f, c + 1] if c + 1 < n_cells else np.nan
                    cells[f, b, c] = firsts[f, c]
        for p in range(N_POWERS):
            experts[b, p] = experts[b, p] + on_site_sum[p]
        for i in range(3):
            rows[i, b] = pairwise_sum(whole[i], 0, n_slots)
        # back to zeros for the next run, which may visit other slots
        for c in range(n_cells):
            lo, mid, tail, hi = span(cell_start, cell_size, campaign_slots, reach, b, c)
            for part in range(2):
                start, stop = piece(lo, mid, tail, hi, part)
                for n in range(uint64(start), uint64(stop)):
                    for i in range(3):
                        whole[i, n] = 0.0


def observe_totals(state: State, world: World) -> Totals:
    """The compiled :func:`angang.model.observe.totals` (same results)."""
    lay = world.layout
    runs, regions, sectors = state.runs, lay.coast.size, lay.price.size
    check_lengths(workforce=state.workforce, provenance=state.provenance, on_site=state.on_site)
    cells = np.empty((len(CELL_FIELDS), runs, regions * sectors))
    rows = np.empty((4, runs))
    experts = np.empty((runs, N_POWERS))
    sources = np.empty((runs, N_SOURCES))
    _totals(
        state.output,
        state.reported,
        state.capacity,
        state.active,
        state.owner,
        state.tech,
        state.workforce,
        state.laid_off,
        state.grievance,
        state.director_power,
        state.ministry_control,
        state.committee_power,
        state.protest,
        state.target,
        state.on_site,
        state.provenance,
        lay.price,
        lay.price.size,
        lay.committee,
        lay.cell_start,
        lay.cell_size,
        lay.campaign_slots,
        state.reach,
        FIRST_SOE,
        STEEL,
        cells,
        rows,
        experts,
        sources,
    )
    return Totals(
        cells=cells.reshape(len(CELL_FIELDS), runs, regions, sectors),
        soe_value=rows[0][:, None],
        steel_target=rows[1][:, None],
        planned_reported=rows[2][:, None],
        plants=rows[3][:, None],
        experts=experts,
        provenance=sources,
    )
