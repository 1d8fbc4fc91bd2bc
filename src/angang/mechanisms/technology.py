"""Technology transfer and geopolitics: whose technology a plant gets depends on alliances.

Each foreign power has a technology frontier (an input path, see the scenario's
``initial.frontier``). A plant's technology moves toward the frontier of every power its
region's ruler is allied with, at a rate set by the alliance's strength and by the plant's
absorptive capacity — its domestic engineers and the foreign experts present, each expert
worth several engineers. Hostile or neutral powers transfer nothing. Indigenous learning
is slow. Knowledge also spreads from Angang to other planned SOEs through staff transfers
and training, and carries Angang's own mix of sources with it. Each plant keeps the
provenance of its technology by source (domestic or a power), and the year's transferred
technology is recorded by source power.

This is how the model lets geopolitics dictate the sources of technology: German technology
to Manchukuo, American to the Nationalists, Soviet to the PRC in the 1950s, Japanese and
Western after the 1960s.

References
----------
Hirata, *Making Mao's Steelworks* (2024), Introduction ('Geopolitics of Technology
Transfers') and the outline of ch. 4; Amsden, *Asia's Next Giant* (1989); Link, *Forging
Global Fordism* (2020) — both cited there.
"""

from __future__ import annotations

import numpy as np

from angang.engine.aggregate import sum_short
from angang.engine.rng import Streams
from angang.engine.state import DOMESTIC_COHORTS, Params, State, replace
from angang.engine.world import Levers, World, is_soe
from angang.ids import WORKS

ENGINEERS = 2  #: cohort index of domestic engineers
NORMAL_ENGINEER_SHARE = 0.1  #: engineers per worker at which absorptive capacity is full


def absorptive_capacity(state: State, params: Params) -> np.ndarray:
    """(B, N) in [0, 1]: engineers and foreign experts (on the staff, or on site with a
    key-point project) relative to the workforce."""
    wf = state.workforce
    domestic = sum_short(wf[..., :DOMESTIC_COHORTS])
    experts = sum_short(wf[..., DOMESTIC_COHORTS:]) + sum_short(state.on_site)
    skilled = wf[..., ENGINEERS] + params.expert_weight * experts
    # a plant with next to no staff (a campaign plant its peasants have left) can have an
    # infinite ratio; clipped, it simply counts as full. A staff so small that the expected
    # engineers round to zero counts as none (not 0/0)
    expected = NORMAL_ENGINEER_SHARE * domestic
    with np.errstate(over="ignore"):
        ratio = np.divide(skilled, expected, out=np.zeros_like(domestic), where=expected > 0)
    return np.clip(ratio, 0.0, 1.0)


def step(state: State, world: World, params: Params, rng: Streams) -> State:
    """Close part of the gap to allied frontiers; learn at home; spread Angang's know-how."""
    lay = world.layout
    year = state.year
    frontier = world.timeline.frontier[world.timeline.row(year)]  # (P,)
    allied = np.maximum(0.0, state.relations())[:, lay.region]  # (B, N, P)
    absorb = absorptive_capacity(state, params)
    tech = state.tech
    gap = np.maximum(0.0, frontier[None, None, :] - tech[..., None])  # (B, N, P)
    foreign = params.transfer_rate[..., None] * allied * absorb[..., None] * gap
    # several allies cannot together push a plant beyond the best frontier on offer
    best_gap = gap.max(axis=2)
    total = foreign.sum(axis=2)
    scale = np.divide(best_gap, total, out=np.ones_like(total), where=total > best_gap)
    foreign = foreign * np.minimum(1.0, scale)[..., None]
    home = params.indigenous_rate * absorb * (1.0 - tech)
    diffused, angang_mix = _from_angang(state, world, params)
    active = state.active[..., None]
    foreign = foreign * active  # an empty slot passes on no transfer
    # an empty slot learns nothing and keeps what it had (the compiled kernel skips it)
    new_tech = np.where(
        state.active, np.clip(tech + foreign.sum(axis=2) + home + diffused, 0.0, 1.0), tech
    )
    gained = np.concatenate([home[..., None], foreign], axis=2) + diffused[..., None] * angang_mix
    weighted = tech[..., None] * state.provenance + gained
    mass = weighted.sum(axis=2, keepdims=True)
    provenance = np.divide(weighted, mass, out=state.provenance.copy(), where=(mass > 0) & active)
    value = state.capacity * lay.slot_price
    transfer = (foreign * value[..., None]).sum(axis=1)  # (B, P)
    return replace(state, tech=new_tech, provenance=provenance, transfer=transfer)


def _from_angang(state: State, world: World, params: Params) -> tuple[np.ndarray, np.ndarray]:
    """Gain (B, N) of planned SOEs from Angang's know-how, and Angang's source mix (B, 1, 1+P)."""
    slot = world.layout.work_slot[WORKS.index("angang")]
    mix = np.zeros((state.runs, 1, state.provenance.shape[2]))
    if slot < 0:
        mix[..., 0] = 1.0
        return np.zeros_like(state.tech), mix
    lead = state.tech[:, slot : slot + 1] * state.active[:, slot : slot + 1]
    planning = state.lever(Levers.PLANNING)[:, world.layout.region]
    receivers = is_soe(state.owner) & state.active
    receivers[:, slot] = False
    gain = params.diffusion_rate * planning * np.maximum(0.0, lead - state.tech) * receivers
    mix[:, 0, :] = state.provenance[:, slot, :]
    return gain, mix
