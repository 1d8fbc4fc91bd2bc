"""Horizontal bargaining: the ministry (tiaotiao) and local party committees (kuaikuai).

Every SOE answers to two lines: the industrial ministry in Beijing, through its director,
and the local party committee (six regional committees and the Anshan City Committee),
through its party secretary. The management system in force sets how control should be
split — the Soviet-style one-chief system (1953-56) gives the ministry and the director the
upper hand; its abandonment (1956) and the party-committee system, the revolutionary
committees of the Cultural Revolution (1967) and, for Angang, the merger with the Anshan
City Government (1958) and the Angang Constitution (1960) hand it to committees; the director
responsibility system (1984) swings it back. The centralization lever tilts the split
further. Actual control moves toward what the rules prescribe at a finite speed, while
committees, strongest in campaigns, mobilize workers against managers and claim SOE
resources for welfare, housing and local projects. The tiao-kuai *tension* of an SOE is
highest where control is most contested (near an even split) and committees are strong.

References
----------
Hirata, *Making Mao's Steelworks* (2024), Introduction ('State-Owned Enterprises in Local
Politics') and the outlines of chs. 5 and 7; Kawai, *Chūgoku kigyō to Soren moderu*
(one-chief system), cited there.
"""

from __future__ import annotations

import numpy as np

from angang.engine.rng import Streams
from angang.engine.state import Params, State, replace
from angang.engine.world import Levers, World, is_soe
from angang.ids import COMMITTEES, LOCALITIES, REGIONS, WORKS
from angang.scenario.schema import MANAGEMENT_SYSTEMS, MergerEvent

#: management system -> (ministry's share of control, director's share of power) it
#: prescribes; magnitudes are assumptions, the ordering follows the sources above
PRESCRIBED = {
    "colonial-company": (0.8, 0.8),
    "one-chief": (0.9, 0.9),
    "party-committee": (0.5, 0.35),
    "revolutionary-committee": (0.2, 0.1),
    "director-responsibility": (0.75, 0.85),
}
MINISTRY_SHARE = np.array([PRESCRIBED[m][0] for m in MANAGEMENT_SYSTEMS])
DIRECTOR_SHARE = np.array([PRESCRIBED[m][1] for m in MANAGEMENT_SYSTEMS])
#: committee power = these weights on (1 - centralization) and on campaign intensity
FROM_DECENTRALIZATION, FROM_CAMPAIGNS = 0.6, 0.4
#: the region each committee sits in (Anshan's in the Northeast)
COMMITTEE_REGION = np.array([REGIONS.index(LOCALITIES.get(c, c)) for c in COMMITTEES])


def step(state: State, world: World, params: Params, rng: Streams) -> State:
    """Move control toward the management system's split; committees mobilize and claim."""
    lay = world.layout
    hold, committee_power, centralization, campaign = committees(state, world, params)
    system = state.management[:, lay.region]  # (B, N)
    tilt = 0.75 + 0.25 * centralization[:, lay.region]
    m_target = MINISTRY_SHARE[system] * tilt * (1.0 - hold)
    d_target = DIRECTOR_SHARE[system] * (1.0 - hold)
    speed = params.control_adjustment
    ministry = state.ministry_control + speed * (m_target - state.ministry_control)
    c = committee_power[:, lay.committee]
    mobilized = params.mobilization_strength * campaign[:, lay.region] * c * state.director_power
    director = state.director_power + speed * (d_target - state.director_power) - mobilized
    subject = is_soe(state.owner) & state.active
    ministry = np.where(subject, np.clip(ministry, 0.0, 1.0), state.ministry_control)
    director = np.where(subject, np.clip(director, 0.0, 1.0), state.director_power)
    claim = np.where(subject, params.claim_rate * (1.0 - ministry) * c, 0.0)
    return replace(
        state,
        committee_power=committee_power,
        ministry_control=ministry,
        director_power=director,
        committee_hold=hold,
        claim=claim,
    )


def committees(
    state: State, world: World, params: Params
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Committees' holds over merged works (B, N) and power (B, C), with the centralization
    and the campaign intensity (B, R) they follow: committees run production campaigns and
    lead political mobilization alike, and gain power as the centre lets go and as they
    run campaigns."""
    hold = _merge_holds(state, world, params)
    centralization = state.lever(Levers.CENTRALIZATION)
    campaign = np.maximum(state.lever(Levers.CAMPAIGN_INTENSITY), state.lever(Levers.MOBILIZATION))
    target_c = np.clip(
        FROM_DECENTRALIZATION * (1.0 - centralization) + FROM_CAMPAIGNS * campaign, 0.0, 1.0
    )  # (B, R)
    target_committee = target_c[:, COMMITTEE_REGION]
    committee_power = state.committee_power + params.control_adjustment * (
        target_committee - state.committee_power
    )
    return hold, committee_power, centralization, campaign


def _merge_holds(state: State, world: World, params: Params) -> np.ndarray:
    """Committees' holds over merged works: fade each year, grow with this year's mergers."""
    hold = state.committee_hold * (1.0 - params.hold_decay)
    for e in world.timeline.discrete.get(state.year, []):
        if isinstance(e, MergerEvent):
            slot = world.layout.work_slot[WORKS.index(e.work)]
            if slot >= 0:
                hold[:, slot] = 1.0 - (1.0 - hold[:, slot]) * (1.0 - e.control)
    return hold


def tension(state: State, world: World, slots: slice = slice(None)) -> np.ndarray:
    """(B, N): tiao-kuai tension of each SOE in [0, 1] (0 for non-SOEs); of the slots
    ``slots`` only, if given."""
    m = state.ministry_control[:, slots]
    contested = 4.0 * m * (1.0 - m)
    strength = 0.5 + 0.5 * state.committee_power[:, world.layout.committee[slots]]
    return contested * strength * (is_soe(state.owner[:, slots]) & state.active[:, slots])
