"""Campaign construction: small plants thrown up to meet impossible targets, and closed when
budgets harden.

In a production campaign the ministry raises the year's targets far beyond what plant can make
(:mod:`.planning`). Local committees answer with what needs labour rather than capital: native
furnaces, small pits and plants (the Great Leap's 'walking on two legs'). In each campaign
year, before production, they add in every heavy sector but power small plant equal to a share
of the gap between the raised targets and what the plant in service can make, built by labour
pulled from the farms (:mod:`.food`) and costing no investment. Much of what they make is
worthless but reported (:mod:`.production`, :mod:`.planning`). Small plants have low
technology (low, poor output), need many hands (:mod:`.labour`, :mod:`.production`) and
compete for the same coal and ore as modern plant. Outside a campaign each small plant is
closed with a yearly chance that grows with the hardness of budgets — the 'closing,
suspending, merging and converting' of 1961-62 — on top of the exit of loss-makers
(:mod:`.planning`).

References
----------
MacFarquhar, *The Origins of the Cultural Revolution*, vols. 2-3 (1983, 1997).
Riskin, 'Small Industry and the Chinese Model of Development', *China Quarterly* 46 (1971).
"""

from __future__ import annotations

import numpy as np

from angang.engine.aggregate import by_region_sector
from angang.engine.rng import Streams
from angang.engine.state import Params, State, plant_arrays, replace, start_new_enterprises
from angang.engine.world import OWNER, SMALL_PLANT_SECTORS, Levers, World
from angang.ids import SECTORS
from angang.mechanisms import construction
from angang.mechanisms.production import in_service, utilization

NO_SMALL_PLANT = [s for s, name in enumerate(SECTORS) if name not in SMALL_PLANT_SECTORS]


def step(state: State, world: World, params: Params, rng: Streams) -> State:
    """Close small plants outside campaigns; build new ones where campaigns press."""
    lay = world.layout
    campaign = state.lever(Levers.CAMPAIGN_INTENSITY)  # (B, R)
    if state.small.any():
        draw = rng.uniform(lay.n)
        hardness = state.lever(Levers.BUDGET_HARDNESS)[:, lay.region]
        chance = params.small_scrap * (1.0 - campaign[:, lay.region]) * hardness
        closing = state.small & state.active & (draw < chance)
    else:  # most years there is no small plant to close
        rng.skip_uniform(lay.n)  # the streams move on as if the draws were made
        closing = state.small
    if closing.any():
        keep = ~closing
        state = replace(
            state,
            active=state.active & keep,
            capacity=state.capacity * keep,
            small=state.small & keep,
            wear=state.wear * keep,
            damaged=state.damaged * keep,
            next_rate=state.next_rate * keep,
        )
    if not (campaign > 0).any():
        return state
    # targets raised in the course of the campaign (Beidaihe, August 1958) against the plant
    # that stands: committees answer the gap at once
    able = (
        in_service(state)
        * utilization(state, world, params)
        * state.tech ** (params.tech_elasticity)
    )
    # the campaign's target is political ('double steel'): a multiple of what the plant can
    # make, or of the plan, whichever is higher
    planned = np.maximum(state.target, able) * (state.target > 0)
    raised = planned * (1.0 + params.campaign_target_boost * campaign[:, lay.region])
    gap = by_region_sector(np.maximum(0.0, raised - able), lay)
    added = params.small_plant_rate[:, :, None] * campaign[:, :, None] * gap  # (B, R, S)
    added[:, :, NO_SMALL_PLANT] = 0.0
    return _build(state, world, params, added)


def _build(state: State, world: World, params: Params, added: np.ndarray) -> State:
    """Put the small plant (B, R, S) into its cells: one new plant a cell a year, the rest
    extending the cell's small plants."""
    lay = world.layout
    active, capacity, owner, tech, provenance, small = plant_arrays(state)
    builder = np.full(state.runs, OWNER["local-soe"], dtype=np.int8)
    new_tech = np.broadcast_to(params.small_tech[:, 0], (state.runs,)).copy()
    home = np.zeros((state.runs, provenance.shape[2]))
    home[:, 0] = 1.0
    for c in map(int, np.flatnonzero((added.reshape(state.runs, -1) > 0).any(axis=0))):
        r, s = divmod(c, lay.price.size)
        cell = construction.cell(lay, c, capacity, active, owner, tech, provenance, small)
        construction.place(
            cell,
            added[:, r, s],
            # a new plant only in the runs that build here (not in every run of the batch)
            (added[:, r, s] > 0).astype(np.int64),
            builder,
            params.entry_share[:, 0],
            new_tech,
            home,
            small=True,
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
