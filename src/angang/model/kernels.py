"""Compiled kernels (Numba) for the mechanisms' per-slot loops, each identical, bit for bit,
to its NumPy reference in :mod:`angang.mechanisms` (tests/unit/test_kernels.py holds this on
random states and on whole ensembles).

The reference works on whole (runs, slots) arrays a cell at a time; a kernel loops over runs,
then cells, then slots, skips the runs and slots where the reference's arithmetic changes
nothing (no building ordered, inactive plant in a sequential sum), and keeps the reference's
order of floating-point operations: a sum NumPy takes along a contiguous axis is its pairwise
sum (:func:`pairwise_sum`), one along an outer axis a plain running sum. Random draws stay in
the mechanisms, in NumPy, so every run's streams are unchanged.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from numba import njit

from angang.engine.rng import Streams
from angang.engine.state import COHORT_SPLIT, DOMESTIC_COHORTS, Params, State
from angang.engine.world import OWNER, SOE_BY_CODE, Layout, World
from angang.ids import POWERS, WORKS
from angang.mechanisms import (
    labour,
    local_politics,
    planning,
    production,
    rehabilitation,
    technology,
)
from angang.mechanisms.construction import FIRST_PLANT_TECH, Orders

PRIVATE = OWNER["private"]
BLOCK = 128  #: NumPy's pairwise-summation block (PW_BLOCKSIZE)


@njit("float64(float64[::1], int64, int64)", cache=True)
def pairwise_sum(a: np.ndarray, lo: int, n: int) -> float:  # pragma: no cover - compiled
    """``a[lo:lo+n].sum()`` exactly as NumPy computes it: eight running sums over blocks of
    up to 128, combined as a tree, larger runs split in halves (a multiple of 8)."""
    if n < 8:
        res = 0.0
        for i in range(n):
            res += a[lo + i]
        return res
    if n <= BLOCK:
        r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
        r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
        i = 8
        stop = n - n % 8
        while i < stop:
            r0 += a[lo + i]
            r1 += a[lo + i + 1]
            r2 += a[lo + i + 2]
            r3 += a[lo + i + 3]
            r4 += a[lo + i + 4]
            r5 += a[lo + i + 5]
            r6 += a[lo + i + 6]
            r7 += a[lo + i + 7]
            i += 8
        res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
        while i < n:
            res += a[lo + i]
            i += 1
        return res
    half = n // 2
    half -= half % 8
    return pairwise_sum(a, lo, half) + pairwise_sum(a, lo + half, n - half)


@njit(cache=True)
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
    buffer: np.ndarray,
    weighted_tech: np.ndarray,
    flags: np.ndarray,
    vectors: np.ndarray,
) -> float:
    """:func:`angang.mechanisms.construction.build` for run ``b`` in the cell of slots
    ``lo:lo+size``; returns the capacity built with imported equipment, weighted as the
    reference weights it (strength x imported level x quality x capacity built). The last
    four arguments are scratch space (no allocation per call)."""
    n_prov = provenance.shape[2]
    mass, mean_prov, blend, new_prov = vectors[0], vectors[1], vectors[2], vectors[3]
    # the cell's capacity-weighted technology and provenance (construction._mean)
    for i in range(size):
        buffer[i] = capacity[b, lo + i] * active[b, lo + i]
    total = pairwise_sum(buffer, 0, size)
    for p in range(n_prov):
        mass[p] = 0.0
    for i in range(size):
        weighted_tech[i] = buffer[i] * tech[b, lo + i]
    mean_tech = FIRST_PLANT_TECH
    if total > 0:
        mean_tech = pairwise_sum(weighted_tech, 0, size) / total
    for i in range(size):
        if active[b, lo + i]:  # an inactive slot adds +0.0 to the running sums
            for p in range(n_prov):
                mass[p] += weighted_tech[i] * provenance[b, lo + i, p]
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
    built = _place(
        b,
        lo,
        size,
        reserved,
        campaign,
        capacity,
        active,
        owner,
        tech,
        provenance,
        small,
        added,
        count,
        builder,
        entry_share,
        new_tech,
        new_prov,
        buffer,
        flags,
    )
    return strength * imported * quality * built


@njit(cache=True)
def _place(  # pragma: no cover - compiled
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
    new_tech: float,
    new_prov: np.ndarray,
    buffer: np.ndarray,
    flags: np.ndarray,
) -> float:
    """:func:`angang.mechanisms.construction.place` of modern plant (not campaign plant)
    for run ``b``; returns the capacity placed (``flags``: scratch, (2, size) at least)."""
    n_prov = provenance.shape[2]
    private_builder = builder == PRIVATE
    same_kind, new = flags[0], flags[1]
    has_kin = False
    for i in range(size):
        j = lo + i
        same_kind[i] = False
        new[i] = False
        if active[b, j] and ((owner[b, j] == PRIVATE) == private_builder) and not small[b, j]:
            same_kind[i] = True
            has_kin = True
    if not has_kin and added > 0:
        count = max(count, 1)
    opened = 0
    free_seen = 0
    for i in range(size):
        j = lo + i
        if not active[b, j] and not reserved[j] and not campaign[j]:
            free_seen += 1
            if free_seen <= count:
                new[i] = True
                opened += 1
    entry = 0.0
    if opened > 0:
        entry = entry_share * added if has_kin else added
    each = entry / opened if opened > 0 else 0.0
    for i in range(size):
        if new[i]:
            j = lo + i
            capacity[b, j] += each
            active[b, j] = True
            small[b, j] = False
            owner[b, j] = builder
            tech[b, j] = new_tech
            for p in range(n_prov):
                provenance[b, j, p] = new_prov[p]
    rest = added - entry
    use_kin = has_kin or opened > 0
    for i in range(size):
        j = lo + i
        kin = same_kind[i] if use_kin else active[b, j]
        buffer[i] = capacity[b, j] * kin
    kin_total = pairwise_sum(buffer, 0, size)
    if kin_total > 0:
        for i in range(size):
            j = lo + i
            extra = buffer[i] * rest / kin_total
            grown = capacity[b, j] + extra
            w_new = extra / grown if grown > 0 else 0.0
            tech[b, j] = (1.0 - w_new) * tech[b, j] + w_new * new_tech
            for p in range(n_prov):
                provenance[b, j, p] = (1.0 - w_new) * provenance[b, j, p] + w_new * new_prov[p]
            capacity[b, j] += extra
        return entry + rest
    return entry


@njit(cache=True)
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
) -> None:
    n_runs, _, n_cells = added.shape
    n_sectors = price.size
    n_powers = sources.shape[2]
    widest = cell_size.max()
    buffer = np.empty(widest)
    weighted_tech = np.empty(widest)
    flags = np.zeros((2, widest), dtype=np.bool_)
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
                weight = _build_cell(
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
                    buffer,
                    weighted_tech,
                    flags,
                    vectors,
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
) -> None:
    """The compiled :func:`angang.mechanisms.construction.build_all` (same arguments, same
    results, in place)."""
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
    )


@njit(cache=True)
def _technology(  # pragma: no cover - compiled
    tech: np.ndarray,
    provenance: np.ndarray,
    active: np.ndarray,
    owner: np.ndarray,
    capacity: np.ndarray,
    workforce: np.ndarray,
    on_site: np.ndarray,
    region: np.ndarray,
    sector: np.ndarray,
    price: np.ndarray,
    frontier: np.ndarray,
    allied: np.ndarray,
    planning: np.ndarray,
    transfer_rate: np.ndarray,
    indigenous_rate: np.ndarray,
    expert_weight: np.ndarray,
    diffusion_rate: np.ndarray,
    soe_by_code: np.ndarray,
    angang: int,
    domestic_cohorts: int,
    engineers: int,
    normal_engineer_share: float,
    new_tech: np.ndarray,
    new_provenance: np.ndarray,
    transfer: np.ndarray,
) -> None:
    """:func:`angang.mechanisms.technology.step` for all runs; writes ``new_tech``,
    ``new_provenance`` and ``transfer`` (zeroed by the caller)."""
    n_runs, n_slots = tech.shape
    n_powers = frontier.size
    n_cohorts = workforce.shape[2]
    foreign = np.zeros(n_powers)
    gained = np.zeros(n_powers + 1)
    for b in range(n_runs):
        lead = 0.0
        mix0 = 1.0
        if angang >= 0:
            lead = tech[b, angang] * active[b, angang]
        for n in range(n_slots):
            t = tech[b, n]
            for p in range(n_powers):
                foreign[p] = 0.0
            home = 0.0
            diffused = 0.0
            if active[b, n]:
                # absorptive capacity: engineers and experts relative to the workforce
                domestic = 0.0
                for k in range(domestic_cohorts):
                    domestic += workforce[b, n, k]
                staff_experts = 0.0
                for k in range(domestic_cohorts, n_cohorts):
                    staff_experts += workforce[b, n, k]
                visiting = 0.0
                for p in range(on_site.shape[2]):
                    visiting += on_site[b, n, p]
                experts = staff_experts + visiting
                skilled = workforce[b, n, engineers] + expert_weight[b] * experts
                absorb = 0.0
                if domestic > 0:
                    absorb = skilled / (normal_engineer_share * domestic)
                absorb = min(max(absorb, 0.0), 1.0)
                r = region[n]
                best_gap = 0.0
                total = 0.0
                for p in range(n_powers):
                    gap = max(0.0, frontier[p] - t)
                    best_gap = max(best_gap, gap) if p > 0 else gap
                    foreign[p] = transfer_rate[b] * allied[b, r, p] * absorb * gap
                    total += foreign[p]
                scale = best_gap / total if total > best_gap else 1.0
                shrink = min(1.0, scale)
                for p in range(n_powers):
                    foreign[p] = foreign[p] * shrink
                home = indigenous_rate[b] * absorb * (1.0 - t)
                if angang >= 0 and n != angang and soe_by_code[owner[b, n]]:
                    diffused = diffusion_rate[b] * planning[b, r] * max(0.0, lead - t)
            foreign_sum = 0.0
            for p in range(n_powers):
                foreign_sum += foreign[p]
            new_tech[b, n] = min(max(t + foreign_sum + home + diffused, 0.0), 1.0)
            if angang >= 0:
                mix0 = provenance[b, angang, 0]
            gained[0] = home + diffused * mix0
            for p in range(n_powers):
                mix = provenance[b, angang, p + 1] if angang >= 0 else 0.0
                gained[p + 1] = foreign[p] + diffused * mix
            mass = 0.0
            for p in range(n_powers + 1):
                mass += t * provenance[b, n, p] + gained[p]
            if mass > 0:
                for p in range(n_powers + 1):
                    new_provenance[b, n, p] = (t * provenance[b, n, p] + gained[p]) / mass
            else:
                for p in range(n_powers + 1):
                    new_provenance[b, n, p] = provenance[b, n, p]
            if active[b, n]:
                value = capacity[b, n] * price[sector[n]]
                for p in range(n_powers):
                    transfer[b, p] += foreign[p] * value


def technology_step(state: State, world: World, params: Params, rng: Streams) -> State:
    """The compiled :func:`angang.mechanisms.technology.step` (same results)."""
    del rng  # technology draws nothing
    lay = world.layout
    slot = int(lay.work_slot[WORKS.index("angang")])
    new_tech = np.empty_like(state.tech)
    new_provenance = np.empty_like(state.provenance)
    transfer = np.zeros((state.runs, len(POWERS)))
    _technology(
        state.tech,
        state.provenance,
        state.active,
        state.owner,
        state.capacity,
        state.workforce,
        state.on_site,
        lay.region,
        lay.sector,
        lay.price,
        world.timeline.frontier[world.timeline.row(state.year)],
        np.maximum(0.0, state.relations()),
        state.lever("planning"),
        params.transfer_rate[:, 0],
        params.indigenous_rate[:, 0],
        params.expert_weight[:, 0],
        params.diffusion_rate[:, 0],
        SOE_BY_CODE,
        slot,
        DOMESTIC_COHORTS,
        technology.ENGINEERS,
        technology.NORMAL_ENGINEER_SHARE,
        new_tech,
        new_provenance,
        transfer,
    )
    return replace(state, tech=new_tech, provenance=new_provenance, transfer=transfer)


@njit(cache=True)
def _employ(  # pragma: no cover - compiled
    active: np.ndarray,
    owner: np.ndarray,
    capacity: np.ndarray,
    small: np.ndarray,
    workforce: np.ndarray,
    claim: np.ndarray,
    profit: np.ndarray,
    welfare: np.ndarray,
    grievance: np.ndarray,
    fatigue: np.ndarray,
    region: np.ndarray,
    sector: np.ndarray,
    labour: np.ndarray,
    cohort_split: np.ndarray,
    hardness: np.ndarray,
    factor: np.ndarray,
    fed: np.ndarray,
    small_labour: np.ndarray,
    attrition: np.ndarray,
    layoff_speed: np.ndarray,
    welfare_level: np.ndarray,
    grievance_decay: np.ndarray,
    grievance_layoff: np.ndarray,
    grievance_welfare: np.ndarray,
    colonial_grievance: np.ndarray,
    protest_rate: np.ndarray,
    protest_threshold: np.ndarray,
    soe_by_code: np.ndarray,
    colonial_code: int,
    staffing_slack: float,
    private_welfare: float,
    welfare_adjustment: float,
    fatigue_grievance: float,
    new_workforce: np.ndarray,
    new_welfare: np.ndarray,
    new_grievance: np.ndarray,
    laid_off: np.ndarray,
    rate: np.ndarray,
) -> None:
    """:func:`angang.mechanisms.labour.employ` up to its random draw: writes the new
    workforce, welfare, grievance, lay-offs and the protest rate the caller draws from."""
    n_runs, n_slots, n_cohorts = workforce.shape
    n_domestic = cohort_split.size
    domestic = np.empty(n_domestic)
    for b in range(n_runs):
        for n in range(n_slots):
            on = active[b, n]
            code = owner[b, n]
            soe = soe_by_code[code] and on
            h = hardness[b, region[n]]
            persons = capacity[b, n] * on * labour[sector[n]]
            persons = persons * (small_labour[b] if small[b, n] else 1.0)
            total = persons * factor[b]
            slack = (1.0 - h) * staffing_slack + claim[b, n]
            keep_share = ((1.0 + slack) if soe else 1.0) * fed[b]
            distress = profit[b, n] < 0 and soe
            fire_share = h * layoff_speed[b] * distress if soe else 1.0
            fired_sum = 0.0
            before = 0.0
            people = 0.0
            for k in range(n_domestic):
                need = total * cohort_split[k]
                wanted = need * keep_share
                current = workforce[b, n, k]
                kept = current * (1.0 - attrition[b])
                surplus = max(0.0, kept - wanted)
                fired = surplus if fed[b] < 1.0 else fire_share * surplus
                fired_sum += fired
                before += current
                domestic[k] = max(wanted, kept - fired) if on else 0.0
                people += domestic[k]
            gone = fired_sum if on else before
            laid_off[b, n] = gone
            for k in range(n_cohorts):
                new_workforce[b, n, k] = workforce[b, n, k] if on else 0.0
            if on:
                for k in range(n_domestic):
                    new_workforce[b, n, k] = domestic[k]
            cut = h * (0.3 + 0.7 * distress)
            if soe:
                target = min(max((1.0 - cut) * welfare_level[b] + claim[b, n], 0.0), 1.0)
            else:
                target = private_welfare
            w = welfare[b, n] + welfare_adjustment * (target - welfare[b, n])
            new_welfare[b, n] = w
            share = gone / before if before > 0 else 0.0
            g = min(
                max(
                    grievance[b, n] * (1.0 - grievance_decay[b])
                    + grievance_layoff[b] * share
                    + grievance_welfare[b] * max(0.0, welfare[b, n] - w)
                    + colonial_grievance[b] * (code == colonial_code)
                    + fatigue_grievance * fatigue[b, n],
                    0.0,
                ),
                1.0,
            )
            new_grievance[b, n] = g
            people = people + gone
            rate[b, n] = protest_rate[b] * people / 1e4 * max(0.0, g - protest_threshold[b])


def employ(state: State, world: World, params: Params, rng: Streams) -> State:
    """The compiled :func:`angang.mechanisms.labour.employ` (same results, same draws)."""
    lay = world.layout
    growth = params.labour_productivity_growth
    factor = ((1.0 + growth) ** (1952 - state.year))[:, 0]  # NumPy's power, as the reference
    fed = state.food ** params.sent_down[:, 0]
    new_workforce = np.empty_like(state.workforce)
    welfare = np.empty_like(state.welfare)
    grievance = np.empty_like(state.grievance)
    laid_off = np.empty_like(state.laid_off)
    rate = np.empty_like(state.laid_off)
    _employ(
        state.active,
        state.owner,
        state.capacity,
        state.small,
        state.workforce,
        state.claim,
        state.profit,
        state.welfare,
        state.grievance,
        state.fatigue,
        lay.region,
        lay.sector,
        lay.labour,
        COHORT_SPLIT,
        state.lever("budget_hardness"),
        factor,
        fed,
        params.small_labour[:, 0],
        params.attrition[:, 0],
        params.layoff_speed[:, 0],
        params.welfare_level[:, 0],
        params.grievance_decay[:, 0],
        params.grievance_layoff[:, 0],
        params.grievance_welfare[:, 0],
        params.colonial_grievance[:, 0],
        params.protest_rate[:, 0],
        params.protest_threshold[:, 0],
        SOE_BY_CODE,
        OWNER["colonial"],
        labour.STAFFING_SLACK,
        labour.PRIVATE_WELFARE,
        labour.WELFARE_ADJUSTMENT,
        labour.FATIGUE_GRIEVANCE,
        new_workforce,
        welfare,
        grievance,
        laid_off,
        rate,
    )
    protest = rng.poisson(np.minimum(rate, 1e6)).astype(float)
    return replace(
        state,
        workforce=new_workforce,
        welfare=welfare,
        grievance=grievance,
        laid_off=laid_off,
        protest=protest,
    )


@njit(cache=True)
def _plan(  # pragma: no cover - compiled
    active: np.ndarray,
    owner: np.ndarray,
    small: np.ndarray,
    capacity: np.ndarray,
    wear: np.ndarray,
    damaged: np.ndarray,
    output: np.ndarray,
    target: np.ndarray,
    director_power: np.ndarray,
    region: np.ndarray,
    planning_lever: np.ndarray,
    campaign_lever: np.ndarray,
    slack_hiding: np.ndarray,
    small_usable: np.ndarray,
    overreport: np.ndarray,
    plan_growth: np.ndarray,
    campaign_target_boost: np.ndarray,
    ratchet: np.ndarray,
    soe_by_code: np.ndarray,
    routine_pressure: float,
    reported: np.ndarray,
    hidden: np.ndarray,
    next_rate: np.ndarray,
) -> None:
    """:func:`angang.mechanisms.planning.step` before the budget's exits: writes
    ``reported``, ``hidden`` and ``next_rate``."""
    n_runs, n_slots = active.shape
    for b in range(n_runs):
        for n in range(n_slots):
            r = region[n]
            plan = planning_lever[b, r] * soe_by_code[owner[b, n]] * active[b, n]
            campaign = campaign_lever[b, r]
            power = director_power[b, n]
            hide = slack_hiding[b] * power * plan
            seen = capacity[b, n] * (1.0 - wear[b, n]) * (1.0 - damaged[b, n]) * (1.0 - hide)
            pressure = min(max(campaign * (1.0 - power) + routine_pressure * plan, 0.0), 1.0)
            made = output[b, n]
            if small[b, n]:  # small plants report the worthless part too
                made = made / max(small_usable[b], 1e-9)
            planned = plan > 0
            gap = max(0.0, target[b, n] - made) * planned
            report = made + overreport[b] * pressure * gap
            growth = 1.0 + plan_growth[b] + campaign_target_boost[b] * campaign
            if target[b, n] > 0:
                ratcheted = report + ratchet[b] * (report - target[b, n])
            else:
                ratcheted = report
            ceiling = seen * (1.0 + campaign_target_boost[b] * campaign)
            wanted = min(max(ratcheted * growth, 0.0), ceiling) * planned
            reported[b, n] = report
            hidden[b, n] = hide
            next_rate[b, n] = wanted / seen if seen > 0 else 0.0


def planning_step(state: State, world: World, params: Params, rng: Streams) -> State:
    """The compiled :func:`angang.mechanisms.planning.step` (same results, same draws)."""
    lay = world.layout
    reported = np.empty_like(state.output)
    hidden = np.empty_like(state.output)
    next_rate = np.empty_like(state.output)
    _plan(
        state.active,
        state.owner,
        state.small,
        state.capacity,
        state.wear,
        state.damaged,
        state.output,
        state.target,
        state.director_power,
        lay.region,
        state.lever("planning"),
        state.lever("campaign_intensity"),
        params.slack_hiding[:, 0],
        params.small_usable[:, 0],
        params.overreport[:, 0],
        params.plan_growth[:, 0],
        params.campaign_target_boost[:, 0],
        params.ratchet[:, 0],
        SOE_BY_CODE,
        planning.ROUTINE_PRESSURE,
        reported,
        hidden,
        next_rate,
    )
    planned = replace(state, reported=reported, hidden=hidden, next_rate=next_rate)
    return planning.budget(planned, world, params, rng)


@njit(cache=True)
def _wanted(  # pragma: no cover - compiled
    capacity: np.ndarray,
    wear: np.ndarray,
    damaged: np.ndarray,
    active: np.ndarray,
    target: np.ndarray,
    director_power: np.ndarray,
    effort: np.ndarray,
    tech_power: np.ndarray,
    shock: np.ndarray,
    staffing: np.ndarray,
    utilization: np.ndarray,
    farm: np.ndarray,
    heavy_slot: np.ndarray,
    region: np.ndarray,
    planning_lever: np.ndarray,
    target_margin: np.ndarray,
    wanted: np.ndarray,
) -> None:
    """:func:`angang.mechanisms.production.potential` from its NumPy-computed powers
    (``tech_power``, ``shock``, ``staffing``) and utilization: writes ``wanted``."""
    n_runs, n_slots = capacity.shape
    for b in range(n_runs):
        for n in range(n_slots):
            served = capacity[b, n] * (1.0 - wear[b, n]) * (1.0 - damaged[b, n]) * active[b, n]
            yield_ = tech_power[b, n] * effort[b, n] * shock[b, n]
            fed = 1.0 if heavy_slot[n] else farm[b]
            want = served * min(1.0, utilization[b, n] * yield_) * staffing[b, n] * fed
            restraint = planning_lever[b, region[n]] * (target[b, n] > 0) * director_power[b, n]
            ceiling = target[b, n] * (1.0 + target_margin[b])
            wanted[b, n] = want - restraint * max(0.0, want - ceiling)


def potential(state: State, world: World, params: Params, shock: np.ndarray) -> np.ndarray:
    """The compiled :func:`angang.mechanisms.production.potential` (same results)."""
    lay = world.layout
    wanted = np.empty_like(state.capacity)
    _wanted(
        state.capacity,
        state.wear,
        state.damaged,
        state.active,
        state.target,
        state.director_power,
        state.effort,
        state.tech**params.tech_elasticity,
        shock,
        production.staffing(state, world, params),
        production.utilization(state, world, params),
        1.0 - params.agri_input[:, 0] * (1.0 - state.food),
        lay.heavy[lay.sector],
        lay.region,
        state.lever("planning"),
        params.target_margin[:, 0],
        wanted,
    )
    return wanted


def production_step(state: State, world: World, params: Params, rng: Streams) -> State:
    """:func:`angang.mechanisms.production.step` with the compiled :func:`potential`."""
    return production.step(state, world, params, rng, potential=potential, after=after_production)


@njit(cache=True)
def _accounts(  # pragma: no cover - compiled
    utilization: np.ndarray,
    wear: np.ndarray,
    tech: np.ndarray,
    welfare: np.ndarray,
    output: np.ndarray,
    capacity: np.ndarray,
    active: np.ndarray,
    owner: np.ndarray,
    overstaffing: np.ndarray,
    private_share: np.ndarray,
    openness: np.ndarray,
    price: np.ndarray,
    sector: np.ndarray,
    region: np.ndarray,
    soe_by_code: np.ndarray,
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
    """:func:`angang.mechanisms.production._after_production`'s wear and profit."""
    n_runs, n_slots = output.shape
    for b in range(n_runs):
        for n in range(n_slots):
            overdrive = max(0.0, utilization[b, n] - utilization_normal[b])
            w = wear[b, n] * (1.0 - repair_rate[b]) + wear_rate[b] + overdrive_wear[b] * overdrive
            new_wear[b, n] = min(max(w, 0.0), max_wear) if active[b, n] else 0.0
            s = sector[n]
            cut = (
                competition[b]
                * private_share[b, s]
                * openness[b, region[n]]
                * soe_by_code[owner[b, n]]
            )
            sold_at = price[s] * (1.0 - cut)
            unit_cost = variable_cost_share[b] * (1.0 + 0.5 * (1.0 - tech[b, n])) + social_cost[
                b
            ] * (overstaffing[b, n] + welfare[b, n])
            made = output[b, n]
            gain = sold_at * made - price[s] * (
                unit_cost * made + fixed_cost_share[b] * capacity[b, n]
            )
            profit[b, n] = gain * active[b, n]


