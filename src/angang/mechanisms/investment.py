"""Investment: how capacity grows, who builds it and where.

Each region invests a share of its industrial output (the investment-rate lever; Japanese
capital in Manchukuo and the state's extraction from agriculture in the PRC make it large).
The centralized part (the centralization lever) is pooled across all regions under the same
ruler and built by the ruler's state owner — colonial companies in Manchukuo, the National
Resources Commission for the Nationalists, central ministries for the PRC; the rest is built
locally (by local governments under the CCP, by private owners otherwise). Private firms
also reinvest out of their own output when markets are open. Money goes to region-sector
cells by their existing capacity, tilted to heavy industry by the heavy-priority lever and
to sectors in shortage. Part of each cell's new capacity founds new enterprises, the rest
extends existing ones in proportion to their size.

This is the Foundation's allocation rule; security, threat and the Third Front's relocation
(the investment-and-security mechanism) come with 'The whole system'.

References
----------
Kornai, *The Socialist System* (1992), ch. 9 (investment hunger, priority of heavy industry).
Hirata, *Making Mao's Steelworks* (2024), Introduction (heavy-industry priority; Manchuria
built on the Japanese-period plant).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from angang.engine.aggregate import by_region_sector, cell_sum
from angang.engine.rng import Streams
from angang.engine.state import Params, State
from angang.engine.world import OWNER, Layout, World
from angang.ids import RULERS

#: the owner a ruler's centre builds new plant under (None: no state builder)
STATE_BUILDER = {"beiyang": None, "nationalist": "nationalist-soe", "manchukuo": "colonial",
                 "japan-occupied": "colonial", "ussr-occupation": None, "ccp": "central-soe"}
HAS_STATE_BUILDER = np.array([STATE_BUILDER[r] is not None for r in RULERS])
ENTRANT_SIZE = 0.5  #: a new enterprise's capacity relative to the cell's mean plant
FIRST_PLANT_TECH = 0.3  #: technology of the first plant in a cell that has none to copy


def budgets(state: State, world: World, params: Params) -> tuple[np.ndarray, np.ndarray]:
    """State-built and privately built investment by region and sector, (B, R, S) each.

    The centre's pooled money follows its heavy-industry priority; money spent locally and
    private reinvestment follow output value and shortages (what sells).
    """
    lay = world.layout
    value = state.output * lay.price[lay.sector]
    cells = by_region_sector(value, lay)  # (B, R, S)
    regional = cells.sum(axis=2)  # (B, R)
    occupied = state.ruler == RULERS.index("ussr-occupation")
    budget = state.lever("investment_rate") * regional * ~occupied
    has_state = HAS_STATE_BUILDER[state.ruler]
    is_ccp = state.ruler == RULERS.index("ccp")
    pooled = budget * state.lever("centralization") * has_state
    local = budget - pooled
    base = _base_weights(state, world, params, regional)
    tilt = np.exp(params.heavy_bias[:, :, None] * state.lever("heavy_priority")[:, :, None]
                  * lay.heavy[None, None, :])
    central_weights = base * tilt
    bloc = (state.ruler[:, :, None] == state.ruler[:, None, :]).astype(float)
    bloc_pool = np.einsum("brq,bq->br", bloc, pooled)
    bloc_weight = np.einsum("brq,bq->br", bloc, central_weights.sum(axis=2))
    state_money = bloc_pool[:, :, None] * central_weights / bloc_weight[:, :, None]
    local_money = local[:, :, None] * base / base.sum(axis=2, keepdims=True)
    private_value = value * (state.owner == OWNER["private"]) * state.active
    reinvest = (params.private_reinvestment * state.lever("market_openness")[:, lay.region]
                * private_value * ~occupied[:, lay.region])
    # under the CCP local money builds local SOEs, or private and collective firms as far as
    # markets are open; under other rulers it is the owners' own money
    private_part = np.where(is_ccp, state.lever("market_openness"), 1.0)[:, :, None]
    state_money = state_money + local_money * (1.0 - private_part)
    private_money = by_region_sector(reinvest, lay) + local_money * private_part
    return state_money, private_money


def _base_weights(state: State, world: World, params: Params,
                  regional: np.ndarray) -> np.ndarray:
    """(B, R, S): capacity value (with diminishing pull) tilted to sectors in shortage."""
    lay = world.layout
    capval = by_region_sector(state.capacity * state.active * lay.price[lay.sector], lay)
    floor = 1e-3 * (regional[:, :, None] + 1.0)  # lets an empty cell attract its first plant
    pull = (capval + floor) ** params.allocation_elasticity[:, :, None]
    return pull * np.exp(params.shortage_bias[:, :, None] * state.shortage)


def step(state: State, world: World, params: Params, rng: Streams) -> State:
    """Build this year's investment as extensions and new enterprises (ready next year)."""
    lay = world.layout
    state_money, private_money = budgets(state, world, params)
    unit_cost = lay.capital_output * lay.price / params.capital_productivity  # (B, S)
    new_state = state_money / unit_cost[:, None, :]
    new_private = private_money / unit_cost[:, None, :]
    capacity = state.capacity.copy()
    active, owner, tech = state.active.copy(), state.owner.copy(), state.tech.copy()
    n_cells = lay.cell_start.size
    lam = np.concatenate([new_state.reshape(-1, n_cells), new_private.reshape(-1, n_cells)], 1)
    mean_cap = _cell_mean(capacity, active, lay)
    lam = params.entry_share * lam / (ENTRANT_SIZE * np.tile(mean_cap, 2) + 1e-9)
    entrants = rng.poisson(np.minimum(lam, 50.0))
    # plant thrown up in a campaign is of lower quality (the backyard furnaces of 1958)
    quality = 1.0 - params.campaign_quality_loss * state.lever("campaign_intensity")
    for cell in range(n_cells):
        r, s = divmod(cell, lay.price.size)
        span = slice(lay.cell_start[cell], lay.cell_start[cell] + lay.cell_size[cell])
        for money, count, private in ((new_state[:, r, s], entrants[:, cell], False),
                                      (new_private[:, r, s], entrants[:, n_cells + cell], True)):
            builder = _builder(state, r, s, lay.heavy[s], private)
            _build(capacity[:, span], active[:, span], owner[:, span], tech[:, span],
                   money, count, builder, params.entry_share[:, 0], quality[:, r])
    return replace(state, capacity=capacity, active=active, owner=owner, tech=tech,
                   investment=state_money + private_money)


