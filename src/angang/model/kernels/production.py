"""Compiled per-plant parts of production (:mod:`angang.mechanisms.production`): potential
output, wear and accounts."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from numba import njit

from angang.engine.rng import Streams
from angang.engine.state import Params, State
from angang.engine.world import SOE_BY_CODE, Levers, World
from angang.mechanisms import production


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
        state.lever(Levers.PLANNING),
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
        state.lever(Levers.MARKET_OPENNESS),
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
