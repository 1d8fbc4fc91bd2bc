"""Regimes and shocks: who rules each region, and what wars, removals and foundings do.

A change of ruler changes who owns the plants: the Nationalists turned formerly Japanese
enterprises into Chinese SOEs (1945-48), the CCP took over Nationalist and colonial SOEs
(1948-49), and Japanese occupation seized Nationalist works and the heavy plant of occupied
China (1937-45). Shocks destroy or
carry off capacity (the Soviet removals of 1945-46) and disrupt production while they last.
Foundings and expansions install named works with the technology of the power that built
them. Foreign experts arrive and leave with alliances.

References
----------
Hirata, *Making Mao's Steelworks* (2024), Introduction and the outlines of chs. 1-3.
Pauley, *Report on Japanese Assets in Manchuria to the President of the United States* (1946).
"""

from __future__ import annotations

import numpy as np

from angang.engine.rng import Streams
from angang.engine.state import (
    COHORT_SPLIT,
    DOMESTIC_COHORTS,
    Params,
    State,
    replace,
    start_new_enterprises,
    technique_factor,
    untouched,
    writable,
)
from angang.engine.world import OWNER, World
from angang.ids import POWERS, REGIONS, RULERS, SECTORS, WORKS
from angang.scenario.schema import (
    EventBase,
    ExpansionEvent,
    ExpertsEvent,
    FoundingEvent,
    ShockEvent,
)

#: new ruler -> {old owner: new owner}, applied to the plants of regions that change hands
TAKEOVER: dict[str, dict[str, str]] = {
    "nationalist": {"colonial": "nationalist-soe"},
    "ccp": {"colonial": "central-soe", "nationalist-soe": "central-soe"},
    "manchukuo": {"nationalist-soe": "colonial"},
    "japan-occupied": {"nationalist-soe": "colonial"},
}
#: rulers from whom a takeover is made: Japanese property became Nationalist only as enemy
#: property in 1945-46 (from Japanese or Soviet occupation), not at the unification of 1928
TAKEN_FROM: dict[str, tuple[str, ...]] = {
    "nationalist": ("manchukuo", "japan-occupied", "ussr-occupation"),
}
#: new ruler -> {old owner: new owner} for heavy plants only: Japanese military administration
#: took over the mines, iron works and power plants of occupied North and East China, which
#: became enemy property for the Nationalists to take over in 1945
TAKEOVER_HEAVY: dict[str, dict[str, str]] = {"japan-occupied": {"private": "colonial"}}


def step(state: State, world: World, params: Params, rng: Streams) -> State:
    """Advance to the next year's inputs and apply that year's discrete events."""
    year = state.year + 1
    tl = world.timeline
    t = tl.row(year)
    state = replace(
        state,
        year=year,
        levers=np.broadcast_to(tl.levers[t], state.levers.shape).copy(),
        alliance=np.broadcast_to(tl.alliance[t], state.alliance.shape).copy(),
        disruption=np.broadcast_to(tl.disruption[t], state.disruption.shape).copy(),
        opening=np.broadcast_to(tl.opening[t], state.opening.shape).copy(),
        management=np.broadcast_to(tl.management[t], state.management.shape).copy(),
    )
    state = _change_rulers(state, world, tl.ruler[t])
    for event in tl.discrete.get(year, []):
        state = _apply(state, world, params, event)
    return state


def _change_rulers(state: State, world: World, rulers: np.ndarray) -> State:
    changed = state.ruler[0] != rulers
    if not changed.any():
        return state
    owner = state.owner.copy()
    # a slot no plant has ever stood in has nothing to take over
    used = ~untouched(state, world.layout)
    for r in np.flatnonzero(changed):
        incoming, outgoing = RULERS[rulers[r]], RULERS[state.ruler[0, r]]
        if outgoing not in TAKEN_FROM.get(incoming, (outgoing,)):
            continue
        mapping = TAKEOVER.get(incoming, {})
        in_region = world.layout.region == r
        for old, new in mapping.items():
            owner[(owner == OWNER[old]) & in_region[None, :] & used] = OWNER[new]
        heavy = in_region & world.layout.heavy[world.layout.sector]
        for old, new in TAKEOVER_HEAVY.get(incoming, {}).items():
            owner[(owner == OWNER[old]) & heavy[None, :] & used] = OWNER[new]
    ruler = np.broadcast_to(rulers, state.ruler.shape).copy()
    return replace(state, owner=owner, ruler=ruler)


