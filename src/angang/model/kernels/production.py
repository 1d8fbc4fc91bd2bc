"""Compiled per-plant parts of production (:mod:`angang.mechanisms.production`): what each
plant wants to make (with its staffing and its cell's sums), and its output, wear and
accounts once the cascade has set each cell's share met."""

from __future__ import annotations

import numpy as np
from numba import uint64

from angang.engine.compiled import kernel
from angang.engine.rng import Streams
from angang.engine.state import (
    COHORT_SPLIT,
    Params,
    State,
    replace,
    technique_factor,
)
from angang.engine.world import FIRST_SOE, OWNER, Levers, World
from angang.mechanisms import production
from angang.model.kernels.shapes import N_DOMESTIC, check_lengths
from angang.model.kernels.slots import batch_reach, batch_slots, piece, span
from angang.model.kernels.sums import reduceat_gap

PRIVATE = OWNER["private"]


@kernel(inline="always")
def _staff(  # pragma: no cover - compiled
    capacity: float,
    small: bool,
    labour: float,
    small_labour: float,
    factor: float,
    split: np.ndarray,
) -> float:
    """:func:`angang.engine.state.labour_total` of one plant."""
    persons = capacity * labour
    if small:
        persons = persons * small_labour
    persons = persons * factor
    need = persons * split[0]
    for k in range(1, N_DOMESTIC):
        need += persons * split[k]
    return need


@kernel
def _staff_ratio(  # pragma: no cover - compiled
    capacity: np.ndarray,
    wear: np.ndarray,
    damaged: np.ndarray,
    active: np.ndarray,
    small: np.ndarray,
    workforce: np.ndarray,
    labour: np.ndarray,
    sector: np.ndarray,
    small_labour: np.ndarray,
    factor: np.ndarray,
    split: np.ndarray,
    cell_start: np.ndarray,
    cell_size: np.ndarray,
    campaign_slots: np.ndarray,
    reach: np.ndarray,
    ratio: np.ndarray,
) -> None:
    """:func:`angang.mechanisms.production.staffing` before its power: staff over the staff
    capacity in service needs, at most 1 (1 where nothing is needed), on the slots within
    the batch's ``reach`` (1, C) and the campaign slots."""
    n_runs = capacity.shape[0]
    for b in range(n_runs):
        for c in range(cell_start.size):
            lo, mid, tail, hi = span(cell_start, cell_size, campaign_slots, reach, 0, c)
            for part in range(2):
                start, stop = piece(lo, mid, tail, hi, part)
                for n in range(uint64(start), uint64(stop)):
                    if not active[b, n]:  # no capacity in service needs no one: the ratio is 1
                        ratio[b, n] = 1.0
                        continue
                    served = (
                        capacity[b, n] * (1.0 - wear[b, n]) * (1.0 - damaged[b, n]) * active[b, n]
                    )
                    need = _staff(
                        served, small[b, n], labour[sector[n]], small_labour[b], factor[b], split
                    )
                    if need > 0:
                        have = workforce[b, n, 0]
                        for k in range(1, N_DOMESTIC):
                            have += workforce[b, n, k]
                        r = have / need
                        ratio[b, n] = 1.0 if r > 1.0 else r
                    else:
                        ratio[b, n] = 1.0


