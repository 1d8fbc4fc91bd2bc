"""Compiled per-plant control, power and claim (:mod:`angang.mechanisms.local_politics`)."""

from __future__ import annotations

import numpy as np
from numba import uint64

from angang.engine.compiled import kernel
from angang.engine.rng import Streams
from angang.engine.state import Params, State, replace, writable
from angang.engine.world import SOE_BY_CODE, World
from angang.mechanisms import local_politics
from angang.model.kernels.slots import bounded, piece, span


@kernel
def _control(  # pragma: no cover - compiled
    active: np.ndarray,
    owner: np.ndarray,
    management: np.ndarray,
    ministry_control: np.ndarray,
    director_power: np.ndarray,
    hold: np.ndarray,
    committee_power: np.ndarray,
    centralization: np.ndarray,
    campaign: np.ndarray,
    region: np.ndarray,
    committee: np.ndarray,
    ministry_share: np.ndarray,
    director_share: np.ndarray,
    soe_by_code: np.ndarray,
    speed: np.ndarray,
    mobilization_strength: np.ndarray,
    claim_rate: np.ndarray,
    cell_start: np.ndarray,
    cell_size: np.ndarray,
    campaign_slots: np.ndarray,
    reach: np.ndarray,
    claim: np.ndarray,
) -> None:
    """:func:`angang.mechanisms.local_politics.step`'s per-plant control, power and claim:
    updates ``ministry_control`` and ``director_power`` in place and writes ``claim`` (all
    three the state's own arrays or copies of them, :func:`writable`; a slot's old values
    are read before its new ones are written). A plant that is not an active SOE keeps its
    control and power, and has no claim on it; a slot no plant has stood in keeps what it
    has held since the first year."""
    n_runs = active.shape[0]
    reach = bounded(reach, cell_size, campaign_slots, active.shape[1])
    for b in range(n_runs):
        for cell in range(cell_start.size):
            lo, mid, tail, hi = span(cell_start, cell_size, campaign_slots, reach, b, cell)
            for part in range(2):  # the slots that have held a plant, then the campaign slot
                start, stop = piece(lo, mid, tail, hi, part)
                for n in range(uint64(start), uint64(stop)):
                    if not (soe_by_code[owner[b, n]] and active[b, n]):  # not an SOE: unchanged
                        claim[b, n] = 0.0
                        continue
                    r = region[n]
                    system = management[b, r]
                    tilt = 0.75 + 0.25 * centralization[b, r]
                    m_target = ministry_share[system] * tilt * (1.0 - hold[b, n])
                    d_target = director_share[system] * (1.0 - hold[b, n])
                    mc = ministry_control[b, n]
                    dp = director_power[b, n]
                    m = mc + speed[b] * (m_target - mc)
                    c = committee_power[b, committee[n]]
                    mobilized = mobilization_strength[b] * campaign[b, r] * c * dp
                    d = dp + speed[b] * (d_target - dp) - mobilized
                    m = min(max(m, 0.0), 1.0)
                    ministry_control[b, n] = m
                    director_power[b, n] = min(max(d, 0.0), 1.0)
                    claim[b, n] = claim_rate[b] * (1.0 - m) * c


def local_politics_step(state: State, world: World, params: Params, rng: Streams) -> State:
    """The compiled :func:`angang.mechanisms.local_politics.step` (same results)."""
    del rng
    lay = world.layout
    hold, committee_power, centralization, campaign = local_politics.committees(
        state, world, params
    )
    ministry, director, claim = (
        writable(state, name) for name in ("ministry_control", "director_power", "claim")
    )
    _control(
        state.active,
        state.owner,
        state.management,
        ministry,
        director,
        hold,
        committee_power,
        centralization,
        campaign,
        lay.region,
        lay.committee,
        local_politics.MINISTRY_SHARE,
        local_politics.DIRECTOR_SHARE,
        SOE_BY_CODE,
        params.control_adjustment[:, 0],
        params.mobilization_strength[:, 0],
        params.claim_rate[:, 0],
        lay.cell_start,
        lay.cell_size,
        lay.campaign_slots,
        state.reach,
        claim,
    )
    return replace(
        state,
        committee_power=committee_power,
        ministry_control=ministry,
        director_power=director,
        committee_hold=hold,
        claim=claim,
    )