def _apply(state: State, world: World, params: Params, event: EventBase) -> State:
    if isinstance(event, FoundingEvent):
        return _found(state, world, params, event)
    if isinstance(event, ExpansionEvent):
        return _expand(state, world, event)
    if isinstance(event, ShockEvent):
        return _destroy(state, world, event)
    if isinstance(event, ExpertsEvent):
        return _experts(state, world, event)
    # rulers and management systems come in with the yearly arrays; mergers, openings and
    # purges act through local politics and labour, which read them from the timeline
    return state


def _source_vector(power: str | None) -> np.ndarray:
    vec = np.zeros(1 + len(POWERS))
    vec[0 if power is None else 1 + POWERS.index(power)] = 1.0
    return vec


def _found(state: State, world: World, params: Params, e: FoundingEvent) -> State:
    """The works' reserved slot opens with the founding capacity (adding to, never replacing,
    anything there: a reserved slot holds nothing before its founding), as a new enterprise
    if no plant was there."""
    slot = world.layout.work_slot[WORKS.index(e.work)]
    active = state.active.copy()  # start_new_enterprises compares it with the old one
    capacity, tech, owner = (writable(state, name) for name in ("capacity", "tech", "owner"))
    provenance, workforce = writable(state, "provenance"), writable(state, "workforce")
    old = capacity[:, slot] * active[:, slot]
    new = old + e.capacity
    weight = np.divide(e.capacity, new, out=np.ones_like(new), where=new > 0)
    active[:, slot] = True
    capacity[:, slot] = new
    tech[:, slot] = (1 - weight) * tech[:, slot] + weight * e.technology
    owner[:, slot] = OWNER[e.owner]
    provenance[:, slot] = (1 - weight)[:, None] * provenance[:, slot] + weight[
        :, None
    ] * _source_vector(e.technology_from)
    # the staff the founding capacity needs, with the technique of the year, by cohort
    lay = world.layout
    persons = e.capacity * lay.labour[lay.sector[slot]]
    persons = persons * technique_factor(params.labour_productivity_growth, state.year)[:, 0]
    workforce[:, slot, :DOMESTIC_COHORTS] += persons[:, None] * COHORT_SPLIT
    founded = replace(
        state,
        active=active,
        capacity=capacity,
        tech=tech,
        owner=owner,
        provenance=provenance,
        workforce=workforce,
    )
    return start_new_enterprises(state, founded, params, world.layout)


def _expand(state: State, world: World, e: ExpansionEvent) -> State:
    slot = world.layout.work_slot[WORKS.index(e.work)]
    old = state.capacity[:, slot]
    new = old + e.capacity
    weight_new = e.capacity / new
    capacity, tech, provenance = (writable(state, n) for n in ("capacity", "tech", "provenance"))
    capacity[:, slot] = new
    tech[:, slot] = (1 - weight_new) * tech[:, slot] + weight_new * e.technology
    provenance[:, slot] = (1 - weight_new)[:, None] * provenance[:, slot] + weight_new[
        :, None
    ] * _source_vector(e.technology_from)
    return replace(state, capacity=capacity, tech=tech, provenance=provenance)


def _destroy(state: State, world: World, e: ShockEvent) -> State:
    """Destroy a share of the plant hit for good, and put a share of what is left out of
    service until it is rehabilitated (:mod:`.rehabilitation`)."""
    if e.destruction == 0.0 and e.damage == 0.0:
        return state
    lay = world.layout
    hit = np.isin(lay.region, [REGIONS.index(r) for r in e.regions]) & np.isin(
        lay.sector, [SECTORS.index(s) for s in e.sectors]
    )
    hit = hit[None, :] & ~untouched(state, lay)  # (B, N): where no plant ever stood, none is hit
    capacity, damaged = writable(state, "capacity"), writable(state, "damaged")
    capacity[hit] *= 1.0 - e.destruction
    damaged[hit] = 1.0 - (1.0 - damaged[hit]) * (1.0 - e.damage)
    return replace(state, capacity=capacity, damaged=damaged)


def _experts(state: State, world: World, e: ExpertsEvent) -> State:
    """Experts go to heavy-industry plants of the named regions in proportion to capacity."""
    lay = world.layout
    col = DOMESTIC_COHORTS + POWERS.index(e.power)
    where = np.isin(lay.region, [REGIONS.index(r) for r in e.regions])
    workforce = writable(state, "workforce")
    if e.action == "withdraw":
        workforce[:, where, col] = 0.0
        return replace(state, workforce=workforce)
    weight = state.capacity * state.active * (where & lay.heavy[lay.sector])[None, :]
    weight = weight * lay.slot_price
    total = weight.sum(axis=1, keepdims=True)
    share = np.divide(weight, total, out=np.zeros_like(weight), where=total > 0)
    workforce[:, :, col] += e.count * share
    return replace(state, workforce=workforce)