@kernel(error_model="numpy")
def _wanted(  # pragma: no cover - compiled
    capacity: np.ndarray,
    wear: np.ndarray,
    damaged: np.ndarray,
    active: np.ndarray,
    small: np.ndarray,
    target: np.ndarray,
    director_power: np.ndarray,
    effort: np.ndarray,
    tech_power: np.ndarray,
    shock: np.ndarray,
    staffing: np.ndarray,
    utilization: np.ndarray,
    farm: np.ndarray,
    heavy: np.ndarray,
    cell_start: np.ndarray,
    cell_size: np.ndarray,
    campaign_slots: np.ndarray,
    reach: np.ndarray,
    n_sectors: int,
    planning_lever: np.ndarray,
    target_margin: np.ndarray,
    small_usable: np.ndarray,
    wanted: np.ndarray,
    cells: np.ndarray,
    usable: np.ndarray,
) -> None:
    """:func:`angang.mechanisms.production.wanted` from its NumPy-computed powers
    (``tech_power``, ``shock``, ``staffing``) and cell utilization: writes ``wanted`` and
    its cell sums ``cells`` and ``usable`` (B, C). A cell at a time, what is the same for the
    cell (utilization, the region's planning, the food a light industry waits on) read
    once, so that LLVM does several slots at once with the reference's operations. Only the
    slots within the batch's ``reach`` (1, C) and the campaign slots are read and written;
    the rest want nothing."""
    n_runs, n_slots = capacity.shape
    n_cells = cell_start.size
    fit = np.empty(n_slots)
    for b in range(n_runs):
        for c in range(n_cells):
            util = utilization[b, c]
            lever = planning_lever[b, c // n_sectors]
            fed = 1.0 if heavy[c % n_sectors] else farm[b]
            lo, mid, tail, hi = span(cell_start, cell_size, campaign_slots, reach, 0, c)
            # the cell's slots as views, made once (a view costs as much as a few slots)
            cap, wr, dmg, act = (
                capacity[b, lo:hi],
                wear[b, lo:hi],
                damaged[b, lo:hi],
                active[b, lo:hi],
            )
            sml, tgt, power = small[b, lo:hi], target[b, lo:hi], director_power[b, lo:hi]
            eff, tp, shk, stf = (
                effort[b, lo:hi],
                tech_power[b, lo:hi],
                shock[b, lo:hi],
                staffing[b, lo:hi],
            )
            out, fits = wanted[b, lo:hi], fit[lo:hi]
            for part in range(2):  # the slots that have held a plant, then the campaign slot
                start, stop = piece(0, mid - lo, tail - lo, hi - lo, part)
                for i in range(uint64(start), uint64(stop)):
                    served = cap[i] * (1.0 - wr[i]) * (1.0 - dmg[i]) * (1.0 if act[i] else 0.0)
                    yield_ = tp[i] * eff[i] * shk[i]
                    driven = min(1.0, util * yield_)
                    want = served * driven * stf[i] * fed
                    restraint = lever * (1.0 if tgt[i] > 0 else 0.0) * power[i]
                    ceiling = tgt[i] * (1.0 + target_margin[b])
                    w = want - restraint * max(0.0, want - ceiling)
                    out[i] = w
                    fits[i] = w * (small_usable[b] if sml[i] else 1.0)
        row = wanted[b]
        for c in range(n_cells):
            lo, mid, tail, hi = span(cell_start, cell_size, campaign_slots, reach, 0, c)
            cells[b, c] = reduceat_gap(row, lo, hi, mid, tail)
            usable[b, c] = reduceat_gap(fit, lo, hi, mid, tail)


def wanted(state: State, world: World, params: Params, shock: np.ndarray) -> production.Wanted:
    """The compiled :func:`angang.mechanisms.production.wanted` (same results)."""
    lay = world.layout
    check_lengths(workforce=state.workforce, split=COHORT_SPLIT)
    runs, n_cells = state.runs, lay.cell_start.size
    # the powers are NumPy's, taken only where a plant of the batch has stood (elsewhere
    # the kernels read nothing), or on whole arrays where that is most slots
    reach, dense = batch_reach(lay, state.reach)
    ratio = np.empty_like(state.capacity)
    _staff_ratio(
        state.capacity,
        state.wear,
        state.damaged,
        state.active,
        state.small,
        state.workforce,
        lay.labour,
        lay.sector,
        params.small_labour[:, 0],
        technique_factor(params.labour_productivity_growth, state.year)[:, 0],
        COHORT_SPLIT,
        lay.cell_start,
        lay.cell_size,
        lay.campaign_slots,
        reach,
        ratio,
    )
    if dense:
        tech_power = state.tech**params.tech_elasticity
        staffing = ratio**params.labour_shortfall
    else:
        visit = batch_slots(lay, reach)
        tech_power = np.empty_like(state.tech)
        tech_power[:, visit] = state.tech[:, visit] ** params.tech_elasticity
        staffing = np.empty_like(ratio)
        staffing[:, visit] = ratio[:, visit] ** params.labour_shortfall
    slots = (np.empty_like if dense else np.zeros_like)(state.capacity)  # zeros not visited
    cells = np.empty((runs, n_cells))
    usable = np.empty((runs, n_cells))
    _wanted(
        state.capacity,
        state.wear,
        state.damaged,
        state.active,
        state.small,
        state.target,
        state.director_power,
        state.effort,
        tech_power,
        shock,
        staffing,
        production.utilization_cells(state, params),
        1.0 - params.agri_input[:, 0] * (1.0 - state.food),
        lay.heavy,
        lay.cell_start,
        lay.cell_size,
        lay.campaign_slots,
        reach,
        lay.price.size,
        state.lever(Levers.PLANNING),
        params.target_margin[:, 0],
        params.small_usable[:, 0],
        slots,
        cells,
        usable,
    )
    shape = (runs, lay.coast.size, lay.price.size)
    return production.Wanted(slots, cells.reshape(shape), usable.reshape(shape))


def production_step(state: State, world: World, params: Params, rng: Streams) -> State:
    """:func:`angang.mechanisms.production.step` with the compiled per-plant parts."""
    return production.step(state, world, params, rng, wanted=wanted, after=after_production)


@kernel
def _output(  # pragma: no cover - compiled
    wanted: np.ndarray,
    met: np.ndarray,
    small: np.ndarray,
    active: np.ndarray,
    owner: np.ndarray,
    cell: np.ndarray,
    cell_start: np.ndarray,
    cell_size: np.ndarray,
    campaign_slots: np.ndarray,
    reach: np.ndarray,
    n_regions: int,
    small_usable: np.ndarray,
    output: np.ndarray,
    private_share: np.ndarray,
) -> None:
    """:func:`angang.mechanisms.production._after_production`'s output, and private firms'
    share of each sector's national output (:func:`~angang.mechanisms.production.private_share`),
    on the slots within the batch's ``reach`` (1, C) and the campaign slots; the others make
    nothing."""
    n_runs, n_slots = wanted.shape
    n_cells = cell_start.size
    n_sectors = n_cells // n_regions
    private = np.empty(n_slots)
    national = np.empty(n_sectors)
    held = np.empty(n_sectors)
    for b in range(n_runs):
        for c in range(n_cells):
            lo, mid, tail, hi = span(cell_start, cell_size, campaign_slots, reach, 0, c)
            for part in range(2):
                start, stop = piece(lo, mid, tail, hi, part)
                for n in range(uint64(start), uint64(stop)):
                    made = wanted[b, n] * met[b, cell[n]]
                    out = made * (small_usable[b] if small[b, n] else 1.0)
                    output[b, n] = out
                    private[n] = out * (1.0 if owner[b, n] == PRIVATE and active[b, n] else 0.0)
        row = output[b]
        # by cell, then over regions in order (NumPy's sum along an outer axis)
        for c in range(n_cells):
            lo, mid, tail, hi = span(cell_start, cell_size, campaign_slots, reach, 0, c)
            total = reduceat_gap(row, lo, hi, mid, tail)
            held_c = reduceat_gap(private, lo, hi, mid, tail)
            s = c % n_sectors
            if c < n_sectors:
                national[s] = total
                held[s] = held_c
            else:
                national[s] += total
                held[s] += held_c
        for s in range(n_sectors):
            private_share[b, s] = held[s] / national[s] if national[s] > 0 else 0.0


@kernel(error_model="numpy")
def _accounts(  # pragma: no cover - compiled
    utilization: np.ndarray,
    wear: np.ndarray,
    tech: np.ndarray,
    welfare: np.ndarray,
    output: np.ndarray,
    capacity: np.ndarray,
    active: np.ndarray,
    small: np.ndarray,
    owner: np.ndarray,
    workforce: np.ndarray,
    private_share: np.ndarray,
    openness: np.ndarray,
    price: np.ndarray,
    labour: np.ndarray,
    cell_start: np.ndarray,
    cell_size: np.ndarray,
    campaign_slots: np.ndarray,
    reach: np.ndarray,
    n_sectors: int,
    first_soe: int,
    small_labour: np.ndarray,
    factor: np.ndarray,
    split: np.ndarray,
    utilization_normal: np.ndarray,
    repair_rate: np.ndarray,
    wear_rate: np.ndarray,
    overdrive_wear: np.ndarray,
    competition: np.ndarray,
    variable_cost_share: np.ndarray,
    social_cost: np.ndarray,
    fixed_cost_share: np.ndarray,
    max_wear: float,
    new_wear: np.ndarray,
    profit: np.ndarray,
) -> None:
    """:func:`angang.mechanisms.production._after_production`'s wear and profit (with
    :func:`~angang.mechanisms.production.overstaffing`), a cell at a time: what is the
    same for the whole cell (its utilization, region and sector) is read once, and a slot's
    work has no branch or table lookup, so LLVM does several slots at once, each with the
    reference's operations in its order. Only the slots within the batch's ``reach``
    (1, C) and the campaign slots are read and written: the rest neither wear nor earn."""
    n_runs = output.shape[0]
    for b in range(n_runs):
        for c in range(cell_start.size):
            r = c // n_sectors
            s = c % n_sectors
            overdrive = max(0.0, utilization[b, c] - utilization_normal[b])
            market_cut = competition[b] * private_share[b, s] * openness[b, r]
            lo, mid, tail, hi = span(cell_start, cell_size, campaign_slots, reach, 0, c)
            # the cell's slots as views, made once (a view costs as much as a few slots)
            wr, tch, wel, out = (
                wear[b, lo:hi],
                tech[b, lo:hi],
                welfare[b, lo:hi],
                output[b, lo:hi],
            )
            cap, act, sml, own = (
                capacity[b, lo:hi],
                active[b, lo:hi],
                small[b, lo:hi],
                owner[b, lo:hi],
            )
            staff, worn, gained = workforce[b, lo:hi], new_wear[b, lo:hi], profit[b, lo:hi]
            for part in range(2):  # the slots that have held a plant, then the campaign slot
                start, stop = piece(0, mid - lo, tail - lo, hi - lo, part)
                for i in range(uint64(start), uint64(stop)):
                    live = 1.0 if act[i] else 0.0
                    w = (
                        wr[i] * (1.0 - repair_rate[b])
                        + wear_rate[b]
                        + overdrive_wear[b] * overdrive
                    )
                    worn[i] = min(max(w, 0.0), max_wear) if act[i] else 0.0
                    cut = market_cut * (1.0 if own[i] >= first_soe else 0.0)
                    sold_at = price[s] * (1.0 - cut)
                    need = _staff(
                        cap[i] * live, sml[i], labour[s], small_labour[b], factor[b], split
                    )
                    have = staff[i, 0]
                    for k in range(1, N_DOMESTIC):
                        have += staff[i, k]
                    overstaffing = max(0.0, have - need) / need if need > 0 else 0.0
                    unit_cost = variable_cost_share[b] * (1.0 + 0.5 * (1.0 - tch[i])) + social_cost[
                        b
                    ] * (overstaffing + wel[i])
                    made = out[i]
                    gain = sold_at * made - price[s] * (
                        unit_cost * made + fixed_cost_share[b] * cap[i]
                    )
                    gained[i] = gain * live


def after_production(
    state: State,
    world: World,
    params: Params,
    wanted: np.ndarray,
    met_cells: np.ndarray,
    shortage: np.ndarray,
    balance: np.ndarray,
) -> State:
    """The compiled :func:`angang.mechanisms.production._after_production` (same results)."""
    lay = world.layout
    check_lengths(workforce=state.workforce, split=COHORT_SPLIT)
    reach, dense = batch_reach(lay, state.reach)
    # the slots not visited make nothing, nor wear, nor earn: zeros
    fresh = np.empty_like if dense else np.zeros_like
    output = fresh(wanted)
    private_share = np.empty((state.runs, lay.price.size))
    _output(
        wanted,
        met_cells.reshape(state.runs, -1),
        state.small,
        state.active,
        state.owner,
        lay.cell,
        lay.cell_start,
        lay.cell_size,
        lay.campaign_slots,
        reach,
        lay.coast.size,
        params.small_usable[:, 0],
        output,
        private_share,
    )
    wear = fresh(state.wear)
    profit = fresh(output)
    _accounts(
        production.utilization_cells(state, params),
        state.wear,
        state.tech,
        state.welfare,
        output,
        state.capacity,
        state.active,
        state.small,
        state.owner,
        state.workforce,
        private_share,
        state.lever(Levers.MARKET_OPENNESS),
        lay.price,
        lay.labour,
        lay.cell_start,
        lay.cell_size,
        lay.campaign_slots,
        reach,
        lay.price.size,
        FIRST_SOE,
        params.small_labour[:, 0],
        technique_factor(params.labour_productivity_growth, state.year)[:, 0],
        COHORT_SPLIT,
        params.utilization_normal[:, 0],
        params.repair_rate[:, 0],
        params.wear_rate[:, 0],
        params.overdrive_wear[:, 0],
        params.competition[:, 0],
        params.variable_cost_share[:, 0],
        params.social_cost[:, 0],
        params.fixed_cost_share[:, 0],
        production.MAX_WEAR,
        wear,
        profit,
    )
    return replace(
        state, output=output, wear=wear, profit=profit, shortage=shortage, balance=balance
    )
