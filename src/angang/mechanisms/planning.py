"""Vertical bargaining: ratchet targets, hidden slack, over-reporting, the soft budget.

The ministry (the vertical line, *tiaotiao*) sets next year's target from this year's
*reported* output, adding part of any over-fulfilment (Weitzman's ratchet) and the growth
it wants; in campaigns it demands much more. It plans from the achieved level per unit of
the capacity it sees, so that plant it has built since — a key-point project coming into
service — enters the next target at the rate the old plant achieved. Knowing this,
directors hide part of their capacity and hold output near the target; when output falls
short, political pressure — strongest in campaigns and where the party secretary rather
than the director holds power — makes enterprises over-report. Loss-making SOEs are kept
alive by the state budget (Kornai's soft budget constraint) in proportion to how soft the
lever sets it; private firms always face a hard budget. Named works are never allowed to
fail.

References
----------
Weitzman, 'The "Ratchet Principle" and Performance Incentives', *Bell Journal of Economics*
11 (1980): 302-308.
Kornai, 'The Soft Budget Constraint', *Kyklos* 39 (1986): 3-30; *The Socialist System* (1992),
121-124 (vertical bargaining, under-reported capacity, over-reported achievement).
Hirata, *Making Mao's Steelworks* (2024), Introduction (SOEs in local politics).
"""

from __future__ import annotations

import numpy as np

from angang.engine.rng import Streams
from angang.engine.state import Params, State, replace
from angang.engine.world import OWNER, Levers, World, is_soe

ROUTINE_PRESSURE = 0.2  #: pressure to report success in an ordinary planned year
#: what a plant that exits loses (zeroed), besides being active and small
CLOSED = ("capacity", "output", "reported", "next_rate", "wear", "damaged")


def step(state: State, world: World, params: Params, rng: Streams) -> State:
    """Report, compare with target, set next year's target, and close failed firms."""
    lay = world.layout
    region = lay.region
    planning = state.lever(Levers.PLANNING)[:, region] * is_soe(state.owner) * state.active
    campaign = state.lever(Levers.CAMPAIGN_INTENSITY)[:, region]
    power = state.director_power
    # directors hide slack from the ministry
    hidden = params.slack_hiding * power * planning
    reported_capacity = seen_capacity(state, hidden)
    # shortfalls are covered by over-reporting under political pressure
    pressure = np.clip(campaign * (1.0 - power) + ROUTINE_PRESSURE * planning, 0.0, 1.0)
    # small plants report all they make, the worthless part included (native steel, 1958)
    made = np.where(
        state.small, np.divide(state.output, np.maximum(params.small_usable, 1e-9)), state.output
    )
    gap = np.maximum(0.0, state.target - made) * (planning > 0)
    reported = made + params.overreport * pressure * gap
    # the ratchet: next target from this year's report, capped by what the ministry sees
    growth = 1.0 + params.plan_growth + params.campaign_target_boost * campaign
    ratcheted = np.where(
        state.target > 0, reported + params.ratchet * (reported - state.target), reported
    )
    ceiling = reported_capacity * (1.0 + params.campaign_target_boost * campaign)
    next_target = np.clip(ratcheted * growth, 0.0, ceiling) * (planning > 0)
    next_rate = np.divide(
        next_target,
        reported_capacity,
        out=np.zeros_like(next_target),
        where=reported_capacity > 0,
    )
    return budget(
        replace(state, reported=reported, hidden=hidden, next_rate=next_rate),
        world,
        params,
        rng,
    )


def budget(state: State, world: World, params: Params, rng: Streams) -> State:
    """Loss-makers exit with a probability that grows with the hardness of their budget."""
    lay = world.layout
    hardness = np.where(
        is_soe(state.owner) | (state.owner == OWNER["colonial"]),
        state.lever(Levers.BUDGET_HARDNESS)[:, lay.region],
        1.0,
    )
    losing = (state.profit < 0) & state.active & ~lay.is_work[None, :]
    exits = losing & (rng.uniform(lay.n) < params.soft_budget_exit * hardness)
    if not exits.any():
        return state
    keep = ~exits
    # the closed plant's staff are laid off by the labour mechanism
    return replace(
        state,
        active=state.active & keep,
        small=state.small & keep,
        **{name: getattr(state, name) * keep for name in CLOSED},
    )


def seen_capacity(state: State, hidden: np.ndarray) -> np.ndarray:
    """(B, N): the capacity the ministry sees — in service, less what directors hide."""
    return state.capacity * (1.0 - state.wear) * (1.0 - state.damaged) * (1.0 - hidden)


def new_plan_year(state: State, world: World, params: Params, rng: Streams) -> State:
    """At the turn of the year, the target rate set last year comes into force on the
    capacity the ministry now sees (last year's building included)."""
    return replace(state, target=state.next_rate * seen_capacity(state, state.hidden))
