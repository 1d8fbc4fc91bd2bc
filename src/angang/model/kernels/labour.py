"""Compiled mobilization and employment (:mod:`angang.mechanisms.labour`)."""

from __future__ import annotations

import numpy as np
from numba import uint64

from angang.engine.compiled import kernel
from angang.engine.rng import Streams
from angang.engine.state import COHORT_SPLIT, Params, State, replace, writable
from angang.engine.world import OWNER, SOE_BY_CODE, Levers, World
from angang.mechanisms import labour
from angang.model.kernels.shapes import N_COHORTS, N_DOMESTIC, check_lengths
from angang.model.kernels.slots import piece, span


@kernel
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
    cell_start: np.ndarray,
    cell_size: np.ndarray,
    campaign_slots: np.ndarray,
    reach: np.ndarray,
    commitment: np.ndarray,
    effort: np.ndarray,
) -> None:
    """:func:`angang.mechanisms.labour.mobilize` before the year's purges, on the slots a
    plant has stood in: updates ``fatigue`` and ``voice`` in place and writes ``commitment``
    and ``effort`` (all four the state's own arrays or copies of them, :func:`writable`; a
    slot's old values are read before its new ones are written). The other slots keep the
    values they have held since the first year."""
    n_runs = fatigue.shape[0]
    for b in range(n_runs):
        for c in range(cell_start.size):
            lo, mid, tail, hi = span(cell_start, cell_size, campaign_slots, reach, b, c)
            for part in range(2):  # the slots that have held a plant, then the campaign slot
                start, stop = piece(lo, mid, tail, hi, part)
                for n in range(uint64(start), uint64(stop)):
                    r = region[n]
                    camp = campaign[b, r]
                    f = (
                        fatigue[b, n] * (1.0 - fatigue_decay)
                        + fatigue_rate[b] * camp * fatigue_scale
                    )
                    c = committee_power[b, committee[n]]
                    will = base_commitment + campaign_commitment[b] * camp * (0.5 + 0.5 * c) - f
                    will = min(max(will, 0.0), 1.0)
                    push = 1.0 + effort_commitment[b] * (will - base_commitment)
                    fatigue[b, n] = f
                    commitment[b, n] = will
                    effort[b, n] = min(max(push, 0.5), 1.5) * hunger[b]
                    spoken = voice[b, n] * voice_memory + opening[b, r] * grievance[b, n]
                    voice[b, n] = min(max(spoken, 0.0), 1.0)


def mobilize(state: State, world: World, params: Params, rng: Streams) -> State:
    """The compiled :func:`angang.mechanisms.labour.mobilize` (same results)."""
    del rng
    lay = world.layout
    fatigue, commitment, effort, voice = (
        writable(state, name) for name in ("fatigue", "commitment", "effort", "voice")
    )
    _mobilize(
        fatigue,
        voice,
        state.grievance,
        state.lever(Levers.CAMPAIGN_INTENSITY),
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
        lay.cell_start,
        lay.cell_size,
        lay.campaign_slots,
        state.reach,
        commitment,
        effort,
    )
    moved = replace(state, fatigue=fatigue, commitment=commitment, effort=effort, voice=voice)
    return labour.purge(moved, world)


