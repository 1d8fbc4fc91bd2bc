"""Key-point projects: the centre's money goes to its named construction projects first, and
their capacity enters service only when they are built.

Each project (a ``project`` event: Angang's reconstruction of 1953-57, the Soviet-aided
projects of the 1950s by region and sector, Wuhan, Baotou, Panzhihua, Baosteel's phases) has a
planned capacity, a start and a planned number of building years. Every year the ruler's
pooled central budget (:func:`.investment.central_budget`, pooled across the regions it rules)
pays first for the year's share of each project under way; when the money falls short, every
project slows in proportion. A production campaign rushes construction (and lowers the quality
of what is built); political disorder slows it; a project whose designing partner withdraws
its aid loses part of its pace. When a project is complete its capacity enters service at its
works, or as new state enterprises in its region and sector, with the technology it was designed
with and its partner's provenance. While it is built the partner's experts are on site, adding
to the plants' absorptive capacity, and they leave when it is done or when the alliance ends.

References
----------
Hirata, *Making Mao's Steelworks* (2024), Introduction and ch. 4 outline (the First Five-Year
Plan; a third of the Sino-Soviet projects in Manchuria; Soviet experts).
Chen Xi, *Dianji: Sulian yuanhua 156 xiang gongcheng shimo* (the 156 projects by sector and
region, construction periods).
Shen Zhihua, 'Dui zai Hua Sulian zhuanjia wenti de lishi kaocha', *Dangdai Zhongguo shi yanjiu*
9 (2002) (experts; 1960 withdrawal, 201 projects unfinished).
"""

from __future__ import annotations

import numpy as np

from angang.engine.rng import Streams
from angang.engine.state import Params, State, plant_arrays, replace, start_new_enterprises
from angang.engine.world import OWNER, Levers, World
from angang.mechanisms import construction
from angang.mechanisms.investment import central_budget


def step(state: State, world: World, params: Params, rng: Streams) -> State:
    """Fund and advance the projects under way; open those completed; place their experts."""
    pj, lay = world.projects, world.layout
    if pj.size == 0:
        return state
    B = state.runs
    cost = pj.capacity * (lay.capital_output * lay.price)[pj.sector] / params.capital_productivity
    building = (pj.start <= state.year)[None, :] & (state.progress < 1.0)  # (B, J)
    campaign = state.lever(Levers.CAMPAIGN_INTENSITY)[:, pj.region]
    partner_relation = _partner_relation(state, world)  # (B, J); NaN where built at home
    withdrawn = partner_relation <= 0.0
    pace = (
        (1.0 + params.project_rush * campaign)
        * state.building_met[:, pj.region]
        * np.where(withdrawn, 1.0 - params.partner_loss, 1.0)
        * (1.0 - state.disorder[:, pj.region])
    )
    demand = building * cost * pace / pj.build_years  # (B, J): this year's planned spending
    pooled, _ = central_budget(state, world)
    regional_demand = _by_cell(demand, world, state.committed.shape).sum(axis=2)
    blocs = state.blocs()
    bloc_demand = np.einsum("brq,bq->br", blocs, regional_demand)
    bloc_pool = np.einsum("brq,bq->br", blocs, pooled)
    funded = np.divide(bloc_pool, bloc_demand, out=np.ones_like(bloc_pool), where=bloc_demand > 0)
    funded = np.minimum(1.0, funded)[:, pj.region]  # (B, J)
    progress = np.minimum(1.0, state.progress + building * funded * pace / pj.build_years)
    spent = cost * (progress - state.progress)
    committed = _by_cell(spent, world, state.committed.shape)
    done = (progress >= 1.0) & (state.progress < 1.0)
    state = replace(state, progress=progress, committed=committed)
    if done.any():
        state = _complete(state, world, params, done, campaign)
    on_site = _experts(state, world, building & (progress < 1.0) & ~withdrawn, B)
    return replace(state, on_site=on_site)


def _by_cell(values: np.ndarray, world: World, shape: tuple[int, ...]) -> np.ndarray:
    """(B, J) per project -> (B, R, S) per region and sector, summed in project order."""
    pj = world.projects
    out = np.zeros(shape)
    for j in range(pj.size):
        out[:, pj.region[j], pj.sector[j]] += values[:, j]
    return out


def _partner_relation(state: State, world: World) -> np.ndarray:
    """(B, J): the project region's ruler's relation to the project's partner (NaN: none)."""
    pj = world.projects
    rulers = state.ruler[:, pj.region]  # (B, J)
    partner = np.maximum(pj.partner, 0)
    relation = state.alliance[np.arange(state.runs)[:, None], rulers, partner[None, :]]
    return np.where(pj.partner >= 0, relation, np.nan)


def _complete(
    state: State, world: World, params: Params, done: np.ndarray, campaign: np.ndarray
) -> State:
    """Open the capacity of the projects finished this year (done: bool (B, J))."""
    pj, lay = world.projects, world.layout
    active, capacity, owner, tech, provenance, small = plant_arrays(state)
    sources = provenance.shape[2]
    for j in np.flatnonzero(done.any(axis=0)):
        runs = done[:, j]
        quality = 1.0 - params.campaign_quality_loss[:, 0] * campaign[:, j]
        new_tech = np.clip(pj.technology[j] * quality, 0.0, 1.0)
        new_prov = np.zeros((state.runs, sources))
        new_prov[:, 0 if pj.partner[j] < 0 else 1 + pj.partner[j]] = 1.0
        added = np.where(runs, pj.capacity[j], 0.0)
        if pj.slot[j] >= 0:
            slot = pj.slot[j]
            old = capacity[:, slot]
            grown = old + added
            w = np.divide(added, grown, out=np.zeros_like(grown), where=grown > 0)
            tech[:, slot] = (1.0 - w) * tech[:, slot] + w * new_tech
            provenance[:, slot] = (1.0 - w)[:, None] * provenance[:, slot] + w[:, None] * new_prov
            capacity[:, slot] = grown
            continue
        c = pj.region[j] * lay.price.size + pj.sector[j]
        cell = construction.cell(lay, c, capacity, active, owner, tech, provenance, small)
        builder = np.full(state.runs, OWNER["central-soe"], dtype=np.int8)
        construction.place(
            cell,
            added,
            np.where(runs, pj.count[j], 0),
            builder,
            np.ones(state.runs),
            new_tech,
            new_prov,
            small=False,
        )
    built = replace(
        state,
        capacity=capacity,
        active=active,
        owner=owner,
        tech=tech,
        provenance=provenance,
        small=small,
    )
    return start_new_enterprises(state, built, params, world.layout)


def _experts(state: State, world: World, present: np.ndarray, runs: int) -> np.ndarray:
    """(B, N, P): each project's partner experts at its works, or spread over the state plants
    of its region and sector by capacity, while it is built and the partner stays."""
    pj, lay = world.projects, world.layout
    on_site = np.zeros((runs, lay.n, state.on_site.shape[2]))
    for j in np.flatnonzero(present.any(axis=0) & (pj.partner >= 0)):
        people = np.where(present[:, j], pj.experts[j], 0.0)
        if pj.slot[j] >= 0:
            on_site[:, pj.slot[j], pj.partner[j]] += people
            continue
        c = pj.region[j] * lay.price.size + pj.sector[j]
        span = slice(lay.cell_start[c], lay.cell_start[c] + lay.cell_size[c])
        weight = state.capacity[:, span] * state.active[:, span]
        total = weight.sum(axis=1, keepdims=True)
        share = np.divide(weight, total, out=np.zeros_like(weight), where=total > 0)
        on_site[:, span, pj.partner[j]] += people[:, None] * share
    return on_site
