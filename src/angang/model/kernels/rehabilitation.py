"""Compiled rehabilitation (:mod:`angang.mechanisms.rehabilitation`)."""

from __future__ import annotations

import numpy as np

from angang.engine.compiled import kernel
from angang.engine.rng import Streams
from angang.engine.state import Params, State, replace
from angang.engine.world import World
from angang.mechanisms import rehabilitation, technology
from angang.model.kernels.shapes import check_lengths
from angang.model.kernels.technology import absorptive_capacity


@kernel
def _rehabilitate(  # pragma: no cover - compiled
    damaged: np.ndarray,
    workforce: np.ndarray,
    on_site: np.ndarray,
    disruption: np.ndarray,
    disorder: np.ndarray,
    occupied: np.ndarray,
    region: np.ndarray,
    sector: np.ndarray,
    rehab_rate: np.ndarray,
    expert_weight: np.ndarray,
    engineers: int,
    normal_engineer_share: float,
    restored: np.ndarray,
) -> None:
    """:func:`angang.mechanisms.rehabilitation.step`: writes the damage left."""
    n_runs, n_slots = damaged.shape
    for b in range(n_runs):
        for n in range(n_slots):
            if damaged[b, n] == 0.0:  # nothing to restore (most plant): 0 x anything is 0
                restored[b, n] = 0.0
                continue
            r = region[n]
            order = (1.0 - disruption[b, r, sector[n]]) * (1.0 - disorder[b, r])
            absorb = absorptive_capacity(
                workforce,
                on_site,
                b,
                n,
                engineers,
                expert_weight[b],
                normal_engineer_share,
            )
            rate = rehab_rate[b] * absorb * order * (not occupied[b, r])
            restored[b, n] = damaged[b, n] * (1.0 - min(max(rate, 0.0), 1.0))


def rehabilitation_step(state: State, world: World, params: Params, rng: Streams) -> State:
    """The compiled :func:`angang.mechanisms.rehabilitation.step` (same results)."""
    del rng  # rehabilitation draws nothing
    lay = world.layout
    check_lengths(workforce=state.workforce, on_site=state.on_site)
    damaged = np.empty_like(state.damaged)
    _rehabilitate(
        state.damaged,
        state.workforce,
        state.on_site,
        state.disruption,
        state.disorder,
        state.ruler == rehabilitation.OCCUPIER,
        lay.region,
        lay.sector,
        params.rehab_rate[:, 0],
        params.expert_weight[:, 0],
        technology.ENGINEERS,
        technology.NORMAL_ENGINEER_SHARE,
        damaged,
    )
    return replace(state, damaged=damaged)
