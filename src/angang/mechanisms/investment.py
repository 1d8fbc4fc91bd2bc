"""Investment and security: how capacity grows, who builds it and where.

Each region invests a share of its industrial output (the investment-rate lever; Japanese
capital in Manchukuo and the state's extraction from agriculture in the PRC make it large).
The centralized part (the centralization lever) is pooled across all regions under the same
ruler and built by the ruler's state owner — colonial companies in Manchukuo, the National
Resources Commission for the Nationalists, central ministries for the PRC. The centre tilts
its money to heavy industry (the heavy-priority lever) and, when its security posture is
high, away from regions exposed to a hostile power — coasts to the United States, borders to
the Soviet Union — toward the interior; it also moves heavy plant and staff inland (the
Third Front, from 1964, relocating factories from Manchuria and Shanghai). The rest is built
locally (by local governments under the CCP, by private owners otherwise); private firms
also reinvest out of their own output when markets are open. All money follows the capital
that stands (plans start from the level achieved), the balance of demand and supply among
producer goods (to the one in shortest supply) and, as markets open, profit: reform shifts
investment to where it earns most, the coastal South and East. Local money partly extends
its region's own industry and partly builds, in its region, the mix the nation is short of
(the 'cellular' local systems of 1958 and the 1970s, which gave every province its steel and
cement). Part of each cell's new capacity founds new enterprises — rarely in sectors whose
plant grows on its own site, like integrated steelworks — the rest extends existing ones in
proportion to their size; the new plant embodies the technology the region's allies supply
(:mod:`.construction`). Plant the state builds in the interior for safety costs more
(the Third Front's dispersed sites and the railways to them), the more so the higher the
security posture.

References
----------
Kornai, *The Socialist System* (1992), ch. 9 (investment hunger, priority of heavy industry).
Hirata, *Making Mao's Steelworks* (2024), Introduction (heavy-industry priority; the Third
Front; the reform-era rise of the coastal South and East).
Naughton, 'The Third Front: Defence Industrialization in the Chinese Interior', *China
Quarterly* 115 (1988); Meyskens, *Mao's Third Front* (2020).
Donnithorne, 'China's Cellular Economy', *China Quarterly* 52 (1972).
Weitzman, 'The "Ratchet Principle" and Performance Incentives', *Bell Journal of Economics*
11 (1980).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from angang.engine.aggregate import by_region_sector
from angang.engine.rng import Streams
from angang.engine.state import (
    Params,
    State,
    plant_arrays,
    replace,
    start_new_enterprises,
    writable,
)
from angang.engine.world import OWNER, Layout, Levers, World
from angang.ids import POWERS, RULERS, SECTORS
from angang.mechanisms import construction

#: the owner a ruler's centre builds new plant under (None: no state builder)
STATE_BUILDER = {
    "beiyang": None,
    "nationalist": "nationalist-soe",
    "manchukuo": "colonial",
    "japan-occupied": "colonial",
    "ussr-occupation": None,
    "ccp": "central-soe",
}
HAS_STATE_BUILDER = np.array([STATE_BUILDER[r] is not None for r in RULERS])
#: owner code of what each ruler's state builds in heavy and in light industry
STATE_CODE_HEAVY = np.array([OWNER[STATE_BUILDER[r] or "private"] for r in RULERS])
STATE_CODE_LIGHT = np.array(
    [
        OWNER["local-soe" if STATE_BUILDER[r] == "central-soe" else STATE_BUILDER[r] or "private"]
        for r in RULERS
    ]
)
#: carries out a year's building orders in place (reference or compiled kernel)
Builder = Callable[..., None]
JAPANESE_RULE = [RULERS.index("manchukuo"), RULERS.index("japan-occupied")]
RELOCATABLE = SECTORS.index("machinery")  #: the sector whose plant the Third Front moved
ENTRANT_SIZE = 0.5  #: a new enterprise's capacity relative to the cell's mean plant


def central_budget(
    state: State, world: World, regional: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """This year's investment budget by region, (B, R) each: the part the ruler's centre pools
    (for key-point projects first, :mod:`.projects`) and the part left to local governments
    and owners. ``regional`` is each region's output value, if the caller has it."""
    lay = world.layout
    if regional is None:
        regional = by_region_sector(state.output * lay.slot_price, lay).sum(axis=2)
    occupied = state.ruler == RULERS.index("ussr-occupation")
    budget = state.lever(Levers.INVESTMENT_RATE) * regional * ~occupied
    has_state = HAS_STATE_BUILDER[state.ruler]
    pooled = budget * state.lever(Levers.CENTRALIZATION) * has_state
    return pooled, budget - pooled


