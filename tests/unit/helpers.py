"""Small builders for mechanism tests."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from angang.engine.state import State
from angang.engine.world import LEVER
from angang.ids import RULERS


def with_lever(state: State, name: str, value: float) -> State:
    """The state with one lever set to ``value`` in every region."""
    levers = state.levers.copy()
    levers[:, LEVER[name], :] = value
    return replace(state, levers=levers)


def with_ruler(state: State, ruler: str) -> State:
    """The state with every region under ``ruler``."""
    return replace(state, ruler=np.full_like(state.ruler, RULERS.index(ruler)))


def all_active(state: State, capacity: float = 100.0) -> State:
    """Every slot active with the same capacity and no wear."""
    return replace(state, active=np.ones_like(state.active),
                   capacity=np.full_like(state.capacity, capacity),
                   wear=np.zeros_like(state.wear))
