"""Small builders for mechanism tests."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from angang.engine.state import Params, State, labour_requirement
from angang.engine.world import LEVER, World
from angang.ids import RULERS


def with_lever(state: State, name: str, value: float) -> State:
    """The state with one lever set to ``value`` in every region."""
    levers = state.levers.copy()
    levers[:, LEVER[name], :] = value
    return replace(state, levers=levers)


def with_ruler(state: State, ruler: str) -> State:
    """The state with every region under ``ruler``."""
    return replace(state, ruler=np.full_like(state.ruler, RULERS.index(ruler)))


def all_active(
    state: State, capacity: float = 100.0, world: World | None = None, params: Params | None = None
) -> State:
    """Every slot active with the same capacity and no wear (and, given the world, every
    slot within its cell's reach), staffed to need when the world and parameters are given
    (else with whatever staff the state had)."""
    full = np.full_like(state.capacity, capacity)
    workforce = state.workforce
    reach = state.reach
    if world is not None:
        lay = world.layout
        reach = np.broadcast_to(lay.cell_size - lay.campaign_slots, reach.shape).copy()
    if world is not None and params is not None:
        workforce = labour_requirement(
            world.layout, full, state.year + 1, params.labour_productivity_growth
        )
    return replace(
        state,
        reach=reach,
        active=np.ones_like(state.active),
        capacity=full,
        wear=np.zeros_like(state.wear),
        workforce=workforce,
    )