@dataclass(frozen=True)
class PlantSums:
    """What investment reads from the plants, summed by region x sector cell (B, R, S)."""

    value: np.ndarray  #: output value, million 1952 yuan
    capital_value: np.ndarray  #: capacity value of active plant
    profit: np.ndarray
    reinvested: np.ndarray  #: what private firms plough back of their output value
    capacity: np.ndarray  #: capacity of active plant, sector units
    plants: np.ndarray  #: active plants (a count, as floats)


def plant_sums(state: State, world: World, params: Params) -> PlantSums:
    """:class:`PlantSums` of this year's plants (or the compiled
    :func:`angang.model.kernels.investment_sums`, which gives the same numbers)."""
    lay = world.layout
    price = lay.slot_price
    value = state.output * price
    occupied = state.ruler == RULERS.index("ussr-occupation")
    private_value = value * (state.owner == OWNER["private"]) * state.active
    reinvest = (
        params.private_reinvestment
        * state.lever(Levers.MARKET_OPENNESS)[:, lay.region]
        * private_value
        * ~occupied[:, lay.region]
    )
    return PlantSums(
        value=by_region_sector(value, lay),
        capital_value=by_region_sector(state.capacity * state.active * price, lay),
        profit=by_region_sector(state.profit, lay),
        reinvested=by_region_sector(reinvest, lay),
        capacity=by_region_sector(state.capacity * state.active, lay),
        plants=by_region_sector(state.active.astype(float), lay),
    )