def after_production(
    state: State,
    world: World,
    params: Params,
    output: np.ndarray,
    shortage: np.ndarray,
    balance: np.ndarray,
) -> State:
    """The compiled :func:`angang.mechanisms.production._after_production` (same results)."""
    lay = world.layout
    wear = np.empty_like(state.wear)
    profit = np.empty_like(output)
    _accounts(
        production.utilization(state, world, params),
        state.wear,
        state.tech,
        state.welfare,
        output,
        state.capacity,
        state.active,
        state.owner,
        production.overstaffing(state, world, params),
        production.private_share(state, world, output),
        state.lever("market_openness"),
        lay.price,
        lay.sector,
        lay.region,
        SOE_BY_CODE.astype(np.float64),
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


@njit(cache=True)
def _absorptive_capacity(  # pragma: no cover - compiled
    workforce: np.ndarray,
    on_site: np.ndarray,
    b: int,
    n: int,
    domestic_cohorts: int,
    engineers: int,
    expert_weight: float,
    normal_engineer_share: float,
) -> float:
    """:func:`angang.mechanisms.technology.absorptive_capacity` of one plant."""
    domestic = 0.0
    for k in range(domestic_cohorts):
        domestic += workforce[b, n, k]
    staff_experts = 0.0
    for k in range(domestic_cohorts, workforce.shape[2]):
        staff_experts += workforce[b, n, k]
    visiting = 0.0
    for p in range(on_site.shape[2]):
        visiting += on_site[b, n, p]
    skilled = workforce[b, n, engineers] + expert_weight * (staff_experts + visiting)
    ratio = skilled / (normal_engineer_share * domestic) if domestic > 0 else 0.0
    return min(max(ratio, 0.0), 1.0)


@njit(cache=True)
def _rehabilitate(  # pragma: no cover - compiled
    damaged: np.ndarray,
    workforce: np.ndarray,
    on_site: np.ndarray,
    disruption: np.ndarray,
    disorder: np.ndarray,
    occupied: np.ndarray,
    region: np.ndarray,
    sector: np.ndarray,
    rehab_rate: np.ndarray,
    expert_weight: np.ndarray,
    domestic_cohorts: int,
    engineers: int,
    normal_engineer_share: float,
    restored: np.ndarray,
) -> None:
    """:func:`angang.mechanisms.rehabilitation.step`: writes the damage left."""
    n_runs, n_slots = damaged.shape
    for b in range(n_runs):
        for n in range(n_slots):
            if damaged[b, n] == 0.0:  # nothing to restore (most plant): 0 x anything is 0
                restored[b, n] = 0.0
                continue
            r = region[n]
            order = (1.0 - disruption[b, r, sector[n]]) * (1.0 - disorder[b, r])
            absorb = _absorptive_capacity(
                workforce,
                on_site,
                b,
                n,
                domestic_cohorts,
                engineers,
                expert_weight[b],
                normal_engineer_share,
            )
            rate = rehab_rate[b] * absorb * order * (not occupied[b, r])
            restored[b, n] = damaged[b, n] * (1.0 - min(max(rate, 0.0), 1.0))


def rehabilitation_step(state: State, world: World, params: Params, rng: Streams) -> State:
    """The compiled :func:`angang.mechanisms.rehabilitation.step` (same results)."""
    del rng  # rehabilitation draws nothing
    lay = world.layout
    damaged = np.empty_like(state.damaged)
    _rehabilitate(
        state.damaged,
        state.workforce,
        state.on_site,
        state.disruption,
        state.disorder,
        state.ruler == rehabilitation.OCCUPIER,
        lay.region,
        lay.sector,
        params.rehab_rate[:, 0],
        params.expert_weight[:, 0],
        DOMESTIC_COHORTS,
        technology.ENGINEERS,
        technology.NORMAL_ENGINEER_SHARE,
        damaged,
    )
    return replace(state, damaged=damaged)


@njit(cache=True)
def _control(  # pragma: no cover - compiled
    active: np.ndarray,
    owner: np.ndarray,
    management: np.ndarray,
    ministry_control: np.ndarray,
    director_power: np.ndarray,
    hold: np.ndarray,
    committee_power: np.ndarray,
    centralization: np.ndarray,
    campaign: np.ndarray,
    region: np.ndarray,
    committee: np.ndarray,
    ministry_share: np.ndarray,
    director_share: np.ndarray,
    soe_by_code: np.ndarray,
    speed: np.ndarray,
    mobilization_strength: np.ndarray,
    claim_rate: np.ndarray,
    ministry: np.ndarray,
    director: np.ndarray,
    claim: np.ndarray,
) -> None:
    """:func:`angang.mechanisms.local_politics.step`'s per-plant control, power and claim."""
    n_runs, n_slots = active.shape
    for b in range(n_runs):
        for n in range(n_slots):
            r = region[n]
            system = management[b, r]
            tilt = 0.75 + 0.25 * centralization[b, r]
            m_target = ministry_share[system] * tilt * (1.0 - hold[b, n])
            d_target = director_share[system] * (1.0 - hold[b, n])
            mc = ministry_control[b, n]
            dp = director_power[b, n]
            m = mc + speed[b] * (m_target - mc)
            c = committee_power[b, committee[n]]
            mobilized = mobilization_strength[b] * campaign[b, r] * c * dp
            d = dp + speed[b] * (d_target - dp) - mobilized
            if soe_by_code[owner[b, n]] and active[b, n]:
                m = min(max(m, 0.0), 1.0)
                ministry[b, n] = m
                director[b, n] = min(max(d, 0.0), 1.0)
                claim[b, n] = claim_rate[b] * (1.0 - m) * c
            else:
                ministry[b, n] = mc
                director[b, n] = dp
                claim[b, n] = 0.0


def local_politics_step(state: State, world: World, params: Params, rng: Streams) -> State:
    """The compiled :func:`angang.mechanisms.local_politics.step` (same results)."""
    del rng
    lay = world.layout
    hold, committee_power, centralization, campaign = local_politics.committees(
        state, world, params
    )
    ministry = np.empty_like(state.ministry_control)
    director = np.empty_like(state.director_power)
    claim = np.empty_like(state.claim)
    _control(
        state.active,
        state.owner,
        state.management,
        state.ministry_control,
        state.director_power,
        hold,
        committee_power,
        centralization,
        campaign,
        lay.region,
        lay.committee,
        local_politics.MINISTRY_SHARE,
        local_politics.DIRECTOR_SHARE,
        SOE_BY_CODE,
        params.control_adjustment[:, 0],
        params.mobilization_strength[:, 0],
        params.claim_rate[:, 0],
        ministry,
        director,
        claim,
    )
    return replace(
        state,
        committee_power=committee_power,
        ministry_control=ministry,
        director_power=director,
        committee_hold=hold,
        claim=claim,
    )


@njit(cache=True)
def _mobilize(  # pragma: no cover - compiled
    fatigue: np.ndarray,
    voice: np.ndarray,
    grievance: np.ndarray,
    campaign: np.ndarray,
    committee_power: np.ndarray,
    opening: np.ndarray,
    hunger: np.ndarray,
    region: np.ndarray,
    committee: np.ndarray,
    fatigue_rate: np.ndarray,
    campaign_commitment: np.ndarray,
    effort_commitment: np.ndarray,
    fatigue_decay: float,
    fatigue_scale: float,
    base_commitment: float,
    voice_memory: float,
    new_fatigue: np.ndarray,
    commitment: np.ndarray,
    effort: np.ndarray,
    new_voice: np.ndarray,
) -> None:
    """:func:`angang.mechanisms.labour.mobilize` before the year's purges."""
    n_runs, n_slots = fatigue.shape
    for b in range(n_runs):
        for n in range(n_slots):
            r = region[n]
            camp = campaign[b, r]
            f = fatigue[b, n] * (1.0 - fatigue_decay) + fatigue_rate[b] * camp * fatigue_scale
            c = committee_power[b, committee[n]]
            will = base_commitment + campaign_commitment[b] * camp * (0.5 + 0.5 * c) - f
            will = min(max(will, 0.0), 1.0)
            push = 1.0 + effort_commitment[b] * (will - base_commitment)
            new_fatigue[b, n] = f
            commitment[b, n] = will
            effort[b, n] = min(max(push, 0.5), 1.5) * hunger[b]
            spoken = voice[b, n] * voice_memory + opening[b, r] * grievance[b, n]
            new_voice[b, n] = min(max(spoken, 0.0), 1.0)


def mobilize(state: State, world: World, params: Params, rng: Streams) -> State:
    """The compiled :func:`angang.mechanisms.labour.mobilize` (same results)."""
    del rng
    lay = world.layout
    fatigue = np.empty_like(state.fatigue)
    commitment = np.empty_like(state.fatigue)
    effort = np.empty_like(state.fatigue)
    voice = np.empty_like(state.voice)
    _mobilize(
        state.fatigue,
        state.voice,
        state.grievance,
        state.lever("campaign_intensity"),
        state.committee_power,
        state.opening,
        (state.food[:, None] ** params.hunger_effort)[:, 0],  # NumPy's power, as the reference
        lay.region,
        lay.committee,
        params.fatigue_rate[:, 0],
        params.campaign_commitment[:, 0],
        params.effort_commitment[:, 0],
        labour.FATIGUE_DECAY,
        labour.FATIGUE_SCALE,
        labour.BASE_COMMITMENT,
        labour.VOICE_MEMORY,
        fatigue,
        commitment,
        effort,
        voice,
    )
    moved = replace(state, fatigue=fatigue, commitment=commitment, effort=effort, voice=voice)
    return labour.purge(moved, world)
