"""Production and shortage: true output from capacity, technology, effort and inputs.

Each year a share of capacity retires with age. Each enterprise's output is its capacity in
service (net of wear) times utilization, a yield
that rises with technology, effort and a yearly shock, and never exceeds capacity.
Utilization falls with war and disorder and rises in mobilization campaigns; a director who
fears the ratchet holds output near the target. Output then meets a coarse input-output
coupling: steel needs ore, coal and power, machinery needs steel, and so on. Upstream
sectors are produced first; where inputs fall short across the regions under one ruler
(a trading bloc: Manchukuo was cut off from China proper), imports fill part of the gap —
as far as markets are open or an industrial ally supplies — and downstream plants are cut
back in proportion to the rest, so shortages propagate as in Kornai's shortage economy. A
good others use (steel, coal, cement) is made only as far as they take it — as inputs, for
building what is invested, and outside industry — so that plant built in a boom stands idle
in a slump; and where steel or cement is short, the year's building is cut with the rest of
their uses (:mod:`.investment`, :mod:`.projects`: investment tension). Running plant above
its normal utilization wears it out, which lowers capacity in service in later years.
Where markets are open, private rivals cut the price state and colonial plants can get;
surplus staff and danwei welfare add to an SOE's costs.

References
----------
Kornai, *The Socialist System* (1992), ch. 11 (shortage), ch. 9 (investment tension).
Kornai, *Economics of Shortage* (1980).
Hirata, *Making Mao's Steelworks* (2024), Introduction (campaigns and over-driven plant).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from angang.engine.aggregate import by_region_sector, sum_short
from angang.engine.rng import Streams
from angang.engine.state import (
    DOMESTIC_COHORTS,
    Params,
    State,
    labour_requirement,
    labour_total,
    replace,
)
from angang.engine.world import OWNER, Levers, World, is_soe
from angang.ids import SECTORS

#: upstream before downstream; an input produced later counts at its planned level
ORDER = tuple(
    SECTORS.index(s) for s in ("coal", "ore", "power", "steel", "cement", "machinery", "light")
)
MAX_WEAR = 0.9
MAX_BALANCE = 3.0  #: demand over capacity is read as at most threefold (a good nobody makes)


def utilization(state: State, world: World, params: Params) -> np.ndarray:
    """(B, N): the share of capacity in service a plant is driven at this year: normal, less
    war and disorder, more in a production campaign."""
    # the same arithmetic on each region x sector cell, then one gather to the slots (a
    # plant's utilization depends only on its cell): the same numbers, far fewer operations
    # on (B, N) arrays at full scale
    return utilization_cells(state, params)[:, world.layout.cell]


def utilization_cells(state: State, params: Params) -> np.ndarray:
    """(B, R*S): :func:`utilization` of each region x sector cell."""
    campaign = state.lever(Levers.CAMPAIGN_INTENSITY)[:, :, None]  # (B, R, 1)
    unrest = params.disorder_loss[:, :, None] * state.disorder[:, :, None]
    cells = (
        params.utilization_normal[:, :, None] * (1.0 - state.disruption) * (1.0 - unrest)
        + params.campaign_overdrive[:, :, None] * campaign
    )  # (B, R, S)
    return cells.reshape(state.runs, -1)


def in_service(state: State) -> np.ndarray:
    """(B, N): capacity neither worn out nor damaged, sector units."""
    return state.capacity * (1.0 - state.wear) * (1.0 - state.damaged) * state.active


def staff_need(state: State, world: World, params: Params, capacity: np.ndarray) -> np.ndarray:
    """(B, N, D): the domestic staff, by cohort, that ``capacity`` (B, N) needs this year
    (small campaign plants need more hands)."""
    return labour_requirement(
        world.layout,
        capacity,
        state.year,
        params.labour_productivity_growth,
        state.small,
        params.small_labour,
    )[..., :DOMESTIC_COHORTS]


def staff_total(state: State, world: World, params: Params, capacity: np.ndarray) -> np.ndarray:
    """(B, N): all the domestic staff ``capacity`` needs (:func:`staff_need`, summed)."""
    return labour_total(
        world.layout,
        capacity,
        state.year,
        params.labour_productivity_growth,
        state.small,
        params.small_labour,
    )


def staffing(state: State, world: World, params: Params) -> np.ndarray:
    """(B, N) in [0, 1]: the share of its output a plant can staff — 1 unless it has fewer
    hands than its technique needs (as when workers were sent back to the villages)."""
    need = staff_total(state, world, params, in_service(state))
    have = sum_short(state.workforce[..., :DOMESTIC_COHORTS])
    ratio = np.divide(have, need, out=np.ones_like(need), where=need > 0)
    return np.minimum(1.0, ratio) ** params.labour_shortfall


def potential(state: State, world: World, params: Params, shock: np.ndarray) -> np.ndarray:
    """Output each plant would produce without input shortages, (B, N), sector units."""
    lay = world.layout
    region = lay.region
    yield_ = state.tech**params.tech_elasticity * state.effort * shock
    # light industry processes cotton, grain and oilseed: a poor harvest starves it
    farm = np.where(
        lay.heavy[lay.sector], 1.0, 1.0 - params.agri_input * (1.0 - state.food[:, None])
    )
    wanted = (
        in_service(state)
        * np.minimum(1.0, utilization(state, world, params) * yield_)
        * staffing(state, world, params)
        * farm
    )
    # a director who fears the ratchet keeps output near the target (Weitzman 1980)
    planned = state.lever(Levers.PLANNING)[:, region] * (state.target > 0)
    restraint = planned * state.director_power
    ceiling = state.target * (1.0 + params.target_margin)
    excess = np.maximum(0.0, wanted - ceiling)
    return wanted - restraint * excess


@dataclass(frozen=True)
class Wanted:
    """What plants would make this year without input shortages (:func:`potential`)."""

    slots: np.ndarray  #: (B, N), sector units
    cells: np.ndarray  #: (B, R, S): summed by region x sector cell
    usable: np.ndarray  #: (B, R, S): the usable part (not small plants' worthless output)


def wanted(state: State, world: World, params: Params, shock: np.ndarray) -> Wanted:
    """:func:`potential` output, per plant and by cell."""
    lay = world.layout
    slots = potential(state, world, params, shock)
    usable = slots * np.where(state.small, params.small_usable, 1.0)
    return Wanted(slots, by_region_sector(slots, lay), by_region_sector(usable, lay))


def step(
    state: State,
    world: World,
    params: Params,
    rng: Streams,
    wanted: Callable[[State, World, Params, np.ndarray], Wanted] = wanted,
    after: Callable[..., State] | None = None,
) -> State:
    """Retire old plant, then produce this year's output with upstream shortages and wear.
    ``wanted`` and ``after`` (output, wear and accounts) are this module's, or the compiled
    ones :mod:`angang.model.loop` passes."""
    lay = world.layout
    state = replace(
        state,
        capacity=state.capacity * (1.0 - params.depreciation),
        absorption=absorb(state, params),
    )
    sigma = params.output_noise
    shock = np.exp(sigma * rng.normal(lay.n) - 0.5 * sigma**2)
    plan = wanted(state, world, params, shock)
    blocs = state.blocs()  # (B, R, R)
    # Within a sector, a plant's cut depends only on its region, so the whole cascade runs
    # on region x sector sums. A sector not yet produced this year (coal needs power, which
    # needs coal) is assumed to deliver what it wants to produce.
    wanted_cells = plan.cells  # (B, R, S)
    supply = wanted_cells.copy()
    met_cells = np.ones_like(wanted_cells)  # (B, R, S): share of wanted output produced
    shortage = np.zeros_like(state.shortage)
    imports = import_reach(state, params)  # (B, R): share of a shortfall imports fill
    for s in ORDER:
        needs = lay.inputs[s]
        for k in np.flatnonzero(needs):
            bloc_demand = np.einsum("brq,bq->br", blocs, wanted_cells[:, :, s] * needs[k])
            bloc_supply = np.einsum("brq,bq->br", blocs, supply[:, :, k])
            own = bloc_supply * (1.0 + params.input_buffer)
            available = own + imports * np.maximum(0.0, bloc_demand - own)
            met = np.where(
                bloc_demand > 0,
                np.minimum(1.0, available / np.where(bloc_demand > 0, bloc_demand, 1.0)),
                1.0,
            )  # (B, R)
            shortage[:, :, k] = np.maximum(shortage[:, :, k], 1.0 - met)
            met_cells[:, :, s] = np.minimum(met_cells[:, :, s], met)
        supply[:, :, s] = wanted_cells[:, :, s] * met_cells[:, :, s]
    # a good others use is made only as far as they take it (with some stock): planners cut
    # the targets of what piles up (steel in 1961-62), firms in markets cannot sell it
    # (imports fill part of a gap between what is used and what domestic plant can make; where
    # domestic plant could make more than is used, they are not needed and do not bind)
    used = lay.used
    bloc_demand = np.einsum("brq,bqk->brk", blocs, demand(state, world, params, wanted_cells))
    # what users take is usable goods: the worthless part of small plants' output (native
    # steel) meets no demand and leaves modern plant's share of it untouched
    usable = plan.usable
    usable_share = np.divide(usable, wanted_cells, out=np.ones_like(usable), where=wanted_cells > 0)
    bloc_supply = np.einsum("brq,bqk->brk", blocs, supply * usable_share)
    taken = np.divide(
        bloc_demand * (1.0 + params.stock_margin[:, :, None]),
        bloc_supply,
        out=np.ones_like(bloc_supply),
        where=bloc_supply > 0,
    )
    met_cells = met_cells * np.where(used, np.minimum(1.0, taken), 1.0)
    bloc_wanted = np.einsum("brq,bqk->brk", blocs, wanted_cells)
    ratio = np.divide(
        bloc_demand, bloc_wanted, out=np.full_like(bloc_demand, MAX_BALANCE), where=bloc_wanted > 0
    )
    balance = np.where(used, np.clip(ratio, 0.0, MAX_BALANCE), 1.0)
    # building needs its materials: where steel or cement falls short of all that is asked of
    # it (imports filling part of the gap), every use — building too — gets its share, and
    # the rest of the year's planned building cannot be done (Kornai's investment tension)
    gap = np.maximum(0.0, bloc_demand - bloc_supply)
    served = np.divide(
        bloc_supply + imports[:, :, None] * gap,
        bloc_demand,
        out=np.ones_like(bloc_demand),
        where=bloc_demand > 0,
    )
    materials = lay.materials
    building_met = (
        np.clip(served[:, :, materials], 0.0, 1.0).min(axis=2)
        if materials.any()
        else np.ones(bloc_demand.shape[:2])
    )
    local = np.einsum("brs,sk->brk", wanted_cells, lay.inputs)
    return replace(
        (after or _after_production)(
            state, world, params, plan.slots, met_cells, shortage, balance
        ),
        input_demand=local,
        building_met=building_met,
    )


def import_reach(state: State, params: Params) -> np.ndarray:
    """(B, R): the share of a shortfall that imports fill — as far as markets are open, or as
    far as an industrial ally supplies what the region's ruler lacks (Japan for Manchukuo,
    the Soviet bloc for the First Five-Year Plan; after the split, self-reliance)."""
    ally = np.clip(state.relations(), 0.0, 1.0).max(axis=2)
    return params.import_share * np.maximum(state.lever(Levers.MARKET_OPENNESS), ally)


def demand(state: State, world: World, params: Params, supply: np.ndarray) -> np.ndarray:
    """(B, R, S): what each region would use of each good — inputs to the output its plants
    want to make ``supply`` (B, R, S), building and equipment for this year's planned
    investment (the investment rate on last year's output), and use outside industry. Zero
    for goods nobody uses (machinery, light: final goods, in shortage under the plan)."""
    lay = world.layout
    last = by_region_sector(state.output * lay.slot_price, lay).sum(axis=2)
    planned = state.lever(Levers.INVESTMENT_RATE) * last  # (B, R), million yuan
    # light plant takes less steel and cement to build than heavy plant: weight this year's
    # plan by last year's mix of investment
    mix = state.investment.sum(axis=1)  # (B, S)
    total = mix.sum(axis=1)
    light_share = np.divide(
        mix[:, ~lay.heavy].sum(axis=1), total, out=np.zeros_like(total), where=total > 0
    )
    building = planned * (1.0 - (1.0 - params.light_plant_materials[:, 0]) * light_share)[:, None]
    value = (supply * lay.price).sum(axis=2)
    used = (
        np.einsum("brs,sk->brk", supply, lay.inputs)
        + building[:, :, None] * lay.construction
        + value[:, :, None] * lay.final_use
    )
    # a state driving heavy industry takes more steel and cement besides (defence works,
    # stockpiles, exports to an imperial metropole): the Kwantung Army was a major buyer of
    # Anshan steel (``State.absorption``, updated by :func:`absorb`). Coal and power it takes
    # only as inputs to what is made, and households' fuel not at all: the extra steel
    # draws its coal and power through the cascade above
    drive = 1.0 + state.absorption  # (B, R)
    return used * np.where(lay.materials, drive[:, :, None], 1.0)


def absorb(state: State, params: Params) -> np.ndarray:
    """(B, R): this year's extra take of steel and cement per unit of their use: last year's, moved
    part of the way (``absorption_adjust``) toward what the levers now call for — the state's
    heavy-industry priority, as far as it controls the market (where markets are open its
    priority is bought at market prices like any other use, and hoarding against shortage
    fades: Kornai). Orders and stockpiling programmes run for years, so a change of course
    reaches the mills over time."""
    target = (
        params.priority_absorption
        * state.lever(Levers.HEAVY_PRIORITY)
        * (1.0 - state.lever(Levers.MARKET_OPENNESS))
    )
    return state.absorption + params.absorption_adjust * (target - state.absorption)


def _after_production(
    state: State,
    world: World,
    params: Params,
    wanted: np.ndarray,
    met_cells: np.ndarray,
    shortage: np.ndarray,
    balance: np.ndarray,
) -> State:
    """Output: what plants wanted to make (``wanted``, (B, N)), cut by their cell's shortage
    (``met_cells``: the share met, (B, R, S)); wear from over-driving, and profit (squeezed
    by private competition in open markets)."""
    lay = world.layout
    made = wanted * met_cells.reshape(state.runs, -1)[:, lay.cell]
    # much of what small campaign plants make is worthless (native steel): it used up inputs
    # and is reported upward (:mod:`.planning`), but it is not output
    output = made * np.where(state.small, params.small_usable, 1.0)
    overdrive = np.maximum(0.0, utilization(state, world, params) - params.utilization_normal)
    wear = (
        state.wear * (1.0 - params.repair_rate)
        + params.wear_rate
        + (params.overdrive_wear * overdrive)
    )
    wear = np.where(state.active, np.clip(wear, 0.0, MAX_WEAR), 0.0)
    price = lay.slot_price * (1.0 - _competition(state, world, params, output))
    unit_cost = params.variable_cost_share * (
        1.0 + 0.5 * (1.0 - state.tech)
    ) + params.social_cost * (overstaffing(state, world, params) + state.welfare)
    profit = price * output - lay.slot_price * (
        unit_cost * output + params.fixed_cost_share * state.capacity
    )
    return replace(
        state,
        output=output,
        wear=wear,
        profit=profit * state.active,
        shortage=shortage,
        balance=balance,
    )


def overstaffing(state: State, world: World, params: Params) -> np.ndarray:
    """(B, N): staff beyond what the plant's capacity needs, as a share of that need."""
    total = staff_total(state, world, params, state.capacity * state.active)
    have = sum_short(state.workforce[..., :DOMESTIC_COHORTS])
    return np.divide(
        np.maximum(0.0, have - total), total, out=np.zeros_like(total), where=total > 0
    )


def _competition(state: State, world: World, params: Params, output: np.ndarray) -> np.ndarray:
    """(B, N): price cut an SOE suffers from private rivals where markets are open.

    The cut grows with the private share of the sector's national output and with market
    openness in the plant's region; private firms set the price, and colonial companies (the
    Japanese mills of Shanghai, the SMR's works) competed on their terms, so neither suffers it.
    """
    lay = world.layout
    share = private_share(state, world, output)
    openness = state.lever(Levers.MARKET_OPENNESS)[:, lay.region]
    return params.competition * share[:, lay.sector] * openness * is_soe(state.owner)


def private_share(state: State, world: World, output: np.ndarray) -> np.ndarray:
    """(B, S): private firms' share of each sector's national output."""
    lay = world.layout
    private = (state.owner == OWNER["private"]) & state.active
    by_sector = by_region_sector(output, lay).sum(axis=1)  # (B, S)
    private_by_sector = by_region_sector(output * private, lay).sum(axis=1)
    return np.divide(
        private_by_sector, by_sector, out=np.zeros_like(by_sector), where=by_sector > 0
    )