def _builder(state: State, r: int, s: int, heavy: bool, private: bool) -> np.ndarray:
    """int8 (B,): owner code of new plant built with this money in region r."""
    if private:
        return np.full(state.runs, OWNER["private"], dtype=np.int8)
    codes = []
    for ruler in state.ruler[:, r]:
        name = STATE_BUILDER[RULERS[ruler]] or "private"
        if name == "central-soe" and not heavy:
            name = "local-soe"
        codes.append(OWNER[name])
    return np.asarray(codes, dtype=np.int8)


def _cell_mean(capacity: np.ndarray, active: np.ndarray, lay: Layout) -> np.ndarray:
    """(B, R*S): mean capacity of the active plants of each cell (0 where none)."""
    total = cell_sum(capacity * active, lay)
    count = cell_sum(active.astype(float), lay)
    return np.divide(total, count, out=np.zeros_like(total), where=count > 0)


def _build(capacity: np.ndarray, active: np.ndarray, owner: np.ndarray, tech: np.ndarray,
           added: np.ndarray, count: np.ndarray, builder: np.ndarray,
           entry_share: np.ndarray, quality: np.ndarray) -> None:
    """Add ``added`` (B,) capacity to one cell, in place: new firms first, then extensions.

    Extensions go to existing plants of the same kind of owner (state or private) in
    proportion to their capacity; if there is none, all of it founds new enterprises.
    """
    private_builder = builder == OWNER["private"]
    same_kind = active & ((owner == OWNER["private"]) == private_builder[:, None])
    has_kin = same_kind.any(axis=1)
    count = np.where(~has_kin & (added > 0), np.maximum(count, 1), count)
    free = ~active
    order = np.cumsum(free, axis=1)
    new = free & (order <= count[:, None])
    opened = new.sum(axis=1)
    entry = np.where(opened > 0, np.where(has_kin, entry_share * added, added), 0.0)
    new_tech = _mean_tech(capacity, active, tech) * quality
    each = np.divide(entry, opened, out=np.zeros_like(entry), where=opened > 0)
    capacity += new * each[:, None]
    active |= new
    owner[new] = np.broadcast_to(builder[:, None], owner.shape)[new]
    tech[new] = np.broadcast_to(new_tech[:, None], tech.shape)[new]
    rest = added - entry
    base = capacity * same_kind
    total = base.sum(axis=1)
    extra = np.divide(base * rest[:, None], total[:, None], out=np.zeros_like(base),
                      where=total[:, None] > 0)
    grown = capacity + extra
    mixed = np.divide(capacity * tech + extra * new_tech[:, None], grown,
                      out=tech.copy(), where=grown > 0)
    tech[...] = np.where(extra > 0, mixed, tech)
    capacity += extra


def _mean_tech(capacity: np.ndarray, active: np.ndarray, tech: np.ndarray) -> np.ndarray:
    """(B,): capacity-weighted technology of a cell's active plants."""
    weight = capacity * active
    total = weight.sum(axis=1)
    return np.divide((weight * tech).sum(axis=1), total,
                     out=np.full(total.shape, FIRST_PLANT_TECH),
                     where=total > 0)