@kernel
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
    hands: np.ndarray,
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
    cell_start: np.ndarray,
    cell_size: np.ndarray,
    campaign_slots: np.ndarray,
    reach: np.ndarray,
    laid_off: np.ndarray,
    rate: np.ndarray,
) -> None:
    """:func:`angang.mechanisms.labour.employ` up to its random draw, on the slots a plant
    has stood in: updates ``workforce``, ``welfare`` and ``grievance`` in place and writes
    the lay-offs and the protest rate the caller draws from (all but ``rate`` the state's own
    arrays or copies of them, :func:`writable`; a slot's old values are read before its new
    ones are written). The other slots keep the values they have held since the first year,
    and their protest rate is 0."""
    n_runs = active.shape[0]
    domestic = np.empty(N_DOMESTIC)
    for b in range(n_runs):
        for c in range(cell_start.size):
            lo, mid, tail, hi = span(cell_start, cell_size, campaign_slots, reach, b, c)
            for n in range(uint64(mid), uint64(tail)):
                rate[b, n] = 0.0
            for part in range(2):  # the slots that have held a plant, then the campaign slot
                start, stop = piece(lo, mid, tail, hi, part)
                for n in range(uint64(start), uint64(stop)):
                    on = active[b, n]
                    code = owner[b, n]
                    if not on:
                        # an empty or closed slot: everyone left is laid off, welfare drifts to a
                        # private firm's (the reference's arithmetic for it, without the hiring)
                        before = 0.0
                        for k in range(N_DOMESTIC):
                            before += workforce[b, n, k]
                        gone = before
                        people = 0.0
                        laid_off[b, n] = gone
                        for k in range(N_COHORTS):
                            workforce[b, n, k] = 0.0
                        target = private_welfare
                    else:
                        soe = soe_by_code[code]
                        h = hardness[b, region[n]]
                        persons = capacity[b, n] * on * labour[sector[n]]
                        persons = persons * (small_labour[b] if small[b, n] else 1.0)
                        total = persons * factor[b]
                        slack = (1.0 - h) * staffing_slack + claim[b, n]
                        keep_share = ((1.0 + slack) if soe else 1.0) * fed[b]
                        if small[b, n]:
                            keep_share = keep_share * hands[b]
                        distress = profit[b, n] < 0 and soe
                        fire_share = h * layoff_speed[b] * distress if soe else 1.0
                        fired_sum = 0.0
                        before = 0.0
                        people = 0.0
                        for k in range(N_DOMESTIC):
                            need = total * cohort_split[k]
                            wanted = need * keep_share
                            current = workforce[b, n, k]
                            kept = current * (1.0 - attrition[b])
                            surplus = max(0.0, kept - wanted)
                            fired = (
                                surplus if (fed[b] < 1.0 or small[b, n]) else fire_share * surplus
                            )
                            fired_sum += fired
                            before += current
                            domestic[k] = max(wanted, kept - fired)
                            people += domestic[k]
                        gone = fired_sum
                        laid_off[b, n] = gone
                        for k in range(N_DOMESTIC):  # the foreign experts stay
                            workforce[b, n, k] = domestic[k]
                        cut = h * (0.3 + 0.7 * distress)
                        if soe:
                            target = min(
                                max((1.0 - cut) * welfare_level[b] + claim[b, n], 0.0), 1.0
                            )
                        else:
                            target = private_welfare
                    old_welfare = welfare[b, n]
                    w = old_welfare + welfare_adjustment * (target - old_welfare)
                    welfare[b, n] = w
                    share = gone / before if before > 0 else 0.0
                    g = min(
                        max(
                            grievance[b, n] * (1.0 - grievance_decay[b])
                            + grievance_layoff[b] * share
                            + grievance_welfare[b] * max(0.0, old_welfare - w)
                            + colonial_grievance[b] * (code == colonial_code)
                            + fatigue_grievance * fatigue[b, n],
                            0.0,
                        ),
                        1.0,
                    )
                    grievance[b, n] = g
                    people = people + gone
                    rate[b, n] = protest_rate[b] * people / 1e4 * max(0.0, g - protest_threshold[b])


def employ(state: State, world: World, params: Params, rng: Streams) -> State:
    """The compiled :func:`angang.mechanisms.labour.employ` (same results, same draws)."""
    lay = world.layout
    check_lengths(workforce=state.workforce, split=COHORT_SPLIT)
    growth = params.labour_productivity_growth
    factor = ((1.0 + growth) ** (1952 - state.year))[:, 0]  # NumPy's power, as the reference
    fed = state.food ** params.sent_down[:, 0]
    workforce, welfare, grievance, laid_off = (
        writable(state, name) for name in ("workforce", "welfare", "grievance", "laid_off")
    )
    rate = np.empty_like(state.laid_off)
    _employ(
        state.active,
        state.owner,
        state.capacity,
        state.small,
        workforce,
        state.claim,
        state.profit,
        welfare,
        grievance,
        state.fatigue,
        lay.region,
        lay.sector,
        lay.labour,
        COHORT_SPLIT,
        state.lever(Levers.BUDGET_HARDNESS),
        factor,
        fed,
        labour.campaign_hands(state, world, params),
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
        lay.cell_start,
        lay.cell_size,
        lay.campaign_slots,
        state.reach,
        laid_off,
        rate,
    )
    protest = rng.poisson(np.minimum(rate, 1e6)).astype(float)
    return replace(
        state,
        workforce=workforce,
        welfare=welfare,
        grievance=grievance,
        laid_off=laid_off,
        protest=protest,
    )