def budgets(
    state: State, world: World, params: Params, sums: PlantSums | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """State-built and privately built investment by region and sector, (B, R, S) each.

    All money follows the same base weights — existing capacity, shortages and, as markets
    open, profit; the centre's pooled money, less what its key-point projects took this year
    (``State.committed``), is further tilted by its priorities, heavy industry and safety
    from attack. ``sums`` are the year's :func:`plant_sums` (computed here if not given).
    """
    sums = sums if sums is not None else plant_sums(state, world, params)
    regional = sums.value.sum(axis=2)  # (B, R)
    is_ccp = state.ruler == RULERS.index("ccp")
    pooled, local = central_budget(state, world, regional)
    base = _base_weights(state, world, params, regional, sums)
    central_weights = base * _central_tilt(state, world, params)
    bloc = state.blocs()
    projects = state.committed.sum(axis=2)  # (B, R)
    bloc_pool = np.maximum(0.0, np.einsum("brq,bq->br", bloc, pooled - projects))
    bloc_weight = np.einsum("brq,bq->br", bloc, central_weights.sum(axis=2))
    state_money = np.divide(
        bloc_pool[:, :, None] * central_weights,
        bloc_weight[:, :, None],
        out=np.zeros_like(central_weights),
        where=bloc_weight[:, :, None] > 0,
    )
    local_money = local[:, :, None] * _local_weights(state, params, base)
    # under the CCP local money builds local SOEs, or private and collective firms as far as
    # markets are open; under other rulers it is the owners' own money
    private_part = np.where(is_ccp, state.lever(Levers.MARKET_OPENNESS), 1.0)[:, :, None]
    state_money = state_money + local_money * (1.0 - private_part)
    private_money = sums.reinvested + local_money * private_part
    return state_money, private_money


def _local_weights(state: State, params: Params, base: np.ndarray) -> np.ndarray:
    """(B, R, S), summing to 1 over sectors: how a region's local money is split. Partly
    like the region's own base weights (extending what it has), partly like the weights of
    its whole trading bloc (building, in its own region, the mix of industry the nation is
    short of: the cellular, 'small but complete' local systems)."""
    own = base / base.sum(axis=2, keepdims=True)
    bloc = np.einsum("brq,bqs->brs", state.blocs(), base)
    nation = bloc / bloc.sum(axis=2, keepdims=True)
    mix = params.local_replication[:, :, None]
    return (1.0 - mix) * own + mix * nation


def threat(state: State, world: World) -> np.ndarray:
    """(B, R) in [0, 1]: security posture times exposure to hostile powers.

    Coasts are exposed to a hostile United States, borders to a hostile Soviet Union.
    """
    lay = world.layout
    hostile = np.maximum(0.0, -state.relations())  # (B, R, P)
    exposure = (
        lay.coast * hostile[:, :, POWERS.index("usa")]
        + lay.border * hostile[:, :, POWERS.index("ussr")]
    )
    return np.clip(state.lever(Levers.SECURITY_POSTURE) * exposure, 0.0, 1.0)


def _central_tilt(state: State, world: World, params: Params) -> np.ndarray:
    """(B, R, S): the centre's priorities: heavy industry, and safety from attack."""
    lay = world.layout
    heavy = (
        params.heavy_bias[:, :, None]
        * state.lever(Levers.HEAVY_PRIORITY)[:, :, None]
        * (lay.heavy[None, None, :])
    )
    safety = state.lever(Levers.SECURITY_POSTURE) * lay.inland - threat(state, world)
    return np.exp(heavy + params.security_bias[:, :, None] * safety[:, :, None])


def _base_weights(
    state: State, world: World, params: Params, regional: np.ndarray, sums: PlantSums
) -> np.ndarray:
    """(B, R, S): capacity value (with diminishing pull), tilted toward goods in short supply
    and away from those in surplus (``State.balance``: demand in the trading bloc over what
    its capacity could make) and, where markets are open, to the cells that earn most."""
    lay = world.layout
    capval = sums.capital_value
    floor = 1e-3 * (regional[:, :, None] + 1.0)  # lets an empty cell attract its first plant
    # money follows the capital that stands (a power station costs six years of its output,
    # a textile mill two); mines and power stations are built beside the plants that need
    # them, so an input's pull is at least the capital its region's needs call for
    basis = np.maximum(capval, state.input_demand * lay.price) * lay.capital_output
    pull = (basis + floor) ** params.allocation_elasticity[:, :, None]
    profit = sums.profit
    capital = capval * lay.capital_output  # what the plant cost, million 1952 yuan
    # a cell with next to no capital can have an infinite profit rate; the excess return
    # below is clipped, so it simply counts as the highest
    with np.errstate(over="ignore"):
        rate = np.divide(profit, capital, out=np.zeros_like(profit), where=capital > 0)
    # each run's total on its own row (a sum over two axes at once is ordered by the batch)
    total_profit = profit.reshape(state.runs, -1).sum(axis=1)
    total_capital = capital.reshape(state.runs, -1).sum(axis=1)
    mean = np.divide(total_profit, total_capital, out=np.zeros(state.runs), where=total_capital > 0)
    # relative excess return: 1 means twice the economy's average profit rate
    excess = np.clip(
        np.divide(rate, mean[:, None, None], out=np.zeros_like(rate), where=mean[:, None, None] > 0)
        - 1.0,
        -1.0,
        2.0,
    )
    openness = state.lever(Levers.MARKET_OPENNESS)[:, :, None]
    return (
        pull
        * _relative_balance(state, world) ** params.demand_elasticity[:, :, None]
        * np.exp(params.return_bias[:, :, None] * openness * excess)
    )


def _relative_balance(state: State, world: World) -> np.ndarray:
    """(B, R, S): each producer good's balance of demand and supply relative to the others'
    (their geometric mean); 1 for final goods. Material balances steer money among the goods
    others use — to the one in shortest supply, away from what piles up; how much goes to
    consumer goods is the centre's priority, not the shortage, which under the plan is
    general (Kornai)."""
    used = world.layout.used
    log = np.log(np.maximum(state.balance, 0.01))  # a good in surplus draws almost nothing
    mean = log[:, :, used].mean(axis=2, keepdims=True)
    return np.where(used, np.exp(log - mean), 1.0)


def step(
    state: State,
    world: World,
    params: Params,
    rng: Streams,
    build: Builder = construction.build_all,
    sums: Callable[[State, World, Params], PlantSums] = plant_sums,
) -> State:
    """Build this year's investment (and relocated plant) as extensions and new enterprises.
    ``build`` carries out the orders and ``sums`` reads the plants: the NumPy reference, or
    the compiled kernels that :mod:`angang.model.loop` passes in."""
    lay = world.layout
    plants = sums(state, world, params)
    state_money, private_money = budgets(state, world, params, plants)
    unit_cost = lay.capital_output * lay.price / params.capital_productivity  # (B, S)
    # money without the steel and cement to build with is spent on unfinished construction
    built = state.building_met[:, :, None]
    new_state = state_money * built / (unit_cost[:, None, :] * remote_cost(state, world, params))
    new_private = private_money * built / unit_cost[:, None, :]
    new_state = new_state + state.relocating
    active, capacity, owner, tech, provenance, small = plant_arrays(state)
    n_cells = lay.cell_start.size
    lam = np.concatenate([new_state.reshape(-1, n_cells), new_private.reshape(-1, n_cells)], 1)
    mean_cap = _cell_mean(plants)
    entry = np.tile(np.tile(lay.entry, lay.coast.size), 2)  # (2 R S,): each cell's sector
    lam = params.entry_share * entry * lam / (ENTRANT_SIZE * np.tile(mean_cap, 2) + 1e-9)
    entrants = rng.poisson(np.minimum(lam, 50.0))
    # plant thrown up in a campaign is of lower quality (the backyard furnaces of 1958)
    quality = 1.0 - params.campaign_quality_loss * state.lever(Levers.CAMPAIGN_INTENSITY)
    supply = construction.offer(state, world)
    transfer = writable(state, "transfer")
    orders = construction.Orders(
        added=np.stack([new_state.reshape(-1, n_cells), new_private.reshape(-1, n_cells)], 1),
        count=entrants.reshape(-1, 2, n_cells),
        builder=_builders(state, lay),
        entry_share=params.entry_share[:, :1] * lay.entry,
        quality=quality,
        level=supply.level,
        strength=supply.strength,
        sources=supply.sources,
    )
    build(lay, capacity, active, owner, tech, provenance, small, transfer, orders, state.reach)
    built_state = replace(
        state,
        capacity=capacity,
        active=active,
        owner=owner,
        tech=tech,
        provenance=provenance,
        small=small,
        transfer=transfer,
        investment=state_money + private_money + state.committed,
        relocating=np.zeros_like(state.relocating),
    )
    return start_new_enterprises(state, built_state, params, world.layout)


def remote_cost(state: State, world: World, params: Params) -> np.ndarray:
    """(B, R, 1): how much more the plant the state builds costs in each region, 1 or more.
    Built for safety in the interior it costs more — dispersed in mountains and caves, and
    reached by railways built for it (the Third Front's 'close to the mountains, dispersed,
    hidden'); the premium grows with the security posture."""
    premium = params.security_cost * state.lever(Levers.SECURITY_POSTURE) * world.layout.inland
    return (1.0 + premium)[:, :, None]


def relocate(state: State, world: World, params: Params, rng: Streams) -> State:
    """Move heavy central-SOE plant and its staff out of threatened regions (Third Front).

    Runs before production: the plant is dismantled at the start of the year and rebuilt
    in the interior by :func:`step` at its end (``State.relocating``), shared among inland
    regions by the centre's weights for each sector.
    """
    lay = world.layout
    danger = threat(state, world)  # (B, R)
    share = params.relocation_rate * danger * state.lever(Levers.SECURITY_POSTURE)
    if not share.any():  # no region threatened (most years): nothing moves, no masks to build
        return replace(state, threat=danger, relocating=np.zeros_like(state.relocating))
    # machine shops can be dismantled and moved (the defence and machine-building plants
    # that made up most of the Third Front); furnaces, mines and power stations cannot, and
    # named works sent staff, not themselves
    slots = lay.plain_slots[RELOCATABLE]  # (M,): only these are looked at
    movable = (state.owner[:, slots] == OWNER["central-soe"]) & state.active[:, slots]
    frac = share[:, lay.region[slots]] * movable  # (B, M)
    if not frac.any():  # nothing moves: the same numbers, without the copies
        return replace(state, threat=danger, relocating=np.zeros_like(state.relocating))
    # every other slot keeps its plant and staff (times 1, less 0: the same numbers)
    some = frac.any(axis=0)
    slots, frac = slots[some], frac[:, some]
    moved = np.zeros_like(state.capacity)
    moved[:, slots] = state.capacity[:, slots] * frac
    capacity = writable(state, "capacity")
    capacity[:, slots] -= moved[:, slots]
    workforce = writable(state, "workforce")
    workforce[:, slots] *= (1.0 - frac)[..., None]
    per_sector = by_region_sector(moved, lay).sum(axis=1)  # (B, S)
    weights = _central_tilt(state, world, params) * lay.inland[None, :, None]
    total = weights.sum(axis=1, keepdims=True)
    spread = np.divide(weights, total, out=np.zeros_like(weights), where=total > 0)
    return replace(
        state,
        capacity=capacity,
        workforce=workforce,
        threat=danger,
        relocating=spread * per_sector[:, None, :],
    )


def _builders(state: State, lay: Layout) -> np.ndarray:
    """int8 (B, 2, C): owner code of the plant built in each cell with the state's money
    (k = 0: its ruler's state builder, a central SOE in heavy and a local SOE in light
    industry; private where the ruler has none) and with private money (k = 1). Private
    money in heavy industry under Japanese rule is Japanese companies' (Nissan's Manchuria
    Heavy Industries and the like), which the model counts as colonial."""
    ruler = np.repeat(state.ruler, lay.price.size, axis=1)  # (B, C): each cell's region's
    heavy = np.tile(lay.heavy, lay.coast.size)  # (C,)
    japanese = np.isin(ruler, JAPANESE_RULE) & heavy
    private = np.where(japanese, OWNER["colonial"], OWNER["private"])
    public = np.where(heavy, STATE_CODE_HEAVY[ruler], STATE_CODE_LIGHT[ruler])
    return np.stack([public, private], axis=1).astype(np.int8)


def _cell_mean(plants: PlantSums) -> np.ndarray:
    """(B, R*S): mean capacity of the active plants of each cell (0 where none)."""
    runs = plants.capacity.shape[0]
    total, count = plants.capacity.reshape(runs, -1), plants.plants.reshape(runs, -1)
    return np.divide(total, count, out=np.zeros_like(total), where=count > 0)
