"""Food and farm labour: a campaign that pulls peasants off the fields shrinks the next
harvests, and hunger then reaches industry.

Production campaigns (the Great Leap Forward above all) take farm labour into steelmaking,
mining and water works in proportion to their intensity. Each share of farm labour pulled
away costs the following harvest a share of its output, and part of the loss persists (seed,
stocks and draught animals were consumed). The food supply (1 = normal) then lowers work
effort (:mod:`.labour`), the farm-based inputs of light industry (:mod:`.production`) and the
urban staff the state can feed (:mod:`.labour`: workers sent back to the countryside). The
model has no farm sector of its own: this is the one channel through which agriculture
enters, and it runs from the campaign, not from a weather input.

References
----------
MacFarquhar, *The Origins of the Cultural Revolution*, vols. 2-3 (1983, 1997).
Yang Jisheng, *Tombstone: The Great Chinese Famine, 1958-1962* (2012).
Library of Congress, *China: A Country Study* (1987), 'Trends in industrial production'
(output fell in 1961 with a serious food shortage).
"""

from __future__ import annotations

import numpy as np

from angang.engine.rng import Streams
from angang.engine.state import Params, State, replace
from angang.engine.world import Levers, World

MIN_FOOD = 0.3  #: the supply never falls below this share of need (the famine's floor)


def step(state: State, world: World, params: Params, rng: Streams) -> State:
    """This year's harvest from last year's pull on farm labour; this year's pull."""
    damage = np.clip(
        params.agri_persistence[:, 0] * state.agri_damage + params.food_loss[:, 0] * state.pulled,
        0.0,
        1.0,
    )
    campaign = state.lever(Levers.CAMPAIGN_INTENSITY).max(axis=1)  # the campaign is national
    pulled = np.clip(params.labour_pull[:, 0] * campaign, 0.0, 1.0)
    return replace(
        state, agri_damage=damage, food=np.maximum(MIN_FOOD, 1.0 - damage), pulled=pulled
    )
