"""Ownership: socialist transformation, and the letting-go of small SOEs in the reform era.

While the nationalization lever is up (the general line of 1953 and the high tide of
1955-56), each private firm passes into state hands with that yearly probability; heavy
plants mostly go to central ministries, light ones to local governments (joint state-private
firms counted as state-owned, as the statistics of the time did). While the privatization
lever is up ("grasp the large, let go the small", 1995), each SOE smaller than the median
plant of its sector passes to private hands with that probability; named works are kept.
Private entry in the reform era comes through investment (:mod:`.investment`).

References
----------
Hirata, *Making Mao's Steelworks* (2024), Introduction: SOEs 27.8 percent of industrial
output in 1949, over 80 percent by 1956 (citing *Zhongguo gongye jingji tongji ziliao*, 31).
Naughton, *The Chinese Economy* (2007), ch. 13 (grasp the large, let go the small).
"""

from __future__ import annotations

import warnings

import numpy as np

from angang.engine.rng import Streams
from angang.engine.state import Params, State, replace
from angang.engine.world import OWNER, Levers, World, is_soe


def step(state: State, world: World, params: Params, rng: Streams) -> State:
    """Nationalize private firms and privatize small SOEs at the levers' yearly rates."""
    lay = world.layout
    region = lay.region
    nationalizing = state.lever(Levers.NATIONALIZATION_RATE)
    privatizing = state.lever(Levers.PRIVATIZATION_RATE)  # (B, R)
    if not nationalizing.any() and not privatizing.any():  # most years: no owner changes
        rng.skip_uniform(3 * lay.n)  # the streams move on as if the draws were made
        return state
    heavy = lay.heavy[lay.sector][None, :]
    rate = privatizing[:, region]
    draw_nat, draw_kind, draw_priv = (rng.uniform(lay.n), rng.uniform(lay.n), rng.uniform(lay.n))
    owner = state.owner.copy()
    private = (owner == OWNER["private"]) & state.active
    nationalized = private & (draw_nat < nationalizing[:, region])
    central = heavy & (draw_kind < params.central_share_heavy)
    owner[nationalized & central] = OWNER["central-soe"]
    owner[nationalized & ~central] = OWNER["local-soe"]
    if rate.any():  # the median is costly; most years let nothing go
        small = state.capacity < _sector_median(state, world)
        candidates = is_soe(state.owner) & state.active & small & ~lay.is_work[None, :]
        owner[candidates & (draw_priv < rate)] = OWNER["private"]
    return replace(state, owner=owner)


def _sector_median(state: State, world: World) -> np.ndarray:
    """(B, N): the median capacity of active plants in each slot's sector, per run."""
    lay = world.layout
    out = np.zeros_like(state.capacity)
    for slots in lay.sector_slots:
        cap = np.where(state.active[:, slots], state.capacity[:, slots], np.nan)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a sector with no plant yet
            med = np.nanmedian(cap, axis=1)
        out[:, slots] = np.nan_to_num(med, nan=0.0)[:, None]
    return out
